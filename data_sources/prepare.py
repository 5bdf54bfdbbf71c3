"""Make the database ready for the app, once, before it starts: migrate it to the newest
schema, write the city profile's reference data (regions, agencies, categories, sources,
KPIs and indicators) and, when the settings ask for the demo, seed the demo city into an
empty database. ``create_app`` never does any of this.

``python -m data_sources.prepare`` (the Procfile's release step; ``make serve``). The
development server (``python app.py``, ``make run``) calls ``prepare`` itself.
"""
from __future__ import annotations

import logging

from cities import load_profile
from data_sources.db import make_engine
from data_sources.demo import ensure_demo
from data_sources.ingest.profile_sync import sync_profile
from data_sources.migrate import upgrade
from settings import Settings, load_settings

log = logging.getLogger(__name__)


def prepare(settings: Settings) -> dict | None:
    """Migrate, sync the profile, seed the demo city if asked and the database has none.
    Returns the demo generator's counts when it seeded, else None."""
    upgrade(settings.database_url)
    profile = load_profile(settings.city)
    engine = make_engine(settings.database_url)
    try:
        if settings.demo:
            return ensure_demo(engine, profile, settings.demo_seed, settings.boundaries_dir, settings.demo_size)
        sync_profile(engine, profile, settings.boundaries_dir)
        return None
    finally:
        engine.dispose()


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    counts = prepare(load_settings())
    print("demo city seeded: " + ", ".join(f"{k} {v}" for k, v in counts.items()) if counts else "database ready")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
