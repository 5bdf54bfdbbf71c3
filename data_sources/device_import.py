"""Device-status importers: ZoneMinder's monitor list, and a generic heartbeat format (JSON or CSV).

``python -m data_sources.device_import --source cctv_nvr --format zoneminder monitors.json``
reads one file, checks every record, stores the good ones as device samples (through
``device_state.record_samples``, which moves the devices' states) and keeps every refused
record, with the reason, as a ``RejectedRecord``. Each import is one ``SourceRun`` of the
source: ``ok`` when the file could be read (even if some or all of its records were refused),
``failed`` when the file as a whole could not be read. Good records are always kept, whatever
the bad ones next to them are.

Formats (``--format``):

- ``zoneminder``: the answer of ZoneMinder's API ``GET /api/monitors.json``. ZoneMinder gives
  no time, so every monitor is observed at the import time (or ``--observed-at``). Each
  monitor's ``Monitor_Status.Status`` decides its state: ``Connected`` -> online (degraded if
  ``CaptureFPS`` is 0), ``Running`` and ``Signal`` -> degraded (the capture daemon runs but
  the camera delivers no video), ``NotRunning`` -> offline, ``Unknown`` -> unknown. A monitor
  that is disabled (``Enabled`` "0", ``Function`` "None", or on ZoneMinder 1.37+ ``Capturing``
  "None") -> unknown, "monitoring disabled in ZoneMinder". The device's external id is the
  monitor's ``Id`` (``--zoneminder-id Name`` uses its ``Name``).
- ``json`` and ``csv``: the generic heartbeat format below, for other NVRs, VMSs and network
  monitors (a small script can turn almost any export into it).

Generic heartbeat format
------------------------

(Markdown from here to the end of the two examples, so it can go into the README as is.)

One heartbeat says how one device was at one moment.

| field | required | meaning |
|---|---|---|
| `device_id` | yes | the device's external id in this source (`devices.external_id`) |
| `at` | yes | when, ISO 8601 with a UTC offset or `Z`: `2026-11-23T14:29:00+07:00` or `2026-11-23T07:29:00Z`. A time without a zone is refused, and so is a time more than 5 minutes after the import ("in the future") |
| `state` | yes | `online`, `degraded`, `offline` or `unknown`, in any case; `up` and `ok` mean online, `down` means offline |
| `latency_ms` | no | response time in milliseconds, a number >= 0 |
| `detail` | no | a short text for the operator, cut at 300 characters |

JSON: a list of heartbeat objects, or an object with a `"heartbeats"` list (other fields are ignored):

```json
{"heartbeats": [
  {"device_id": "CAM-0012", "at": "2026-11-23T14:29:00+07:00", "state": "online", "latency_ms": 38},
  {"device_id": "CAM-0013", "at": "2026-11-23T07:29:00Z", "state": "offline", "detail": "no RTSP answer"},
  {"device_id": "AP-0101", "at": "2026-11-23T07:29:05Z", "state": "degraded", "latency_ms": 912.5,
   "detail": "packet loss 12%"}
]}
```

CSV: UTF-8 (a byte-order mark is fine), comma-separated, a header row with the field names
in any order (`latency_ms` and `detail` may be left out, or left empty in a row; other
columns are ignored). Every row has as many fields as the header:

```csv
device_id,at,state,latency_ms,detail
CAM-0012,2026-11-23T14:29:00+07:00,online,38,
CAM-0013,2026-11-23T07:29:00Z,offline,,no RTSP answer
AP-0101,2026-11-23T07:29:05Z,degraded,912.5,"packet loss 12%, slow DHCP"
```

A record is refused, with a reason naming the field and the bad value, when a required
field is missing or wrong, when its device is not a device of the source ("unknown
device"), when the same device and time appear twice in the file ("duplicate"), or when
that sample was imported before ("already imported"). A CSV row with the wrong number of
fields is refused with its line number (every CSV reason starts with the line number).

Exit status of the command: 0 when the run was ok (even with refused records), 1 when the
file could not be read (the failed run and its message are recorded), 2 for a usage error
(unknown source, missing file).
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import math
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import Connection, Engine, insert, select, tuple_, update
from sqlalchemy.exc import SQLAlchemyError

from data_sources import models as m
from data_sources.device_state import SAMPLE_STATES, record_samples

log = logging.getLogger(__name__)

FORMATS = ("zoneminder", "json", "csv")
FORMAT_LABELS = {"zoneminder": "ZoneMinder monitors.json", "json": "heartbeat JSON", "csv": "heartbeat CSV"}
HEARTBEAT_FIELDS = ("device_id", "at", "state", "latency_ms", "detail")
REQUIRED_FIELDS = ("device_id", "at", "state")
STATE_SYNONYMS = {"up": "online", "ok": "online", "down": "offline"}
FUTURE_TOLERANCE = timedelta(minutes=5)
DETAIL_MAX_CHARS = 300
EXTERNAL_ID_MAX_CHARS = 128  # devices.external_id

ZONEMINDER_STATUSES = ("Unknown", "NotRunning", "Running", "Connected", "Signal")
ZONEMINDER_ID_FIELDS = ("Id", "Name")
ZONEMINDER_DISABLED_DETAIL = "monitoring disabled in ZoneMinder"
_ZM_STATES = {
    "Running": ("degraded", "ZoneMinder: Running (capture daemon up, no video from the camera)"),
    "Signal": ("degraded", "ZoneMinder: Signal (capture daemon up, camera not delivering video)"),
    "NotRunning": ("offline", "ZoneMinder: NotRunning (capture daemon not running)"),
    "Unknown": ("unknown", "ZoneMinder: status Unknown"),
}

_CHUNK = 400  # ids or (device, time) pairs per IN (...) list
_MAX_LISTED_REASONS = 50  # in the command's printout


class UnreadablePayload(ValueError):
    """The file as a whole cannot be read (not UTF-8, not JSON, no header, not the expected shape)."""


@dataclass(frozen=True)
class Heartbeat:
    """A valid record: one device's state at one moment (``at`` is aware UTC)."""

    external_id: str
    at: datetime
    state: str
    latency_ms: float | None = None
    detail: str | None = None
    raw: str = field(default="", compare=False, repr=False)  # the record as it came, for a later refusal
    ref: str | None = field(default=None, compare=False, repr=False)  # "line 4" in a CSV file
    index: int = field(default=0, compare=False, repr=False)  # position in the file, from 0


