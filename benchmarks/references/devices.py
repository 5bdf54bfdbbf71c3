"""Device, KPI and source figures two ways, for the references of the device, wall and shell
callbacks: ``floor_*`` bare SQL on the raw tables (``devices``, the per-device roll-ups
``device_uptime_hourly`` / ``device_uptime_daily``, state changes, samples), ``common_*`` the
tables read whole with ``pd.read_sql`` and grouped in pandas.

The app reads uptime from the *group* roll-ups (per kind, kecamatan and site type); the floor
deliberately does not: it sums the per-device roll-ups, the rawest data that still covers 30
days (raw samples are kept for hours only), so the app can be faster than this floor."""
from __future__ import annotations

from datetime import timedelta

import pandas as pd
from sqlalchemy import text

from benchmarks.references.sql import Ask, frame, query

DOWN = "('offline', 'unknown')"


def _p(ask: Ask, **more) -> dict:
    return {"city": ask.city, "kind": ask.kind, "now": ask.now} | more


def _read(conn, table: str, times=()) -> pd.DataFrame:
    data = pd.read_sql(text(f"SELECT * FROM {table}"), conn)
    for column in times:
        data[column] = pd.to_datetime(data[column])
    return data


def _read_devices(conn, ask: Ask) -> pd.DataFrame:
    data = _read(conn, "devices", ("state_since", "last_seen_at"))
    return data[(data["city_code"] == ask.city) & data["active"].astype(bool)]


# --- floor -------------------------------------------------------------------------------------------

def floor_states(conn, ask: Ask) -> pd.DataFrame:
    """Active devices per kind and state (the overview's device tiles)."""
    return frame(conn, "SELECT kind, state, count(*) FROM devices WHERE city_code = :city AND active "
                       "GROUP BY kind, state ORDER BY kind, state", ["kind", "state", "count"], city=ask.city)


def floor_down(conn, ask: Ask, kinds: tuple[str, ...]) -> dict:
    """Devices offline or unknown, longest first, per kind: the total and the first ``ask.limit``."""
    out = {}
    for kind in kinds:
        total = query(conn, f"SELECT count(*) FROM devices WHERE city_code = :city AND kind = :kind AND active "
                            f"AND state IN {DOWN}", **_p(ask, kind=kind)).scalar_one()
        rows = frame(conn, f"SELECT d.id, d.external_id, d.name, d.site_type, r.name, d.state, d.state_since, "
                           f"d.last_seen_at, d.flapping FROM devices d LEFT JOIN regions r ON r.id = d.kecamatan_id "
                           f"WHERE d.city_code = :city AND d.kind = :kind AND d.active AND d.state IN {DOWN} "
                           f"ORDER BY CASE WHEN d.state = 'offline' THEN 0 ELSE 1 END, d.state_since, d.id "
                           f"LIMIT :limit", **_p(ask, kind=kind, limit=ask.limit))
        out[kind] = (total, rows)
    return out


def floor_summary(conn, ask: Ask) -> dict:
    """A device page's tiles: counts by state and uptime over 24 hours, 7 and 30 days."""
    counts = frame(conn, "SELECT state, count(*), avg(uptime_target) FROM devices WHERE city_code = :city "
                         "AND kind = :kind AND active GROUP BY state", **_p(ask))
    hour = ask.now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=24)
    last24 = query(conn, "SELECT sum(h.up_seconds), sum(h.known_seconds) FROM device_uptime_hourly h "
                         "JOIN devices d ON d.id = h.device_id WHERE d.city_code = :city AND d.kind = :kind "
                         "AND h.hour > :since", **_p(ask, since=hour)).one()
    today = ask.today
    days = query(conn, "SELECT sum(CASE WHEN u.day > :d7 THEN u.up_seconds END), "
                       "sum(CASE WHEN u.day > :d7 THEN u.known_seconds END), sum(u.up_seconds), sum(u.known_seconds) "
                       "FROM device_uptime_daily u JOIN devices d ON d.id = u.device_id WHERE d.city_code = :city "
                       "AND d.kind = :kind AND u.day > :d30",
                 **_p(ask, d7=today - timedelta(days=7), d30=today - timedelta(days=30))).one()
    return {"counts": counts, "24h": tuple(last24), "days": tuple(days)}


def floor_points(conn, ask: Ask, kinds: tuple[str, ...]) -> pd.DataFrame:
    return frame(conn, "SELECT id, kind, name, lat, lon, state FROM devices WHERE city_code = :city AND active "
                       "AND lat IS NOT NULL AND lon IS NOT NULL AND kind IN ('" + "', '".join(kinds) + "') ORDER BY id",
                 city=ask.city)


