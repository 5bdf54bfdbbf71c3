"""The generic heartbeat format (JSON or CSV; described in the README's "Generic heartbeat
format"): one heartbeat says how one device was at one moment. Each record is checked field
by field and every wrong field is named in its reason."""
from __future__ import annotations

import csv
import io
import json
import math
from datetime import datetime, timedelta, timezone
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, ValidationInfo
from pydantic_core import PydanticCustomError

from data_sources.ingest.records import (EXTERNAL_ID_MAX_CHARS, Heartbeat, Invalid, ParseResult, Rejection,
                                         UnreadablePayload, decode, dump, error_reasons, has_control_chars, iso,
                                         json_type, load_json, show, storable, utc)
from data_sources.rules.device_state import SAMPLE_STATES

HEARTBEAT_FIELDS = ("device_id", "at", "state", "latency_ms", "detail")
REQUIRED_FIELDS = ("device_id", "at", "state")
STATE_SYNONYMS = {"up": "online", "ok": "online", "down": "offline"}
FUTURE_TOLERANCE = timedelta(minutes=5)
DETAIL_MAX_CHARS = 300


def _device_id(value) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Invalid("device_id: missing")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise Invalid(f"device_id: {show(value)} is not a text or whole number")
    text = str(value).strip()
    if has_control_chars(text):
        raise Invalid(f"device_id: {show(text)} contains control characters")
    if len(text) > EXTERNAL_ID_MAX_CHARS:
        raise Invalid(f"device_id: {show(text)} is longer than {EXTERNAL_ID_MAX_CHARS} characters")
    return text


def _moment(value, now: datetime) -> datetime:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Invalid("at: missing")
    if not isinstance(value, str):
        raise Invalid(f"at: {show(value)} is not an ISO 8601 date and time (e.g. 2026-11-23T14:29:00+07:00)")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(f"at: {show(value)} is not an ISO 8601 date and time (e.g. 2026-11-23T14:29:00+07:00)") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise Invalid(f"at: {show(value)} has no time zone (end it with Z for UTC or an offset such as +07:00)")
    moment = parsed.astimezone(timezone.utc)
    if moment > now + FUTURE_TOLERANCE:
        raise Invalid(f"at: {show(value)} is in the future (more than 5 minutes after the import time {iso(now)})")
    return moment


def _state(value) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Invalid("state: missing")
    word = value.strip().lower() if isinstance(value, str) else None
    state = STATE_SYNONYMS.get(word, word)
    if state not in SAMPLE_STATES:
        raise Invalid(f"state: {show(value)} is not one of {', '.join(SAMPLE_STATES)}")
    return state


def _latency(value) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise Invalid(f"latency_ms: {show(value)} is not a number")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise Invalid(f"latency_ms: {show(value)} is not a number") from None
    else:
        raise Invalid(f"latency_ms: {show(value)} is not a number")
    if not math.isfinite(number):
        raise Invalid(f"latency_ms: {show(value)} is not a finite number")
    if number < 0:
        raise Invalid(f"latency_ms: {show(value)} is negative (must be 0 or more)")
    return number


def _detail(value) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = storable(text).strip()
    return text[:DETAIL_MAX_CHARS] or None


def _rule(check, needs_now: bool = False):
    """A field rule of the format as a pydantic validator: its message (after the field's name) is the error."""
    def validate(value, info: ValidationInfo):
        try:
            return check(value, info.context["now"]) if needs_now else check(value)
        except Invalid as exc:
            raise PydanticCustomError("heartbeat", str(exc).split(": ", 1)[-1]) from None
    return BeforeValidator(validate)


class HeartbeatIn(BaseModel):
    """One heartbeat: how one device was at one moment (the generic format, and the ingest API's
    device samples). Validate with ``context={"now": ...}`` (a time after it is "in the future")."""

    model_config = ConfigDict(extra="ignore", validate_default=True)

    device_id: Annotated[str, _rule(_device_id), Field(
        description="the device's external id in this source (text or a whole number)", max_length=128)] = None
    at: Annotated[datetime, _rule(_moment, needs_now=True), Field(
        description="when, ISO 8601 with a UTC offset or Z; not more than 5 minutes ahead")] = None
    state: Annotated[str, _rule(_state), Field(
        description="online, degraded, offline or unknown (any case; up and ok mean online, down offline)")] = None
    latency_ms: Annotated[float | None, _rule(_latency), Field(description="response time in ms, >= 0")] = None
    detail: Annotated[str | None, BeforeValidator(_detail), Field(description="a short note, cut at 300 characters")] = None


def _heartbeat(values: dict, *, now: datetime, raw: str, index: int, ref: str | None) -> Heartbeat | Rejection:
    """Check one record's fields; every wrong field is named in the reason."""
    try:
        beat = HeartbeatIn.model_validate(values, context={"now": now})
    except ValidationError as exc:
        try:
            external_id = _device_id(values.get("device_id"))
        except Invalid:
            external_id = None
        reason = error_reasons(exc)
        return Rejection(external_id, raw, f"{ref}: {reason}" if ref else reason, index)
    return Heartbeat(beat.device_id, beat.at, beat.state, beat.latency_ms, beat.detail, raw, ref, index)


def parse_heartbeats_json(payload: bytes | str, *, now: datetime) -> ParseResult:
    """Generic heartbeats as JSON: a list of objects, or ``{"heartbeats": [...]}``.

    Raises ``UnreadablePayload`` if the file is not JSON or holds no such list.
    """
    now = utc(now)
    data = load_json(payload)
    if isinstance(data, dict):
        if "heartbeats" not in data:
            raise UnreadablePayload('the JSON object has no "heartbeats" list '
                                    '(expected a list of heartbeats or {"heartbeats": [...]})')
        data = data["heartbeats"]
        if not isinstance(data, list):
            raise UnreadablePayload(f'"heartbeats" is {json_type(data)}, not a list')
    elif not isinstance(data, list):
        raise UnreadablePayload(f'the JSON is {json_type(data)}, not a list of heartbeats or {{"heartbeats": [...]}}')
    result = ParseResult()
    for index, item in enumerate(data):
        raw = dump(item)
        if not isinstance(item, dict):
            result.rejected.append(Rejection(None, raw, f"record {index + 1} is {json_type(item)}, not an object",
                                             index))
            continue
        result.add(_heartbeat(item, now=now, raw=raw, index=index, ref=None))
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
    now = utc(now)
    text = decode(payload)
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
            raw = storable("".join(lines[start - 1:reader.line_num]).rstrip("\r\n"))
            ref = f"line {start}"
            if len(row) != len(header):
                position = header.index("device_id")
                guess = row[position].strip() if position < len(row) else ""
                guess = guess if guess and not has_control_chars(guess) else None
                result.rejected.append(Rejection(
                    guess and guess[:EXTERNAL_ID_MAX_CHARS], raw,
                    f"{ref}: {len(row)} fields, expected {len(header)} as in the header", index))
            else:
                values = {name: value for name, value in zip(header, row) if name in HEARTBEAT_FIELDS}
                result.add(_heartbeat(values, now=now, raw=raw, index=index, ref=ref))
            index += 1
    except csv.Error as exc:
        raise UnreadablePayload(f"CSV error at line {reader.line_num}: {exc}") from None
    if header is None:
        raise UnreadablePayload("empty CSV file: no header row")
    return result
