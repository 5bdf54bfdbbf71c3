"""Uptime roll-ups from raw device samples, and the retention of raw samples.

Every second of a device's life is read by the same rule as its state (``device_state``):
at time x, let p be its newest sample at or before x.

- x - p < ``unknown_after``: the sample's state (online and degraded are up, offline down);
- x - p < ``offline_after``: unknown (not counted), except after an offline sample (down);
- otherwise, or with no sample at all: down (silence that long is an outage), except
  within ``offline_after`` of ``installed_at`` (unknown);
- inside a maintenance window: not counted as up, down or known; it is added to
  ``maintenance_seconds`` instead.

``device_uptime_hourly`` holds, per device and UTC hour, the number of samples and the
seconds up, degraded, known (up + down) and in maintenance; uptime = up / known.
``device_uptime_daily`` is the sum of the hourly rows over each local day of the city. The
group tables (``device_uptime_group_hourly`` and ``_daily``) sum both again per kind,
kecamatan and site type: what the pages read.

Incremental runs recompute the hours from the city's mark (``device_rollup_marks``: the
start of the last hour rolled up, or the oldest late sample if earlier) to now; the
current hour is recomputed on every run. ``--rebuild`` recomputes every hour the raw
samples still cover; older roll-ups are kept as they are (their raw samples are gone).
Raw samples older than the retention are deleted only once their hours are rolled up.

``python -m data_sources.rules.uptime [--rebuild] [--prune]``.
"""
from __future__ import annotations

import argparse
import logging
import time
from datetime import date, datetime, timedelta, timezone

import numpy as np
import pandas as pd
from sqlalchemy import Connection, delete, func, insert, literal, select, text, update

from cities import CityProfile
from data_sources import models as m
from data_sources.ingest.bulk import bulk_insert
from data_sources.frames import to_frame
from data_sources.rules.periods import local_days, local_midnight

log = logging.getLogger(__name__)

HOUR = 3600
US = 1_000_000  # times are handled as integer microseconds, so sums are exact
TOTALS = ("samples", "up_seconds", "degraded_seconds", "known_seconds", "maintenance_seconds")
_UP, _DEGRADED, _DOWN = 1, 2, 3  # piece kinds; unknown pieces are dropped


# --- the rule, on arrays ------------------------------------------------------------------------


def _epoch_us(values) -> np.ndarray:
    """Naive-UTC datetimes (or ISO text) as int64 microseconds since the epoch."""
    series = pd.to_datetime(pd.Series(values), format="ISO8601", utc=True)
    return series.dt.tz_convert(None).astype("datetime64[us]").to_numpy().astype(np.int64)


