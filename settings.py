"""One settings object for the whole app.

Values come from defaults, then environment variables prefixed ``LIVEROOM_`` (plain
``DATABASE_URL``, ``SECRET_KEY`` and ``PORT`` are accepted too, as platforms set them),
then explicit overrides passed by tests. Nothing is read at import time: call
``Settings()`` or ``load_settings()`` when the app or a command starts.
"""
from __future__ import annotations

from datetime import datetime

import secrets
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent
INSTANCE_DIR = PROJECT_ROOT / "instance"
CITIES_DIR = PROJECT_ROOT / "cities"


def _default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'liveroom.db'}"


def kept_secret_key(path: Path | None = None) -> str:
    """The secret key kept in ``instance/secret_key`` (made on first use, readable by its owner
    only); a random one for this process when the directory cannot be written."""
    path = path or INSTANCE_DIR / "secret_key"
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_hex(32))
        return path.read_text().strip() or secrets.token_hex(32)
    except OSError:
        return secrets.token_hex(32)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LIVEROOM_", extra="ignore", populate_by_name=True)

    database_url: str = Field(
        default_factory=_default_database_url,
        validation_alias=AliasChoices("LIVEROOM_DATABASE_URL", "DATABASE_URL", "database_url"),
        description="SQLAlchemy URL. Default: a SQLite file in instance/ (ignored by git).",
    )
    city: str = Field("kota_tangerang", description="City profile: a file name in cities/ without .json, or a Kemendagri code.")
    boundaries_dir: Path | None = Field(
        None, description="Directory with boundary files geopandas can read. Unset: approximate areas."
    )
    secret_key: str = Field(
        default_factory=lambda: kept_secret_key(),
        validation_alias=AliasChoices("LIVEROOM_SECRET_KEY", "SECRET_KEY", "secret_key"),
        description="Signs the session cookies. Unset: made once and kept in instance/secret_key, so a restart "
                    "does not sign everyone (and every wall screen) out.",
    )
    cache_type: Literal["SimpleCache", "RedisCache", "NullCache"] = "SimpleCache"
    cache_redis_url: str = "redis://127.0.0.1:6379/0"
    cache_timeout_seconds: int = 15
    map_style: str = Field(
        "auto",
        description="'auto' (carto tiles matching the theme), 'offline' (no tiles, no network) or any plotly map style.",
    )
    language: Literal["id", "en"] = "id"
    theme: Literal["light", "dark"] = "light"
    demo: bool = Field(True, description="Seed the demo city into an empty database on first start.")
    demo_seed: int = 20261123
    demo_size: Literal["test", "default"] = Field("default", description="Preset size of the seeded demo city.")
    simulate: bool = Field(True, description="Run the live simulator inside the development server.")
    simulate_interval_seconds: float = 5.0
    refresh_interval_seconds: int = 10
    freshness_check_seconds: int = Field(30, gt=0, description="How often every page re-reads its sources' freshness strip.")
    kiosk_seconds: int = Field(30, gt=0, description="Kiosk mode: default seconds per page when the URL gives none.")
    kiosk_reload_hours: float = Field(
        6.0, ge=0, description="Kiosk mode: reload the page at a quiet moment this often (browsers leak memory); 0 = never.")
    kiosk_watch_seconds: int = Field(10, gt=0, description="Kiosk mode: how often the wall checks for a new red flag.")
    raw_sample_retention_days: float = Field(7, gt=0, description="Raw device samples older than this are deleted once rolled up.")
    rollup_interval_seconds: int = Field(300, gt=0, description="How often the worker folds new samples into uptime roll-ups.")
    frozen_now: datetime | None = Field(
        None, description="Freeze the app's clock at this instant (ISO 8601; replaying a recorded day, screenshots, tests).",
    )
    browser_path: Path | None = Field(
        None, description="Chromium or Chrome for server-side chart images (kaleido). Unset: BROWSER_PATH, else "
                          "/usr/bin/chromium or /usr/bin/chromium-browser if present.",
    )
    ingest_max_body_bytes: int = Field(10 * 1024 * 1024, gt=0, description="Largest request body the ingest API reads.")
    max_body_bytes: int = Field(25 * 1024 * 1024, gt=0, description="Largest request body any route reads (uploads).")
    evidence_dir: Path = Field(INSTANCE_DIR / "evidence",
                               description="Where the evaluation's evidence files are kept (random names; back it up).")
    evidence_max_bytes: int = Field(
        20 * 1024 * 1024, gt=0, description="Largest evidence file (PDF, PNG, JPEG). The /evidence page sends a file "
                                            "base64-encoded, so there it is also held under max_body_bytes * 3/4.")
    prepare_attempts: int = Field(
        8, gt=0, description="python -m data_sources.prepare: tries to reach the database this often (1, 2, 4 ... 30 s "
                             "apart) before it gives up; the development server keeps trying.")
    https: bool = Field(False, description="Served over HTTPS: cookies are Secure and HSTS is sent.")
    proxy_hops: int = Field(
        0, ge=0, description="Reverse proxies in front of the app (nginx, a load balancer) whose X-Forwarded-For and "
                             "X-Forwarded-Proto are trusted: sign-in limits then count the person's address.")
    session_idle_minutes: float = Field(30, gt=0, description="A person's session ends after this long without a request.")
    wall_session_days: float = Field(365, gt=0, description="How long a wall screen's device login lasts.")
    rate_limits: bool = Field(True, description="Limit sign-in attempts (per account and per address).")
    login_rate_per_address: str = "20 per minute"
    login_rate_per_account: str = "5 per minute"
    frame_ancestors: list[str] = Field(["'self'"], description="Who may embed the pages (CSP frame-ancestors).")
    map_hosts: list[str] = Field(["https://*.basemaps.cartocdn.com", "https://basemaps.cartocdn.com",
                                  "https://*.openstreetmap.org"],
                                 description="Hosts the map style loads tiles, glyphs and sprites from (CSP).")
    oidc_issuer: str | None = Field(None, description="Single sign-on: the OpenID Connect issuer (e.g. a Keycloak realm).")
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_role_claim: str = Field("roles", description="The claim that names the person's roles.")
    oidc_roles: dict[str, str] = Field({}, description="Claim value -> Live Room role, e.g. {\"liveroom-admin\": \"admin\"}.")
    host: str = "127.0.0.1"
    port: int = Field(8050, validation_alias=AliasChoices("LIVEROOM_PORT", "PORT", "port"))

    @property
    def rate_limit_storage(self) -> str:
        """Where sign-in attempts are counted: Redis when the cache is (shared by the workers), else memory."""
        return self.cache_redis_url if self.cache_type == "RedisCache" else "memory://"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings(**overrides) -> Settings:
    """Build settings from the environment, with explicit overrides on top."""
    return Settings(**overrides)