def floor_uptime_by(conn, ask: Ask, groups: tuple[str, ...] = ("kecamatan_id",), days: int = 30) -> list[pd.DataFrame]:
    """Uptime over the last ``days`` local days per kecamatan (and per site type), from the per-device roll-ups."""
    out = []
    for group in groups:
        column = f"COALESCE(d.{group}, 'other')" if group == "site_type" else f"d.{group}"
        out.append(frame(conn, f"SELECT {column}, count(DISTINCT d.id), sum(u.up_seconds), sum(u.known_seconds) "
                               f"FROM device_uptime_daily u JOIN devices d ON d.id = u.device_id "
                               f"WHERE d.city_code = :city AND d.kind = :kind AND d.active AND u.day > :since "
                               f"GROUP BY {column}", **_p(ask, since=ask.today - timedelta(days=days))))
    return out


def floor_history(conn, ask: Ask, days: int = 30) -> pd.DataFrame:
    """Per local day: uptime, devices mostly down (under half their known time up), maintenance."""
    return frame(conn, "SELECT u.day, sum(u.up_seconds), sum(u.known_seconds), "
                       "count(CASE WHEN u.known_seconds > 0 AND u.up_seconds < 0.5 * u.known_seconds THEN 1 END), "
                       "sum(u.maintenance_seconds) FROM device_uptime_daily u JOIN devices d ON d.id = u.device_id "
                       "WHERE d.city_code = :city AND d.kind = :kind AND u.day > :since GROUP BY u.day ORDER BY u.day",
                 **_p(ask, since=ask.today - timedelta(days=days)))


def floor_detail(conn, ask: Ask, hours: int = 168) -> dict:
    """One device: its row, state changes, hourly roll-ups over a week, its newest samples."""
    since = ask.now - timedelta(hours=hours)
    p = {"id": ask.device_id, "since": since, "now": ask.now, "hour": since - timedelta(hours=1)}
    return {"device": frame(conn, "SELECT d.*, r.name AS kecamatan FROM devices d LEFT JOIN regions r "
                                  "ON r.id = d.kecamatan_id WHERE d.id = :id", **p),
            "changes": frame(conn, "SELECT at, from_state, to_state FROM device_state_changes WHERE device_id = :id "
                                   "AND at > :since AND at <= :now ORDER BY at, id", **p),
            "hourly": frame(conn, "SELECT hour, up_seconds, known_seconds, maintenance_seconds FROM "
                                  "device_uptime_hourly WHERE device_id = :id AND hour > :hour ORDER BY hour", **p),
            "samples": frame(conn, "SELECT at, state, latency_ms, detail FROM device_samples WHERE device_id = :id "
                                   "AND at <= :now ORDER BY at DESC LIMIT 10", **p)}


def floor_briefing_uptime(conn, ask: Ask) -> pd.DataFrame:
    """Uptime per kind in the period and the previous one (local days), from the per-device roll-ups."""
    days = (ask.last_day - ask.first_day).days + 1
    previous_first = ask.first_day - timedelta(days=days)
    return frame(conn, "SELECT d.kind, sum(CASE WHEN u.day >= :first THEN u.up_seconds END), "
                       "sum(CASE WHEN u.day >= :first THEN u.known_seconds END), "
                       "sum(CASE WHEN u.day < :first THEN u.up_seconds END), "
                       "sum(CASE WHEN u.day < :first THEN u.known_seconds END) FROM device_uptime_daily u "
                       "JOIN devices d ON d.id = u.device_id WHERE d.city_code = :city AND u.day >= :pfirst "
                       "AND u.day <= :last GROUP BY d.kind",
                 city=ask.city, first=ask.first_day, last=ask.last_day, pfirst=previous_first)


def floor_sources(conn, ask: Ask) -> pd.DataFrame:
    return frame(conn, "SELECT key, name, name_en, feed, freshness_budget_seconds, last_success_at, last_failure_at, "
                       "last_error FROM sources WHERE city_code = :city ORDER BY key", city=ask.city)


def floor_kpis(conn, ask: Ask) -> pd.DataFrame:
    """Each KPI's two newest values with its target (enough to say which are off target, and which were)."""
    return frame(conn, "SELECT code, target, direction, period_start, value FROM (SELECT k.code, k.target, "
                       "k.direction, v.period_start, v.value, row_number() OVER (PARTITION BY v.kpi_id "
                       "ORDER BY v.period_start DESC) AS recency FROM kpi_values v JOIN kpi_definitions k "
                       "ON k.id = v.kpi_id WHERE k.city_code = :city) ranked WHERE recency <= 2", city=ask.city)


# --- common ------------------------------------------------------------------------------------------

def common_states(conn, ask: Ask) -> pd.DataFrame:
    data = _read_devices(conn, ask)
    return data.groupby(["kind", "state"]).size().rename("count").reset_index()


def common_down(conn, ask: Ask, kinds: tuple[str, ...]) -> dict:
    data = _read_devices(conn, ask)
    regions = _read(conn, "regions").set_index("id")["name"]
    out = {}
    for kind in kinds:
        down = data[(data["kind"] == kind) & data["state"].isin(["offline", "unknown"])]
        down = down.assign(order=(down["state"] != "offline").astype(int),
                           kecamatan=down["kecamatan_id"].map(regions)).sort_values(["order", "state_since", "id"])
        out[kind] = (len(down), down.head(ask.limit))
    return out


