"""A device's state from its samples, by the rules in the city profile (``DeviceRules``).

A sample says what one observation found: ``online``, ``degraded`` (answers, but badly),
``offline`` or ``unknown`` (the reporting system itself does not know). The device's state
is its newest sample's state, until silence takes over:

- no sample for ``unknown_after_seconds`` -> ``unknown`` (a device that reported itself
  offline stays offline);
- no sample for ``offline_after_seconds`` -> ``offline`` (a dead camera sends nothing, so
  silence long enough is evidence of an outage). A device never heard from counts from its
  ``installed_at``.

``pending`` ("belum melapor") is a device that has not reported since watching began: one never
heard from (a device is registered ``pending``), or, after the process that applies these rules
restarted (``watching_since``), one whose newest sample is older than the restart. Silence that
began while nobody was watching is no evidence about the device, so such a device turns
``pending`` where it would have turned ``unknown``, and ``offline`` only when it stays silent
for ``offline_after_seconds`` counted from the restart (or from its installation, if later).
``pending`` is never counted as down.

A late sample (older than the device's newest one) is stored and counts in the uptime
roll-ups, but does not change the current state. Every change is written to
``device_state_changes`` at the moment it happened (for silence: the moment the threshold
was crossed), which the device timeline and the flapping rule read: a device that changed
state at least ``flap_changes`` times within ``flap_window_seconds`` is flapping.

``state_since`` is when the current state began, so for an offline device it is "down since";
``last_seen_at`` is the newest sample in which the device answered (online or degraded).
"""
from __future__ import annotations

import json
import math
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import (ARRAY, Connection, Float, Integer, String, Subquery, and_, bindparam, case, column, func,
                        insert, not_, or_, select, type_coerce, update)
from sqlalchemy.types import TypeEngine

from cities import CityProfile, DeviceRules
from data_sources import models as m
from data_sources.clock import as_datetime
from data_sources.types import UTCDateTime

SAMPLE_STATES = ("online", "degraded", "offline", "unknown")
UP_STATES = ("online", "degraded")


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
    if last_sample_state is None:
        return "pending"  # not reported yet: never counted as down
    if silent_seconds >= rules.unknown_after_seconds:
        return "unknown"
    return last_sample_state


def batch_rows(conn: Connection, columns: list[tuple[str, TypeEngine]], rows: list[tuple]) -> Subquery:
    """``rows`` as a relation (named ``b``) that one statement reads, bound as a few parameters
    whatever the batch's size: on PostgreSQL an ``unnest`` of one array per column, on SQLite
    ``json_each`` of one JSON array. A batch of 1,000 is then one short statement, not 1,000
    statements or a 1,000-item ``IN`` list to render, send and parse."""
    by_column = list(zip(*rows)) if rows else [()] * len(columns)
    if conn.dialect.name == "postgresql":
        arrays = [bindparam(f"b_{name}", list(values), type_=ARRAY(type_))
                  for (name, type_), values in zip(columns, by_column)]
        unnested = func.unnest(*arrays).table_valued(*[column(name, type_) for name, type_ in columns])
        return select(*unnested.render_derived().c).subquery("b")
    processors = [type_.dialect_impl(conn.dialect).bind_processor(conn.dialect) for _, type_ in columns]
    stored = [values if p is None else _processed(values, p)  # e.g. datetimes as SQLite keeps them, text
              for values, p in zip(by_column, processors)]
    elements = func.json_each(bindparam("b_rows", _json(list(zip(*stored))))).table_valued("value")
    return select(*[type_coerce(func.json_extract(elements.c.value, f"$[{i}]"), type_).label(name)
                    for i, (name, type_) in enumerate(columns)]).subquery("b")


def _processed(values, process) -> list:
    """``process`` applied to each value, once per distinct value (a batch's samples often
    share a few moments)."""
    done: dict = {None: None}
    out = []
    for value in values:
        if value not in done:
            done[value] = process(value)
        out.append(done[value])
    return out


def _json(rows: list[tuple]) -> str:
    """JSON for ``json_each``. SQLite's JSON has no NaN or infinity: those are written as sqlite3
    would have stored them (NULL, and +/-9e999, which SQLite reads as an infinity)."""
    try:
        return json.dumps(rows, allow_nan=False)
    except ValueError:
        return "[" + ",".join("[" + ",".join(map(_json_value, row)) + "]" for row in rows) + "]"


def _json_value(value) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return "null" if math.isnan(value) else ("9e999" if value > 0 else "-9e999")
    return json.dumps(value)


_SAMPLE_COLUMNS = [("ord", Integer()), ("device_id", Integer()), ("at", UTCDateTime()), ("state", String(12)),
                   ("latency_ms", Float()), ("detail", String(300))]


