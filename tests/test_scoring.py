"""The rules that judge figures against targets (``rules.scoring``) and the reporting periods
(``rules.reporting``)."""
from __future__ import annotations

import math
from datetime import date

import pytest

from data_sources.rules import reporting, scoring


@pytest.mark.parametrize(("value", "target", "direction", "expected"), [
    (90, 90, "higher", "met"), (95, 90, "higher", "met"), (81, 90, "higher", "close"), (80.99, 90, "higher", "missed"),
    (15, 15, "lower", "met"), (10, 15, "lower", "met"), (16.5, 15, "lower", "close"), (17, 15, "lower", "missed"),
    (0, 15, "lower", "met"), (None, 90, "higher", "no_data"), (math.nan, 90, "higher", "no_data"),
])
def test_indicator_status_by_direction(value, target, direction, expected):
    assert scoring.indicator_status(value, target, direction, close_share=0.9) == expected


@pytest.mark.parametrize(("value", "amber", "direction", "expected"), [
    (90, 80, "higher", "met"), (85, 80, "higher", "close"), (80, 80, "higher", "close"), (79.9, 80, "higher", "missed"),
    (85, None, "higher", "missed"), (15, 20, "lower", "met"), (20, 20, "lower", "close"), (20.5, 20, "lower", "missed"),
    (None, 80, "higher", "no_data"),
])
def test_kpi_status_with_and_without_an_amber_threshold(value, amber, direction, expected):
    target = 90 if direction == "higher" else 15
    assert scoring.kpi_status(value, target, direction, amber) == expected


def test_scoring_caps_achievement_so_a_miss_is_never_fully_met():
    far_over = scoring.capped(scoring.achievement(300, 100, "higher"))
    missed = scoring.capped(scoring.achievement(50, 100, "higher"))
    assert far_over == 1.0 and missed == 0.5
    score = scoring.weighted_score([far_over, far_over, missed], [1, 1, 1])
    assert score == pytest.approx(2.5 / 3) and not scoring.fully_met(score)
    barely = scoring.weighted_score([1.0] * 99 + [scoring.capped(scoring.achievement(60, 100, "higher"))], [1] * 100)
    assert barely == pytest.approx(0.996) and scoring.shown_percent(barely) == 99  # never reads as 100 %
    assert scoring.shown_percent(scoring.weighted_score([1.0, 1.0], [1, 2])) == 100


def test_weights_count_and_missing_values_are_left_out_not_zero():
    assert scoring.weighted_score([1.0, 0.5], [3, 1]) == pytest.approx(0.875)
    assert scoring.weighted_score([1.0, math.nan], [1, 5]) == 1.0
    assert math.isnan(scoring.weighted_score([math.nan], [1])) and scoring.shown_percent(math.nan) is None
    assert scoring.capped(scoring.achievement(12, 15, "lower")) == 1.0  # lower is better, inverted
    assert scoring.achievement(30, 15, "lower") == 0.5


def test_changes_say_what_they_are_measured_in():
    assert scoring.change(86.0, 80.0, "%") == (6.0, "pp")
    assert scoring.change(4.1, 3.8, "indeks") == pytest.approx((0.3, "indeks"))
    assert scoring.change(None, 3.8, "indeks") is None


def test_reporting_periods_open_due_and_late():
    today = date(2026, 12, 1)
    assert reporting.period_start(date(2026, 8, 17), "quarterly") == date(2026, 7, 1)
    assert reporting.last_closed(today, "monthly") == date(2026, 11, 1)
    assert reporting.last_closed(today, "quarterly") == date(2026, 7, 1)
    assert reporting.last_closed(today, "yearly") == date(2025, 1, 1)
    assert reporting.open_periods(today, "monthly") == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    assert reporting.late_since(date(2026, 10, 1), "monthly") == date(2026, 11, 11)
    reported = {date(2026, 8, 1), date(2026, 10, 1)}
    assert reporting.late_periods(reported, today, "monthly", date(2026, 8, 1)) == [date(2026, 9, 1)]  # Nov not late yet
    assert reporting.late_periods(set(), date(2026, 12, 11), "monthly", date(2026, 11, 1)) == [date(2026, 11, 1)]
    assert reporting.label(date(2026, 7, 1), "quarterly", "id") == "T3 2026"
    assert reporting.label(date(2026, 7, 1), "quarterly", "en") == "Q3 2026"
    assert reporting.label(date(2026, 8, 1), "monthly", "id") == "Agu 2026"
