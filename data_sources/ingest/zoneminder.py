"""ZoneMinder's monitor list (the answer of ``GET /api/monitors.json``) as heartbeats, one per
monitor, all observed at the same moment (ZoneMinder gives no time). Each monitor's
``Monitor_Status.Status`` decides its state: ``Connected`` is online (degraded at 0 frames per
second), ``Running`` and ``Signal`` degraded (the capture daemon runs, the camera delivers no
video), ``NotRunning`` offline, ``Unknown`` unknown; a disabled monitor, and one ZoneMinder
reports no status for, is unknown."""
from __future__ import annotations

import math
from datetime import datetime

from data_sources.ingest.records import (EXTERNAL_ID_MAX_CHARS, Heartbeat, Invalid, ParseResult, Rejection,
                                         UnreadablePayload, dump, has_control_chars, json_type, load_json, show, utc)

ZONEMINDER_STATUSES = ("Unknown", "NotRunning", "Running", "Connected", "Signal")
ZONEMINDER_ID_FIELDS = ("Id", "Name")
ZONEMINDER_DISABLED_DETAIL = "monitoring disabled in ZoneMinder"
ZONEMINDER_NO_STATUS_DETAIL = "ZoneMinder reported no status for this monitor"
_ZM_STATES = {
    "Running": ("degraded", "ZoneMinder: Running (capture daemon up, no video from the camera)"),
    "Signal": ("degraded", "ZoneMinder: Signal (capture daemon up, camera not delivering video)"),
    "NotRunning": ("offline", "ZoneMinder: NotRunning (capture daemon not running)"),
    "Unknown": ("unknown", "ZoneMinder: status Unknown"),
}


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
        raise Invalid(f"Monitor_Status.CaptureFPS: {show(value)} is not a number") from None
    if not math.isfinite(number):
        raise Invalid(f"Monitor_Status.CaptureFPS: {show(value)} is not a finite number")
    return number, value.strip() if isinstance(value, str) else f"{number:.2f}"


def _zoneminder_monitor(item, *, observed_at: datetime, id_field: str, index: int) -> Heartbeat | Rejection:
    raw = dump(item)
    if not isinstance(item, dict):
        return Rejection(None, raw, f"monitor {index + 1} is {json_type(item)}, not an object", index)
    monitor = item.get("Monitor")
    if not isinstance(monitor, dict):
        return Rejection(None, raw, "Monitor: missing", index)
    external_id = _zm_text(monitor.get(id_field))
    if external_id is None:
        return Rejection(None, raw, f"Monitor.{id_field}: missing", index)
    if has_control_chars(external_id) or len(external_id) > EXTERNAL_ID_MAX_CHARS:
        return Rejection(None, raw, f"Monitor.{id_field}: {show(external_id)} is not a usable device id", index)
    if _zm_disabled(monitor):
        return Heartbeat(external_id, observed_at, "unknown", None, ZONEMINDER_DISABLED_DETAIL, raw, None, index)
    status_row = item.get("Monitor_Status")
    if not isinstance(status_row, dict) or (status_row.get("MonitorId") is None and status_row.get("Status") is None):
        # a monitor with no Monitor_Status row comes back with every field null: the camera's state is not
        # known (ZoneMinder has not started it or lost track of it), which is what the wall must show
        return Heartbeat(external_id, observed_at, "unknown", None, ZONEMINDER_NO_STATUS_DETAIL, raw, None, index)
    status = status_row.get("Status")
    known = {name.lower(): name for name in ZONEMINDER_STATUSES}
    canonical = known.get(status.strip().lower()) if isinstance(status, str) else None
    if canonical is None:
        return Rejection(external_id, raw, f"Monitor_Status.Status: {show(status)} is not one of "
                                           f"{', '.join(ZONEMINDER_STATUSES)}", index)
    if canonical != "Connected":
        state, detail = _ZM_STATES[canonical]
        return Heartbeat(external_id, observed_at, state, None, detail, raw, None, index)
    try:
        fps, fps_text = _zm_fps(status_row.get("CaptureFPS"))
    except Invalid as exc:
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
    observed_at = utc(observed_at)
    data = load_json(payload)
    if not isinstance(data, dict) or "monitors" not in data:
        raise UnreadablePayload('no "monitors" list: this is not the answer of ZoneMinder\'s /api/monitors.json')
    monitors = data["monitors"]
    if not isinstance(monitors, list):
        raise UnreadablePayload(f'"monitors" is {json_type(monitors)}, not a list')
    result = ParseResult()
    for index, item in enumerate(monitors):
        result.add(_zoneminder_monitor(item, observed_at=observed_at, id_field=id_field, index=index))
    return result
