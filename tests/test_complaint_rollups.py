"""Daily complaint roll-ups: the figures read from them equal the figures read from the raw
rows (the same queries with the city's roll-ups unmarked), on SQLite and PostgreSQL, for
periods cut at now, whole years, filters, and after writes that change past days."""
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pandas as pd
import pytest
from sqlalchemy import create_engine, delete, func, literal, select, text

from cities import load_profile
from data_sources import models as m
from data_sources.ingest.batch import find_source
from data_sources.ingest.complaints import store_complaints, store_updates
from data_sources.queries import complaints
from data_sources.queries.filters import parse_filter
from data_sources.rules import complaint_rollups as rollups
from data_sources.rules.periods import local_day_start
from tests.helpers import FIXED_NOW

PROFILE = load_profile("kota_tangerang")
TZ = PROFILE.timezone
NOW = FIXED_NOW
TODAY = NOW.astimezone(timezone(timedelta(hours=7))).date()

VIEWS = [
    {"period": "today"},
    {"period": "7d"},
    {"period": "30d"},
    {"period": "month"},
    {"period": "custom", "from": (TODAY - timedelta(days=365)).isoformat(), "to": TODAY.isoformat()},
    {"period": "custom", "from": (TODAY - timedelta(days=40)).isoformat(), "to": (TODAY - timedelta(days=3)).isoformat()},
    {"period": "30d", "category": "pju,banjir"},
    {"period": "30d", "kecamatan": "36.71.01", "status": "received,assigned,responded,in_progress,reopened"},
    {"period": "custom", "from": (TODAY - timedelta(days=200)).isoformat(), "to": TODAY.isoformat(), "agency": "DPUPR"},
    # cut at now (as the briefing cuts its period): today's part is read from the raw rows
    {"period": "month", "cut": True},
    {"period": "custom", "from": (TODAY - timedelta(days=365)).isoformat(), "to": TODAY.isoformat(), "cut": True},
    {"period": "30d", "category": "banjir", "cut": True},
]


def _figures(url: str, query_context, params: dict) -> dict:
    """Every period figure the pages read for one filter, through the query layer."""
    query_context(url)
    params = dict(params)
    flt = parse_filter(params, PROFILE, NOW)
    if params.pop("cut", False):
        flt = replace(flt, period=flt.period.cut_at(NOW))
    day_start = local_day_start(NOW, TZ)
    return {
        "summary": complaints.summary(flt, NOW, day_start),
        "by_kecamatan": complaints.by_kecamatan(flt, NOW),
        "by_category": complaints.by_category(flt, NOW),
        "by_agency": complaints.by_agency(flt, NOW),
        "trend": complaints.trend(flt, TZ, "day"),
        "trend_hour": complaints.trend(flt, TZ, "hour"),
        "locations": complaints.locations(flt, max_points=500),  # the test city's grid at every size
        "locations_coarse": _coarse_locations(flt),
    }


def _coarse_locations(flt) -> dict:
    """The map's grid drawn at the roll-ups' cell size, as for a city of over 100,000 complaints."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(complaints, "_grid_size", lambda points: rollups.CELL_DEGREES)
        return complaints.locations(flt, max_points=100)


def _raw_figures(url: str, query_context, params: dict) -> dict:
    """The same figures with the city's roll-ups unmarked: raw rows only."""
    engine = create_engine(url)
    with engine.begin() as conn:
        built = conn.execute(select(m.ComplaintRollupMark.built_at)).scalar_one()
        conn.execute(delete(m.ComplaintRollupMark))
    try:
        return _figures(url, query_context, params)
    finally:
        with engine.begin() as conn:
            conn.execute(m.ComplaintRollupMark.__table__.insert().values(city_code=PROFILE.code, built_at=built))
        engine.dispose()


def _assert_same(rolled: dict, raw: dict) -> None:
    assert rolled["summary"] == raw["summary"]
    for name in ("by_kecamatan", "by_category", "by_agency", "trend", "trend_hour"):
        pd.testing.assert_frame_equal(rolled[name], raw[name], check_dtype=False, obj=name)
    for name in ("locations", "locations_coarse"):
        located, located_raw = rolled[name], raw[name]
        assert {k: v for k, v in located.items() if k != "frame"} == {
            k: v for k, v in located_raw.items() if k != "frame"}
        order = ["lat", "lon"]
        pd.testing.assert_frame_equal(located["frame"].sort_values(order, ignore_index=True),
                                      located_raw["frame"].sort_values(order, ignore_index=True), check_dtype=False)


