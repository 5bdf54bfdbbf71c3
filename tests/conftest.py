"""Shared fixtures: settings on temporary databases, a generated test city, PostgreSQL
databases made and dropped per test session, and headless Chromium for dash.testing."""
from __future__ import annotations

import os
import shutil
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cities import load_profile
from data_sources import runtime
from data_sources.db import database, make_engine
from data_sources.demo import SIZES, generate
from data_sources.migrate import upgrade
from settings import PROJECT_ROOT, load_settings

SHARED_GEO = Path(os.environ.get("LIVEROOM_TEST_SHARED_GEO", PROJECT_ROOT.parent / "shared" / "geo"))
FIXED_NOW = datetime(2026, 11, 23, 7, 30, tzinfo=timezone.utc)  # 14.30 WIB, a Monday
TEST_SEED = 7
CHROMIUM_FLAGS = (
    "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1920,1080",
    "--hide-scrollbars",
)
PG_ADMIN_URL = os.environ.get("LIVEROOM_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


# --- browser ----------------------------------------------------------------------------------


def pytest_setup_options():
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    for binary in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(binary).exists():
            options.binary_location = binary
            break
    return options


def _browser_missing() -> str | None:
    if shutil.which("chromedriver") is None:
        return "chromedriver is not on PATH (Debian: apt-get install chromium chromium-driver)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _browser_missing()
    if reason is None or IN_CI:
        return  # in CI a missing browser must fail, not skip
    for item in items:
        if "dash_duo" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.skip(reason=reason))


# --- databases --------------------------------------------------------------------------------


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'liveroom.db'}"


@pytest.fixture(scope="session")
def postgres_server():
    """The admin URL of the local PostgreSQL; skipped outside CI if it is not running."""
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any connection failure means no server here
        if IN_CI:
            raise
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}")
    yield engine
    engine.dispose()


@contextmanager
def fresh_postgres_database(server):
    """A new, empty PostgreSQL database, dropped on exit."""
    name = f"liveroom_test_{uuid.uuid4().hex[:10]}"
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        database.dispose()
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def postgres_url(postgres_server):
    with fresh_postgres_database(postgres_server) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request, tmp_path):
    """Runs a test once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'liveroom.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def city_any(request, tmp_path_factory):
    """The generated test city (approximate areas) on SQLite, then on PostgreSQL; one per module."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('city_any') / 'city.db'}"
        make_city(url, None)
        yield url
        return
    with fresh_postgres_database(request.getfixturevalue("postgres_server")) as url:
        make_city(url, None)
        yield url


# --- the test city ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def profile():
    return load_profile("kota_tangerang")


@pytest.fixture(scope="session")
def shared_geo() -> Path:
    if not SHARED_GEO.is_dir():
        pytest.fail(f"{SHARED_GEO} is missing: the tests read the reference boundary files there")
    return SHARED_GEO


def make_city(url: str, boundaries_dir: Path | None, seed: int = TEST_SEED) -> dict:
    upgrade(url)
    engine = make_engine(url)
    try:
        return generate(engine, load_profile("kota_tangerang"), size=SIZES["test"], seed=seed, now=FIXED_NOW,
                        boundaries_dir=boundaries_dir)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def city_db(tmp_path_factory, shared_geo) -> str:
    """A SQLite database holding the generated test city with real boundaries (read-only use)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('city') / 'city.db'}"
    make_city(url, shared_geo)
    return url


def test_settings(url: str, **overrides):
    """Settings for tests: no cache, no demo seeding, no simulator, no map tiles from the network."""
    values = dict(database_url=url, cache_type="NullCache", demo=False, simulate=False, map_style="offline",
                  secret_key="test", refresh_interval_seconds=3600)
    values.update(overrides)
    return load_settings(**values)


test_settings.__test__ = False  # a helper, not a test


@pytest.fixture
def query_context():
    """Binds the query layer (engine and cache) to ``url`` without building the Dash app."""
    servers = []

    def bind(url: str, **overrides):
        settings = test_settings(url, **overrides)
        server = Flask("query-tests")
        runtime.init_app(server, settings, load_profile(settings.city))
        servers.append(server)
        return server

    yield bind
    database.dispose()
