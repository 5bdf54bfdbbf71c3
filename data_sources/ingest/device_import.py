"""Import one file of device status for a source: ``python -m data_sources.ingest.device_import
--source cctv_nvr --format zoneminder monitors.json`` (formats: ``zoneminder``, the generic
heartbeat ``json`` and ``csv``; see the README).

Each import is one ``SourceRun`` of the source: ``ok`` when the file could be read (even if
some or all of its records were refused), ``failed`` when the file as a whole could not be
read. Good records are stored as device samples (through ``device_state.record_samples``,
which moves the devices' states); every refused record is kept, with the reason, as a
``RejectedRecord``. Good records are always kept, whatever the bad ones next to them are.

Exit status of the command: 0 when the run was ok (even with refused records), 1 when the
file could not be read (the failed run and its message are recorded), 2 for a usage error
(unknown source, missing file).
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Connection, Engine, select, tuple_

from data_sources import models as m
from data_sources.ingest.batch import Outcome, find_source, finish_run, keep_refused, record_failure, start_run
from data_sources.ingest.heartbeats import parse_heartbeats_csv, parse_heartbeats_json
from data_sources.ingest.records import (Heartbeat, ParseResult, Rejection, UnreadablePayload,
                                         iso, show, utc)
from data_sources.ingest.zoneminder import ZONEMINDER_ID_FIELDS, parse_zoneminder
from data_sources.rules.device_state import record_samples

log = logging.getLogger(__name__)

FORMATS = ("zoneminder", "json", "csv")
FORMAT_LABELS = {"zoneminder": "ZoneMinder monitors.json", "json": "heartbeat JSON", "csv": "heartbeat CSV"}
_CHUNK = 400  # ids or (device, time) pairs per IN (...) list
_MAX_LISTED_REASONS = 50  # in the command's printout


def parse_payload(fmt: str, payload: bytes | str, *, now: datetime, observed_at: datetime | None = None,
                  zoneminder_id: str = "Id") -> ParseResult:
    """Dispatch on ``fmt`` (one of ``FORMATS``); ZoneMinder monitors are observed at ``observed_at`` or ``now``."""
    if fmt == "zoneminder":
        return parse_zoneminder(payload, observed_at=observed_at or now, id_field=zoneminder_id)
    if fmt == "json":
        return parse_heartbeats_json(payload, now=now)
    if fmt == "csv":
        return parse_heartbeats_csv(payload, now=now)
    raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")


# --- the importer --------------------------------------------------------------------------------------------


def _chunks(items: list, size: int = _CHUNK):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def device_ids(conn: Connection, city_code: str, source_id: int, external_ids: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for part in _chunks(sorted(external_ids)):
        rows = conn.execute(select(m.Device.external_id, m.Device.id)
                            .where(m.Device.source_id == source_id, m.Device.city_code == city_code,
                                   m.Device.external_id.in_(part)))
        found.update({external_id: device_id for external_id, device_id in rows})
    return found


def stored_pairs(conn: Connection, pairs: list[tuple[int, datetime]]) -> set[tuple[int, datetime]]:
    """Which (device id, time) pairs already have a sample."""
    found: set[tuple[int, datetime]] = set()
    for part in _chunks(sorted(set(pairs))):
        rows = conn.execute(select(m.DeviceSample.device_id, m.DeviceSample.at)
                            .where(tuple_(m.DeviceSample.device_id, m.DeviceSample.at).in_(part)))
        found.update((device_id, utc(at)) for device_id, at in rows)
    return found


def _store(conn: Connection, profile_code: str, source_id: int, source_key: str, run_id: int, fmt: str,
           zoneminder_id: str, parsed: ParseResult, now: datetime) -> tuple[list[Rejection], dict]:
    """Map, de-duplicate and store one parsed file; returns every refusal and record_samples' counts."""
    id_name = f"Monitor.{zoneminder_id}" if fmt == "zoneminder" else "device_id"
    rejected = list(parsed.rejected)
    devices = device_ids(conn, profile_code, source_id, {h.external_id for h in parsed.records})
    seen: set[tuple[int, datetime]] = set()
    candidates: list[tuple[int, Heartbeat]] = []
    for beat in parsed.records:
        prefix = f"{beat.ref}: " if beat.ref else ""
        device_id = devices.get(beat.external_id)
        if device_id is None:
            rejected.append(Rejection(beat.external_id, beat.raw, f"{prefix}unknown device: {id_name} "
                                      f"{show(beat.external_id)} is not a device of source {source_key}", beat.index))
        elif (device_id, beat.at) in seen:
            rejected.append(Rejection(beat.external_id, beat.raw, f"{prefix}duplicate: {id_name} "
                                      f"{show(beat.external_id)} already has a heartbeat at {iso(beat.at)} "
                                      "earlier in this file", beat.index))
        else:
            seen.add((device_id, beat.at))
            candidates.append((device_id, beat))
    stored = stored_pairs(conn, [(device_id, beat.at) for device_id, beat in candidates])
    samples = []
    for device_id, beat in candidates:
        if (device_id, beat.at) in stored:
            prefix = f"{beat.ref}: " if beat.ref else ""
            rejected.append(Rejection(beat.external_id, beat.raw, f"{prefix}already imported: {id_name} "
                                      f"{show(beat.external_id)} has a sample at {iso(beat.at)} already",
                                      beat.index))
            continue
        samples.append({"device_id": device_id, "at": beat.at, "state": beat.state, "latency_ms": beat.latency_ms,
                        "detail": beat.detail})
    counts = record_samples(conn, samples) if samples else {"samples": 0, "late": 0, "changes": 0,
                                                             "unknown_devices": 0}
    rejected.sort(key=lambda r: r.index)
    keep_refused(conn, source_id, run_id, [Outcome(r.index, r.external_id, "rejected", r.reason, r.raw)
                                           for r in rejected], now)
    return rejected, counts


