"""Helpers the tests share (fixtures live in ``conftest.py``): the fixed clock and seed of the
test city, settings for tests, building the test city, and PostgreSQL databases made and
dropped around a test."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cities import load_profile
from data_sources.db import database, make_engine
from data_sources.demo import SIZES, generate
from data_sources.migrate import upgrade
from settings import PROJECT_ROOT, load_settings

SHARED_GEO = Path(os.environ.get("LIVEROOM_TEST_SHARED_GEO", PROJECT_ROOT.parent / "shared" / "geo"))
FIXED_NOW = datetime(2026, 11, 23, 7, 30, tzinfo=timezone.utc)  # 14.30 WIB, a Monday
TEST_SEED = 7
PG_ADMIN_URL = os.environ.get("LIVEROOM_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def test_settings(url: str, **overrides):
    """Settings for tests: no cache, no demo seeding, no simulator, no map tiles from the network."""
    values = dict(database_url=url, cache_type="NullCache", demo=False, simulate=False, map_style="offline",
                  secret_key="test", refresh_interval_seconds=3600)
    values.update(overrides)
    return load_settings(**values)


test_settings.__test__ = False  # a helper, not a test


def make_city(url: str, boundaries_dir: Path | None, seed: int = TEST_SEED) -> dict:
    """Migrate ``url`` and generate the test city into it at ``FIXED_NOW``."""
    upgrade(url)
    engine = make_engine(url)
    try:
        return generate(engine, load_profile("kota_tangerang"), size=SIZES["test"], seed=seed, now=FIXED_NOW,
                        boundaries_dir=boundaries_dir)
    finally:
        engine.dispose()


@contextmanager
def fresh_postgres_database(server, template: str | None = None):
    """A new PostgreSQL database on ``server`` (an admin engine), empty or a copy of ``template``;
    dropped on exit."""
    name = f"liveroom_test_{uuid.uuid4().hex[:10]}"
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        database.dispose()
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def execute(url: str, sql: str, **params) -> None:
    """Run one writing statement on ``url`` in its own transaction (tests that change the data under a page)."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql), params)
    finally:
        engine.dispose()


def number(text_value: str) -> int:
    """A whole number as a page prints it (1.234 or 1,234)."""
    return int(text_value.replace(".", "").replace(",", ""))