@dataclass(frozen=True)
class Rejection:
    """A refused record: its external id (if it had a usable one), its raw text, why."""

    external_id: str | None
    raw: str
    reason: str
    index: int = field(default=0, compare=False, repr=False)


@dataclass
class ParseResult:
    records: list[Heartbeat] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def received(self) -> int:
        return len(self.records) + len(self.rejected)


class _Invalid(ValueError):
    """One field of one record is wrong; the message is the reason a user reads."""


# --- small helpers ---------------------------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _iso(moment: datetime) -> str:
    text = _utc(moment).isoformat(timespec="microseconds" if moment.microsecond else "seconds")
    return text.replace("+00:00", "Z")


def _show(value, limit: int = 80) -> str:
    """A value as a reason quotes it: strings quoted, anything else as JSON."""
    if isinstance(value, str):
        return repr(value if len(value) <= limit else value[:limit - 3] + "...")
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _json_type(value) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__)


def _storable(text: str) -> str:
    """PostgreSQL text cannot hold NUL characters."""
    return text.replace("\x00", "\ufffd")


def _dump(value) -> str:
    return _storable(json.dumps(value, ensure_ascii=False, default=str))


def _decode(payload: bytes | str) -> str:
    if isinstance(payload, str):
        return payload.removeprefix("\ufeff")
    try:
        return payload.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadablePayload(f"not UTF-8 text (invalid byte 0x{payload[exc.start]:02x} at byte {exc.start})") from None


