"""Local days and periods (``rules.periods``): the one parser that the complaints page, its API,
the briefing and its exports share, with ``from``/``to`` and the older ``start``/``end``."""
from datetime import date, datetime, timedelta, timezone

import pytest

from cities import load_profile
from data_sources.queries.filters import parse_filter
from data_sources.rules.periods import (MIN_DAY, Period, PeriodError, local_day_start, local_days, local_midnight,
                                        local_month_start, local_today, parse_period)
from reports import briefing
from tests.helpers import FIXED_NOW

TZ = "Asia/Jakarta"
PROFILE = load_profile("kota_tangerang")


def test_local_days_are_wib_days_and_their_midnights_are_utc_instants():
    late = datetime(2026, 11, 23, 18, 0, tzinfo=timezone.utc)  # 01.00 WIB on the 24th
    assert local_today(late, TZ) == date(2026, 11, 24)
    assert local_midnight(date(2026, 11, 24), TZ) == datetime(2026, 11, 23, 17, tzinfo=timezone.utc)
    assert local_day_start(late, TZ) == datetime(2026, 11, 23, 17, tzinfo=timezone.utc)
    assert local_month_start(FIXED_NOW, TZ) == datetime(2026, 10, 31, 17, tzinfo=timezone.utc)
    assert local_days(datetime(2026, 11, 22, 16, tzinfo=timezone.utc), datetime(2026, 11, 23, 17, tzinfo=timezone.utc),
                      TZ) == [date(2026, 11, 22), date(2026, 11, 23)]


@pytest.mark.parametrize("params, key, first, last, problems", [
    ({}, "7d", date(2026, 11, 17), date(2026, 11, 23), []),
    ({"period": "30d"}, "30d", date(2026, 10, 25), date(2026, 11, 23), []),
    ({"from": "2026-11-01", "to": "2026-11-14"}, "custom", date(2026, 11, 1), date(2026, 11, 14), []),
    ({"start": "2026-11-01", "end": "2026-11-14"}, "custom", date(2026, 11, 1), date(2026, 11, 14), []),  # old names
    ({"period": "custom", "start": "2026-11-01", "end": "2026-11-14"}, "custom", date(2026, 11, 1), date(2026, 11, 14), []),
    ({"period": ["7d", "30d"]}, "30d", date(2026, 10, 25), date(2026, 11, 23), []),  # repeated: the last wins
    ({"period": "year"}, "7d", date(2026, 11, 17), date(2026, 11, 23), ["period.problem.period"]),
    ({"period": "year", "start": "2026-11-20"}, "custom", date(2026, 11, 20), date(2026, 11, 23),
     ["period.problem.period"]),  # the valid start is kept
    ({"from": "2026-11-01", "to": "soon"}, "custom", date(2026, 11, 1), date(2026, 11, 23), ["period.problem.date"]),
    ({"from": "nope", "to": "2026-11-10"}, "custom", date(2026, 11, 4), date(2026, 11, 10), ["period.problem.date"]),
    ({"from": "2026-11-12", "to": "2026-11-10"}, "custom", date(2026, 11, 10), date(2026, 11, 12),
     ["period.problem.swapped"]),
    ({"from": "2026-11-20", "to": "2026-12-31"}, "custom", date(2026, 11, 20), date(2026, 11, 23),
     ["period.problem.future"]),
    ({"from": "9999-12-01", "to": "9999-12-31"}, "custom", date(2026, 11, 23), date(2026, 11, 23),
     ["period.problem.future", "period.problem.future"]),
    ({"from": "0001-01-01", "to": "2000-01-03"}, "custom", MIN_DAY, date(2000, 1, 3), ["period.problem.too_early"]),
    ({"period": "custom"}, "7d", date(2026, 11, 17), date(2026, 11, 23), ["period.problem.no_dates"]),
    ({"period": "30d", "from": "2026-11-01"}, "30d", date(2026, 10, 25), date(2026, 11, 23),
     ["period.problem.dates_ignored"]),
    ({"from": "2020-01-01", "to": "2026-11-01"}, "custom", date(2025, 11, 1), date(2026, 11, 1),
     ["period.problem.too_long"]),
])
def test_the_briefing_period_from_a_url(params, key, first, last, problems):
    p = briefing.parse(params, FIXED_NOW, TZ)
    assert (p.key, p.first_day, p.last_day) == (key, first, last)
    assert [problem.key for problem in p.problems] == problems
    again = briefing.parse(p.query_params(), FIXED_NOW, TZ)  # the canonical query gives the same period
    assert again == p and not again.problems
    previous = p.previous()
    assert previous.last_day == p.first_day - timedelta(days=1) and previous.days == p.days
    assert previous.end - previous.start == p.end - p.start


