"""The process's shared objects: the settings, the city profile, the engine and the cache.

They are attached to the Flask server by ``init_app`` and read back through
``current_app``; nothing here holds per-request or per-user state.
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Flask, current_app
from flask_caching import Cache

from cities import CityProfile
from data_sources import clock
from data_sources.db import database
from settings import Settings

cache = Cache()

_SETTINGS = "LIVEROOM_SETTINGS"
_PROFILE = "LIVEROOM_PROFILE"


def init_app(server: Flask, settings: Settings, profile: CityProfile) -> None:
    server.config[_SETTINGS] = settings
    server.config[_PROFILE] = profile
    server.config["SECRET_KEY"] = settings.secret_key
    database.configure(settings.database_url)
    config = {"CACHE_TYPE": settings.cache_type, "CACHE_DEFAULT_TIMEOUT": settings.cache_timeout_seconds}
    if settings.cache_type == "RedisCache":
        config["CACHE_REDIS_URL"] = settings.cache_redis_url
        config["CACHE_KEY_PREFIX"] = f"liveroom:{profile.code}:"
    cache.init_app(server, config=config)


def current_settings() -> Settings:
    return current_app.config[_SETTINGS]


def current_profile() -> CityProfile:
    return current_app.config[_PROFILE]


def current_now() -> datetime:
    """The app's clock: real UTC time, unless the settings freeze it (``frozen_now``)."""
    frozen = current_settings().frozen_now
    if frozen is None:
        return datetime.now(timezone.utc)
    return frozen if frozen.tzinfo else frozen.replace(tzinfo=timezone.utc)


def current_now_bucket() -> datetime:
    """The app's clock floored to the cache timeout: the ``now`` that query functions take, so
    that the refreshes of many screens within one timeout share one cached result."""
    return clock.bucket(current_now(), max(1, current_settings().cache_timeout_seconds))
