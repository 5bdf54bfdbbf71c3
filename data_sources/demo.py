"""A believable demo city, generated deterministically from a seed.

``python -m data_sources.demo --complaints 1000000 --cameras 10000 --access-points 10000``

Complaints follow each category's hours of day and season, are placed inside the
kelurahan (weighted by population and a few hotspots), and are answered by agencies of
different speeds, so some agencies are slow and some complaints are overdue. Cameras and
access points get hourly uptime roll-ups with realistic outages, recent raw samples and a
current state. KPIs get monthly values for three years and indicators yearly values since
2017. The same seed and ``now`` give the same database, row for row.
"""
from __future__ import annotations

import argparse
import json
import logging
import time
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from cities import CityProfile, load_profile
from data_sources import demo_text as words
from data_sources import models as m
from data_sources import uptime
from data_sources.bulk import bulk_insert, next_id
from data_sources.db import make_engine
from data_sources.device_state import refresh_states
from data_sources.deadlines import WorkCalendar, due_at
from data_sources.flags import amber_share, refresh_flags
from data_sources.geo import random_points_in
from data_sources.migrate import upgrade
from data_sources.profile_sync import lookup_ids, sync_profile

log = logging.getLogger(__name__)
HOUR = 3600
DAY = 86400


@dataclass(frozen=True)
class DemoSize:
    complaints: int = 60_000
    days: int = 365
    cameras: int = 400
    access_points: int = 300
    device_history_days: int = 30
    raw_sample_hours: int = 3
    kpi_months: int = 36
    indicator_first_year: int = 2017


SIZES = {
    "test": DemoSize(complaints=3_000, days=60, cameras=40, access_points=30, device_history_days=7, raw_sample_hours=1,
                     kpi_months=24),
    "default": DemoSize(),
}

# Relative complaints per local hour of day, by category code; unknown codes use "default".
_HOURS = {
    "default": [1, .6, .4, .3, .4, 1, 3, 6, 8, 8, 7, 7, 7, 6, 6, 6, 6, 6, 5, 5, 4, 3, 2, 1.5],
    "rush": [.3, .2, .1, .1, .3, 2, 7, 10, 9, 5, 3, 3, 3, 3, 4, 6, 9, 10, 8, 5, 3, 2, 1, .5],
    "evening": [5, 3, 1.5, 1, .8, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.5, 3, 8, 10, 10, 9, 8, 7],
    "morning": [.5, .3, .3, .5, 2, 6, 9, 9, 8, 6, 4, 3, 3, 3, 3, 3, 3, 3, 2, 2, 1.5, 1, .8, .6],
    "afternoon": [1, 1, .8, .8, .8, 1, 1.5, 2, 2, 2, 2, 3, 4, 6, 8, 9, 9, 8, 7, 5, 4, 3, 2, 1.5],
    "office": [.1, .1, .1, .1, .1, .2, .5, 3, 9, 10, 10, 9, 7, 9, 9, 7, 4, 2, 1, .8, .6, .4, .2, .1],
}
_CATEGORY_HOURS = {"macet": "rush", "lalin": "rush", "pju": "evening", "sampah": "morning", "banjir": "afternoon",
                   "adminduk": "office", "kesehatan": "office", "sosial": "office"}
_RAINY_MONTHS = {11, 12, 1, 2, 3}
_SEASONAL = {"banjir", "drainase", "pohon"}


def _floor_hour(ts: int) -> int:
    return ts - ts % HOUR


def _to_datetime64(seconds: np.ndarray) -> pd.Series:
    """Unix seconds (NaN for missing) to naive UTC datetime64 for bulk_insert."""
    return pd.Series(pd.to_datetime(seconds, unit="s"))


# --- complaints ------------------------------------------------------------------------------


