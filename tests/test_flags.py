"""The deadline and red-flag rules: working hours, holidays, responses exactly at the
deadline, reopened complaints, and time zones (stored UTC, shown WIB)."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text, update

from cities import load_profile
from data_sources.db import make_engine
from data_sources.rules.deadlines import WorkCalendar
from data_sources.rules.flags import (answered_on_time, clock_for, flag_level, red_condition, refresh_flags, reopen)
from data_sources.models import Complaint, ComplaintFlag
from tests.helpers import FIXED_NOW, make_city

PROFILE = load_profile("kota_tangerang")
CAL = WorkCalendar.for_profile(PROFILE)
WIB = CAL.tz


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def test_street_light_clock_counts_calendar_hours():
    clock = clock_for(PROFILE, "pju", wib(2026, 11, 21, 22, 0))  # Saturday night, 24 h deadline
    assert clock.due_at == wib(2026, 11, 22, 22, 0)
    assert clock.amber_at == wib(2026, 11, 22, 16, 0)  # 75% of 24 h
    assert clock.due_at.tzinfo == timezone.utc  # stored UTC


def test_working_hours_clock_skips_weekend_and_holidays():
    # damaged road: 48 working hours (6 working days of 8 h); received Thursday 24 Dec 2026 15.00 WIB;
    # 25 Dec is a public holiday, 26-27 Dec a weekend
    clock = clock_for(PROFILE, "jalan", wib(2026, 12, 24, 15, 0))
    # Thu 24 Dec 1 h, Mon-Thu 28-31 Dec 32 h, 1 Jan (New Year) and 2-3 Jan (weekend) skipped, Mon 4 Jan 8 h,
    # Tue 5 Jan is Isra' Mi'raj (a holiday in 2027), Wed 6 Jan 08.00-15.00 the last 7 h
    assert CAL.is_working_day(datetime(2027, 1, 5).date()) is False
    assert clock.due_at == wib(2027, 1, 6, 15, 0)
    assert clock.amber_at == wib(2027, 1, 4, 11, 0)  # 75% = 36 working hours: 33 h by 31 Dec, 3 h on 4 Jan


def test_levels_over_time_and_a_response_exactly_at_the_deadline():
    clock = clock_for(PROFILE, "pju", wib(2026, 11, 23, 8, 0))
    assert flag_level(wib(2026, 11, 23, 9, 0), clock, None) is None
    assert flag_level(clock.amber_at, clock, None) == "amber"
    assert flag_level(clock.due_at, clock, None) == "amber"  # at the deadline it is not late yet
    assert flag_level(clock.due_at + timedelta(seconds=1), clock, None) == "red"
    assert flag_level(clock.due_at + timedelta(hours=5), clock, clock.due_at) is None
    assert answered_on_time(clock, clock.due_at) is True
    assert answered_on_time(clock, clock.due_at + timedelta(seconds=1)) is False
    assert flag_level(clock.due_at + timedelta(hours=5), clock, None, closed=True) is None


def test_times_are_reckoned_in_wib_whatever_the_input_zone():
    utc_start = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)  # Friday 15.00 WIB
    in_wib = clock_for(PROFILE, "adminduk", utc_start.astimezone(WIB))
    in_utc = clock_for(PROFILE, "adminduk", utc_start)
    assert in_wib == in_utc
    assert in_utc.due_at.astimezone(WIB) == wib(2026, 11, 24, 15, 0)  # 16 working hours: Fri 1 h, Mon 8 h, Tue 7 h


@pytest.fixture
def city(any_url):
    make_city(any_url, None)
    engine = make_engine(any_url)
    yield engine
    engine.dispose()


def _flags(conn, complaint_id):
    return conn.execute(select(ComplaintFlag.level, ComplaintFlag.flagged_at, ComplaintFlag.cleared_at)
                        .where(ComplaintFlag.complaint_id == complaint_id).order_by(ComplaintFlag.id)).all()


def test_refresh_matches_the_rule_and_is_idempotent(city):
    with city.begin() as conn:
        refresh_flags(conn, "36.71", FIXED_NOW)
        before = conn.execute(text("SELECT count(*), count(cleared_at) FROM complaint_flags")).one()
        assert refresh_flags(conn, "36.71", FIXED_NOW) == {"raised_red": 0, "cleared_red": 0, "raised_amber": 0,
                                                           "cleared_amber": 0}
        assert conn.execute(text("SELECT count(*), count(cleared_at) FROM complaint_flags")).one() == before
        open_red = conn.execute(text("SELECT count(*) FROM complaint_flags WHERE level = 'red' AND cleared_at IS NULL")
                                ).scalar_one()
        rule = conn.execute(select(Complaint.id).where(Complaint.city_code == "36.71", red_condition(FIXED_NOW))).all()
        assert open_red == len(rule) > 0
        # every red flag of an answered complaint began at its deadline and ended at its response
        late = conn.execute(text("""SELECT count(*) FROM complaints c JOIN complaint_flags f ON f.complaint_id = c.id
            AND f.level = 'red' WHERE c.first_response_at IS NOT NULL
            AND (f.flagged_at <> c.response_due_at OR f.cleared_at <> c.first_response_at)""")).scalar_one()
        assert late == 0
        on_time_flagged = conn.execute(text("""SELECT count(*) FROM complaints c JOIN complaint_flags f
            ON f.complaint_id = c.id AND f.level = 'red' WHERE c.first_response_at <= c.response_due_at""")).scalar_one()
        assert on_time_flagged == 0


def test_a_flag_clears_when_answered_and_a_reopened_complaint_starts_a_new_cycle(city):
    with city.begin() as conn:
        complaint_id = conn.execute(select(Complaint.id).where(red_condition(FIXED_NOW)).order_by(Complaint.id)
                                    .limit(1)).scalar_one()
        answered = FIXED_NOW + timedelta(minutes=10)
        conn.execute(update(Complaint).where(Complaint.id == complaint_id)
                     .values(first_response_at=answered, status="responded", updated_at=answered))
        refresh_flags(conn, "36.71", answered)
        red = [f for f in _flags(conn, complaint_id) if f.level == "red"]
        assert len(red) == 1 and red[0].cleared_at == answered
        # resolved, then reopened two days later: a fresh cycle with its own deadline and its own red flag
        resolved = answered + timedelta(hours=1)
        conn.execute(update(Complaint).where(Complaint.id == complaint_id)
                     .values(status="resolved", resolved_at=resolved, updated_at=resolved))
        reopened = resolved + timedelta(days=2)
        clock = reopen(conn, PROFILE, complaint_id, reopened)
        refresh_flags(conn, "36.71", reopened + timedelta(minutes=1))
        assert [f.level for f in _flags(conn, complaint_id) if f.cleared_at is None] == []
        late = clock.due_at + timedelta(minutes=1)
        refresh_flags(conn, "36.71", late)
        flags = _flags(conn, complaint_id)
        open_flags = [f for f in flags if f.cleared_at is None]
        assert [(f.level, f.flagged_at) for f in open_flags] == [("red", clock.due_at)]
        amber = [f for f in flags if f.level == "amber" and f.flagged_at == clock.amber_at]
        assert len(amber) == 1 and amber[0].cleared_at == clock.due_at  # amber ended when it turned red
        row = conn.execute(select(Complaint.reopen_count, Complaint.status).where(Complaint.id == complaint_id)).one()
        assert tuple(row) == (1, "reopened")


def test_incremental_refresh_gives_the_same_record_as_a_full_one(city):
    """Refreshing every 30 minutes with ``since`` ends with exactly the flags a full refresh gives."""
    record = ("SELECT complaint_id, level, flagged_at, cleared_at FROM complaint_flags "
              "ORDER BY complaint_id, level, flagged_at")
    with city.begin() as conn:
        previous = FIXED_NOW
        for step in range(1, 13):
            moment = FIXED_NOW + timedelta(minutes=30 * step)
            refresh_flags(conn, "36.71", moment, since=previous)
            previous = moment
        incremental = conn.execute(text(record)).all()
        conn.execute(text("DELETE FROM complaint_flags"))
        refresh_flags(conn, "36.71", previous)
        full = conn.execute(text(record)).all()
    assert incremental == full
    assert any(level == "red" and cleared is None for _, level, _, cleared in full)


def test_refresh_of_listed_complaints_gives_the_same_record_as_a_full_one(city):
    """An ingest batch's refresh (``complaint_ids``, the new ones also in ``created_ids``) raises
    and clears exactly what a full refresh would, finding the flags by complaint."""
    record = ("SELECT complaint_id, level, flagged_at, cleared_at FROM complaint_flags "
              "ORDER BY complaint_id, level, flagged_at")
    with city.begin() as conn:
        refresh_flags(conn, "36.71", FIXED_NOW)
        red = conn.execute(select(Complaint.id).where(red_condition(FIXED_NOW)).order_by(Complaint.id)).scalars().all()
        answered, new = red[:5], red[5:10]  # new: as if this batch had just created them, so without flags
        conn.execute(update(Complaint).where(Complaint.id.in_(answered))
                     .values(first_response_at=FIXED_NOW, status="responded", updated_at=FIXED_NOW))
        conn.execute(ComplaintFlag.__table__.delete().where(ComplaintFlag.complaint_id.in_(new)))
        counts = refresh_flags(conn, "36.71", FIXED_NOW, complaint_ids=answered + new, created_ids=new)
        assert counts["cleared_red"] == len(answered) and counts["raised_red"] == len(new)
        listed = conn.execute(text(record)).all()
        assert refresh_flags(conn, "36.71", FIXED_NOW, complaint_ids=answered + new) == {
            "raised_red": 0, "cleared_red": 0, "raised_amber": 0, "cleared_amber": 0}
        conn.execute(text("DELETE FROM complaint_flags"))
        refresh_flags(conn, "36.71", FIXED_NOW)
        full = conn.execute(text(record)).all()
    assert listed == full