def _load_json(payload: bytes | str):
    text = _decode(payload)
    if not text.strip():
        raise UnreadablePayload("empty file")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadablePayload(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None


def _has_control_chars(text: str) -> bool:
    return any(ord(c) < 32 or ord(c) == 127 for c in text)


# --- field rules of the generic heartbeat format ------------------------------------------------------


def _device_id(value) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _Invalid("device_id: missing")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _Invalid(f"device_id: {_show(value)} is not a text or whole number")
    text = str(value).strip()
    if _has_control_chars(text):
        raise _Invalid(f"device_id: {_show(text)} contains control characters")
    if len(text) > EXTERNAL_ID_MAX_CHARS:
        raise _Invalid(f"device_id: {_show(text)} is longer than {EXTERNAL_ID_MAX_CHARS} characters")
    return text


def _moment(value, now: datetime) -> datetime:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _Invalid("at: missing")
    if not isinstance(value, str):
        raise _Invalid(f"at: {_show(value)} is not an ISO 8601 date and time (e.g. 2026-11-23T14:29:00+07:00)")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _Invalid(f"at: {_show(value)} is not an ISO 8601 date and time (e.g. 2026-11-23T14:29:00+07:00)") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise _Invalid(f"at: {_show(value)} has no time zone (end it with Z for UTC or an offset such as +07:00)")
    moment = parsed.astimezone(timezone.utc)
    if moment > now + FUTURE_TOLERANCE:
        raise _Invalid(f"at: {_show(value)} is in the future (more than 5 minutes after the import time {_iso(now)})")
    return moment


def _state(value) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _Invalid("state: missing")
    word = value.strip().lower() if isinstance(value, str) else None
    state = STATE_SYNONYMS.get(word, word)
    if state not in SAMPLE_STATES:
        raise _Invalid(f"state: {_show(value)} is not one of {', '.join(SAMPLE_STATES)}")
    return state


def _latency(value) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise _Invalid(f"latency_ms: {_show(value)} is not a number")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise _Invalid(f"latency_ms: {_show(value)} is not a number") from None
    else:
        raise _Invalid(f"latency_ms: {_show(value)} is not a number")
    if not math.isfinite(number):
        raise _Invalid(f"latency_ms: {_show(value)} is not a finite number")
    if number < 0:
        raise _Invalid(f"latency_ms: {_show(value)} is negative (must be 0 or more)")
    return number


def _detail(value) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = _storable(text).strip()
    return text[:DETAIL_MAX_CHARS] or None


def _heartbeat(values: dict, *, now: datetime, raw: str, index: int, ref: str | None) -> Heartbeat | Rejection:
    """Check one record's fields; every wrong field is named in the reason."""
    errors: list[str] = []
    external_id = at = state = latency = None
    try:
        external_id = _device_id(values.get("device_id"))
    except _Invalid as exc:
        errors.append(str(exc))
    try:
        at = _moment(values.get("at"), now)
    except _Invalid as exc:
        errors.append(str(exc))
    try:
        state = _state(values.get("state"))
    except _Invalid as exc:
        errors.append(str(exc))
    try:
        latency = _latency(values.get("latency_ms"))
    except _Invalid as exc:
        errors.append(str(exc))
    if errors:
        reason = "; ".join(errors)
        return Rejection(external_id, raw, f"{ref}: {reason}" if ref else reason, index)
    return Heartbeat(external_id, at, state, latency, _detail(values.get("detail")), raw, ref, index)


def _collect(result: ParseResult, item: Heartbeat | Rejection) -> None:
    (result.records if isinstance(item, Heartbeat) else result.rejected).append(item)


# --- parsers ----------------------------------------------------------------------------------------------


def parse_heartbeats_json(payload: bytes | str, *, now: datetime) -> ParseResult:
    """Generic heartbeats as JSON: a list of objects, or ``{"heartbeats": [...]}``.

    Raises ``UnreadablePayload`` if the file is not JSON or holds no such list.
    """
    now = _utc(now)
    data = _load_json(payload)
    if isinstance(data, dict):
        if "heartbeats" not in data:
            raise UnreadablePayload('the JSON object has no "heartbeats" list '
                                    '(expected a list of heartbeats or {"heartbeats": [...]})')
        data = data["heartbeats"]
        if not isinstance(data, list):
            raise UnreadablePayload(f'"heartbeats" is {_json_type(data)}, not a list')
    elif not isinstance(data, list):
        raise UnreadablePayload(f'the JSON is {_json_type(data)}, not a list of heartbeats or {{"heartbeats": [...]}}')
    result = ParseResult()
    for index, item in enumerate(data):
        raw = _dump(item)
        if not isinstance(item, dict):
            result.rejected.append(Rejection(None, raw, f"record {index + 1} is {_json_type(item)}, not an object",
                                             index))
            continue
        _collect(result, _heartbeat(item, now=now, raw=raw, index=index, ref=None))
    return result


def _csv_header(row: list[str]) -> list[str]:
    names = [name.strip().lower() for name in row]
    doubled = sorted({n for n in names if n and names.count(n) > 1})
    if doubled:
        raise UnreadablePayload(f"the CSV header names column(s) {', '.join(doubled)} more than once")
    missing = [name for name in REQUIRED_FIELDS if name not in names]
    if missing:
        hint = " (the file must be comma-separated, not semicolon-separated)" if ";" in ",".join(row) else ""
        raise UnreadablePayload(f"the CSV header has no column(s) {', '.join(missing)}; expected "
                                f"{','.join(HEARTBEAT_FIELDS)} in the first row{hint}")
    return names


def parse_heartbeats_csv(payload: bytes | str, *, now: datetime) -> ParseResult:
    """Generic heartbeats as CSV with a header row. Blank rows are skipped; a row with the
    wrong number of fields is refused with its line number (so is every other bad row).

    Raises ``UnreadablePayload`` if the file is not UTF-8, is empty, or lacks required columns.
    """
    now = _utc(now)
    text = _decode(payload)
    lines = io.StringIO(text, newline="").readlines()  # the same line breaks csv counts
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    result = ParseResult()
    previous_end = 0
    index = 0
    try:
        for row in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue  # blank line, or an empty row a spreadsheet left at the end
            if header is None:
                header = _csv_header(row)
                continue
            raw = _storable("".join(lines[start - 1:reader.line_num]).rstrip("\r\n"))
            ref = f"line {start}"
            if len(row) != len(header):
                position = header.index("device_id")
                guess = row[position].strip() if position < len(row) else ""
                guess = guess if guess and not _has_control_chars(guess) else None
                result.rejected.append(Rejection(
                    guess and guess[:EXTERNAL_ID_MAX_CHARS], raw,
                    f"{ref}: {len(row)} fields, expected {len(header)} as in the header", index))
            else:
                values = {name: value for name, value in zip(header, row) if name in HEARTBEAT_FIELDS}
                _collect(result, _heartbeat(values, now=now, raw=raw, index=index, ref=ref))
            index += 1
    except csv.Error as exc:
        raise UnreadablePayload(f"CSV error at line {reader.line_num}: {exc}") from None
    if header is None:
        raise UnreadablePayload("empty CSV file: no header row")
    return result


def _zm_text(value) -> str | None:
    if value is None or isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value).strip()
    return text or None


