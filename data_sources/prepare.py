"""Make the database ready for the app, once, before it starts: migrate it to the newest
schema, write the city profile's reference data (regions, agencies, categories, sources,
KPIs and indicators) and, when the settings ask for the demo, seed the demo city into an
empty database. ``create_app`` never does any of this.

``python -m data_sources.prepare`` (the Procfile's release step; ``make serve``). The
development server (``python app.py``, ``make run``) calls ``prepare`` itself.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from itertools import count

from sqlalchemy.exc import InterfaceError, OperationalError

from cities import load_profile
from data_sources.db import make_engine
from data_sources.demo import ensure_demo
from data_sources.ingest.profile_sync import sync_profile
from data_sources.migrate import upgrade
from data_sources.rules import complaint_rollups
from data_sources.users import create_user, has_users, new_password
from settings import Settings, load_settings

log = logging.getLogger(__name__)

UNREACHABLE = (OperationalError, InterfaceError)  # the database refused, is not there, or did not answer
FIRST_WAIT_SECONDS, LONGEST_WAIT_SECONDS = 1.0, 30.0


class DatabaseUnreachable(RuntimeError):
    """The database did not answer in any of the attempts."""


def prepare(settings: Settings) -> dict | None:
    """Migrate, sync the profile, seed the demo city if asked and the database has none, and make
    the first ``admin`` account if there is none (its password is printed once, here).
    Returns the demo generator's counts when it seeded, else None."""
    upgrade(settings.database_url)
    profile = load_profile(settings.city)
    engine = make_engine(settings.database_url)
    try:
        if settings.demo:
            counts = ensure_demo(engine, profile, settings.demo_seed, settings.boundaries_dir, settings.demo_size)
        else:
            sync_profile(engine, profile, settings.boundaries_dir)
            counts = None
        with engine.begin() as conn:
            complaint_rollups.ensure_built(conn, profile.code, profile.timezone,
                                           settings.frozen_now or datetime.now(timezone.utc))
        password = ensure_admin(engine, settings)
        if password:
            print("A local account 'admin' was made for the first start; its password is shown only now:", flush=True)
            print(password, flush=True)
        return counts
    finally:
        engine.dispose()


def prepare_when_reachable(settings: Settings, attempts: int | None = None, sleep=time.sleep) -> dict | None:
    """``prepare``, waiting for a database that cannot be reached yet (still starting, a network
    that is not up): tried again after 1, 2, 4 ... seconds, at most 30 s apart. After
    ``attempts`` tries (None: until it answers) raises ``DatabaseUnreachable``."""
    wait = FIRST_WAIT_SECONDS
    for attempt in count(1):
        try:
            return prepare(settings)
        except UNREACHABLE as exc:
            reason = str(exc.orig if getattr(exc, "orig", None) else exc).strip().splitlines()[0][:200]
            if attempts is not None and attempt >= attempts:
                raise DatabaseUnreachable(f"the database did not answer after {attempt} attempts: {reason}") from None
            log.warning("the database cannot be reached (%s); trying again in %.0f s", reason, wait)
            sleep(wait)
            wait = min(wait * 2, LONGEST_WAIT_SECONDS)
    return None  # not reached: count() never ends


def ensure_admin(engine, settings: Settings) -> str | None:
    """The first account, ``admin``, when there is none: returns its generated password."""
    with engine.begin() as conn:
        if has_users(conn):
            return None
        password = new_password()
        create_user(conn, "admin", "admin", password, settings.frozen_now or datetime.now(timezone.utc))
        return password


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = load_settings()
    try:
        counts = prepare_when_reachable(settings, attempts=settings.prepare_attempts)
    except DatabaseUnreachable as exc:
        print(f"database not ready: {exc}", flush=True)
        return 1
    print("demo city seeded: " + ", ".join(f"{k} {v}" for k, v in counts.items()) if counts else "database ready")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