ROLLUP_QUERIES = [
    f"SELECT {when}, kecamatan_id, category_id, agency_id, status, received, answered, answered_on_time, "
    f"unanswered_due, resolved FROM complaint_{level} ORDER BY 1, 2, 3, 4, 5" for when, level in (
        ("day", "daily"), ("month", "monthly"))] + [
    f"SELECT {when}, agency_id, bin, n FROM complaint_{level}_response ORDER BY 1, 2, 3" for when, level in (
        ("day", "daily"), ("month", "monthly"))] + [
    f"SELECT {when}, category_id, hour, n FROM complaint_{level}_hour ORDER BY 1, 2, 3" for when, level in (
        ("day", "daily"), ("month", "monthly"))] + [
    f"SELECT {when}, row, col, n FROM complaint_{level}_cell ORDER BY 1, 2, 3" for when, level in (
        ("day", "daily"), ("month", "monthly"))]


def _rollup_rows(conn) -> list[list]:
    """Every row of every roll-up table (daily and monthly figures, response bins, hours)."""
    return [[tuple(map(str, row)) for row in conn.execute(text(sql))] for sql in ROLLUP_QUERIES]


def _assert_current(url: str) -> None:
    """The incrementally kept roll-ups equal a rebuild from scratch, row for row."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            kept = _rollup_rows(conn)
            conn.rollback()
            rollups.rebuild(conn, PROFILE.code, TZ, NOW)
            rebuilt = _rollup_rows(conn)
            conn.rollback()
    finally:
        engine.dispose()
    assert kept == rebuilt
    assert all(kept), "every roll-up table holds rows"


def test_the_generated_city_is_rolled_up_and_marked(city_any):
    engine = create_engine(city_any)
    try:
        with engine.connect() as conn:
            assert rollups.is_built(conn, PROFILE.code)
            total = conn.execute(select(func.sum(m.ComplaintDaily.received))).scalar_one()
            assert total == conn.execute(select(func.count()).select_from(m.Complaint)).scalar_one()
    finally:
        engine.dispose()
    _assert_current(city_any)


def test_a_period_splits_into_months_days_and_raw_edges(city_any, query_context):
    """A custom year to today (23 Nov 2026): its whole months from the monthly tables, the days
    before the first whole month and after the last from the daily ones; the same period cut at
    now (14.30 WIB) reads today from raw rows."""
    query_context(city_any)
    flt = parse_filter(VIEWS[4], PROFILE, NOW)
    cut = replace(flt, period=flt.period.cut_at(NOW))
    engine = create_engine(city_any)
    try:
        with engine.connect() as conn:
            split, split_cut = complaints._split(conn, flt), complaints._split(conn, cut)
    finally:
        engine.dispose()
    assert split.rolled == (date(2025, 11, 23), date(2026, 11, 23))
    assert split.months == (date(2025, 12, 1), date(2026, 10, 1))
    assert split.days == ((date(2025, 11, 23), date(2025, 11, 30)), (date(2026, 11, 1), date(2026, 11, 23)))
    assert split.raw == ()
    assert split_cut.rolled == (date(2025, 11, 23), date(2026, 11, 22)) and split_cut.months == split.months
    assert split_cut.days[-1] == (date(2026, 11, 1), date(2026, 11, 22))
    assert split_cut.raw == ((datetime(2026, 11, 22, 17, tzinfo=timezone.utc), NOW),)


@pytest.mark.parametrize("params", VIEWS, ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()))
def test_rolled_up_figures_equal_the_raw_rows(city_any, query_context, params):
    rolled = _figures(city_any, query_context, params)
    assert rolled["summary"]["received"] > 0 or params["period"] == "today"
    _assert_same(rolled, _raw_figures(city_any, query_context, params))


def _complaint(external_id: str, received_at: datetime, **extra) -> dict:
    return {"external_id": external_id, "category": "banjir", "lat": -6.18881, "lon": 106.64063, "description": "Genangan",
            "received_at": received_at.isoformat(), **extra}


def test_writes_that_change_past_days_keep_the_roll_ups_exact(writable_city_any, query_context):
    """Late responses, a reopened complaint, a complaint moved to another day, and new ones at
    both sides of local midnight (17.00 UTC is 00.00 WIB): the kept roll-ups equal a rebuild,
    and every view's figures equal the raw rows."""
    url = writable_city_any
    midnight = datetime.combine(TODAY - timedelta(days=10), datetime.min.time(), timezone(timedelta(hours=7)))
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            source = find_source(conn, PROFILE.code, "complaints")
            old = conn.execute(select(m.Complaint.external_id, m.Complaint.received_at).where(
                m.Complaint.source_id == source.id, m.Complaint.first_response_at.is_(None),
                m.Complaint.received_at < NOW - timedelta(days=20)).order_by(m.Complaint.id).limit(3)).all()
            resolved = conn.execute(select(m.Complaint.external_id).where(
                m.Complaint.source_id == source.id, m.Complaint.status == "resolved",
                m.Complaint.received_at < NOW - timedelta(days=40)).limit(1)).scalar_one()
            outcomes = store_complaints(conn, PROFILE, source, [
                _complaint("edge-before", midnight - timedelta(seconds=1)),
                _complaint("edge-at", midnight, responded_at=(midnight + timedelta(minutes=50)).isoformat(),
                           status="responded", updated_at=(midnight + timedelta(minutes=50)).isoformat()),
                _complaint("today-new", NOW - timedelta(minutes=5)),
            ], NOW)
            assert [o.result for o in outcomes] == ["created"] * 3, [o.reason for o in outcomes]
            late = [{"external_id": external_id, "status": "responded", "at": (NOW - timedelta(hours=1)).isoformat()}
                    for external_id, _ in old[:2]]
            late.append({"external_id": resolved, "status": "reopened", "at": (NOW - timedelta(hours=2)).isoformat()})
            outcomes = store_updates(conn, PROFILE, source, late, NOW)
            assert [o.result for o in outcomes] == ["updated"] * 3
        with engine.begin() as conn:  # the same complaint sent again, received a day later: it moves days
            moved = {**_complaint("edge-before", midnight + timedelta(days=1, hours=3)),
                     "updated_at": (NOW - timedelta(minutes=1)).isoformat()}
            outcomes = store_complaints(conn, PROFILE, find_source(conn, PROFILE.code, "complaints"), [moved], NOW)
            assert [o.result for o in outcomes] == ["updated"]
    finally:
        engine.dispose()
    _assert_current(url)
    for params in VIEWS:
        _assert_same(_figures(url, query_context, params), _raw_figures(url, query_context, params))