def _zm_disabled(monitor: dict) -> bool:
    def said(key: str, word: str) -> bool:
        value = monitor.get(key)
        return value is not None and str(value).strip().lower() == word

    enabled = monitor.get("Enabled")
    return enabled is False or said("Enabled", "0") or said("Function", "none") or said("Capturing", "none")


def _zm_fps(value) -> tuple[float | None, str | None]:
    """CaptureFPS as a number and as ZoneMinder wrote it; (None, None) when absent."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    try:
        if isinstance(value, bool):
            raise ValueError
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise _Invalid(f"Monitor_Status.CaptureFPS: {_show(value)} is not a number") from None
    if not math.isfinite(number):
        raise _Invalid(f"Monitor_Status.CaptureFPS: {_show(value)} is not a finite number")
    return number, value.strip() if isinstance(value, str) else f"{number:.2f}"


def _zoneminder_monitor(item, *, observed_at: datetime, id_field: str, index: int) -> Heartbeat | Rejection:
    raw = _dump(item)
    if not isinstance(item, dict):
        return Rejection(None, raw, f"monitor {index + 1} is {_json_type(item)}, not an object", index)
    monitor = item.get("Monitor")
    if not isinstance(monitor, dict):
        return Rejection(None, raw, "Monitor: missing", index)
    external_id = _zm_text(monitor.get(id_field))
    if external_id is None:
        return Rejection(None, raw, f"Monitor.{id_field}: missing", index)
    if _has_control_chars(external_id) or len(external_id) > EXTERNAL_ID_MAX_CHARS:
        return Rejection(None, raw, f"Monitor.{id_field}: {_show(external_id)} is not a usable device id", index)
    if _zm_disabled(monitor):
        return Heartbeat(external_id, observed_at, "unknown", None, ZONEMINDER_DISABLED_DETAIL, raw, None, index)
    status_row = item.get("Monitor_Status")
    if not isinstance(status_row, dict) or (status_row.get("MonitorId") is None and status_row.get("Status") is None):
        # a monitor with no Monitor_Status row comes back with every field null
        return Rejection(external_id, raw, "Monitor_Status: missing (ZoneMinder reported no status for this monitor)",
                         index)
    status = status_row.get("Status")
    known = {name.lower(): name for name in ZONEMINDER_STATUSES}
    canonical = known.get(status.strip().lower()) if isinstance(status, str) else None
    if canonical is None:
        return Rejection(external_id, raw, f"Monitor_Status.Status: {_show(status)} is not one of "
                                           f"{', '.join(ZONEMINDER_STATUSES)}", index)
    if canonical != "Connected":
        state, detail = _ZM_STATES[canonical]
        return Heartbeat(external_id, observed_at, state, None, detail, raw, None, index)
    try:
        fps, fps_text = _zm_fps(status_row.get("CaptureFPS"))
    except _Invalid as exc:
        return Rejection(external_id, raw, str(exc), index)
    if fps is None:
        return Heartbeat(external_id, observed_at, "online", None, "ZoneMinder: Connected", raw, None, index)
    if fps <= 0:
        return Heartbeat(external_id, observed_at, "degraded", None,
                         f"ZoneMinder: Connected but capturing {fps_text} fps", raw, None, index)
    return Heartbeat(external_id, observed_at, "online", None, f"ZoneMinder: Connected, {fps_text} fps", raw, None,
                     index)


def parse_zoneminder(payload: bytes | str, *, observed_at: datetime, id_field: str = "Id") -> ParseResult:
    """ZoneMinder's ``GET /api/monitors.json``: one heartbeat per monitor, all at ``observed_at``.

    ``id_field`` is ``"Id"`` (default) or ``"Name"``: which Monitor field is the device's external id.
    Raises ``UnreadablePayload`` if the file is not JSON or has no ``"monitors"`` list.
    """
    if id_field not in ZONEMINDER_ID_FIELDS:
        raise ValueError(f"id_field must be one of {ZONEMINDER_ID_FIELDS}, not {id_field!r}")
    observed_at = _utc(observed_at)
    data = _load_json(payload)
    if not isinstance(data, dict) or "monitors" not in data:
        raise UnreadablePayload('no "monitors" list: this is not the answer of ZoneMinder\'s /api/monitors.json')
    monitors = data["monitors"]
    if not isinstance(monitors, list):
        raise UnreadablePayload(f'"monitors" is {_json_type(monitors)}, not a list')
    result = ParseResult()
    for index, item in enumerate(monitors):
        _collect(result, _zoneminder_monitor(item, observed_at=observed_at, id_field=id_field, index=index))
    return result


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


def _source_id(conn: Connection, city_code: str, source_key: str) -> int:
    source_id = conn.execute(select(m.Source.id).where(m.Source.city_code == city_code,
                                                       m.Source.key == source_key)).scalar()
    if source_id is None:
        known = conn.execute(select(m.Source.key).where(m.Source.city_code == city_code)
                             .order_by(m.Source.key)).scalars().all()
        raise LookupError(f"city {city_code} has no source {source_key!r} (its sources: {', '.join(known) or 'none'})")
    return source_id


def _device_ids(conn: Connection, city_code: str, source_id: int, external_ids: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for part in _chunks(sorted(external_ids)):
        rows = conn.execute(select(m.Device.external_id, m.Device.id)
                            .where(m.Device.source_id == source_id, m.Device.city_code == city_code,
                                   m.Device.external_id.in_(part)))
        found.update({external_id: device_id for external_id, device_id in rows})
    return found


def _stored_pairs(conn: Connection, pairs: list[tuple[int, datetime]]) -> set[tuple[int, datetime]]:
    """Which (device id, time) pairs already have a sample."""
    found: set[tuple[int, datetime]] = set()
    for part in _chunks(sorted(set(pairs))):
        rows = conn.execute(select(m.DeviceSample.device_id, m.DeviceSample.at)
                            .where(tuple_(m.DeviceSample.device_id, m.DeviceSample.at).in_(part)))
        found.update((device_id, _utc(at)) for device_id, at in rows)
    return found


def _finish_run(conn: Connection, run_id: int, finished_at: datetime, status: str, received: int, accepted: int,
                rejected: int, message: str) -> None:
    conn.execute(update(m.SourceRun).where(m.SourceRun.id == run_id).values(
        finished_at=finished_at, status=status, rows_received=received, rows_accepted=accepted,
        rows_rejected=rejected, message=message))


def _store(conn: Connection, profile_code: str, source_id: int, source_key: str, run_id: int, fmt: str,
           zoneminder_id: str, parsed: ParseResult, now: datetime) -> tuple[list[Rejection], dict]:
    """Map, de-duplicate and store one parsed file; returns every refusal and record_samples' counts."""
    id_name = f"Monitor.{zoneminder_id}" if fmt == "zoneminder" else "device_id"
    rejected = list(parsed.rejected)
    devices = _device_ids(conn, profile_code, source_id, {h.external_id for h in parsed.records})
    seen: set[tuple[int, datetime]] = set()
    candidates: list[tuple[int, Heartbeat]] = []
    for beat in parsed.records:
        prefix = f"{beat.ref}: " if beat.ref else ""
        device_id = devices.get(beat.external_id)
        if device_id is None:
            rejected.append(Rejection(beat.external_id, beat.raw, f"{prefix}unknown device: {id_name} "
                                      f"{_show(beat.external_id)} is not a device of source {source_key}", beat.index))
        elif (device_id, beat.at) in seen:
            rejected.append(Rejection(beat.external_id, beat.raw, f"{prefix}duplicate: {id_name} "
                                      f"{_show(beat.external_id)} already has a heartbeat at {_iso(beat.at)} "
                                      "earlier in this file", beat.index))
        else:
            seen.add((device_id, beat.at))
            candidates.append((device_id, beat))
    stored = _stored_pairs(conn, [(device_id, beat.at) for device_id, beat in candidates])
    samples = []
    for device_id, beat in candidates:
        if (device_id, beat.at) in stored:
            prefix = f"{beat.ref}: " if beat.ref else ""
            rejected.append(Rejection(beat.external_id, beat.raw, f"{prefix}already imported: {id_name} "
                                      f"{_show(beat.external_id)} has a sample at {_iso(beat.at)} already",
                                      beat.index))
            continue
        samples.append({"device_id": device_id, "at": beat.at, "state": beat.state, "latency_ms": beat.latency_ms,
                        "detail": beat.detail})
    counts = record_samples(conn, samples) if samples else {"samples": 0, "late": 0, "changes": 0,
                                                             "unknown_devices": 0}
    rejected.sort(key=lambda r: r.index)
    if rejected:
        conn.execute(insert(m.RejectedRecord), [
            {"source_id": source_id, "run_id": run_id,
             "external_id": r.external_id and r.external_id[:EXTERNAL_ID_MAX_CHARS], "raw": r.raw,
             "reason": r.reason, "created_at": now} for r in rejected])
    return rejected, counts