def hourly_totals(samples: pd.DataFrame, devices: pd.DataFrame, windows: pd.DataFrame,
                  start_us: int, end_us: int) -> pd.DataFrame:
    """Per device and hour, the totals of the seconds in [start, end) (whole hours, µs).

    ``samples``: device_id, at_us, state: every sample of these devices at or after
    start - offline_after (the earlier ones say what the first seconds were) and before end.
    ``devices``: id, unknown_after, offline_after (seconds), installed_us (NaN if unknown).
    ``windows``: device_id, starts_us, ends_us (maintenance).
    Returns device_id, hour_us and ``TOTALS`` (seconds as float, samples as int).
    """
    dev = devices.set_index("id")
    ua = dev["unknown_after"].astype(np.int64) * US
    oa = dev["offline_after"].astype(np.int64) * US
    # a virtual unknown sample where the device's known history begins: its installation if
    # recent, otherwise far enough back that the first seconds with no sample are silence
    installed = dev["installed_us"].astype(float)
    virtual_at = np.where(installed.notna() & (installed > start_us - oa), installed.fillna(0), start_us - oa - 1)
    virtual = pd.DataFrame({"device_id": dev.index.to_numpy(), "at_us": virtual_at.astype(np.int64),
                            "state": "unknown", "real": False})
    real = samples[["device_id", "at_us", "state"]].assign(real=True)
    first_real = real.groupby("device_id")["at_us"].min()
    virtual["at_us"] = np.minimum(virtual["at_us"].to_numpy(),
                                  first_real.reindex(virtual["device_id"]).fillna(np.iinfo(np.int64).max).to_numpy())
    events = pd.concat([virtual, real], ignore_index=True).sort_values(["device_id", "at_us", "real"], kind="stable")
    device_id = events["device_id"].to_numpy()
    at = events["at_us"].to_numpy(np.int64)
    state = events["state"].to_numpy()
    nxt = np.empty_like(at)
    nxt[:-1] = at[1:]
    last_of_device = np.ones(len(at), bool)
    last_of_device[:-1] = device_id[1:] != device_id[:-1]
    nxt[last_of_device] = end_us
    e_ua = ua.reindex(device_id).to_numpy()
    e_oa = oa.reindex(device_id).to_numpy()

    kind_of_state = np.select([state == "online", state == "degraded", state == "offline"], [_UP, _DEGRADED, _DOWN], 0)
    is_offline = state == "offline"
    # piece A: the sample's own state; B: unknown; C: silence long enough to count as down
    a_end = np.minimum(nxt, np.where(is_offline, nxt, at + e_ua))
    c_start = np.where(is_offline, a_end, at + e_oa)
    pieces = pd.DataFrame({
        "device_id": np.concatenate([device_id, device_id]),
        "start": np.concatenate([at, c_start]),
        "end": np.concatenate([a_end, nxt]),
        "kind": np.concatenate([kind_of_state, np.full(len(at), _DOWN)]),
    })
    pieces["start"] = pieces["start"].clip(lower=start_us)
    pieces["end"] = pieces["end"].clip(upper=end_us)
    pieces = pieces[(pieces["kind"] > 0) & (pieces["end"] > pieces["start"])]
    pieces = _split_by_hour(pieces)

    merged = _merge_windows(windows, start_us, end_us)
    pieces["seconds_us"] = pieces["end"] - pieces["start"] - _overlap(pieces, merged)
    maintenance = _maintenance_by_hour(merged, installed, start_us)

    pieces["up"] = np.where(pieces["kind"] != _DOWN, pieces["seconds_us"], 0)
    pieces["degraded"] = np.where(pieces["kind"] == _DEGRADED, pieces["seconds_us"], 0)
    totals = pieces.groupby(["device_id", "hour_us"], as_index=False).agg(
        up=("up", "sum"), degraded=("degraded", "sum"), known=("seconds_us", "sum"))
    real_in = real[(real["at_us"] >= start_us) & (real["at_us"] < end_us)]
    counts = (real_in.assign(hour_us=real_in["at_us"] - real_in["at_us"] % (HOUR * US))
              .groupby(["device_id", "hour_us"]).size().rename("samples").reset_index())
    out = totals.merge(counts, on=["device_id", "hour_us"], how="outer").merge(
        maintenance, on=["device_id", "hour_us"], how="outer")
    out = out.fillna(0)
    return pd.DataFrame({
        "device_id": out["device_id"].astype(np.int64), "hour_us": out["hour_us"].astype(np.int64),
        "samples": out["samples"].astype(np.int64),
        "up_seconds": out["up"].astype(np.int64) / US, "degraded_seconds": out["degraded"].astype(np.int64) / US,
        "known_seconds": out["known"].astype(np.int64) / US,
        "maintenance_seconds": out["maintenance"].astype(np.int64) / US,
    }).sort_values(["device_id", "hour_us"], ignore_index=True)


