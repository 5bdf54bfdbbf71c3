"""A device's state from its samples, by the rules in the city profile (``DeviceRules``).

A sample says what one observation found: ``online``, ``degraded`` (answers, but badly),
``offline`` or ``unknown`` (the reporting system itself does not know). The device's state
is its newest sample's state, until silence takes over:

- no sample for ``unknown_after_seconds`` -> ``unknown`` (a device that reported itself
  offline stays offline);
- no sample for ``offline_after_seconds`` -> ``offline`` (a dead camera sends nothing, so
  silence long enough is evidence of an outage). A device never heard from counts from its
  ``installed_at``.

A late sample (older than the device's newest one) is stored and counts in the uptime
roll-ups, but does not change the current state. Every change is written to
``device_state_changes`` at the moment it happened (for silence: the moment the threshold
was crossed), which the device timeline and the flapping rule read: a device that changed
state at least ``flap_changes`` times within ``flap_window_seconds`` is flapping.

``state_since`` is when the current state began, so for an offline device it is "down since";
``last_seen_at`` is the newest sample in which the device answered (online or degraded).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, bindparam, func, or_, select, update

from cities import CityProfile, DeviceRules
from data_sources import models as m
from data_sources.clock import as_datetime

SAMPLE_STATES = ("online", "degraded", "offline", "unknown")
UP_STATES = ("online", "degraded")
_CHUNK = 500  # ids per IN (...) list


def seconds_in_state(state_since, now: datetime) -> float | None:
    """How long a device has been in its current state (for a device down: how long it has
    been down); ``state_since`` may be a datetime, a Timestamp, NaT or None (unknown)."""
    since = as_datetime(state_since)
    return None if since is None else max(0.0, (now - since).total_seconds())


def state_at(rules: DeviceRules, last_sample_state: str | None, silent_seconds: float) -> str:
    """The state the rules give a device whose newest sample (``last_sample_state``; None if
    it never sent one) is ``silent_seconds`` old."""
    if silent_seconds >= rules.offline_after_seconds or last_sample_state == "offline":
        return "offline"  # silence is never better news than a reported outage
    if silent_seconds >= rules.unknown_after_seconds or last_sample_state is None:
        return "unknown"
    return last_sample_state


def _chunks(items: list, size: int = _CHUNK):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _device_rows(conn: Connection, ids: list[int]) -> dict[int, dict]:
    rows: dict[int, dict] = {}
    columns = (m.Device.id, m.Device.city_code, m.Device.state, m.Device.state_since, m.Device.last_sample_at,
               m.Device.last_seen_at)
    for part in _chunks(ids):
        for row in conn.execute(select(*columns).where(m.Device.id.in_(part))):
            rows[row.id] = dict(row._mapping)
    return rows


def record_samples(conn: Connection, samples: Iterable[dict]) -> dict:
    """Store samples and fold them into their devices' states.

    Each sample is a dict with ``device_id``, ``at`` (aware or naive UTC datetime), ``state``
    (one of ``SAMPLE_STATES``) and optionally ``latency_ms`` and ``detail``. Within a batch, a
    device's samples are applied in time order, so a backlog replays every change. Late
    samples also mark their hours for the next roll-up run (``DeviceRollupMark.dirty_from``).
    Returns counts: ``samples``, ``late``, ``changes``, ``unknown_devices``.
    """
    batch = sorted(samples, key=lambda s: (s["device_id"], s["at"]))
    for sample in batch:
        if sample["state"] not in SAMPLE_STATES:
            raise ValueError(f"sample state {sample['state']!r} is not one of {SAMPLE_STATES}")
    devices = _device_rows(conn, sorted({s["device_id"] for s in batch}))
    stored = [s for s in batch if s["device_id"] in devices]
    if not stored:
        return {"samples": 0, "late": 0, "changes": 0, "unknown_devices": len(batch)}
    conn.execute(m.DeviceSample.__table__.insert(), [
        {"device_id": s["device_id"], "at": s["at"], "state": s["state"], "latency_ms": s.get("latency_ms"),
         "detail": (s.get("detail") or None) and str(s["detail"])[:300]} for s in stored])

    changes, late, oldest_by_city = [], 0, {}
    for sample in stored:
        device = devices[sample["device_id"]]
        at = sample["at"]
        city = device["city_code"]
        oldest_by_city[city] = min(oldest_by_city.get(city, at), at)
        if sample["state"] in UP_STATES and (device["last_seen_at"] is None or at > device["last_seen_at"]):
            device["last_seen_at"] = at
        if device["last_sample_at"] is not None and at < device["last_sample_at"]:
            late += 1
            continue
        device["last_sample_at"] = at
        if sample["state"] != device["state"]:
            changes.append({"device_id": device["id"], "at": at, "from_state": device["state"],
                            "to_state": sample["state"]})
            device["state"], device["state_since"] = sample["state"], at

    touched = list(devices.values())
    conn.execute(
        update(m.Device).where(m.Device.id == bindparam("device_id")).values(
            state=bindparam("new_state"), state_since=bindparam("new_since"),
            last_sample_at=bindparam("new_sample_at"), last_seen_at=bindparam("new_seen_at")),
        [{"device_id": d["id"], "new_state": d["state"], "new_since": d["state_since"],
          "new_sample_at": d["last_sample_at"], "new_seen_at": d["last_seen_at"]} for d in touched])
    if changes:
        conn.execute(m.DeviceStateChange.__table__.insert(), changes)
    for city, oldest in oldest_by_city.items():
        mark_dirty(conn, city, oldest)
    return {"samples": len(stored), "late": late, "changes": len(changes),
            "unknown_devices": len(batch) - len(stored)}


def mark_dirty(conn: Connection, city_code: str, since: datetime) -> None:
    """Note that samples at or after ``since`` arrived for hours the roll-ups may already hold."""
    mark = conn.execute(select(m.DeviceRollupMark.rolled_until, m.DeviceRollupMark.dirty_from)
                        .where(m.DeviceRollupMark.city_code == city_code)).first()
    if mark is None:
        return  # nothing rolled up yet: the first run reads everything anyway
    rolled_until, dirty_from = mark
    if rolled_until is not None and since < rolled_until and (dirty_from is None or since < dirty_from):
        conn.execute(update(m.DeviceRollupMark).where(m.DeviceRollupMark.city_code == city_code)
                     .values(dirty_from=since))


def _silence_step(conn: Connection, profile: CityProfile, kind: str, now: datetime, to_state: str,
                  threshold_seconds: int) -> int:
    """Move devices silent for ``threshold_seconds`` into ``to_state``; returns how many moved."""
    reference = func.coalesce(m.Device.last_sample_at, m.Device.installed_at)
    cutoff = now - timedelta(seconds=threshold_seconds)
    from_states = ("online", "degraded") if to_state == "unknown" else ("online", "degraded", "unknown")
    rows = conn.execute(
        select(m.Device.id, m.Device.state, m.Device.last_sample_at, m.Device.installed_at)
        .where(m.Device.city_code == profile.code, m.Device.kind == kind, m.Device.active.is_(True),
               m.Device.state.in_(from_states),
               or_(reference <= cutoff, and_(m.Device.last_sample_at.is_(None), m.Device.installed_at.is_(None))))
    ).all()
    if not rows:
        return 0
    changes = []
    for row in rows:
        since = row.last_sample_at or row.installed_at
        at = since + timedelta(seconds=threshold_seconds) if since is not None else now
        changes.append({"device_id": row.id, "at": at, "from_state": row.state, "to_state": to_state})
    conn.execute(update(m.Device).where(m.Device.id == bindparam("device_id"))
                 .values(state=to_state, state_since=bindparam("at")),
                 [{"device_id": c["device_id"], "at": c["at"]} for c in changes])
    conn.execute(m.DeviceStateChange.__table__.insert(), changes)
    return len(changes)


def _refresh_flapping(conn: Connection, profile: CityProfile, kind: str, rules: DeviceRules, now: datetime) -> int:
    """Set ``flapping`` from the changes within the window; returns how many devices flap."""
    recent = (select(func.count()).select_from(m.DeviceStateChange)
              .where(m.DeviceStateChange.device_id == m.Device.id,
                     m.DeviceStateChange.at > now - timedelta(seconds=rules.flap_window_seconds))
              .scalar_subquery())
    flapping = recent >= rules.flap_changes
    scope = (m.Device.city_code == profile.code, m.Device.kind == kind)
    conn.execute(update(m.Device).where(*scope, m.Device.flapping != flapping).values(flapping=flapping))
    return conn.execute(select(func.count()).where(*scope, m.Device.flapping.is_(True))).scalar_one()


def refresh_states(conn: Connection, profile: CityProfile, now: datetime) -> dict:
    """Apply the silence rules and the flapping rule to every active device of the city.

    Idempotent: run it as often as the wall refreshes. A device silent past both thresholds
    since the last run gets both changes (to unknown, then to offline) at their own times.
    """
    counts = {"to_unknown": 0, "to_offline": 0, "flapping": 0}
    for kind, rules in profile.devices.items():
        counts["to_unknown"] += _silence_step(conn, profile, kind, now, "unknown", rules.unknown_after_seconds)
        counts["to_offline"] += _silence_step(conn, profile, kind, now, "offline", rules.offline_after_seconds)
        counts["flapping"] += _refresh_flapping(conn, profile, kind, rules, now)
    return counts