def _record_crash(engine: Engine, source_id: int, now: datetime, message: str) -> int | None:
    """After an unexpected error rolled the import back: leave a failed run behind, if the database lets us."""
    try:
        with engine.begin() as conn:
            run_id = conn.execute(insert(m.SourceRun).values(
                source_id=source_id, started_at=now, finished_at=now, status="failed", rows_received=0,
                rows_accepted=0, rows_rejected=0, message=message).returning(m.SourceRun.id)).scalar_one()
            conn.execute(update(m.Source).where(m.Source.id == source_id).values(last_failure_at=now,
                                                                                  last_error=message))
            return run_id
    except SQLAlchemyError:
        log.exception("could not record the failed import run either")
        return None


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
    now = _utc(now) if now is not None else datetime.now(timezone.utc)
    started = time.perf_counter()
    summary = {"run_id": None, "source": source_key, "format": fmt, "status": "failed", "message": "",
               "received": 0, "accepted": 0, "rejected": 0, "state_changes": 0, "late": 0, "reasons": []}
    source_id = None
    try:
        with engine.begin() as conn:
            source_id = _source_id(conn, profile.code, source_key)
            run_id = conn.execute(insert(m.SourceRun).values(
                source_id=source_id, started_at=now, status="running", rows_received=0, rows_accepted=0,
                rows_rejected=0).returning(m.SourceRun.id)).scalar_one()
            summary["run_id"] = run_id
            try:
                parsed = parse_payload(fmt, payload, now=now, observed_at=observed_at, zoneminder_id=zoneminder_id)
            except UnreadablePayload as exc:
                message = f"unreadable {FORMAT_LABELS[fmt]} file: {exc}"
                finished = now + timedelta(seconds=time.perf_counter() - started)
                _finish_run(conn, run_id, finished, "failed", 0, 0, 0, message)
                conn.execute(update(m.Source).where(m.Source.id == source_id).values(last_failure_at=now,
                                                                                      last_error=message))
                summary["message"] = message
                return summary
            rejected, counts = _store(conn, profile.code, source_id, source_key, run_id, fmt, zoneminder_id, parsed,
                                      now)
            accepted = counts["samples"]
            message = (f"{FORMAT_LABELS[fmt]}: {parsed.received} received, {accepted} accepted, "
                       f"{len(rejected)} rejected")
            finished = now + timedelta(seconds=time.perf_counter() - started)
            _finish_run(conn, run_id, finished, "ok", parsed.received, accepted, len(rejected), message)
            conn.execute(update(m.Source).where(m.Source.id == source_id).values(last_success_at=now))
            summary.update(status="ok", message=message, received=parsed.received, accepted=accepted,
                           rejected=len(rejected), state_changes=counts["changes"], late=counts["late"],
                           reasons=[{"external_id": r.external_id, "reason": r.reason} for r in rejected])
            return summary
    except Exception as exc:
        if source_id is not None:  # the import was rolled back; say so on the source
            _record_crash(engine, source_id, now, f"import failed: {type(exc).__name__}: {exc}"[:1000])
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
    parser = argparse.ArgumentParser(prog="python -m data_sources.device_import", description=__doc__.splitlines()[0])
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
