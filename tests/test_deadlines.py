"""Deadlines in calendar hours and in working hours (weekends and public holidays excluded)."""
from datetime import datetime, timezone

from cities import load_profile
from data_sources.rules.deadlines import WorkCalendar, due_at

CAL = WorkCalendar.for_profile(load_profile("kota_tangerang"))


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=CAL.tz)


def test_calendar_hours_ignore_weekends():
    received = wib(2026, 11, 21, 22, 0)  # Saturday night
    assert due_at(received, 24, False, CAL) == wib(2026, 11, 22, 22, 0)


def test_working_hours_skip_the_weekend():
    friday_afternoon = wib(2026, 11, 20, 15, 0)
    assert due_at(friday_afternoon, 2, True, CAL) == wib(2026, 11, 23, 9, 0)


def test_working_hours_skip_public_holidays():
    # 25 December is a public holiday; 26-27 December 2026 is a weekend
    assert due_at(wib(2026, 12, 24, 15, 0), 2, True, CAL) == wib(2026, 12, 28, 9, 0)


def test_received_outside_office_hours_starts_counting_next_morning():
    assert due_at(wib(2026, 11, 23, 20, 0), 1, True, CAL) == wib(2026, 11, 24, 9, 0)
    assert due_at(wib(2026, 11, 24, 6, 30), 8, True, CAL) == wib(2026, 11, 24, 16, 0)


def test_results_are_utc():
    due = due_at(wib(2026, 11, 23, 9, 0), 1, True, CAL)
    assert due.tzinfo == timezone.utc and due.hour == 3
