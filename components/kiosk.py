"""Kiosk mode for wall screens: which pages to rotate through, for how long, where to jump on
a new red flag and when to reload.

``parse_kiosk`` reads the query string of a kiosk URL, e.g.
``/?kiosk=1&rotate=overview,complaints,cctv,wifi&seconds=60,30,30,30&reload=6``, and returns
the plain dict the browser keeps (``dcc.Store``) and the rotation script in
``assets/kiosk.js`` follows. Bad values never stop the wall: each is reported in
``problems`` (an i18n key and the offending value) and replaced by its default.
"""
from __future__ import annotations

import math
from typing import Mapping
from urllib.parse import urlencode

TRUE_VALUES = ("1", "true", "yes", "ya", "on")
DEFAULT_ROTATION = ("overview", "complaints", "cctv", "wifi")
JUMP_PAGE = "complaints"
MIN_SECONDS, MAX_SECONDS = 2, 24 * 3600
KIOSK_PARAMS = ("kiosk", "rotate", "seconds", "reload")


def is_kiosk(params: Mapping[str, str]) -> bool:
    return str(params.get("kiosk", "")).strip().lower() in TRUE_VALUES


def _seconds(raw: str | None, count: int, default: int, problems: list) -> list[int]:
    """One duration per page: a single value applies to all, a short list repeats its last value."""
    if raw is None or not raw.strip():
        return [default] * count
    values = []
    for part in raw.split(","):
        try:
            value = float(part)
            if not math.isfinite(value) or not MIN_SECONDS <= value <= MAX_SECONDS:
                raise ValueError(part)
            values.append(int(round(value)))
        except ValueError:
            problems.append(("kiosk.problem.seconds", part.strip()))
            values.append(default)
    return (values + [values[-1]] * count)[:count]


def _reload_hours(raw: str | None, default: float, problems: list) -> float:
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
        if not math.isfinite(value) or value < 0:
            raise ValueError(raw)
        return value
    except ValueError:
        problems.append(("kiosk.problem.reload", raw.strip()))
        return default


def parse_kiosk(params: Mapping[str, str], paths: Mapping[str, str], *, default_seconds: int = 30,
                reload_hours: float = 6.0) -> dict | None:
    """The kiosk configuration for a query string's parameters, or None when ``kiosk`` is not set.

    ``paths`` maps page slugs to their paths (``{"overview": "/", "complaints": "/complaints"}``).
    Durations are in milliseconds in the result (what the browser's timers use); ``reload_ms``
    0 means never reload."""
    if not is_kiosk(params):
        return None
    problems: list[tuple[str, str]] = []
    requested = [s.strip().lower() for s in str(params.get("rotate") or ",".join(DEFAULT_ROTATION)).split(",") if s.strip()]
    problems += [("kiosk.problem.page", s) for s in requested if s not in paths]
    seconds = _seconds(params.get("seconds"), len(requested), default_seconds, problems)
    stops = [{"slug": s, "path": paths[s], "ms": seconds[i] * 1000} for i, s in enumerate(requested) if s in paths]
    if not stops:
        stops = [{"slug": "overview", "path": paths.get("overview", "/"), "ms": default_seconds * 1000}]
    hours = _reload_hours(params.get("reload"), reload_hours, problems)
    own = {k: str(params[k]) for k in KIOSK_PARAMS if k in params}
    query = "?" + urlencode(own, safe=",")
    jump_ms = next((s["ms"] for s in stops if s["slug"] == JUMP_PAGE), default_seconds * 1000)
    return {
        "stops": stops,
        "query": query,
        "jump": {"path": paths[JUMP_PAGE], "ms": jump_ms} if JUMP_PAGE in paths else None,
        "reload_ms": int(hours * 3600 * 1000),
        "start_url": stops[0]["path"] + query,
        "problems": [list(p) for p in problems],
    }
