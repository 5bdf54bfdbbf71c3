"""The demo city: its counts, determinism, and that it looks like a real city."""
import hashlib
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
import shapely
from sqlalchemy import create_engine, text

from data_sources import geo
from data_sources.demo import SIZES
from tests.helpers import FIXED_NOW, make_city
from tests.sql import frame

SIZE = SIZES["test"]
FACT_TABLES = ["complaints", "complaint_events", "devices", "device_samples", "device_uptime_hourly",
               "device_uptime_daily", "device_state_changes", "kpi_values", "indicator_values", "regions"]


def _digest(url) -> dict[str, str]:
    engine = create_engine(url)
    out = {}
    try:
        with engine.connect() as conn:
            for table in FACT_TABLES:
                order = "device_id, hour" if table == "device_uptime_hourly" else (
                    "device_id, day" if table == "device_uptime_daily" else "id")
                rows = conn.execute(text(f"SELECT * FROM {table} ORDER BY {order}")).all()
                out[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    finally:
        engine.dispose()
    return out


def test_counts_follow_the_size(city_db):
    counts = frame(city_db, """SELECT (SELECT count(*) FROM complaints) AS complaints,
        (SELECT count(*) FROM devices WHERE kind='cctv') AS cameras,
        (SELECT count(*) FROM devices WHERE kind='wifi') AS aps,
        (SELECT count(*) FROM regions WHERE level='kecamatan') AS kec,
        (SELECT count(*) FROM regions WHERE level='kelurahan') AS kel,
        (SELECT count(DISTINCT period_start) FROM kpi_values v JOIN kpi_definitions d ON d.id = v.kpi_id
             WHERE d.period = 'monthly') AS months,
        (SELECT min(year) FROM indicator_values) AS first_year,
        (SELECT count(DISTINCT device_id) FROM device_uptime_hourly) AS devices_with_history""").iloc[0]
    assert counts["complaints"] == SIZE.complaints
    assert counts["cameras"] == SIZE.cameras and counts["aps"] == SIZE.access_points
    assert (counts["kec"], counts["kel"]) == (13, 104)
    assert counts["months"] == SIZE.kpi_months
    assert counts["first_year"] == 2017
    assert counts["devices_with_history"] == SIZE.cameras + SIZE.access_points


def test_same_seed_same_city_other_seed_other_city(tmp_path):
    urls = [f"sqlite:///{tmp_path / name}.db" for name in ("a", "b", "c")]
    make_city(urls[0], None, seed=11)
    make_city(urls[1], None, seed=11)
    make_city(urls[2], None, seed=12)
    first, second, third = (_digest(u) for u in urls)
    assert first == second
    assert first["complaints"] != third["complaints"]


def test_generation_is_identical_on_postgresql(postgres_url, tmp_path):
    sqlite_url = f"sqlite:///{tmp_path / 'same.db'}"
    make_city(sqlite_url, None)
    make_city(postgres_url, None)
    query = """SELECT status, count(*) AS n, min(received_at) AS first, max(received_at) AS last
               FROM complaints GROUP BY status ORDER BY status"""
    left, right = frame(sqlite_url, query), frame(postgres_url, query)
    assert left["n"].tolist() == right["n"].tolist()
    assert (pd.to_datetime(left["first"]) == pd.to_datetime(right["first"])).all()
    events = "SELECT count(*) AS n FROM complaint_events"
    assert frame(sqlite_url, events)["n"][0] == frame(postgres_url, events)["n"][0]
    # the sequences follow the explicit ids, so ordinary inserts still work after a bulk load
    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        new_id = conn.execute(text("INSERT INTO complaint_events (complaint_id, status, at) "
                                   "VALUES (1, 'received', now()) RETURNING id")).scalar_one()
    engine.dispose()
    assert new_id > frame(postgres_url, "SELECT count(*) AS n FROM complaint_events")["n"][0] - 1


def test_complaints_look_like_a_city(city_db, shared_geo, profile):
    c = frame(city_db, """SELECT c.*, k.code AS kec_code, l.code AS kel_code, g.code AS category FROM complaints c
                           JOIN regions k ON k.id = c.kecamatan_id JOIN regions l ON l.id = c.kelurahan_id
                           JOIN complaint_categories g ON g.id = c.category_id""")
    for column in ("received_at", "assigned_at", "first_response_at", "resolved_at", "response_due_at"):
        c[column] = pd.to_datetime(c[column])
    now = pd.Timestamp(FIXED_NOW).tz_localize(None)
    assert c["received_at"].max() <= now
    assert c["received_at"].min() >= now - timedelta(days=SIZE.days + 1)
    # timestamps in order, statuses consistent with them
    assert (c["assigned_at"].dropna() >= c.loc[c["assigned_at"].notna(), "received_at"]).all()
    answered = c["first_response_at"].notna()
    assert (c.loc[answered, "first_response_at"] >= c.loc[answered, "assigned_at"]).all()
    assert set(c["status"]) == {"received", "assigned", "responded", "in_progress", "resolved", "rejected"}
    assert (c.loc[c["status"] == "resolved", "resolved_at"].notna()).all()
    # some open complaints are past their deadline, most answered ones were on time
    open_ = c["status"].isin(["received", "assigned", "responded", "in_progress"])
    overdue = open_ & c["first_response_at"].isna() & (c["response_due_at"] < now)
    assert 0.01 < overdue.mean() < 0.2
    on_time = (c.loc[answered, "first_response_at"] <= c.loc[answered, "response_due_at"]).mean()
    assert 0.5 < on_time < 0.95
    # some agencies are markedly slower than others
    by_agency = c[answered].assign(late=lambda f: f["first_response_at"] > f["response_due_at"]).groupby("agency_id")["late"].mean()
    assert by_agency.max() - by_agency.min() > 0.25
    # traffic jams peak in rush hours, street lights at night (local time)
    local_hour = (c["received_at"] + timedelta(hours=7)).dt.hour
    assert local_hour[c["category"] == "macet"].between(6, 9).mean() > 0.3
    assert (local_hour[c["category"] == "pju"] >= 18).mean() > 0.5
    # each complaint lies inside the kelurahan and kecamatan it is filed under (the source's
    # simplified polygons overlap a little, so containment is checked, not a unique assignment)
    shapes = geo.region_geometries(profile, shared_geo)
    for level, column in (("kelurahan", "kel_code"), ("kecamatan", "kec_code")):
        polygons = getattr(shapes, level).set_index("code").geometry
        filed = polygons.reindex(c[column]).to_numpy()
        assert shapely.contains_xy(filed, c["lon"].to_numpy(), c["lat"].to_numpy()).all()
    # personal data appears in some texts: the masking layer has something to do
    assert c["description"].str.contains(r"08\d{8,}|@example\.com|NIK \d{16}").mean() > 0.03


def test_device_history_is_consistent(city_db):
    hourly = frame(city_db, "SELECT * FROM device_uptime_hourly")
    assert (hourly["up_seconds"] <= hourly["known_seconds"]).all()
    assert (hourly["known_seconds"] <= 3600).all()
    assert (hourly["degraded_seconds"] <= hourly["up_seconds"]).all()
    uptime = hourly["up_seconds"].sum() / hourly["known_seconds"].sum()
    assert 0.85 < uptime < 0.995
    # the daily roll-up is the hourly one summed by local day
    daily = frame(city_db, "SELECT sum(up_seconds) AS up, sum(known_seconds) AS known FROM device_uptime_daily")
    assert daily["up"][0] == pytest.approx(hourly["up_seconds"].sum())
    assert daily["known"][0] == pytest.approx(hourly["known_seconds"].sum())
    # the raw hours are rolled up from the samples: each covers the time to the next one (at most
    # unknown_after), the newest one up to now
    samples = frame(city_db, "SELECT device_id, at, state FROM device_samples").assign(
        at=lambda f: pd.to_datetime(f["at"])).sort_values(["device_id", "at"])
    now = pd.Timestamp(FIXED_NOW.replace(tzinfo=None))
    raw_start = samples["at"].min().floor("h") + pd.Timedelta(hours=1)
    following = samples.groupby("device_id")["at"].shift(-1).fillna(now)
    end = np.minimum(following, samples["at"] + pd.Timedelta(seconds=180))
    start = np.maximum(samples["at"], raw_start)
    covered = (end - start).dt.total_seconds().clip(lower=0)
    expected = (covered * (samples["state"] != "offline")).groupby(samples["device_id"]).sum()
    hourly["hour"] = pd.to_datetime(hourly["hour"])
    stored = hourly[hourly["hour"] >= raw_start].groupby("device_id")["up_seconds"].sum()
    assert len(expected) == len(stored) > 0
    assert np.allclose(stored.reindex(expected.index).to_numpy(), expected.to_numpy())
    # the current state is the last sample's
    last = samples.sort_values("at").groupby("device_id")["state"].last()
    devices = frame(city_db, "SELECT id, state FROM devices").set_index("id")["state"]
    assert (devices.reindex(last.index) == last).all()
    assert {"online", "offline"} <= set(devices)