def record_samples(conn: Connection, samples: Iterable[dict]) -> dict:
    """Store samples and fold them into their devices' states.

    Each sample is a dict with ``device_id``, ``at`` (aware or naive UTC datetime), ``state``
    (one of ``SAMPLE_STATES``) and optionally ``latency_ms`` and ``detail``. Within a batch, a
    device's samples are applied in time order, so a backlog replays every change. Late
    samples also mark their hours for the next roll-up run (``DeviceRollupMark.dirty_from``).
    Returns counts: ``samples``, ``late``, ``changes``, ``unknown_devices``.

    The batch is bound once (``batch_rows``) into set-based SQL, whatever its size: the counts
    per city, the samples' INSERT, the changes' INSERT (window functions replay each device's
    samples in order) and one UPDATE of the devices. PostgreSQL runs them as one statement
    (data-modifying WITH), SQLite one after the other.
    """
    batch = sorted(samples, key=lambda s: (s["device_id"], s["at"]))
    for sample in batch:
        if sample["state"] not in SAMPLE_STATES:
            raise ValueError(f"sample state {sample['state']!r} is not one of {SAMPLE_STATES}")
    if not batch:
        return {"samples": 0, "late": 0, "changes": 0, "unknown_devices": 0}
    rows = [(position, s["device_id"], s["at"], s["state"], s.get("latency_ms"),
             (s.get("detail") or None) and str(s["detail"])[:300]) for position, s in enumerate(batch)]
    one_statement = conn.dialect.name == "postgresql"
    counts, new_samples, new_changes, devices = _fold(batch_rows(conn, _SAMPLE_COLUMNS, rows), one_statement)
    if one_statement:  # the WITH's parts all see the database as it was before the statement
        changed = new_changes.returning(m.DeviceStateChange.id).cte("new_changes")
        per_city = conn.execute(
            counts.add_columns(select(func.count()).select_from(changed).scalar_subquery())
            .add_cte(new_samples.returning(m.DeviceSample.id).cte("new_samples"),
                     devices.returning(m.Device.id).cte("updated_devices"))).all()
        changes = per_city[0][4] if per_city else 0
    else:
        per_city = conn.execute(counts).all()
        if per_city:
            conn.execute(new_samples)
            changes = conn.execute(new_changes, execution_options={"preserve_rowcount": True}).rowcount
            conn.execute(devices)
    stored, late = sum(row[1] for row in per_city), sum(row[3] for row in per_city)
    if not stored:
        return {"samples": 0, "late": 0, "changes": 0, "unknown_devices": len(batch)}
    for city, _, oldest, *_ in per_city:
        mark_dirty(conn, city, oldest)
    return {"samples": stored, "late": late, "changes": changes, "unknown_devices": len(batch) - stored}


def _fold(batch: Subquery, as_ctes: bool):
    """The statements of a batch: its counts per city (city, samples, oldest, late), the INSERT of
    its samples, the INSERT of the state changes and the UPDATE of the devices. With
    ``as_ctes`` the shared parts are CTEs, to be read once by one statement."""
    known = _known_samples(batch, as_ctes)
    replay = _replayed(known, as_ctes)
    changed = replay.c.state.is_distinct_from(replay.c.before)
    counts = (select(known.c.city_code, func.count(), func.min(known.c.at),
                     func.sum(case((known.c.late, 1), else_=0))).group_by(known.c.city_code))
    new_samples = insert(m.DeviceSample).from_select(
        ["device_id", "at", "state", "latency_ms", "detail"],
        select(known.c.device_id, known.c.at, known.c.state, known.c.latency_ms, known.c.detail)
        .order_by(known.c.ord))
    new_changes = insert(m.DeviceStateChange).from_select(
        ["device_id", "at", "from_state", "to_state"],
        select(replay.c.device_id, replay.c.at, replay.c.before, replay.c.state)
        .where(not_(replay.c.late), changed).order_by(replay.c.ord))
    return counts, new_samples, new_changes, _devices_update(replay, changed)


def _known_samples(batch: Subquery, as_cte: bool):
    """The batch's samples of devices that exist, with each device's city and state before the
    batch, and whether the sample is late (older than the device's newest sample so far)."""
    device = m.Device.__table__.alias("d")
    late = and_(device.c.last_sample_at.is_not(None), batch.c.at < device.c.last_sample_at)
    known = (select(*batch.c, device.c.city_code, device.c.state.label("device_state"), late.label("late"))
             .join_from(batch, device, device.c.id == batch.c.device_id))
    return known.cte("k") if as_cte else known.subquery("k")


def _replayed(known, as_cte: bool):
    """Each device's samples in order (``ord`` follows (device, time)), the late ones apart: with
    the state before each sample (the previous sample's, or the device's for the first) and
    whether it is the device's newest."""
    window = {"partition_by": (known.c.device_id, known.c.late), "order_by": known.c.ord}
    replay = select(known.c.device_id, known.c.at, known.c.state, known.c.ord, known.c.late,
                    func.coalesce(func.lag(known.c.state).over(**window), known.c.device_state).label("before"),
                    func.lead(known.c.ord).over(**window).is_(None).label("newest"))
    return replay.cte("r") if as_cte else replay.subquery("r")