def test_a_deadline_still_ahead_is_judged_once_it_passes(writable_city_any, query_context):
    """``judged`` depends on now: an unanswered complaint from a whole past day whose deadline
    lies ahead of now is not judged yet, and is once now passes it (roll-ups and raw agree)."""
    url = writable_city_any
    received = datetime.combine(TODAY - timedelta(days=2), datetime.min.time(), timezone(timedelta(hours=7)))
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            source = find_source(conn, PROFILE.code, "complaints")
            store_complaints(conn, PROFILE, source, [_complaint("slow", received + timedelta(hours=9))], NOW)
            conn.execute(m.Complaint.__table__.update().where(m.Complaint.external_id == "slow").values(
                response_due_at=NOW + timedelta(hours=5)))  # a long deadline, still ahead of now
            rollups.refresh_days(conn, PROFILE.code, TZ, [received.date()])
    finally:
        engine.dispose()
    params = {"period": "7d", "category": "banjir"}
    now_figures = _figures(url, query_context, params)["summary"]
    assert now_figures == _raw_figures(url, query_context, params)["summary"]
    query_context(url)
    later = NOW + timedelta(hours=6)
    flt = parse_filter(params, PROFILE, NOW)
    after = complaints.summary(flt, later, local_day_start(NOW, TZ))
    assert after["judged"] == now_figures["judged"] + 1


def test_a_city_without_roll_ups_reads_raw_rows_and_a_rebuild_marks_it(writable_city):
    engine = create_engine(writable_city)
    try:
        with engine.begin() as conn:
            conn.execute(delete(m.ComplaintRollupMark))
            conn.execute(delete(m.ComplaintDaily))
            assert rollups.ensure_built(conn, PROFILE.code, TZ, NOW) > 0
            assert rollups.ensure_built(conn, PROFILE.code, TZ, NOW) is None
    finally:
        engine.dispose()
    _assert_current(writable_city)


# --- the response-time histogram ------------------------------------------------------------------


def test_response_bins_cover_every_time_without_gaps():
    edges = [rollups.bin_bounds(index) for index in range(400)]
    assert edges[0] == (0.0, 60.0)
    assert all(high == following[0] for (_, high), following in zip(edges, edges[1:]))
    # a value is at most half a minute from its bin's centre below two hours, 2.1% above
    assert all((high - low) / 2 <= max(30.0, 0.021 * low) for low, high in edges)


def test_histogram_median_is_the_middle_value_at_its_bin_centre():
    assert rollups.histogram_median([]) is None
    assert rollups.histogram_median([(2, 1), (0, 1), (1, 1)]) == 90.0  # bins 0-60, 60-120, 120-180: middle 60-120
    assert rollups.histogram_median([(0, 1), (1, 1)]) == 60.0  # halfway between the centres 30 s and 90 s
    assert rollups.histogram_median([(120, 3)]) == 7200 + 150.0  # the first five-minute bin


def test_the_sql_bin_of_a_response_time_is_the_python_bin(city_any):
    """The SQL CASE puts a time in the bin whose bounds contain it, on both databases."""
    engine = create_engine(city_any)
    seconds = [0, 59.9, 60, 3599, 3600, 21599, 21600, 86399, 86400, 604799, 604800, 2_000_000, -5]
    try:
        with engine.connect() as conn:
            for value in seconds:
                index = conn.execute(select(rollups.response_bin(literal(float(value))))).scalar_one()
                low, high = rollups.bin_bounds(index)
                assert low <= max(value, 0) < high, (value, index)
    finally:
        engine.dispose()