def _split_by_hour(pieces: pd.DataFrame) -> pd.DataFrame:
    hour = HOUR * US
    first = pieces["start"].to_numpy() // hour
    last = (pieces["end"].to_numpy() - 1) // hour
    repeat = (last - first + 1).astype(np.int64)
    out = pieces.loc[pieces.index.repeat(repeat)].reset_index(drop=True)
    offset = np.arange(len(out)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    hour_start = (np.repeat(first, repeat) + offset) * hour
    out["start"] = np.maximum(out["start"].to_numpy(), hour_start)
    out["end"] = np.minimum(out["end"].to_numpy(), hour_start + hour)
    out["hour_us"] = hour_start
    return out


def _merge_windows(windows: pd.DataFrame, start_us: int, end_us: int) -> pd.DataFrame:
    """Maintenance windows clipped to [start, end), overlapping ones of a device merged."""
    if windows.empty:
        return pd.DataFrame({"device_id": [], "start": [], "end": []}, dtype=np.int64)
    w = windows.assign(start=windows["starts_us"].clip(lower=start_us), end=windows["ends_us"].clip(upper=end_us))
    w = w[w["end"] > w["start"]].sort_values(["device_id", "start"])
    merged = []
    for device_id, group in w.groupby("device_id", sort=False):
        cur_s = cur_e = None
        for s, e in zip(group["start"], group["end"]):
            if cur_e is not None and s <= cur_e:
                cur_e = max(cur_e, e)
                continue
            if cur_e is not None:
                merged.append((device_id, cur_s, cur_e))
            cur_s, cur_e = s, e
        if cur_e is not None:
            merged.append((device_id, cur_s, cur_e))
    return pd.DataFrame(merged, columns=["device_id", "start", "end"]).astype(np.int64)


def _overlap(pieces: pd.DataFrame, merged: pd.DataFrame) -> np.ndarray:
    """Microseconds of each piece inside its device's maintenance windows."""
    if merged.empty or pieces.empty:
        return np.zeros(len(pieces), np.int64)
    pairs = pieces[["device_id", "start", "end"]].reset_index().merge(merged, on="device_id", suffixes=("", "_w"))
    lap = (np.minimum(pairs["end"], pairs["end_w"]) - np.maximum(pairs["start"], pairs["start_w"])).clip(lower=0)
    return lap.groupby(pairs["index"]).sum().reindex(pieces.index, fill_value=0).to_numpy(np.int64)


def _maintenance_by_hour(merged: pd.DataFrame, installed: pd.Series, start_us: int) -> pd.DataFrame:
    if merged.empty:
        return pd.DataFrame({"device_id": [], "hour_us": [], "maintenance": []}, dtype=np.int64)
    begin = installed.reindex(merged["device_id"]).fillna(start_us).to_numpy(np.int64)
    w = merged.assign(start=np.maximum(merged["start"].to_numpy(), begin))
    w = _split_by_hour(w[w["end"] > w["start"]])
    return (w.assign(maintenance=w["end"] - w["start"]).groupby(["device_id", "hour_us"], as_index=False)
            ["maintenance"].sum())


# --- database ------------------------------------------------------------------------------------


def _to_us(moment: datetime) -> int:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return int(round(moment.timestamp() * US))


def _from_us(us: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(microseconds=int(us))


def floor_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _device_frame(conn: Connection, profile: CityProfile) -> pd.DataFrame:
    rows = conn.execute(select(m.Device.id, m.Device.kind, m.Device.installed_at)
                        .where(m.Device.city_code == profile.code, m.Device.active.is_(True))).all()
    frame = to_frame(rows, columns=["id", "kind", "installed_at"])
    frame["unknown_after"] = frame["kind"].map({k: r.unknown_after_seconds for k, r in profile.device_rules.items()})
    frame["offline_after"] = frame["kind"].map({k: r.offline_after_seconds for k, r in profile.device_rules.items()})
    frame = frame.dropna(subset=["unknown_after", "offline_after"])
    installed = frame["installed_at"]
    frame["installed_us"] = np.nan
    known = installed.notna()
    if known.any():
        frame.loc[known, "installed_us"] = _epoch_us(installed[known].map(lambda d: d.replace(tzinfo=None))).astype(float)
    return frame.drop(columns=["installed_at"])


def _city_devices(profile: CityProfile):
    return select(m.Device.id).where(m.Device.city_code == profile.code).scalar_subquery()


def _read_samples(conn: Connection, profile: CityProfile, start: datetime, end: datetime) -> pd.DataFrame:
    # plain text SQL: no per-row type conversion of up to millions of timestamps
    sql = text("SELECT s.device_id, s.at, s.state FROM device_samples s JOIN devices d ON d.id = s.device_id "
               "WHERE d.city_code = :city AND d.active = :active AND s.at >= :start AND s.at < :end")
    rows = conn.execute(sql, {"city": profile.code, "active": True, "start": start.replace(tzinfo=None),
                              "end": end.replace(tzinfo=None)}).all()
    frame = to_frame(rows, columns=["device_id", "at", "state"])
    frame["at_us"] = _epoch_us(frame["at"]) if len(frame) else np.array([], np.int64)
    return frame.drop(columns=["at"])


def _read_windows(conn: Connection, profile: CityProfile, start: datetime, end: datetime) -> pd.DataFrame:
    rows = conn.execute(select(m.MaintenanceWindow.device_id, m.MaintenanceWindow.starts_at, m.MaintenanceWindow.ends_at)
                        .where(m.MaintenanceWindow.device_id.in_(_city_devices(profile)),
                               m.MaintenanceWindow.starts_at < end, m.MaintenanceWindow.ends_at > start)).all()
    return pd.DataFrame({"device_id": [r[0] for r in rows], "starts_us": [_to_us(r[1]) for r in rows],
                         "ends_us": [_to_us(r[2]) for r in rows]}, dtype=np.int64)


def _group_rows(conn: Connection, profile: CityProfile, table, group_table, time_column: str, start, end) -> int:
    """Recompute ``group_table`` (per kind, kecamatan and site type) from ``table`` for
    [start, end) of ``time_column``, in SQL."""
    when = getattr(table, time_column)
    conn.execute(delete(group_table).where(group_table.city_code == profile.code,
                                           getattr(group_table, time_column) >= start,
                                           getattr(group_table, time_column) < end))
    columns = [m.Device.city_code, m.Device.kind, m.Device.kecamatan_id, m.Device.site_type, when]
    sums = [func.sum(getattr(table, name)).label(name) for name in TOTALS]
    extra = {}
    if group_table is m.DeviceUptimeGroupDaily:
        extra["devices_mostly_down"] = func.count().filter(table.known_seconds > 0,
                                                           table.up_seconds < table.known_seconds * 0.5)
    stmt = (select(*columns, func.count().label("devices"), *sums, *extra.values())
            .join(m.Device, m.Device.id == table.device_id)
            .where(m.Device.city_code == profile.code, when >= start, when < end)
            .group_by(*columns))
    names = ["city_code", "kind", "kecamatan_id", "site_type", time_column, "devices", *TOTALS, *extra]
    result = conn.execute(insert(group_table).from_select(names, stmt))
    return max(result.rowcount or 0, 0)


def rebuild_group_hourly(conn: Connection, profile: CityProfile, start: datetime, end: datetime) -> int:
    """The per-group hourly rows of [start, end) from the device rows (e.g. after a bulk load)."""
    return _group_rows(conn, profile, m.DeviceUptimeHourly, m.DeviceUptimeGroupHourly, "hour", start, end)


def rebuild_daily(conn: Connection, profile: CityProfile, days: list[date]) -> int:
    """Recompute the daily rows of ``days`` (local dates) from the hourly rows, in SQL."""
    written = 0
    for day in days:
        day_start = local_midnight(day, profile.timezone)
        day_end = day_start + timedelta(days=1)
        conn.execute(delete(m.DeviceUptimeDaily).where(m.DeviceUptimeDaily.day == day,
                                                       m.DeviceUptimeDaily.device_id.in_(_city_devices(profile))))
        h = m.DeviceUptimeHourly
        sums = select(h.device_id, literal(day, m.DeviceUptimeDaily.day.type).label("day"),
                      *[func.sum(getattr(h, name)).label(name) for name in TOTALS]).where(
            h.hour >= day_start, h.hour < day_end, h.device_id.in_(_city_devices(profile))).group_by(h.device_id)
        result = conn.execute(insert(m.DeviceUptimeDaily).from_select(["device_id", "day", *TOTALS], sums))
        written += max(result.rowcount or 0, 0)
        _group_rows(conn, profile, m.DeviceUptimeDaily, m.DeviceUptimeGroupDaily, "day", day, day + timedelta(days=1))
    return written


def roll_up(conn: Connection, profile: CityProfile, start: datetime, end: datetime) -> dict:
    """Recompute the hourly rows of [start, end) (floored to hours; ``end`` may be now, the
    current hour then holds the seconds up to now) and the daily rows of the days touched."""
    start = floor_hour(start)
    end_hour = floor_hour(end) + (timedelta(hours=1) if end != floor_hour(end) else timedelta(0))
    devices = _device_frame(conn, profile)
    lookback = timedelta(seconds=int(devices["offline_after"].max()) if len(devices) else 0)
    hourly_rows = 0
    hour = start
    while hour < end_hour:  # one hour at a time: bounded memory at any scale
        stop = min(hour + timedelta(hours=1), end)
        samples = _read_samples(conn, profile, hour - lookback, stop)
        windows = _read_windows(conn, profile, hour, stop)
        totals = hourly_totals(samples, devices, windows, _to_us(hour), _to_us(stop))
        conn.execute(delete(m.DeviceUptimeHourly).where(m.DeviceUptimeHourly.hour == hour,
                                                        m.DeviceUptimeHourly.device_id.in_(_city_devices(profile))))
        hourly_rows += bulk_insert(conn, m.DeviceUptimeHourly.__table__, pd.DataFrame({
            "device_id": totals["device_id"], "hour": totals["hour_us"].astype("datetime64[us]"),
            **{name: totals[name] for name in TOTALS}}))
        rebuild_group_hourly(conn, profile, hour, hour + timedelta(hours=1))
        hour += timedelta(hours=1)
    daily_rows = rebuild_daily(conn, profile, local_days(start, end_hour, profile.timezone)) if end_hour > start else 0
    return {"hours": int((end_hour - start) / timedelta(hours=1)), "hourly_rows": hourly_rows, "daily_rows": daily_rows}


def _mark(conn: Connection, profile: CityProfile):
    return conn.execute(select(m.DeviceRollupMark.rolled_until, m.DeviceRollupMark.dirty_from)
                        .where(m.DeviceRollupMark.city_code == profile.code)).first()


def _oldest_sample(conn: Connection, profile: CityProfile) -> datetime | None:
    return conn.execute(select(func.min(m.DeviceSample.at)).where(
        m.DeviceSample.device_id.in_(_city_devices(profile)))).scalar()


def _first_full_hour(conn: Connection, profile: CityProfile) -> datetime | None:
    """The first hour whose preceding ``offline_after`` seconds are all in the raw samples."""
    oldest = _oldest_sample(conn, profile)
    if oldest is None:
        return None
    lookback = max(r.offline_after_seconds for r in profile.device_rules.values())
    moment = oldest + timedelta(seconds=lookback)
    return moment if moment == floor_hour(moment) else floor_hour(moment) + timedelta(hours=1)


def update_rollups(conn: Connection, profile: CityProfile, now: datetime, *, rebuild: bool = False) -> dict:
    """The incremental run (or, with ``rebuild``, every hour the raw samples cover)."""
    mark = _mark(conn, profile)
    if rebuild or mark is None or mark.rolled_until is None:
        start = _first_full_hour(conn, profile)
    else:
        start = min(mark.rolled_until, mark.dirty_from or mark.rolled_until)
    if start is None or start >= now:
        return {"hours": 0, "hourly_rows": 0, "daily_rows": 0}
    result = roll_up(conn, profile, start, now)
    values = {"rolled_until": floor_hour(now), "dirty_from": None}
    if mark is None:
        conn.execute(insert(m.DeviceRollupMark).values(city_code=profile.code, **values))
    else:
        conn.execute(update(m.DeviceRollupMark).where(m.DeviceRollupMark.city_code == profile.code).values(**values))
    return result


def prune_samples(conn: Connection, profile: CityProfile, now: datetime, retention_days: float) -> int:
    """Delete raw samples older than the retention whose hours are rolled up; returns how many.

    A sample within ``offline_after`` of the first hour not yet rolled up is kept: that hour
    still reads it."""
    mark = _mark(conn, profile)
    if mark is None or mark.rolled_until is None:
        return 0
    lookback = max(r.offline_after_seconds for r in profile.device_rules.values())
    rolled = min(mark.rolled_until, mark.dirty_from or mark.rolled_until)
    cutoff = min(now - timedelta(days=retention_days), rolled - timedelta(seconds=lookback))
    result = conn.execute(delete(m.DeviceSample).where(m.DeviceSample.at < cutoff,
                                                      m.DeviceSample.device_id.in_(_city_devices(profile))))
    return max(result.rowcount or 0, 0)


def main(argv: list[str] | None = None) -> int:
    from cities import load_profile
    from data_sources.db import make_engine
    from settings import load_settings

    settings = load_settings()
    parser = argparse.ArgumentParser(prog="python -m data_sources.rules.uptime", description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="recompute every hour the raw samples cover")
    parser.add_argument("--prune", action="store_true",
                        help=f"then delete raw samples older than the retention ({settings.raw_sample_retention_days} days)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    profile = load_profile(settings.city)
    engine = make_engine(settings.database_url)
    now = settings.frozen_now or datetime.now(timezone.utc)
    started = time.perf_counter()
    with engine.begin() as conn:
        result = update_rollups(conn, profile, now, rebuild=args.rebuild)
        if args.prune:
            result["pruned_samples"] = prune_samples(conn, profile, now, settings.raw_sample_retention_days)
    log.info("roll-ups %s in %.1f s", result, time.perf_counter() - started)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