def _devices_update(replay, changed):
    """One UPDATE for the batch's devices: state and state_since from the newest sample and the
    last change in order (late samples change neither), last_sample_at and last_seen_at from
    the newest sample and the newest answering one (late ones count here)."""
    fresh = not_(replay.c.late)
    per_device = select(
        replay.c.device_id,
        func.max(replay.c.at).label("sample_at"),
        func.max(case((replay.c.state.in_(UP_STATES), replay.c.at))).label("seen_at"),
        func.max(case((and_(fresh, replay.c.newest), replay.c.state))).label("state"),
        func.max(case((and_(fresh, changed), replay.c.at))).label("since"),
    ).group_by(replay.c.device_id).subquery("n")
    device = m.Device
    return update(device).where(device.id == per_device.c.device_id).values(
        state=func.coalesce(per_device.c.state, device.state),
        state_since=case((per_device.c.since.is_not(None), per_device.c.since), else_=device.state_since),
        last_sample_at=case((or_(device.last_sample_at.is_(None), per_device.c.sample_at > device.last_sample_at),
                             per_device.c.sample_at), else_=device.last_sample_at),
        last_seen_at=case((and_(per_device.c.seen_at.is_not(None),
                                or_(device.last_seen_at.is_(None), per_device.c.seen_at > device.last_seen_at)),
                           per_device.c.seen_at), else_=device.last_seen_at))


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
                  threshold_seconds: int, watching_since: datetime | None = None) -> int:
    """Move devices silent for ``threshold_seconds`` into ``to_state``; returns how many moved.
    Silence counts from the newest sample (else the installation); for ``offline`` never from
    before ``watching_since``, and a device going ``unknown`` that has not reported since then
    goes ``pending`` instead (module docstring)."""
    reference = func.coalesce(m.Device.last_sample_at, m.Device.installed_at)
    if watching_since is not None and to_state == "offline":  # only silence while watched is evidence of an outage
        reference = case((or_(reference.is_(None), reference < watching_since), watching_since), else_=reference)
    cutoff = now - timedelta(seconds=threshold_seconds)
    from_states = ("online", "degraded") if to_state == "unknown" else ("online", "degraded", "unknown", "pending")
    rows = conn.execute(
        select(m.Device.id, m.Device.state, m.Device.last_sample_at, reference.label("since"))
        .where(m.Device.city_code == profile.code, m.Device.kind == kind, m.Device.active.is_(True),
               m.Device.state.in_(from_states), or_(reference <= cutoff, reference.is_(None)))
    ).all()
    if not rows:
        return 0
    changes = []
    for row in rows:
        since = as_datetime(row.since)
        at = since + timedelta(seconds=threshold_seconds) if since is not None else now
        state = to_state
        if to_state == "unknown" and (row.last_sample_at is None or
                                      (watching_since is not None and as_datetime(row.last_sample_at) < watching_since)):
            state, at = "pending", max(at, watching_since) if watching_since is not None else at
        if state != row.state:
            changes.append({"device_id": row.id, "at": at, "from_state": row.state, "to_state": state})
    if not changes:
        return 0
    conn.execute(update(m.Device).where(m.Device.id == bindparam("device_id"))
                 .values(state=bindparam("to_state"), state_since=bindparam("at")),
                 [{"device_id": c["device_id"], "at": c["at"], "to_state": c["to_state"]} for c in changes])
    conn.execute(m.DeviceStateChange.__table__.insert(), changes)
    return sum(c["to_state"] == to_state for c in changes)


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


def refresh_states(conn: Connection, profile: CityProfile, now: datetime,
                   watching_since: datetime | None = None) -> dict:
    """Apply the silence rules and the flapping rule to every active device of the city.
    ``watching_since``: when the calling process began applying them (a worker's start), so that
    silence from before it is not taken for an outage (module docstring); None: always watched.

    Idempotent: run it as often as the wall refreshes. A device silent past both thresholds
    since the last run gets both changes (to unknown, then to offline) at their own times.
    """
    counts = {"to_unknown": 0, "to_offline": 0, "flapping": 0}
    for kind, rules in profile.devices.items():
        counts["to_unknown"] += _silence_step(conn, profile, kind, now, "unknown", rules.unknown_after_seconds,
                                              watching_since)
        counts["to_offline"] += _silence_step(conn, profile, kind, now, "offline", rules.offline_after_seconds,
                                              watching_since)
        counts["flapping"] += _refresh_flapping(conn, profile, kind, rules, now)
    return counts
