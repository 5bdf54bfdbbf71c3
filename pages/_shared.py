"""What every page needs from the request and the app: language, theme, settings, profile,
now (and the rounded now that queries take as their cache key), and the age of a source's
data for its tiles."""
from __future__ import annotations

from datetime import datetime

import hashlib
import json
import pickle

from api.auth import identity, note, role
from api.preferences import basemap_reachable, language, theme
from data_sources import clock
from data_sources.rules import access
from data_sources.runtime import current_now as now
from data_sources.runtime import current_now_bucket as now_bucket
from data_sources.runtime import cache, current_profile, current_settings


def may(permission: str) -> bool:
    """Whether the signed-in person (or screen) may do ``permission`` (``rules.access.PERMISSIONS``)."""
    return access.may(role(), permission)


SNAPSHOT_SECONDS = 300  # how long a browser's copy stays known: several refreshes, and a rotation back to it


def remember(kind: str, value) -> str:
    """Keep ``value`` (JSON-able) in the cache under a signature of its content, which is returned:
    what a page's browser copy was made from, so that its next refresh can send only what changed.
    Equal values share one entry (every wall screen showing the same city holds the same token)."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)  # once: the signature and what the cache keeps
    token = hashlib.blake2b(data, digest_size=12).hexdigest()
    cache.set(f"snapshot:{kind}:{token}", data, timeout=SNAPSHOT_SECONDS)
    return token


def recall(kind: str, token: str | None):
    """The value ``remember`` kept under ``token``; None when unknown, expired, or the cache keeps
    nothing (NullCache), in which case the caller sends everything."""
    if not token or len(token) > 64:
        return None
    data = cache.get(f"snapshot:{kind}:{token}")
    return pickle.loads(data) if isinstance(data, bytes) else None


def built(kind: str, build, *key):
    """What ``build()`` makes for ``key`` (JSON-able: the filter and the view's inputs), kept in the
    cache beside the query results it is made from, for as long as they are: every screen asking
    for the same view in the same language, theme and role within the clock's bucket gets the
    same figure or rows without building it again. A failing ``build`` raises, and nothing is kept."""
    spec = json.dumps([kind, language(), theme(), role(), now_bucket().isoformat(), *key], sort_keys=True, default=str)
    name = f"built:{kind}:{hashlib.blake2b(spec.encode(), digest_size=16).hexdigest()}"
    data = cache.get(name)
    if isinstance(data, bytes):
        return pickle.loads(data)
    value = build()
    cache.set(name, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return value


def map_style():
    """The plotly map style for this request: the settings' choice, in this theme, falling back to
    no tiles when this browser cannot reach the tile host (``components.theme.map_style``)."""
    from components.theme import map_style as style_for

    return style_for(current_settings().map_style, theme(), basemap_reachable())


def region_labels() -> list[tuple[float, float, str]]:
    """(lat, lon, name) of the city's kecamatan, written over its maps."""
    return [(k.centroid[0], k.centroid[1], k.name) for k in current_profile().kecamatan]


def device_kinds() -> tuple[str, ...]:
    """The kinds of device the city watches (its profile's ``devices``), in the profile's order."""
    return tuple(current_profile().devices)


def source_age(status, key: str) -> tuple[datetime | None, int | None]:
    """(last success, freshness budget in seconds) of source ``key`` in a
    ``queries.sources.source_status`` frame; (None, None) for a source the city does not have."""
    row = status[status["key"] == key]
    if row.empty:
        return None, None
    return clock.as_datetime(row["last_success_at"].iloc[0]), int(row["freshness_budget_seconds"].iloc[0])


def stalest_source(status, keys: list[str]) -> str | None:
    """The key of the least recently updated source among ``keys`` (what a tile fed by all of
    them shows as its data's age); None if the city has none of them."""
    rows = status[status["key"].isin(keys)]
    if rows.empty:
        return None
    return rows.sort_values("last_success_at", na_position="first")["key"].iloc[0]


def freshness(status, key: str | None) -> dict:
    """The keyword arguments a KPI tile needs to show how old source ``key``'s data is
    (none for no source: the tile then shows no age)."""
    if key is None:
        return {}
    updated, budget = source_age(status, key)
    profile = current_profile()
    return dict(updated_at=updated, budget_seconds=budget, now=now(), lang=language(), tz=profile.timezone,
                tz_label=profile.timezone_label)


__all__ = ["identity", "map_style", "may", "region_labels", "note", "role", "device_kinds", "source_age", "stalest_source", "freshness", "language", "theme", "now", "now_bucket",
           "current_profile", "current_settings"]
