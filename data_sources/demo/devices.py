"""Demo cameras and access points: where they stand, and their history (hourly roll-ups with
Markov outages, then raw samples at the device interval up to now, a few devices down for
days), from which their current state follows."""
from __future__ import annotations

import numpy as np
import pandas as pd

from data_sources.demo import texts as words
from data_sources.demo.common import DAY, HOUR, DemoSize, floor_hour, place_in_kelurahan, to_datetime64
from data_sources.rules import uptime


def device_frame(rng, profile, ids, shapes, kind, count, start_id, source_id, now_s):
    kels = profile.kelurahan
    choice, lat, lon = place_in_kelurahan(rng, count, profile, shapes)
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
        "uptime_target": rules.uptime_target, "state": "pending", "state_since": pd.NaT, "last_seen_at": pd.NaT,
        "installed_at": to_datetime64(installed), "active": True,
    })


def device_history(rng, devices: pd.DataFrame, size: DemoSize, now_s: int, lookback_s: int):
    """Hourly roll-ups (Markov outages) before the raw window, then raw samples at the device
    interval from ``lookback_s`` before the raw window to now. The raw hours' roll-ups are
    left to ``uptime.update_rollups``, so they follow the same rule as live ones."""
    n = len(devices)
    interval = int(devices["expected_interval_seconds"].iloc[0])
    raw_start = floor_hour(now_s - size.raw_sample_hours * HOUR)
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
    hourly_frame["hour"] = to_datetime64(hourly_frame["hour"].to_numpy(dtype=np.int64))
    samples["at"] = to_datetime64(samples["at"].to_numpy())
    change_frame = pd.concat(changes, ignore_index=True) if changes else pd.DataFrame(
        columns=["device_id", "at", "from_state", "to_state"])
    change_frame["at"] = to_datetime64(change_frame["at"].to_numpy(dtype=float))
    return hourly_frame, samples, change_frame, current

