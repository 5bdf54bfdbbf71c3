"""Read-only JSON for device states, for other city systems: counts and uptime per kind, and
the list of devices down (offline or silent), longest first. The same queries as /cctv and
/wifi; uptime values are shares (0.975 = 97.5%)."""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from api._json import plain, records
from data_sources.queries import devices
from data_sources.rules.device_state import seconds_in_state
from data_sources.runtime import current_now_bucket as _now
from data_sources.runtime import current_profile

blueprint = Blueprint("devices_api", __name__)
MAX_LIST = 1000


def _kinds() -> tuple[str, ...]:
    """The kinds of device the city watches (its profile's ``devices``)."""
    return tuple(current_profile().devices)


def _summary(kind: str) -> dict:
    profile = current_profile()
    return {k: plain(v) for k, v in devices.summary(profile.code, kind, _now(), profile.timezone).items()}


def _unknown_kind(kind: str):
    return jsonify({"error": "unknown_kind", "problems": [
        {"parameter": "kind", "message": f"harus salah satu dari / must be one of {', '.join(_kinds())}: {kind!r}"}]}), 404


@blueprint.errorhandler(SQLAlchemyError)
def _database_error(error: SQLAlchemyError):
    return jsonify({"error": "database_unavailable", "detail": type(error).__name__}), 503


@blueprint.get("/api/devices/states")
def all_states():
    return jsonify({"city": current_profile().code, "generated_at": _now().isoformat(),
                    "data": {kind: _summary(kind) for kind in _kinds()}})


@blueprint.get("/api/devices/<kind>/states")
def states(kind: str):
    if kind not in _kinds():
        return _unknown_kind(kind)
    return jsonify({"city": current_profile().code, "kind": kind, "generated_at": _now().isoformat(),
                    "data": _summary(kind)})


@blueprint.get("/api/devices/<kind>/down")
def down(kind: str):
    if kind not in _kinds():
        return _unknown_kind(kind)
    raw = request.args.get("limit", "200")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIST:
        return jsonify({"error": "invalid_parameters", "problems": [
            {"parameter": "limit", "message": f"bilangan 1-{MAX_LIST} / a number 1-{MAX_LIST}: {raw!r}"}]}), 400
    now = _now()
    result = devices.down_list(current_profile().code, kind, now, limit=int(raw))
    frame = result["frame"]
    frame = frame.assign(down_seconds=[seconds_in_state(s, now) for s in frame["state_since"]])
    return jsonify({"city": current_profile().code, "kind": kind, "generated_at": now.isoformat(),
                    "total": result["total"], "limit": int(raw), "data": records(frame)})
