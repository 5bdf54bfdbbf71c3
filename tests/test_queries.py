"""The query layer's numbers against independent SQL, on SQLite and PostgreSQL."""
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from data_sources.rules.periods import local_day_start
from data_sources import clock
from data_sources.queries import complaints, devices, regions, sources
from tests.helpers import FIXED_NOW


@pytest.fixture
def city(city_any, query_context):
    query_context(city_any)
    engine = create_engine(city_any)
    yield engine
    engine.dispose()


def _scalar(engine, sql, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def test_headline_counts(city):
    day_start = local_day_start(FIXED_NOW, "Asia/Jakarta")
    assert day_start.isoformat() == "2026-11-22T17:00:00+00:00"
    got = complaints.headline_counts("36.71", day_start, FIXED_NOW)
    naive_start, naive_now = day_start.replace(tzinfo=None), FIXED_NOW.replace(tzinfo=None)
    assert got["today"] == _scalar(city, "SELECT count(*) FROM complaints WHERE received_at >= :s AND received_at <= :n",
                                   s=naive_start, n=naive_now)
    assert got["open"] == _scalar(city, "SELECT count(*) FROM complaints WHERE status NOT IN ('resolved', 'rejected')")
    assert got["overdue"] == _scalar(city, """SELECT count(*) FROM complaints WHERE status NOT IN ('resolved', 'rejected')
                                              AND first_response_at IS NULL AND response_due_at < :n""", n=naive_now)
    assert got["today"] > 0 and got["overdue"] > 0


def test_open_by_kecamatan_covers_every_kecamatan(city):
    frame = complaints.open_by_kecamatan("36.71", FIXED_NOW)
    assert len(frame) == 13
    assert frame["open"].sum() == _scalar(city, "SELECT count(*) FROM complaints WHERE status NOT IN ('resolved', 'rejected')")
    assert (frame["overdue"] <= frame["open"]).all()
    cipondoh = frame.set_index("code").loc["36.71.05", "open"]
    assert cipondoh == _scalar(city, """SELECT count(*) FROM complaints c JOIN regions r ON r.id = c.kecamatan_id
                                        WHERE r.code = '36.71.05' AND c.status NOT IN ('resolved', 'rejected')""")


def test_received_by_category(city):
    start = FIXED_NOW - timedelta(days=7)
    frame = complaints.received_by_category("36.71", start, FIXED_NOW)
    assert frame["count"].sum() == _scalar(city, "SELECT count(*) FROM complaints WHERE received_at >= :s AND received_at < :n",
                                           s=start.replace(tzinfo=None), n=FIXED_NOW.replace(tzinfo=None))
    assert frame["count"].is_monotonic_decreasing
    assert {"code", "name_id", "name_en", "count"} == set(frame.columns)


def test_device_state_counts(city):
    frame = devices.state_counts("36.71")
    for kind in ("cctv", "wifi"):
        assert frame.loc[frame["kind"] == kind, "count"].sum() == _scalar(
            city, "SELECT count(*) FROM devices WHERE kind = :k", k=kind)
    online = frame[(frame["kind"] == "cctv") & (frame["state"] == "online")]["count"].sum()
    assert online == _scalar(city, "SELECT count(*) FROM devices WHERE kind = 'cctv' AND state = 'online'")


def test_regions_and_sources(city):
    shapes = regions.geojson("36.71", "kecamatan")
    assert len(shapes["features"]) == 13
    assert shapes["features"][0]["properties"]["code"] == "36.71.01"
    assert regions.geometry_is_approximate("36.71") is True
    status = sources.source_status("36.71")
    assert set(status["key"]) == {"complaints", "cctv_nvr", "wifi_probe", "app_monitor", "kpi_sheet",
                                  "indicator_sheet"}
    assert clock.as_datetime(status.set_index("key").loc["complaints", "last_success_at"]) == FIXED_NOW
    rejected = sources.rejected_records("36.71")
    assert len(rejected) == 2 and rejected["reason"].str.len().min() > 10
    runs = sources.latest_runs("36.71")
    assert (runs["rows_accepted"] >= 0).all() and len(runs) == 6  # one initial run per source
