"""Shared fixtures: databases (a temporary SQLite file, PostgreSQL databases made and dropped
per test), the generated test city, a query layer bound to a database, and headless
Chromium for dash.testing with one way to serve the app to it (``live_app``). Helpers the
tests call themselves are in ``tests/helpers.py`` and ``tests/browser.py``."""
from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cities import load_profile
from data_sources import runtime
from data_sources.db import database
from tests.browser import CHROMIUM_FLAGS, set_viewport, sign_in_browser
from tests.helpers import IN_CI, PG_ADMIN_URL, SHARED_GEO, fresh_postgres_database, make_city, test_settings


# --- browser ----------------------------------------------------------------------------------


def pytest_configure(config):
    """Under pytest-xdist each worker serves its apps from ports of its own (dash.testing counts
    up from one fixed port in every process)."""
    from dash.testing.application_runners import BaseDashRunner

    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    BaseDashRunner._next_port = 58050 + 500 * int(worker.removeprefix("gw") or 0)
    # dash.testing stops its server thread by raising into it; a thread stopped while writing a
    # request's log line keeps the logging lock, and the next log call waits for ever. The test
    # servers therefore log warnings only.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


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


def _uses_browser(item) -> bool:
    return bool({"dash_duo", "dash_br", "live_app"} & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config, items):
    # Under pytest-xdist (`--dist loadgroup`): the browser tests run one after another on one
    # process, so two Chromiums never compete for the cores while a test counts seconds; every
    # other file stays whole on one process (module fixtures, the Redis cache test's database).
    for item in items:
        group = "browser" if _uses_browser(item) else item.nodeid.split("::")[0]
        item.add_marker(pytest.mark.xdist_group(group))
    reason = _browser_missing()
    if reason is None or IN_CI:
        return  # in CI a missing browser must fail, not skip
    for item in items:
        if _uses_browser(item):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def live_app(dash_duo, city_db, shared_geo):
    """Serve the app to headless Chromium: ``live_app(url=None, width=1920, height=1080, role="admin",
    **settings)`` starts it on ``url`` (default: the test city, with its real boundaries) in
    dash.testing's server with the window's page at the given size, signs the browser in as
    ``role`` (None: not signed in) and returns ``dash_duo``."""

    def start(url: str | None = None, *, width: int = 1920, height: int = 1080, role: str | None = "admin",
              **overrides):
        from app import create_app

        overrides.setdefault("boundaries_dir", shared_geo)
        dash_duo.liveroom_app = create_app(test_settings(url or city_db, **overrides))  # a test may move its clock
        # a busy machine may take more than dash.testing's 3 s to answer the first request
        dash_duo.start_server(dash_duo.liveroom_app, navigate=False, start_timeout=30)
        set_viewport(dash_duo.driver, width, height)
        if role:  # signed in, the app's page loads (dash.testing waits for it when the address is set)
            sign_in_browser(dash_duo, dash_duo.server.url, url or city_db, role)
            dash_duo.server_url = dash_duo.server.url
        else:  # signed out, the address leads to the sign-in form, which is not a Dash page to wait for
            dash_duo._url = dash_duo.server.url
        return dash_duo

    return start


# --- databases --------------------------------------------------------------------------------


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'liveroom.db'}"


@pytest.fixture(scope="session")
def postgres_server():
    """The admin engine of the local PostgreSQL; skipped outside CI if it is not running."""
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


@pytest.fixture(scope="session")
def city_db(tmp_path_factory, shared_geo) -> str:
    """A SQLite database holding the generated test city with real boundaries (read-only use)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('city') / 'city.db'}"
    make_city(url, shared_geo)
    return url


@pytest.fixture(scope="session")
def city_template_pg(postgres_server):
    """The generated test city (approximate areas) in a PostgreSQL database that tests copy."""
    with fresh_postgres_database(postgres_server) as url:
        make_city(url, None)
        yield url


@pytest.fixture(scope="session")
def city_template_sqlite(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('city_template') / 'city.db'}"
    make_city(url, None)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def writable_city_any(request, tmp_path):
    """A private copy of the generated test city (approximate areas) that a test may change, once
    on SQLite and once on PostgreSQL (a database made from a template: a second, not a regeneration)."""
    if request.param == "sqlite":
        path = tmp_path / "city.db"
        shutil.copy(request.getfixturevalue("city_template_sqlite").removeprefix("sqlite:///"), path)
        yield f"sqlite:///{path}"
        return
    template = make_url(request.getfixturevalue("city_template_pg")).database
    server = request.getfixturevalue("postgres_server")
    with fresh_postgres_database(server, template=template) as url:
        yield url


@pytest.fixture
def writable_city(city_db, tmp_path):
    """A private copy of the test city that a test may change."""
    path = tmp_path / "city.db"
    shutil.copy(city_db.removeprefix("sqlite:///"), path)
    return f"sqlite:///{path}"


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