def import_device_status(engine: Engine, profile, source_key: str, fmt: str, payload: bytes | str, *,
                         now: datetime | None = None, observed_at: datetime | None = None,
                         zoneminder_id: str = "Id") -> dict:
    """Import one file of device states for the source ``source_key`` of ``profile``'s city.

    One transaction: a ``SourceRun`` (running -> ok, or failed if the file is unreadable),
    the valid heartbeats as samples via ``device_state.record_samples``, every refused record
    as a ``RejectedRecord``, and ``Source.last_success_at`` (or ``last_failure_at`` and
    ``last_error``). ``now`` (default: the current time) is the import time: the run's time,
    the limit for "in the future", and the time of ZoneMinder's monitors unless
    ``observed_at`` is given. External ids are matched to the source's devices in the city.

    Returns ``run_id``, ``source``, ``format``, ``status`` (ok | failed), ``message``,
    ``received``, ``accepted``, ``rejected``, ``state_changes``, ``late`` and ``reasons``
    (``{"external_id", "reason"}`` per refused record, in file order).
    Raises ``LookupError`` if the city has no such source, ``ValueError`` for an unknown format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    if zoneminder_id not in ZONEMINDER_ID_FIELDS:
        raise ValueError(f"zoneminder_id must be one of {ZONEMINDER_ID_FIELDS}, not {zoneminder_id!r}")
    now = utc(now) if now is not None else datetime.now(timezone.utc)
    started = time.perf_counter()
    summary = {"run_id": None, "source": source_key, "format": fmt, "status": "failed", "message": "",
               "received": 0, "accepted": 0, "rejected": 0, "state_changes": 0, "late": 0, "reasons": []}
    source_id = None
    try:
        with engine.begin() as conn:
            source_id = find_source(conn, profile.code, source_key).id
            run_id = start_run(conn, source_id, now)
            summary["run_id"] = run_id
            try:
                parsed = parse_payload(fmt, payload, now=now, observed_at=observed_at, zoneminder_id=zoneminder_id)
            except UnreadablePayload as exc:
                message = f"unreadable {FORMAT_LABELS[fmt]} file: {exc}"
                finish_run(conn, source_id, run_id, now, started, "failed", 0, 0, 0, message)
                summary["message"] = message
                return summary
            rejected, counts = _store(conn, profile.code, source_id, source_key, run_id, fmt, zoneminder_id, parsed,
                                      now)
            accepted = counts["samples"]
            message = (f"{FORMAT_LABELS[fmt]}: {parsed.received} received, {accepted} accepted, "
                       f"{len(rejected)} rejected")
            finish_run(conn, source_id, run_id, now, started, "ok", parsed.received, accepted, len(rejected), message)
            summary.update(status="ok", message=message, received=parsed.received, accepted=accepted,
                           rejected=len(rejected), state_changes=counts["changes"], late=counts["late"],
                           reasons=[{"external_id": r.external_id, "reason": r.reason} for r in rejected])
            return summary
    except Exception as exc:
        if source_id is not None:  # the import was rolled back; say so on the source
            record_failure(engine, source_id, now, f"import failed: {type(exc).__name__}: {exc}"[:1000])
        raise


# --- command line ------------------------------------------------------------------------------------------


def format_summary(summary: dict) -> str:
    head = f"{summary['source']}: run {summary['run_id']} {summary['status']} - {summary['message']}"
    lines = [head]
    reasons = summary["reasons"]
    for item in reasons[:_MAX_LISTED_REASONS]:
        lines.append(f"  rejected [{item['external_id'] or '-'}] {item['reason']}")
    if len(reasons) > _MAX_LISTED_REASONS:
        lines.append(f"  ... and {len(reasons) - _MAX_LISTED_REASONS} more (all are kept as rejected records)")
    return "\n".join(lines)


def _aware_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 date and time") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no time zone (add Z or an offset such as +07:00)")
    return moment.astimezone(timezone.utc)


def main(argv: list[str] | None = None) -> int:
    from cities import load_profile
    from data_sources.db import make_engine
    from settings import load_settings

    settings = load_settings()
    parser = argparse.ArgumentParser(prog="python -m data_sources.ingest.device_import", description="Import one file of device status.")
    parser.add_argument("--source", required=True, help="the source's key in the city profile, e.g. cctv_nvr")
    parser.add_argument("--format", required=True, choices=FORMATS, dest="fmt",
                        help="zoneminder (/api/monitors.json), or the generic heartbeat json or csv")
    parser.add_argument("--zoneminder-id", choices=ZONEMINDER_ID_FIELDS, default="Id",
                        help="which ZoneMinder monitor field is the device's external id (default Id)")
    parser.add_argument("--observed-at", type=_aware_time,
                        help="zoneminder: when the monitor list was fetched (ISO 8601 with zone; default now)")
    parser.add_argument("path", help="the file to import; - reads standard input")
    args = parser.parse_args(argv)
    try:
        payload = sys.stdin.buffer.read() if args.path == "-" else Path(args.path).read_bytes()
    except OSError as exc:
        print(f"error: cannot read {args.path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    now = settings.frozen_now or datetime.now(timezone.utc)
    profile = load_profile(settings.city)
    engine = make_engine(settings.database_url)
    try:
        summary = import_device_status(engine, profile, args.source, args.fmt, payload, now=now,
                                       observed_at=args.observed_at, zoneminder_id=args.zoneminder_id)
    except LookupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(format_summary(summary))
    return 0 if summary["status"] == "ok" else 1


if __name__ == "__main__":
    raise SystemExit(main())