def _received_times(rng, codes, size: DemoSize, now_s: int, offset_s: int) -> np.ndarray:
    """UTC seconds of receipt for complaints of the given category codes."""
    local_midnight_today = ((now_s + offset_s) // DAY) * DAY
    day_starts_local = local_midnight_today - (size.days - 1 - np.arange(size.days)) * DAY
    dates = pd.to_datetime(day_starts_local, unit="s")
    weekday_factor = np.where(dates.day_of_week >= 5, 0.75, 1.0)
    trend = 0.85 + 0.3 * np.arange(size.days) / max(size.days - 1, 1)
    rainy = np.isin(dates.month, list(_RAINY_MONTHS))
    out = np.empty(len(codes), dtype=np.int64)
    for code in np.unique(codes):
        idx = np.flatnonzero(codes == code)
        weights = weekday_factor * trend * (np.where(rainy, 2.5, 0.5) if code in _SEASONAL else 1.0)
        if _CATEGORY_HOURS.get(code) == "office":
            weights = weights * np.where(dates.day_of_week >= 5, 0.2, 1.0)
        day = rng.choice(size.days, size=len(idx), p=weights / weights.sum())
        hours = np.asarray(_HOURS[_CATEGORY_HOURS.get(code, "default")], dtype=float)
        hour = rng.choice(24, size=len(idx), p=hours / hours.sum())
        local = day_starts_local[day] + hour * HOUR + rng.integers(0, HOUR, len(idx))
        out[idx] = local - offset_s
    late = out > now_s  # today's hours still to come: move them one day back
    out[late] -= DAY
    return out


def _place_complaints(rng, n, profile: CityProfile, shapes, kel_ids, kec_ids):
    kels = profile.kelurahan
    weights = np.array([kec.population / len(kec.kelurahan) for kec, _ in kels], dtype=float)
    weights *= rng.lognormal(0.0, 0.6, len(kels))  # hotspots
    choice = rng.choice(len(kels), size=n, p=weights / weights.sum())
    lat = np.empty(n)
    lon = np.empty(n)
    geoms = dict(zip(shapes.kelurahan["code"], shapes.kelurahan.geometry))
    for i in np.unique(choice):
        idx = np.flatnonzero(choice == i)
        lat[idx], lon[idx] = random_points_in(geoms[kels[i][1].code], len(idx), rng)
    kel_codes = np.array([kel.code for _, kel in kels], dtype=object)[choice]
    kel_names = np.array([kel.name for _, kel in kels], dtype=object)[choice]
    kec_codes = np.array([kec.code for kec, _ in kels], dtype=object)[choice]
    return dict(
        lat=lat, lon=lon, kel_name=kel_names, kec_code=kec_codes,
        kelurahan_id=np.array([kel_ids[c] for c in kel_codes]), kecamatan_id=np.array([kec_ids[c] for c in kec_codes]),
    )


def _people(rng, n, kec_codes):
    first = rng.choice(words.FIRST_NAMES, n)
    last = rng.choice(words.LAST_NAMES, n)
    names = np.char.add(np.char.add(first.astype(str), " "), last.astype(str)).astype(object)
    phones = np.array([f"08{p:010d}"[:12] for p in rng.integers(1_100_000_000, 9_999_999_999, n)], dtype=object)
    emails = np.array([f"{a.lower()}.{b.lower()}{k}@example.com" for a, b, k in zip(first, last, rng.integers(1, 99, n))],
                      dtype=object)
    birth = rng.integers(0, 365 * 60, n)
    niks = np.array([f"{c.replace('.', '')}{(d % 28) + 1:02d}{(d // 28) % 12 + 1:02d}{(50 + d // 365) % 100:02d}{s:04d}"
                     for c, d, s in zip(kec_codes, birth, rng.integers(1, 9999, n))], dtype=object)
    has_name = rng.random(n) < 0.85
    return dict(
        reporter_name=np.where(has_name, names, None),
        reporter_phone=np.where(has_name, phones, None),
        reporter_email=np.where(has_name & (rng.random(n) < 0.45), emails, None),
        reporter_nik=np.where(has_name & (rng.random(n) < 0.3), niks, None),
        names=names, phones=phones, emails=emails, niks=niks,
    )


def _texts(rng, codes, addresses, people):
    n = len(codes)
    pick = rng.integers(0, 1000, n)
    personal = rng.random(n) < 0.08
    suffix = rng.integers(0, len(words.PERSONAL_SUFFIXES), n)
    out = []
    for i in range(n):
        templates = words.TEMPLATES.get(codes[i], words.GENERIC_TEMPLATE)
        text = templates[pick[i] % len(templates)].format(place=addresses[i])
        if personal[i]:
            text += words.PERSONAL_SUFFIXES[suffix[i]].format(
                phone=people["phones"][i], name=people["names"][i], email=people["emails"][i], nik=people["niks"][i])
        out.append(text)
    return np.array(out, dtype=object)


def _deadlines(received_s, categories, cat_idx, calendar: WorkCalendar, hours_of, share: float = 1.0) -> np.ndarray:
    """Deadlines as Unix seconds: ``share`` of each category's ``hours_of(category)``,
    in calendar or working hours as the category says (see ``deadlines.due_at``)."""
    hours = np.array([hours_of(c) for c in categories])[cat_idx] * share
    working = np.array([c.working_hours_only for c in categories])[cat_idx]
    due = received_s + (hours * HOUR).astype(np.int64)
    for i in np.flatnonzero(working):
        start = datetime.fromtimestamp(int(received_s[i]), timezone.utc)
        due[i] = int(due_at(start, float(hours[i]), True, calendar).timestamp())
    return due


def _complaint_frames(rng, profile, ids, shapes, size: DemoSize, now_s: int, start_id: int, source_id: int):
    n = size.complaints
    offset_s = int(ZoneInfo(profile.timezone).utcoffset(datetime.now()).total_seconds())
    calendar = WorkCalendar.for_profile(profile)
    cats = profile.complaint_categories
    weights = np.array([c.demo_weight for c in cats], dtype=float)
    cat_idx = rng.choice(len(cats), size=n, p=weights / weights.sum())
    codes = np.array([c.code for c in cats], dtype=object)[cat_idx]
    received = _received_times(rng, codes, size, now_s, offset_s)
    order = np.argsort(received, kind="stable")  # ids follow arrival order, like a real system
    cat_idx, codes, received = cat_idx[order], codes[order], received[order]

    where = _place_complaints(rng, n, profile, shapes, ids["kelurahan"], ids["kecamatan"])
    streets = rng.choice(words.STREETS, n)
    numbers = rng.integers(1, 200, n)
    addresses = np.array([f"{s} No. {k}, {kel}" for s, k, kel in zip(streets, numbers, where["kel_name"])], dtype=object)
    people = _people(rng, n, where["kec_code"])
    texts = _texts(rng, codes, addresses, people)

    agency_codes = [a.code for a in profile.agencies]
    speed = dict(zip(agency_codes, rng.lognormal(0.0, 0.3, len(agency_codes))))
    for slow in rng.choice(agency_codes, size=min(2, len(agency_codes)), replace=False):
        speed[slow] *= 2.6
    cat_agency = np.array([c.agency for c in cats], dtype=object)[cat_idx]
    agency_speed = np.array([speed[a] for a in cat_agency])

    response_due = _deadlines(received, cats, cat_idx, calendar, lambda c: c.response_hours)
    amber_at = _deadlines(received, cats, cat_idx, calendar, lambda c: c.response_hours, amber_share(profile))
    resolution_due = _deadlines(received, cats, cat_idx, calendar, lambda c: c.resolution_hours)
    allowed = (response_due - received).astype(float)
    assigned = received + rng.exponential(20 * 60, n).astype(np.int64) + 60
    rejected = rng.random(n) < 0.03
    never_answered = rng.random(n) < 0.03
    responded = assigned + (allowed * agency_speed * rng.lognormal(-0.6, 0.9, n)).astype(np.int64)
    resolution_time = (resolution_due - received).astype(float) * agency_speed * rng.lognormal(-0.7, 0.7, n)
    in_progress = responded + (0.1 * resolution_time).astype(np.int64) + 60
    resolved = responded + resolution_time.astype(np.int64) + 120
    never_resolved = rng.random(n) < 0.04

    def reached(ts, mask=None):
        ok = ts <= now_s
        return ok if mask is None else ok & mask

    has_assigned = reached(assigned)
    has_rejected = has_assigned & rejected & reached(assigned + 1800)
    live = has_assigned & ~rejected
    has_response = live & ~never_answered & reached(responded)
    has_progress = has_response & reached(in_progress)
    has_resolved = has_progress & ~never_resolved & reached(resolved)

    status = np.full(n, "received", dtype=object)
    status[has_assigned] = "assigned"
    status[has_response] = "responded"
    status[has_progress] = "in_progress"
    status[has_resolved] = "resolved"
    status[has_rejected] = "rejected"

    complaint_ids = np.arange(start_id, start_id + n)
    nan = np.nan
    first_response_s = np.where(has_response, responded, nan)
    resolved_s = np.where(has_resolved, resolved, np.where(has_rejected, assigned + 1800, nan))
    updated = np.nanmax(np.vstack([received, np.where(has_assigned, assigned, nan), first_response_s,
                                   np.where(has_progress, in_progress, nan), resolved_s]), axis=0)
    channel = rng.choice(words.CHANNELS, size=n, p=words.CHANNEL_WEIGHTS)
    system = profile.complaint_system.get("name", "DEMO").upper()
    complaints = pd.DataFrame({
        "id": complaint_ids,
        "city_code": profile.code,
        "source_id": source_id,
        "external_id": [f"{system}-{i:08d}" for i in complaint_ids],
        "category_id": np.array([ids["category"][c] for c in codes]),
        "agency_id": np.array([ids["agency"][a] for a in cat_agency]),
        "kecamatan_id": where["kecamatan_id"],
        "kelurahan_id": where["kelurahan_id"],
        "lat": where["lat"],
        "lon": where["lon"],
        "address": addresses,
        "description": texts,
        "channel": channel.astype(object),
        "media_url": None,
        "reporter_name": people["reporter_name"],
        "reporter_phone": people["reporter_phone"],
        "reporter_email": people["reporter_email"],
        "reporter_nik": people["reporter_nik"],
        "status": status,
        "received_at": _to_datetime64(received),
        "assigned_at": _to_datetime64(np.where(has_assigned, assigned, nan)),
        "first_response_at": _to_datetime64(first_response_s),
        "resolved_at": _to_datetime64(resolved_s),
        "response_due_at": _to_datetime64(response_due),
        "resolution_due_at": _to_datetime64(resolution_due),
        "response_amber_at": _to_datetime64(amber_at),
        "reopened_at": pd.NaT,
        "reopen_count": 0,
        "updated_at": _to_datetime64(updated),
    })
    agency_id = complaints["agency_id"].to_numpy()
    parts = [
        ("received", np.ones(n, bool), received, "Aduan diterima"),
        ("assigned", has_assigned, assigned, "Diteruskan ke OPD"),
        ("responded", has_response, responded, "Ditanggapi OPD"),
        ("in_progress", has_progress, in_progress, "Sedang ditangani"),
        ("resolved", has_resolved, resolved, "Selesai ditangani"),
        ("rejected", has_rejected, assigned + 1800, "Bukan kewenangan / duplikat"),
    ]
    events = pd.concat([
        pd.DataFrame({"complaint_id": complaint_ids[mask], "status": name, "at": _to_datetime64(ts[mask]),
                      "agency_id": np.where(name == "received", None, agency_id[mask].astype(object)), "note": note})
        for name, mask, ts, note in parts
    ], ignore_index=True).sort_values(["complaint_id", "at"], kind="stable")
    return complaints, events


# --- devices ---------------------------------------------------------------------------------


def _device_frame(rng, profile, ids, shapes, kind, count, start_id, source_id, now_s):
    kels = profile.kelurahan
    weights = np.array([kec.population / len(kec.kelurahan) for kec, _ in kels], dtype=float)
    choice = rng.choice(len(kels), size=count, p=weights / weights.sum())
    geoms = dict(zip(shapes.kelurahan["code"], shapes.kelurahan.geometry))
    lat, lon = np.empty(count), np.empty(count)
    for i in np.unique(choice):
        idx = np.flatnonzero(choice == i)
        lat[idx], lon[idx] = random_points_in(geoms[kels[i][1].code], len(idx), rng)
    rules = profile.devices[kind]
    device_ids = np.arange(start_id, start_id + count)
    kel_names = [kels[i][1].name for i in choice]
    if kind == "cctv":
        site_type = np.full(count, None, dtype=object)
        names = [f"{rng.choice(words.CAMERA_PREFIXES)} {rng.choice(words.STREETS)[4:]} ({k})" for k in kel_names]
        external = [f"CAM-{i:06d}" for i in range(1, count + 1)]
    else:
        types = list(words.SITE_WEIGHTS)
        site_type = rng.choice(types, size=count, p=list(words.SITE_WEIGHTS.values())).astype(object)
        names = [words.SITE_NAMES[t].format(kelurahan=k, n=rng.integers(1, 9)) for t, k in zip(site_type, kel_names)]
        external = [f"AP-{i:06d}" for i in range(1, count + 1)]
    installed = now_s - rng.integers(400 * DAY, 2000 * DAY, count)
    return pd.DataFrame({
        "id": device_ids, "city_code": profile.code, "kind": kind, "source_id": source_id, "external_id": external,
        "name": names, "site_type": site_type,
        "kecamatan_id": [ids["kecamatan"][kels[i][0].code] for i in choice],
        "kelurahan_id": [ids["kelurahan"][kels[i][1].code] for i in choice],
        "lat": lat, "lon": lon, "host": None, "port": None, "check_url": None,
        "check_method": "push", "expected_interval_seconds": rules.expected_interval_seconds,
        "uptime_target": rules.uptime_target, "state": "unknown", "state_since": pd.NaT, "last_seen_at": pd.NaT,
        "installed_at": _to_datetime64(installed), "active": True,
    })


def _device_history(rng, devices: pd.DataFrame, size: DemoSize, now_s: int, lookback_s: int):
    """Hourly roll-ups (Markov outages) before the raw window, then raw samples at the device
    interval from ``lookback_s`` before the raw window to now. The raw hours' roll-ups are
    left to ``uptime.update_rollups``, so they follow the same rule as live ones."""
    n = len(devices)
    interval = int(devices["expected_interval_seconds"].iloc[0])
    raw_start = _floor_hour(now_s - size.raw_sample_hours * HOUR)
    history_hours = size.device_history_days * 24 - size.raw_sample_hours
    first_hour = raw_start - history_hours * HOUR
    klass = rng.choice(3, size=n, p=[0.7, 0.22, 0.08])
    p_fail = np.array([0.002, 0.01, 0.035])[klass]
    p_repair = 1.0 / np.array([2.0, 4.0, 8.0])[klass]
    is_wifi = (devices["kind"] == "wifi").to_numpy()
    long_down = rng.random(n) < 0.015
    long_down_from = raw_start - rng.integers(6, 24 * 6, n) * HOUR

    up = np.ones(n, bool)
    hourly, changes = [], []
    dev_ids = devices["id"].to_numpy()
    for h in range(history_hours):
        hour_s = first_hour + h * HOUR
        prev = up
        flip = rng.random(n)
        up = np.where(prev, flip >= p_fail, flip < p_repair)
        up &= ~(long_down & (hour_s >= long_down_from))
        minute = rng.integers(0, HOUR, n)
        up_seconds = np.where(up & prev, HOUR, np.where(up & ~prev, HOUR - minute, np.where(~up & prev, minute, 0)))
        known = np.where(rng.random(n) < 0.003, rng.integers(0, HOUR, n), HOUR)
        up_seconds = np.minimum(up_seconds, known)
        degraded = np.where(is_wifi & up & (rng.random(n) < 0.03), rng.integers(300, HOUR, n), 0)
        degraded = np.minimum(degraded, up_seconds)
        hourly.append(pd.DataFrame({"device_id": dev_ids, "hour": hour_s, "samples": known // interval,
                                    "up_seconds": up_seconds.astype(float), "degraded_seconds": degraded.astype(float),
                                    "known_seconds": known.astype(float), "maintenance_seconds": 0.0}))
        changed = np.flatnonzero(up != prev)
        if len(changed):
            changes.append(pd.DataFrame({"device_id": dev_ids[changed], "at": hour_s + minute[changed],
                                         "from_state": np.where(prev[changed], "online", "offline"),
                                         "to_state": np.where(up[changed], "online", "offline")}))

    # raw samples, one per device interval, from far enough back that the first raw hour is whole
    steps = np.arange(raw_start - lookback_s, now_s + interval, interval)
    p_step_fail = p_fail * interval / HOUR
    p_step_repair = p_repair * interval / HOUR
    sample_parts = []
    last_change = np.full(n, first_hour, dtype=np.int64)
    state_before = np.where(up, "online", "offline").astype(object)
    if changes:
        last = pd.concat(changes).groupby("device_id")["at"].max()
        last_change = np.maximum(last_change, last.reindex(dev_ids).fillna(first_hour).to_numpy(np.int64))
    jitter = rng.integers(0, interval, n)
    degraded = np.zeros(n, bool)  # episodes of a few minutes to an hour, on access points only
    for t in steps:
        flip = rng.random(n)
        up = np.where(up, flip >= p_step_fail, flip < p_step_repair) & ~long_down
        at = t - jitter
        keep = at <= now_s
        roll = rng.random(n)
        degraded = is_wifi & up & np.where(degraded, roll >= 0.08, roll < 0.0015)
        state = np.where(up, np.where(degraded, "degraded", "online"), "offline").astype(object)
        changed = np.flatnonzero((state != state_before) & keep)
        if len(changed):
            changes.append(pd.DataFrame({"device_id": dev_ids[changed], "at": at[changed],
                                         "from_state": state_before[changed], "to_state": state[changed]}))
            last_change[changed] = at[changed]
            state_before[changed] = state[changed]
        latency = np.where(up, np.round(rng.gamma(2.0, 15.0, n) * np.where(degraded, 8, 1), 1), np.nan)
        sample_parts.append(pd.DataFrame({"device_id": dev_ids[keep], "at": at[keep], "state": state[keep],
                                          "latency_ms": latency[keep], "detail": None}))
    samples = pd.concat(sample_parts, ignore_index=True)
    hourly_frame = pd.concat(hourly, ignore_index=True) if hourly else pd.DataFrame(
        columns=["device_id", "hour", *uptime.TOTALS])
    last_samples = samples.sort_values("at").groupby("device_id").tail(1).set_index("device_id").reindex(dev_ids)
    last_online = samples[samples["state"] != "offline"].groupby("device_id")["at"].max().reindex(dev_ids)
    current = pd.DataFrame({"id": dev_ids, "state": last_samples["state"].to_numpy(), "state_since": last_change,
                            "last_sample_at": last_samples["at"].to_numpy(dtype=float),
                            # a device down since before the raw window was last seen when it went down
                            "last_seen_at": last_online.fillna(pd.Series(last_change, index=dev_ids)).to_numpy(
                                dtype=float)})
    hourly_frame["hour"] = _to_datetime64(hourly_frame["hour"].to_numpy(dtype=np.int64))
    samples["at"] = _to_datetime64(samples["at"].to_numpy())
    change_frame = pd.concat(changes, ignore_index=True) if changes else pd.DataFrame(
        columns=["device_id", "at", "from_state", "to_state"])
    change_frame["at"] = _to_datetime64(change_frame["at"].to_numpy(dtype=float))
    return hourly_frame, samples, change_frame, current


# --- KPIs and indicators -----------------------------------------------------------------------


def _kpi_values(rng, profile, ids, size: DemoSize, now: datetime, source_id):
    month0 = pd.Timestamp(now.year, now.month, 1) - pd.DateOffset(months=size.kpi_months)
    months = pd.date_range(month0, periods=size.kpi_months, freq="MS")
    rows = []
    for kpi in profile.kpis:
        level = rng.normal(0.96, 0.05)
        trend = rng.normal(0.04, 0.02)
        for i, month in enumerate(months):
            perf = level + trend * i / len(months) + rng.normal(0, 0.025)
            value = kpi.target * perf if kpi.direction == "higher" else kpi.target / max(perf, 0.3)
            if kpi.unit == "%":
                value = min(value, 100.0)
            rows.append({"kpi_id": ids["kpi"][kpi.code], "period_start": month.date(), "value": round(float(value), 2),
                         "source_id": source_id, "updated_at": month + pd.DateOffset(months=1, days=4)})
    return pd.DataFrame(rows)


def _indicator_values(rng, profile, ids, size: DemoSize, now: datetime, source_id):
    years = list(range(size.indicator_first_year, now.year))
    rows = []
    whole_units = {"orang", "titik", "kegiatan", "hari"}
    for ind in profile.indicators:
        start = rng.uniform(0.55, 0.8)
        end = rng.uniform(0.88, 1.06)
        for i, year in enumerate(years):
            share = start + (end - start) * i / max(len(years) - 1, 1) + rng.normal(0, 0.02)
            value = ind.target * share
            if ind.unit == "%":
                value = min(value, 100.0)
            value = round(value) if ind.unit in whole_units else round(value, 2)
            rows.append({"indicator_id": ids["indicator"][ind.code], "year": year, "value": float(value),
                         "evidence": f"Laporan kinerja {year}: {ind.name_id} (data demo)", "source_id": source_id,
                         "updated_at": pd.Timestamp(year + 1, 2, 15)})
    return pd.DataFrame(rows)


# --- orchestration ----------------------------------------------------------------------------


def _ids(engine, profile) -> dict[str, dict[str, int]]:
    city = profile.code
    with engine.connect() as conn:
        regions = dict(conn.execute(select(m.Region.code, m.Region.id).where(m.Region.city_code == city)).all())
    return {
        "kecamatan": regions, "kelurahan": regions,
        "agency": lookup_ids(engine, m.Agency, city), "category": lookup_ids(engine, m.ComplaintCategory, city),
        "source": lookup_ids(engine, m.Source, city, key="key"), "kpi": lookup_ids(engine, m.KpiDefinition, city),
        "indicator": lookup_ids(engine, m.Indicator, city),
    }


def clear_city(engine: Engine, city_code: str) -> None:
    """Delete one city's generated facts (not its reference data)."""
    with Session(engine) as s, s.begin():
        device_ids = select(m.Device.id).where(m.Device.city_code == city_code)
        complaint_ids = select(m.Complaint.id).where(m.Complaint.city_code == city_code)
        source_ids = select(m.Source.id).where(m.Source.city_code == city_code)
        for model in (m.DeviceSample, m.DeviceStateChange, m.MaintenanceWindow, m.DeviceUptimeHourly, m.DeviceUptimeDaily):
            s.execute(delete(model).where(model.device_id.in_(device_ids)))
        for model in (m.DeviceUptimeGroupHourly, m.DeviceUptimeGroupDaily):
            s.execute(delete(model).where(model.city_code == city_code))
        s.execute(delete(m.Device).where(m.Device.city_code == city_code))
        s.execute(delete(m.DeviceRollupMark).where(m.DeviceRollupMark.city_code == city_code))
        for model in (m.ComplaintEvent, m.ComplaintFlag):
            s.execute(delete(model).where(model.complaint_id.in_(complaint_ids)))
        s.execute(delete(m.Complaint).where(m.Complaint.city_code == city_code))
        s.execute(delete(m.KpiValue).where(m.KpiValue.kpi_id.in_(
            select(m.KpiDefinition.id).where(m.KpiDefinition.city_code == city_code))))
        s.execute(delete(m.IndicatorValue).where(m.IndicatorValue.indicator_id.in_(
            select(m.Indicator.id).where(m.Indicator.city_code == city_code))))
        s.execute(delete(m.RejectedRecord).where(m.RejectedRecord.source_id.in_(source_ids)))
        s.execute(delete(m.SourceRun).where(m.SourceRun.source_id.in_(source_ids)))


def _record_runs(conn, profile, ids, now: datetime, counts: dict) -> None:
    """Source bookkeeping as the demo's feeds would have left it, including refused rows."""
    src = ids["source"]
    last = {"kpi_sheet": datetime(now.year, now.month, 5, tzinfo=timezone.utc),
            "indicator_sheet": datetime(now.year, 2, 15, tzinfo=timezone.utc)}
    run_rows = {"complaints": counts["complaints"], "cctv_nvr": counts["cameras"], "wifi_probe": counts["access_points"],
                "kpi_sheet": counts["kpi_values"], "indicator_sheet": counts["indicator_values"]}
    for key, source_id in src.items():
        at = min(last.get(key, now), now)
        run_id = conn.execute(m.SourceRun.__table__.insert().values(
            source_id=source_id, started_at=at - timedelta(seconds=3), finished_at=at, status="ok",
            rows_received=run_rows.get(key, 0) + (2 if key == "complaints" else 0),
            rows_accepted=run_rows.get(key, 0), rows_rejected=2 if key == "complaints" else 0,
            message="Impor awal data demo").returning(m.SourceRun.id)).scalar_one()
        conn.execute(update(m.Source).where(m.Source.id == source_id).values(last_success_at=at))
        if key == "complaints":
            bad = [({"service_request_id": "X-1", "service_code": "pju", "lat": -7.9, "long": 110.4},
                    "Koordinat di luar wilayah kota"),
                   ({"service_request_id": "X-2", "service_code": "ufo", "description": "?"},
                    "Kategori 'ufo' tidak ada dalam profil kota")]
            for raw, reason in bad:
                conn.execute(m.RejectedRecord.__table__.insert().values(
                    source_id=source_id, run_id=run_id, external_id=raw["service_request_id"], raw=json.dumps(raw),
                    reason=reason, created_at=at))


def generate(engine: Engine, profile: CityProfile, *, size: DemoSize = DemoSize(), seed: int = 20261123,
             now: datetime | None = None, boundaries_dir: Path | None = None) -> dict[str, int]:
    """Fill the database with one demo city (its previous demo facts are replaced)."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    now_s = int(now.timestamp())
    rng = np.random.default_rng(seed)
    timings = {}
    t0 = time.perf_counter()
    shapes = sync_profile(engine, profile, boundaries_dir)
    clear_city(engine, profile.code)
    ids = _ids(engine, profile)
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        complaints, events = _complaint_frames(rng, profile, ids, shapes, size, now_s, next_id(conn, m.Complaint.__table__),
                                               ids["source"]["complaints"])
        timings["complaints_built"] = time.perf_counter() - t0
        log.info("%s complaints built in %.1f s; writing", len(complaints), timings["complaints_built"])
        counts["complaints"] = bulk_insert(conn, m.Complaint.__table__, complaints)
        counts["complaint_events"] = bulk_insert(conn, m.ComplaintEvent.__table__, events)
        flags = refresh_flags(conn, profile.code, now)
        counts["complaint_flags"] = flags["raised_red"] + flags["raised_amber"]
        timings["complaints_written"] = time.perf_counter() - t0
        log.info("complaints and %s events written at %.1f s; devices next", counts["complaint_events"],
                 timings["complaints_written"])
        del complaints, events
        start = next_id(conn, m.Device.__table__)
        cams = _device_frame(rng, profile, ids, shapes, "cctv", size.cameras, start, ids["source"]["cctv_nvr"], now_s)
        aps = _device_frame(rng, profile, ids, shapes, "wifi", size.access_points, start + size.cameras,
                            ids["source"]["wifi_probe"], now_s)
        devices = pd.concat([cams, aps], ignore_index=True)
        counts["cameras"], counts["access_points"] = len(cams), len(aps)
        lookback = max(r.offline_after_seconds for r in profile.devices.values())
        hourly, samples, changes, current = _device_history(rng, devices, size, now_s, lookback)
        devices = devices.drop(columns=["state", "state_since", "last_seen_at"]).merge(current, on="id")
        for column in ("state_since", "last_sample_at", "last_seen_at"):
            devices[column] = _to_datetime64(devices[column].to_numpy(dtype=float))
        bulk_insert(conn, m.Device.__table__, devices)
        bulk_insert(conn, m.DeviceUptimeHourly.__table__, hourly)
        counts["device_samples"] = bulk_insert(conn, m.DeviceSample.__table__, samples)
        counts["device_state_changes"] = bulk_insert(conn, m.DeviceStateChange.__table__, changes)
        del samples, hourly
        # planned maintenance on a few of the devices that are down now (it does not count against uptime)
        down_now = devices.loc[devices["state"] == "offline", "id"].to_numpy()
        planned = rng.choice(down_now, size=min(len(down_now), max(1, len(devices) // 400)), replace=False)
        counts["maintenance_windows"] = bulk_insert(conn, m.MaintenanceWindow.__table__, pd.DataFrame({
            "device_id": planned, "starts_at": _to_datetime64(np.full(len(planned), now_s - 2 * HOUR)),
            "ends_at": _to_datetime64(np.full(len(planned), now_s + 2 * HOUR)),
            "reason": "Pemeliharaan terjadwal: penggantian adaptor daya"}))
        # the raw hours rolled up by the live rule, every day summed from its hours, states by the rules
        history_start = datetime.fromtimestamp(_floor_hour(now_s - size.device_history_days * 24 * HOUR), timezone.utc)
        uptime.rebuild_group_hourly(conn, profile, history_start, now)
        counts["uptime_hourly"] = len(devices) * (size.device_history_days * 24 - size.raw_sample_hours) + \
            uptime.update_rollups(conn, profile, now)["hourly_rows"]
        first_day = (now - timedelta(days=size.device_history_days + 1)).astimezone(ZoneInfo(profile.timezone)).date()
        counts["uptime_daily"] = uptime.rebuild_daily(conn, profile, [
            first_day + timedelta(days=i) for i in range(size.device_history_days + 2)])
        refresh_states(conn, profile, now)
        timings["devices_written"] = time.perf_counter() - t0
        log.info("%s devices with %s hourly roll-ups written at %.1f s", len(devices), counts["uptime_hourly"],
                 timings["devices_written"])
        counts["kpi_values"] = bulk_insert(conn, m.KpiValue.__table__,
                                           _kpi_values(rng, profile, ids, size, now, ids["source"]["kpi_sheet"]))
        counts["indicator_values"] = bulk_insert(conn, m.IndicatorValue.__table__, _indicator_values(
            rng, profile, ids, size, now, ids["source"]["indicator_sheet"]))
        _record_runs(conn, profile, ids, now, counts)
    with engine.begin() as conn:  # fresh statistics, so the planner picks the covering indexes
        conn.exec_driver_sql("ANALYZE")
    timings["total"] = time.perf_counter() - t0
    log.info("demo city %s generated: %s in %.1f s", profile.name, counts, timings["total"])
    return counts | {"seconds": round(timings["total"], 1)}


def has_data(engine: Engine, city_code: str) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(m.Complaint).where(m.Complaint.city_code == city_code)
                            ).scalar_one() > 0


def ensure_demo(engine: Engine, profile: CityProfile, seed: int, boundaries_dir: Path | None,
                size: str = "default") -> dict | None:
    """Seed the demo city on first start; on later starts only refresh the profile's reference data."""
    if has_data(engine, profile.code):
        sync_profile(engine, profile, boundaries_dir)
        return None
    return generate(engine, profile, size=SIZES[size], seed=seed, boundaries_dir=boundaries_dir)


def main(argv: list[str] | None = None) -> int:
    from settings import load_settings

    settings = load_settings()
    base = DemoSize()
    parser = argparse.ArgumentParser(prog="python -m data_sources.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="default", help="preset to start from")
    parser.add_argument("--complaints", type=int)
    parser.add_argument("--days", type=int, help="days of complaint history")
    parser.add_argument("--cameras", type=int)
    parser.add_argument("--access-points", type=int)
    parser.add_argument("--device-history-days", type=int)
    parser.add_argument("--raw-sample-hours", type=int)
    parser.add_argument("--seed", type=int, default=settings.demo_seed)
    parser.add_argument("--now", type=datetime.fromisoformat, help="end of the history, ISO 8601 (default: now)")
    parser.add_argument("--city", default=settings.city)
    parser.add_argument("--database-url", default=settings.database_url)
    args = parser.parse_args(argv)
    size = SIZES[args.size]
    overrides = {k: getattr(args, k) for k in asdict(base) if getattr(args, k, None) is not None}
    size = replace(size, **overrides)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    upgrade(args.database_url)
    engine = make_engine(args.database_url)
    now = args.now.replace(tzinfo=args.now.tzinfo or timezone.utc) if args.now else None
    counts = generate(engine, load_profile(args.city), size=size, seed=args.seed, now=now,
                      boundaries_dir=settings.boundaries_dir)
    print(json.dumps(counts, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
