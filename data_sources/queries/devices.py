"""Device (CCTV and WiFi) figures for the overview, the /cctv and /wifi pages and the API.

Current state comes from the ``devices`` table (kept by ``device_state``); uptime comes
only from the group roll-ups (``uptime``; per kind, kecamatan and site type): the last 24
hours from the hourly ones, longer periods from the daily ones of the city's local days. Uptime is up seconds over known seconds
(maintenance and unknown time excluded); None when nothing is known.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import and_, case, exists, func, select

from data_sources.db import database
from data_sources.models import (Device, DeviceSample, DeviceStateChange, DeviceUptimeGroupDaily,
                                 DeviceUptimeGroupHourly, DeviceUptimeHourly, MaintenanceWindow, Region, Source)
from data_sources.frames import to_frame
from data_sources.rules.periods import local_today
from data_sources.runtime import cache

DOWN_STATES = ("offline", "unknown")
DOWN_COLUMNS = ["id", "external_id", "name", "site_type", "kecamatan", "state", "state_since", "last_seen_at",
                "flapping", "in_maintenance"]
POINT_COLUMNS = ["id", "name", "lat", "lon", "state"]


def _share(up, known) -> float | None:
    return float(up) / float(known) if known else None


def _in_maintenance(now: datetime):
    return exists().where(MaintenanceWindow.device_id == Device.id, MaintenanceWindow.starts_at <= now,
                          MaintenanceWindow.ends_at > now)


def _scope(city_code: str, kind: str):
    return and_(Device.city_code == city_code, Device.kind == kind, Device.active.is_(True))


@cache.memoize()
def state_counts(city_code: str) -> pd.DataFrame:
    """Columns: kind, state, count for active devices."""
    stmt = (
        select(Device.kind, Device.state, func.count().label("count"))
        .where(Device.city_code == city_code, Device.active.is_(True))
        .group_by(Device.kind, Device.state)
        .order_by(Device.kind, Device.state)
    )
    with database.engine.connect() as conn:
        return to_frame(conn.execute(stmt), columns=["kind", "state", "count"])


@cache.memoize()
def summary(city_code: str, kind: str, now: datetime, tz: str) -> dict:
    """Counts by state (and in maintenance, flapping), the share online (degraded counts as
    online), uptime over the last 24 hours, 7 days and 30 days, and the mean uptime target."""
    counts = select(
        func.count().label("total"),
        *[func.count().filter(Device.state == s).label(s) for s in ("online", "degraded", "offline", "unknown", "pending")],
        func.count().filter(_in_maintenance(now)).label("maintenance"),
        func.count().filter(Device.flapping.is_(True)).label("flapping"),
        func.avg(Device.uptime_target).label("target"),
    ).where(_scope(city_code, kind))
    hour_floor = now.replace(minute=0, second=0, microsecond=0)
    gh, gd = DeviceUptimeGroupHourly, DeviceUptimeGroupDaily
    hourly = select(func.sum(gh.up_seconds), func.sum(gh.known_seconds)).where(
        gh.city_code == city_code, gh.kind == kind, gh.hour > hour_floor - timedelta(hours=24))
    today = local_today(now, tz)
    daily = select(*[func.sum(gd.up_seconds).filter(gd.day > today - timedelta(days=n)) for n in (7, 30)],
                   *[func.sum(gd.known_seconds).filter(gd.day > today - timedelta(days=n)) for n in (7, 30)]).where(
        gd.city_code == city_code, gd.kind == kind, gd.day > today - timedelta(days=30))
    with database.engine.connect() as conn:
        row = conn.execute(counts).one()
        up24, known24 = conn.execute(hourly).one()
        up7, up30, known7, known30 = conn.execute(daily).one()
    result = {s: int(getattr(row, s) or 0) for s in ("total", "online", "degraded", "offline", "unknown",
                                                      "pending", "maintenance", "flapping")}
    result["share_online"] = _share(result["online"] + result["degraded"], result["total"])
    result["uptime_24h"], result["uptime_7d"], result["uptime_30d"] = (
        _share(up24, known24), _share(up7, known7), _share(up30, known30))
    result["target"] = float(row.target) / 100 if row.target is not None else None
    return result


@cache.memoize()
def map_points(city_code: str, kind: str) -> pd.DataFrame:
    """Every active device with a location: columns ``POINT_COLUMNS``."""
    stmt = (select(Device.id, Device.name, Device.lat, Device.lon, Device.state)
            .where(_scope(city_code, kind), Device.lat.is_not(None), Device.lon.is_not(None)).order_by(Device.id))
    with database.engine.connect() as conn:
        return to_frame(conn.execute(stmt), columns=POINT_COLUMNS)


@cache.memoize()
def down_list(city_code: str, kind: str, now: datetime, limit: int = 500) -> dict:
    """Devices offline or unknown, longest first: ``{"frame": DOWN_COLUMNS, "total": n}``.
    ``state_since`` is when the device went into its current state (for offline: down since)."""
    kecamatan = Region.__table__.alias("kecamatan")
    base = _scope(city_code, kind), Device.state.in_(DOWN_STATES)
    stmt = (select(Device.id, Device.external_id, Device.name, Device.site_type, kecamatan.c.name, Device.state,
                   Device.state_since, Device.last_seen_at, Device.flapping, _in_maintenance(now).label("m"))
            .outerjoin(kecamatan, kecamatan.c.id == Device.kecamatan_id)
            .where(*base)
            .order_by(case((Device.state == "offline", 0), else_=1), Device.state_since.asc().nulls_first(), Device.id)
            .limit(limit))
    with database.engine.connect() as conn:
        frame = to_frame(conn.execute(stmt), columns=DOWN_COLUMNS)
        total = conn.execute(select(func.count()).where(*base)).scalar_one()
    return {"frame": frame, "total": int(total)}


def _uptime_by(city_code: str, kind: str, now: datetime, tz: str, days: int, group_column, device_column, label):
    """Uptime over the last ``days`` local days per group, from the group roll-ups, with the
    number of active devices in each group now."""
    gd = DeviceUptimeGroupDaily
    since = local_today(now, tz) - timedelta(days=days)
    uptime = (select(group_column.label("key"), label.label("name"), func.sum(gd.up_seconds).label("up"),
                     func.sum(gd.known_seconds).label("known"))
              .where(gd.city_code == city_code, gd.kind == kind, gd.day > since)
              .group_by(group_column, label)).subquery()
    count = (select(device_column.label("key"), func.count().label("devices"),
                    func.avg(Device.uptime_target).label("target"))
             .where(_scope(city_code, kind)).group_by(device_column)).subquery()
    stmt = (select(uptime.c.key, uptime.c.name, func.coalesce(count.c.devices, 0), uptime.c.up, uptime.c.known,
                   count.c.target)
            .outerjoin(count, count.c.key == uptime.c.key))
    with database.engine.connect() as conn:
        frame = to_frame(conn.execute(stmt), columns=["key", "name", "devices", "up", "known", "target"])
    frame["uptime"] = [_share(u, k) for u, k in zip(frame["up"], frame["known"])]
    frame["target"] = frame["target"].astype(float) / 100
    return frame.drop(columns=["up", "known"]).sort_values("uptime", na_position="first", ignore_index=True)


@cache.memoize()
def uptime_by_kecamatan(city_code: str, kind: str, now: datetime, tz: str, days: int = 30) -> pd.DataFrame:
    """Columns: code, name, devices, uptime (share), target (share); one row per kecamatan with roll-ups."""
    region = Region.__table__.alias("kecamatan")
    gd = DeviceUptimeGroupDaily
    frame = _uptime_by(city_code, kind, now, tz, days, gd.kecamatan_id, Device.kecamatan_id, gd.kecamatan_id)
    with database.engine.connect() as conn:
        names = {r.id: (r.code, r.name) for r in conn.execute(
            select(region.c.id, region.c.code, region.c.name).where(region.c.city_code == city_code,
                                                                     region.c.level == "kecamatan"))}
    frame = frame[frame["key"].isin(names)]
    return pd.DataFrame({"code": [names[k][0] for k in frame["key"]], "name": [names[k][1] for k in frame["key"]],
                         "devices": frame["devices"].to_numpy(), "target": frame["target"].to_numpy(),
                         "uptime": frame["uptime"].to_numpy()})


@cache.memoize()
def uptime_by_site_type(city_code: str, kind: str, now: datetime, tz: str, days: int = 30) -> pd.DataFrame:
    """Columns: site_type, devices, uptime, target."""
    gd = DeviceUptimeGroupDaily
    site = func.coalesce(gd.site_type, "other")
    frame = _uptime_by(city_code, kind, now, tz, days, site, func.coalesce(Device.site_type, "other"), site)
    return frame.rename(columns={"key": "site_type"}).drop(columns=["name"])


@cache.memoize()
def daily_history(city_code: str, kind: str, now: datetime, tz: str, days: int = 30) -> pd.DataFrame:
    """Columns: day (date), uptime (share), devices_down (devices with under 50% uptime that
    day), maintenance_hours; one row per local day of the last ``days`` (today included)."""
    today = local_today(now, tz)
    gd = DeviceUptimeGroupDaily
    stmt = (select(gd.day, func.sum(gd.up_seconds), func.sum(gd.known_seconds), func.sum(gd.devices_mostly_down),
                   func.sum(gd.maintenance_seconds))
            .where(gd.city_code == city_code, gd.kind == kind, gd.day > today - timedelta(days=days))
            .group_by(gd.day))
    with database.engine.connect() as conn:
        rows = {r[0]: r for r in conn.execute(stmt)}
    all_days = [today - timedelta(days=days - 1 - i) for i in range(days)]
    return pd.DataFrame({
        "day": all_days,
        "uptime": [_share(rows[d][1], rows[d][2]) if d in rows else None for d in all_days],
        "devices_down": [int(rows[d][3] or 0) if d in rows else 0 for d in all_days],
        "maintenance_hours": [float(rows[d][4] or 0) / 3600 if d in rows else 0.0 for d in all_days],
    })


def device_detail(device_id: int, now: datetime, hours: int = 168) -> dict | None:
    """One device: its row, its state timeline over the last ``hours`` (the state at the start
    included), its hourly uptime, maintenance windows and its newest samples. None if unknown."""
    since = now - timedelta(hours=hours)
    kecamatan = Region.__table__.alias("kecamatan")
    with database.engine.connect() as conn:
        row = conn.execute(
            select(Device.id, Device.kind, Device.external_id, Device.name, Device.site_type, Device.state,
                   Device.state_since, Device.last_seen_at, Device.last_sample_at, Device.flapping, Device.lat,
                   Device.lon, Device.uptime_target, Device.check_method, Device.installed_at,
                   kecamatan.c.name.label("kecamatan"), Source.name.label("source"))
            .outerjoin(kecamatan, kecamatan.c.id == Device.kecamatan_id)
            .join(Source, Source.id == Device.source_id)
            .where(Device.id == device_id)).first()
        if row is None:
            return None
        c = DeviceStateChange
        before = conn.execute(select(c.to_state).where(c.device_id == device_id, c.at <= since)
                              .order_by(c.at.desc(), c.id.desc()).limit(1)).scalar()
        changes = to_frame(conn.execute(select(c.at, c.from_state, c.to_state)
                                            .where(c.device_id == device_id, c.at > since, c.at <= now)
                                            .order_by(c.at, c.id)), columns=["at", "from_state", "to_state"])
        h = DeviceUptimeHourly
        hourly = to_frame(conn.execute(select(h.hour, h.up_seconds, h.known_seconds, h.maintenance_seconds)
                                           .where(h.device_id == device_id, h.hour > since - timedelta(hours=1))
                                           .order_by(h.hour)),
                              columns=["hour", "up_seconds", "known_seconds", "maintenance_seconds"])
        windows = to_frame(conn.execute(
            select(MaintenanceWindow.starts_at, MaintenanceWindow.ends_at, MaintenanceWindow.reason)
            .where(MaintenanceWindow.device_id == device_id, MaintenanceWindow.ends_at > since)
            .order_by(MaintenanceWindow.starts_at)), columns=["starts_at", "ends_at", "reason"])
        samples = to_frame(conn.execute(
            select(DeviceSample.at, DeviceSample.state, DeviceSample.latency_ms, DeviceSample.detail)
            .where(DeviceSample.device_id == device_id, DeviceSample.at <= now)
            .order_by(DeviceSample.at.desc()).limit(10)), columns=["at", "state", "latency_ms", "detail"])
    if before is None:  # no change before the window: its first change says where it started, or none did
        before = changes["from_state"].iloc[0] if len(changes) else row.state
    return {"device": dict(row._mapping), "state_at_start": before, "since": since, "changes": changes,
            "hourly": hourly, "maintenance": windows, "samples": samples,
            "in_maintenance": bool(((windows["starts_at"] <= now) & (windows["ends_at"] > now)).any())
            if len(windows) else False}


def timeline_segments(detail: dict, now: datetime) -> pd.DataFrame:
    """The state timeline as segments: columns start, end, state (pure; from ``device_detail``)."""
    since = detail["since"]
    state = detail["state_at_start"] or "unknown"
    start = since
    rows = []
    for change in detail["changes"].itertuples():
        if change.at > start:
            rows.append((start, change.at, state))
        start, state = max(start, change.at), change.to_state
    rows.append((start, now, state))
    return pd.DataFrame(rows, columns=["start", "end", "state"])


@cache.memoize()
def source_keys(city_code: str, kind: str) -> list[str]:
    """The keys of the sources that report this kind of device."""
    stmt = (select(Source.key).where(Source.id.in_(select(Device.source_id).where(_scope(city_code, kind))))
            .order_by(Source.key))
    with database.engine.connect() as conn:
        return list(conn.execute(stmt).scalars())
