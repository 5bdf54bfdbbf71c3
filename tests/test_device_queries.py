"""The device query layer and its JSON API against an independent pandas reading of the raw
tables, on SQLite and PostgreSQL."""
from datetime import timedelta

import pandas as pd
import pytest

from app import create_app
from cities import load_profile
from data_sources.queries import devices as q
from tests.helpers import FIXED_NOW, sign_in, test_settings
from tests.sql import frame

PROFILE = load_profile("kota_tangerang")
TZ = PROFILE.timezone
TODAY = (FIXED_NOW + timedelta(hours=7)).date()  # WIB


@pytest.fixture(scope="module")
def tables(city_any):
    devices = frame(city_any, "SELECT id, kind, state, state_since, site_type, kecamatan_id, uptime_target, flapping, "
                              "external_id FROM devices WHERE active")
    hourly = frame(city_any, "SELECT * FROM device_uptime_hourly")
    hourly["hour"] = pd.to_datetime(hourly["hour"])
    daily = frame(city_any, "SELECT * FROM device_uptime_daily")
    daily["day"] = pd.to_datetime(daily["day"]).dt.date
    regions = frame(city_any, "SELECT id, code, name FROM regions WHERE level = 'kecamatan'")
    windows = frame(city_any, "SELECT device_id, starts_at, ends_at FROM maintenance_windows")
    return {"devices": devices, "hourly": hourly, "daily": daily, "regions": regions, "windows": windows}


@pytest.fixture
def bound(city_any, query_context):
    server = query_context(city_any)
    with server.app_context():
        yield city_any


def _share(up, known):
    return up / known if known else None


@pytest.mark.parametrize("kind", ["cctv", "wifi"])
def test_summary_counts_and_uptime_periods(bound, tables, kind):
    devices = tables["devices"][tables["devices"]["kind"] == kind]
    result = q.summary(PROFILE.code, kind, FIXED_NOW, TZ)
    counts = devices["state"].value_counts()
    assert result["total"] == len(devices) > 0
    for state in ("online", "degraded", "offline", "unknown"):
        assert result[state] == counts.get(state, 0)
    now = pd.Timestamp(FIXED_NOW.replace(tzinfo=None))
    windows = tables["windows"].assign(starts_at=lambda f: pd.to_datetime(f["starts_at"]),
                                       ends_at=lambda f: pd.to_datetime(f["ends_at"]))
    active = windows[(windows["starts_at"] <= now) & (windows["ends_at"] > now)]
    assert result["maintenance"] == devices["id"].isin(active["device_id"]).sum()
    assert result["share_online"] == pytest.approx((counts.get("online", 0) + counts.get("degraded", 0)) / len(devices))
    hourly = tables["hourly"][tables["hourly"]["device_id"].isin(devices["id"])]
    last24 = hourly[hourly["hour"] > now.floor("h") - pd.Timedelta(hours=24)]
    assert result["uptime_24h"] == pytest.approx(_share(last24["up_seconds"].sum(), last24["known_seconds"].sum()))
    # 7 and 30 days: local (WIB) days, today included, recomputed from the hourly rows
    local_day = (hourly["hour"] + pd.Timedelta(hours=7)).dt.date
    for days, key in ((7, "uptime_7d"), (30, "uptime_30d")):
        part = hourly[local_day > TODAY - timedelta(days=days)]
        assert result[key] == pytest.approx(_share(part["up_seconds"].sum(), part["known_seconds"].sum()))
    assert result["target"] == pytest.approx(devices["uptime_target"].mean() / 100)