def test_period_bounds_are_local_midnights_in_utc_and_the_canonical_names_are_from_and_to():
    p = briefing.parse({"start": "2026-11-01", "end": "2026-11-14"}, FIXED_NOW, TZ)
    assert p.start == datetime(2026, 10, 31, 17, tzinfo=timezone.utc)  # 1 Nov 00.00 WIB
    assert p.end == datetime(2026, 11, 14, 17, tzinfo=timezone.utc)
    assert p.previous().start == datetime(2026, 10, 17, 17, tzinfo=timezone.utc)
    assert p.query_string() == "?period=custom&from=2026-11-01&to=2026-11-14"


def test_a_period_up_to_now_is_cut_at_now_and_so_is_its_previous_period():
    p = briefing.parse({}, FIXED_NOW, TZ)
    assert p.cut and p.end == FIXED_NOW
    previous = p.previous()
    assert previous.start == datetime(2026, 11, 9, 17, tzinfo=timezone.utc)
    assert previous.end == previous.start + (FIXED_NOW - p.start)  # the same hours of its last day


@pytest.mark.parametrize("params", [
    {"period": "custom", "from": "2026-11-01", "to": "2026-11-10"},
    {"from": "2026-11-01", "to": "2026-11-10"},
    {"start": "2026-11-01", "end": "2026-11-10"},
    {"period": "custom", "start": "2026-11-01", "to": "2026-11-10"},
])
def test_the_complaints_filter_and_the_briefing_read_both_names_alike(params):
    flt = parse_filter(params, PROFILE, FIXED_NOW, strict=True)
    p = briefing.parse(params, FIXED_NOW, TZ)
    assert (flt.first_day, flt.last_day) == (p.first_day, p.last_day) == (date(2026, 11, 1), date(2026, 11, 10))
    assert flt.query_params() == {"period": "custom", "from": "2026-11-01", "to": "2026-11-10"}


def test_the_same_link_keeps_each_consumers_choices_and_limits():
    # the complaints page offers "today" and "this month", and ranges up to three years
    assert parse_filter({"period": "month"}, PROFILE, FIXED_NOW).first_day == date(2026, 11, 1)
    assert briefing.parse({"period": "month"}, FIXED_NOW, TZ).problems[0].key == "period.problem.period"
    two_years = {"from": "2024-11-24", "to": "2026-11-23"}
    assert not parse_filter(two_years, PROFILE, FIXED_NOW).problems
    assert briefing.parse(two_years, FIXED_NOW, TZ).days == briefing.MAX_DAYS


def test_a_stored_period_comes_back_as_it_was_and_a_forged_one_is_refused():
    p = briefing.parse({"from": "2026-11-01", "to": "2026-11-23"}, FIXED_NOW, TZ)
    assert Period.from_store(p.to_store()) == p
    for forged in (None, "7d", {}, p.to_store() | {"from": "2026-13-01"}, p.to_store() | {"period": "year"},
                   p.to_store() | {"tz": "Mars/Olympus"}, p.to_store() | {"start": "2026-11-01T00:00:00"},
                   p.to_store() | {"cut": "yes"}, p.to_store() | {"from": "2026-11-30"}):
        with pytest.raises(PeriodError):
            Period.from_store(forged)


def test_parse_period_alone_never_fails_on_odd_values():
    for value in ("", " ", "2026-02-30", "2026-11-01T25:00", "-1", "1" * 400, "\x00", "2026-11-01'--"):
        p = parse_period({"period": value, "from": value, "to": value}, FIXED_NOW, TZ)
        assert p.start < p.end
