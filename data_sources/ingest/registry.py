"""The device registry and device samples in: create or update a source's cameras, access
points and other kinds of device of the city profile, and store their heartbeats.

A device is identified by (source, ``external_id``). A new one starts ``unknown`` until it
reports (its ``installed_at`` starts the silence rules); a changed one is updated, an
identical one left alone. Samples go through the same checks and the same state rules as the
heartbeat files (``ingest.heartbeats``, ``rules.device_state``); a sample sent again is
unchanged, not a second sample.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Integer, String, insert, select, tuple_, update

from cities import CityProfile
from data_sources import models as m
from data_sources.ingest.batch import Outcome, Source, raw_text
from data_sources.ingest.geocode import gazetteer
from data_sources.ingest.heartbeats import _heartbeat
from data_sources.ingest.records import Heartbeat, Rejection, iso, utc
from data_sources.ingest.schemas import DeviceIn
from data_sources.ingest.validation import in_order, validate
from data_sources.rules.device_state import batch_rows, record_samples
from data_sources.types import UTCDateTime

_FIELDS = ("name", "kind", "site_type", "kecamatan_id", "kelurahan_id", "lat", "lon", "located_by", "host", "port",
           "check_url", "check_method", "expected_interval_seconds", "uptime_target", "active")


def _existing(conn: Connection, source_id: int, external_ids: list[str]) -> dict[str, dict]:
    found = {}
    for i in range(0, len(external_ids), 500):
        rows = conn.execute(select(m.Device.external_id, m.Device.id, *[getattr(m.Device, f) for f in _FIELDS])
                            .where(m.Device.source_id == source_id, m.Device.external_id.in_(external_ids[i:i + 500])))
        found.update({r.external_id: dict(r._mapping) for r in rows})
    return found


def device_ids(conn: Connection, city_code: str, source_id: int, external_ids: set[str]) -> dict[str, int]:
    """The ids of this source's devices among ``external_ids``, in one statement (``batch_rows``)."""
    if not external_ids:
        return {}
    wanted = batch_rows(conn, [("external_id", String(128))], [(e,) for e in sorted(external_ids)])
    # "IN (the batch)" on the source alone probes the (source_id, external_id) index per id; as a
    # join, or with the city in the condition, SQLite's planner may read the batch once per device
    rows = conn.execute(select(m.Device.external_id, m.Device.id, m.Device.city_code)
                        .where(m.Device.source_id == source_id, m.Device.external_id.in_(select(wanted.c.external_id))))
    return {external_id: device_id for external_id, device_id, city in rows if city == city_code}


def stored_pairs(conn: Connection, pairs: list[tuple[int, datetime]]) -> set[tuple[int, datetime]]:
    """Which (device id, time) pairs already have a sample, in one statement (``batch_rows``)
    that probes the (device_id, at) index once per pair."""
    if not pairs:
        return set()
    wanted = batch_rows(conn, [("device_id", Integer()), ("at", UTCDateTime())], sorted(set(pairs)))
    pair = tuple_(m.DeviceSample.device_id, m.DeviceSample.at)
    rows = conn.execute(select(m.DeviceSample.device_id, m.DeviceSample.at)
                        .where(pair.in_(select(wanted.c.device_id, wanted.c.at))))
    return {(device_id, utc(at)) for device_id, at in rows}


