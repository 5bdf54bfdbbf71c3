"""GET /api/health: version, database (no credentials), each source's last update. 503 if
the database cannot be reached."""
from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from data_sources import clock
from data_sources.db import database, describe_url
from data_sources.queries.sources import source_status
from data_sources.runtime import current_profile, current_settings
from version import __version__

blueprint = Blueprint("health", __name__)


@blueprint.get("/api/health")
def health():
    settings = current_settings()
    profile = current_profile()
    body = {"status": "ok", "version": __version__, "city": {"code": profile.code, "name": profile.name},
            "database": describe_url(settings.database_url) | {"reachable": True}}
    try:
        with database.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        sources = source_status.uncached(profile.code)
    except SQLAlchemyError as exc:
        body["status"] = "error"
        body["database"]["reachable"] = False
        body["error"] = type(exc).__name__
        return jsonify(body), 503
    now = clock.utcnow()
    body["sources"] = []
    for row in sources.itertuples():
        last = clock.as_datetime(row.last_success_at)
        age = None if last is None else round((now - last).total_seconds())
        body["sources"].append({
            "key": row.key,
            "name": row.name,
            "kind": row.kind,
            "last_success_at": None if last is None else last.isoformat(),
            "age_seconds": age,
            "freshness_budget_seconds": int(row.freshness_budget_seconds),
            "stale": age is None or age > row.freshness_budget_seconds,
        })
    body["stale_sources"] = [s["key"] for s in body["sources"] if s["stale"]]
    return jsonify(body)
