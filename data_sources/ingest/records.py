"""What every importer of device status shares: a valid record (``Heartbeat``), a refused one
(``Rejection``) with the reason a user reads, a parsed file (``ParseResult``), the error for a
file that cannot be read at all, and the small rules for quoting and decoding values."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from pydantic import ValidationError

EXTERNAL_ID_MAX_CHARS = 128  # devices.external_id


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

    def add(self, item: Heartbeat | Rejection) -> None:
        (self.records if isinstance(item, Heartbeat) else self.rejected).append(item)


class Invalid(ValueError):
    """One field of one record is wrong; the message is the reason a user reads."""


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def iso(moment: datetime) -> str:
    text = utc(moment).isoformat(timespec="microseconds" if moment.microsecond else "seconds")
    return text.replace("+00:00", "Z")


def show(value, limit: int = 80) -> str:
    """A value as a reason quotes it: strings quoted, anything else as JSON."""
    if isinstance(value, str):
        return repr(value if len(value) <= limit else value[:limit - 3] + "...")
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def json_type(value) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__)


def storable(text: str) -> str:
    """PostgreSQL text cannot hold NUL characters."""
    return text.replace("\x00", "\ufffd")


def dump(value) -> str:
    return storable(json.dumps(value, ensure_ascii=False, default=str))


def decode(payload: bytes | str) -> str:
    if isinstance(payload, str):
        return payload.removeprefix("\ufeff")
    try:
        return payload.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadablePayload(f"not UTF-8 text (invalid byte 0x{payload[exc.start]:02x} at byte {exc.start})") from None


def load_json(payload: bytes | str):
    text = decode(payload)
    if not text.strip():
        raise UnreadablePayload("empty file")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadablePayload(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None


def has_control_chars(text: str) -> bool:
    return any(ord(c) < 32 or ord(c) == 127 for c in text)


def error_reasons(error: ValidationError) -> str:
    """A one-line reason for a refused record: ``field: message; field: message``."""
    parts = []
    for item in error.errors(include_url=False):
        field_name = ".".join(str(p) for p in item["loc"]) or "record"
        parts.append(f"{field_name}: {item['msg']}")
    return "; ".join(parts)