def store_devices(conn: Connection, profile: CityProfile, source: Source, raws: list, now: datetime) -> list[Outcome]:
    """Validate, place and register a batch of devices; one ``Outcome`` per record."""
    valid, outcomes = validate(DeviceIn, raws, now, id_aliases=("device_id",))
    places = gazetteer(conn, profile.code).place([r.model_dump(include={"lat", "lon", "kecamatan", "kelurahan"})
                                                  for _, r, _ in valid])
    existing = _existing(conn, source.id, [r.external_id for _, r, _ in valid])
    new_rows, new_indexes = [], []
    for (index, record, raw), place in zip(valid, places):
        rules = profile.devices.get(record.kind)
        problems = [] if rules else [f"kind: {record.kind!r} is not a kind of device of the city "
                                     f"({', '.join(profile.devices)})"]
        if isinstance(place, str):
            problems.append(place)
        if problems:
            outcomes.append(Outcome(index, record.external_id, "rejected", "; ".join(problems), raw))
            continue
        values = {"name": record.name, "kind": record.kind, "site_type": record.site_type,
                  "kecamatan_id": place.kecamatan_id, "kelurahan_id": place.kelurahan_id, "lat": place.lat,
                  "lon": place.lon, "located_by": place.located_by, "host": record.host, "port": record.port,
                  "check_url": record.check_url, "check_method": record.check_method,
                  "expected_interval_seconds": rules.expected_interval_seconds,
                  "uptime_target": record.uptime_target or rules.uptime_target, "active": record.active}
        stored = existing.get(record.external_id)
        if stored is None:
            new_rows.append(values | {"city_code": source.city_code, "source_id": source.id,
                                      "external_id": record.external_id, "state": "pending",
                                      "installed_at": record.installed_at or now})
            new_indexes.append((index, record.external_id))
        elif any(stored[f] != values[f] for f in _FIELDS):
            changed = values | ({"installed_at": record.installed_at} if record.installed_at else {})
            conn.execute(update(m.Device).where(m.Device.id == stored["id"]).values(**changed))
            outcomes.append(Outcome(index, record.external_id, "updated"))
        else:
            outcomes.append(Outcome(index, record.external_id, "unchanged", "the same as the registered device"))
    if new_rows:
        conn.execute(insert(m.Device), new_rows)
        outcomes += [Outcome(index, external_id, "created") for index, external_id in new_indexes]
    return in_order(outcomes)


def store_samples(conn: Connection, source: Source, raws: list, now: datetime) -> list[Outcome]:
    """Store a batch of heartbeats (the generic format's fields) for this source's devices."""
    outcomes: list[Outcome] = []
    beats: list[Heartbeat] = []
    for index, raw in enumerate(raws):  # the raw text is made only for a record that is refused
        if not isinstance(raw, dict):
            outcomes.append(Outcome(index, None, "rejected", f"record {index + 1} is not an object", raw_text(raw)))
            continue
        checked = _heartbeat(raw, now=now, raw="", index=index, ref=None)
        if isinstance(checked, Rejection):
            outcomes.append(Outcome(index, checked.external_id, "rejected", checked.reason, raw_text(raw)))
        else:
            beats.append(checked)
    devices = device_ids(conn, source.city_code, source.id, {b.external_id for b in beats})
    stored = stored_pairs(conn, [(devices[b.external_id], b.at) for b in beats if b.external_id in devices])
    seen: set = set()
    samples = []
    for beat in beats:
        device_id = devices.get(beat.external_id)
        pair = (device_id, beat.at)
        if device_id is None:
            outcomes.append(Outcome(beat.index, beat.external_id, "rejected", f"device_id: {beat.external_id!r} is not "
                                    f"a device of source {source.key} (register it first)", raw_text(raws[beat.index])))
        elif pair in seen:
            outcomes.append(Outcome(beat.index, beat.external_id, "duplicate", f"a heartbeat at {iso(beat.at)} "
                                    "appears twice in this batch", raw_text(raws[beat.index])))
        elif pair in stored:
            outcomes.append(Outcome(beat.index, beat.external_id, "unchanged", "this heartbeat is stored already"))
        else:
            seen.add(pair)
            samples.append({"device_id": device_id, "at": beat.at, "state": beat.state,
                            "latency_ms": beat.latency_ms, "detail": beat.detail})
            outcomes.append(Outcome(beat.index, beat.external_id, "created"))
    if samples:
        record_samples(conn, samples)
    return in_order(outcomes)