@pytest.mark.parametrize("kind", ["cctv", "wifi"])
def test_uptime_by_kecamatan_site_type_and_history(bound, tables, kind):
    devices = tables["devices"][tables["devices"]["kind"] == kind]
    daily = tables["daily"].merge(devices, left_on="device_id", right_on="id")
    month = daily[daily["day"] > TODAY - timedelta(days=30)]
    by_kec = month.merge(tables["regions"], left_on="kecamatan_id", right_on="id", suffixes=("", "_r")).groupby(
        "code").agg(up=("up_seconds", "sum"), known=("known_seconds", "sum"), devices=("device_id", "nunique"))
    result = q.uptime_by_kecamatan(PROFILE.code, kind, FIXED_NOW, TZ).set_index("code")
    assert set(result.index) == set(by_kec.index)
    for code, row in by_kec.iterrows():
        assert result.loc[code, "uptime"] == pytest.approx(row["up"] / row["known"])
        assert result.loc[code, "devices"] == row["devices"]
    assert list(result["uptime"]) == sorted(result["uptime"])  # worst first
    sites = q.uptime_by_site_type(PROFILE.code, kind, FIXED_NOW, TZ).set_index("site_type")
    by_site = month.assign(site=month["site_type"].fillna("other")).groupby("site")[
        ["up_seconds", "known_seconds"]].sum()
    assert set(sites.index) == set(by_site.index)
    for site, row in by_site.iterrows():
        assert sites.loc[site, "uptime"] == pytest.approx(row["up_seconds"] / row["known_seconds"])
    if kind == "wifi":
        assert set(sites.index) <= set(PROFILE.devices["wifi"].site_types)
    history = q.daily_history(PROFILE.code, kind, FIXED_NOW, TZ)
    assert len(history) == 30 and history["day"].iloc[-1] == TODAY
    per_day = month.groupby("day")[["up_seconds", "known_seconds"]].sum()
    for day, row in per_day.iterrows():
        got = history.loc[history["day"] == day, "uptime"].iloc[0]
        assert got == pytest.approx(row["up_seconds"] / row["known_seconds"])
    mostly_down = month[(month["known_seconds"] > 0) & (month["up_seconds"] < month["known_seconds"] * 0.5)]
    assert history["devices_down"].sum() == len(mostly_down)


@pytest.mark.parametrize("kind", ["cctv", "wifi"])
def test_down_list_map_points_and_detail(bound, tables, kind):
    devices = tables["devices"][tables["devices"]["kind"] == kind]
    down = devices[devices["state"].isin(["offline", "unknown"])].assign(
        rank=lambda f: (f["state"] != "offline").astype(int), since=lambda f: pd.to_datetime(f["state_since"]))
    expected = down.sort_values(["rank", "since", "id"])["external_id"].tolist()
    result = q.down_list(PROFILE.code, kind, FIXED_NOW)
    assert result["total"] == len(down) > 0
    assert result["frame"]["external_id"].tolist() == expected
    assert q.down_list(PROFILE.code, kind, FIXED_NOW, limit=1)["frame"].shape[0] == 1
    points = q.map_points(PROFILE.code, kind)
    assert sorted(points["id"]) == sorted(devices["id"])
    assert dict(zip(points["id"], points["state"])) == dict(zip(devices["id"], devices["state"]))
    assert result["frame"]["in_maintenance"].sum() == q.summary(PROFILE.code, kind, FIXED_NOW, TZ)["maintenance"]

    device_id = int(result["frame"]["id"].iloc[0])
    detail = q.device_detail(device_id, FIXED_NOW)
    assert detail["device"]["id"] == device_id and detail["device"]["state"] in ("offline", "unknown")
    segments = q.timeline_segments(detail, FIXED_NOW)
    assert segments["start"].iloc[0] == detail["since"] and segments["end"].iloc[-1] == FIXED_NOW
    assert (segments["start"].iloc[1:].to_numpy() == segments["end"].iloc[:-1].to_numpy()).all()  # contiguous
    assert segments["state"].iloc[-1] == detail["device"]["state"]
    assert q.device_detail(10**9, FIXED_NOW) is None


@pytest.fixture
def client(city_any):
    app = create_app(test_settings(city_any, frozen_now=FIXED_NOW))
    return sign_in(app.server.test_client(), city_any, "leadership")


def test_api_states_and_down_lists(client, city_any, tables):
    body = client.get("/api/devices/states").get_json()
    assert body["city"] == PROFILE.code and set(body["data"]) == {"cctv", "wifi"}
    for kind in ("cctv", "wifi"):
        devices = tables["devices"][tables["devices"]["kind"] == kind]
        one = client.get(f"/api/devices/{kind}/states").get_json()["data"]
        assert one == body["data"][kind]
        assert one["total"] == len(devices) and one["offline"] == (devices["state"] == "offline").sum()
        down = client.get(f"/api/devices/{kind}/down?limit=2").get_json()
        assert down["total"] == devices["state"].isin(["offline", "unknown"]).sum()
        assert len(down["data"]) == min(2, down["total"])
        first = down["data"][0]
        assert first["state_since"].endswith("+00:00") and first["down_seconds"] > 0
        assert set(first) >= {"external_id", "name", "kecamatan", "state", "last_seen_at", "in_maintenance"}
    missing = client.get("/api/devices/drones/states")
    assert missing.status_code == 404 and missing.get_json()["problems"][0]["parameter"] == "kind"
    bad = client.get("/api/devices/cctv/down?limit=abc")
    assert bad.status_code == 400 and bad.get_json()["problems"][0]["parameter"] == "limit"