def _rollups(conn, table: str, time_column: str, devices: pd.DataFrame) -> pd.DataFrame:
    data = _read(conn, table)
    data[time_column] = pd.to_datetime(data[time_column])
    return data.merge(devices[["id", "kind", "kecamatan_id", "site_type"]], left_on="device_id", right_on="id")


def common_summary(conn, ask: Ask) -> dict:
    data = _read_devices(conn, ask)
    mine = data[data["kind"] == ask.kind]
    counts = mine.groupby("state").agg(count=("id", "size"), target=("uptime_target", "mean"))
    hourly = _rollups(conn, "device_uptime_hourly", "hour", mine)
    hour = pd.Timestamp(ask.now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=24))
    last24 = hourly[hourly["hour"] > hour][["up_seconds", "known_seconds"]].sum()
    daily = _rollups(conn, "device_uptime_daily", "day", mine)
    today = pd.Timestamp(ask.today)
    week = daily[daily["day"] > today - pd.Timedelta(days=7)][["up_seconds", "known_seconds"]].sum()
    month = daily[daily["day"] > today - pd.Timedelta(days=30)][["up_seconds", "known_seconds"]].sum()
    return {"counts": counts, "24h": tuple(last24), "days": (*week, *month)}


def common_points(conn, ask: Ask, kinds: tuple[str, ...]) -> pd.DataFrame:
    data = _read_devices(conn, ask)
    return data[data["kind"].isin(kinds) & data["lat"].notna() & data["lon"].notna()][
        ["id", "kind", "name", "lat", "lon", "state"]].sort_values("id")


def common_uptime_by(conn, ask: Ask, groups: tuple[str, ...] = ("kecamatan_id",), days: int = 30) -> list:
    data = _read_devices(conn, ask)
    daily = _rollups(conn, "device_uptime_daily", "day", data[data["kind"] == ask.kind])
    daily = daily[daily["day"] > pd.Timestamp(ask.today - timedelta(days=days))]
    out = []
    for group in groups:
        key = daily[group].fillna("other") if group == "site_type" else daily[group]
        out.append(daily.groupby(key).agg(devices=("device_id", "nunique"), up=("up_seconds", "sum"),
                                          known=("known_seconds", "sum")).reset_index())
    return out


def common_history(conn, ask: Ask, days: int = 30) -> pd.DataFrame:
    daily = _rollups(conn, "device_uptime_daily", "day", _read_devices(conn, ask))
    daily = daily[(daily["kind"] == ask.kind) & (daily["day"] > pd.Timestamp(ask.today - timedelta(days=days)))]
    daily = daily.assign(down=(daily["known_seconds"] > 0) & (daily["up_seconds"] < 0.5 * daily["known_seconds"]))
    return daily.groupby("day")[["up_seconds", "known_seconds", "down", "maintenance_seconds"]].sum().reset_index()


def common_detail(conn, ask: Ask, hours: int = 168) -> dict:
    since = pd.Timestamp(ask.now - timedelta(hours=hours))
    devices = _read(conn, "devices")
    changes = _read(conn, "device_state_changes", ("at",))
    hourly = _read(conn, "device_uptime_hourly", ("hour",))
    samples = _read(conn, "device_samples", ("at",))
    mine = lambda data: data[data["device_id"] == ask.device_id]  # noqa: E731
    changes, hourly, samples = mine(changes), mine(hourly), mine(samples)
    return {"device": devices[devices["id"] == ask.device_id],
            "changes": changes[(changes["at"] > since) & (changes["at"] <= pd.Timestamp(ask.now))].sort_values("at"),
            "hourly": hourly[hourly["hour"] > since - pd.Timedelta(hours=1)].sort_values("hour"),
            "samples": samples[samples["at"] <= pd.Timestamp(ask.now)].sort_values("at", ascending=False).head(10)}


def common_briefing_uptime(conn, ask: Ask) -> pd.DataFrame:
    days = (ask.last_day - ask.first_day).days + 1
    first, previous_first = pd.Timestamp(ask.first_day), pd.Timestamp(ask.first_day - timedelta(days=days))
    daily = _rollups(conn, "device_uptime_daily", "day", _read_devices(conn, ask))
    daily = daily[(daily["day"] >= previous_first) & (daily["day"] <= pd.Timestamp(ask.last_day))]
    daily = daily.assign(current=daily["day"] >= first)
    return daily.groupby(["kind", "current"])[["up_seconds", "known_seconds"]].sum().reset_index()


def common_sources(conn, ask: Ask) -> pd.DataFrame:
    data = _read(conn, "sources", ("last_success_at", "last_failure_at"))
    return data[data["city_code"] == ask.city].sort_values("key")


def common_kpis(conn, ask: Ask) -> pd.DataFrame:
    values = _read(conn, "kpi_values")
    definitions = _read(conn, "kpi_definitions")
    data = values.merge(definitions[definitions["city_code"] == ask.city], left_on="kpi_id", right_on="id")
    data = data.sort_values("period_start", ascending=False)
    return data.groupby("code").head(2)
