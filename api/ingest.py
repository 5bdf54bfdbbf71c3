"""The ingest API, ``/api/v1``: other systems push complaints, status changes, devices, device
samples and KPI values, each with its source's key (``Authorization: Bearer <key>``).

``POST /api/v1/sources/<source>/<kind>`` takes one record (a JSON object) or a batch (a JSON
list, or ``{"records": [...]}``) of a kind in ``data_sources.ingest.feeds.KINDS`` and answers
with one result per record (created, updated, unchanged, rejected, duplicate); good records are
stored, bad ones kept with their reason. ``GET /api/v1/openapi.json`` describes it all
(``api.openapi``, generated from the same pydantic models that validate the records).

No valid key: 401. A key of another source, or of a source that carries another feed: 403.
Not JSON: 415; unreadable JSON or the wrong shape: 400; a body or batch over its limit: 413.
"""
from __future__ import annotations

import json

from flask import Blueprint, jsonify, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import RequestEntityTooLarge

from api.auth import identity
from api.openapi import openapi_document
from data_sources.db import database
from data_sources.ingest.feeds import KINDS, WrongFeed, ingest
from data_sources.ingest.keys import owner_of
from data_sources.ingest.validation import MAX_BATCH
from data_sources.runtime import current_now, current_profile, current_settings

blueprint = Blueprint("ingest_api", __name__, url_prefix="/api/v1")


class Refused(Exception):
    def __init__(self, status: int, error: str, message: str):
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


@blueprint.errorhandler(Refused)
def _refused(exc: Refused):
    response = jsonify({"error": exc.error, "message": exc.message})
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="liveroom"'
    return response, exc.status


@blueprint.errorhandler(RequestEntityTooLarge)
def _too_large(_exc):
    limit = current_settings().ingest_max_body_bytes
    return jsonify({"error": "too_large", "message": f"the body is larger than {limit:,} bytes; send smaller batches"}), 413


@blueprint.errorhandler(SQLAlchemyError)
def _database_error(exc: SQLAlchemyError):
    return jsonify({"error": "database_unavailable", "message": type(exc).__name__}), 503


@blueprint.before_request
def _limit_body():
    request.max_content_length = current_settings().ingest_max_body_bytes


def _key_owner():
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise Refused(401, "unauthorized", "send the source's key as 'Authorization: Bearer <key>'")
    with database.engine.begin() as conn:
        owner = owner_of(conn, key.strip(), current_now())
    if owner is None or owner.source.city_code != current_profile().code:
        raise Refused(401, "unauthorized", "the key is not valid (unknown or revoked)")
    return owner


def _records() -> list:
    if not request.is_json:
        raise Refused(415, "unsupported_media_type", "send JSON with 'Content-Type: application/json'")
    try:
        body = json.loads(request.get_data(cache=False) or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refused(400, "invalid_json", f"the body is not JSON: {exc}"[:300]) from None
    if isinstance(body, dict) and isinstance(body.get("records"), list):
        body = body["records"]
    records = [body] if isinstance(body, dict) else body
    if not isinstance(records, list):
        raise Refused(400, "invalid_body", 'send a record (a JSON object), a list of them, or {"records": [...]}')
    if len(records) > MAX_BATCH:
        raise Refused(413, "too_many_records", f"{len(records):,} records; at most {MAX_BATCH:,} per request")
    return records


@blueprint.post("/sources/<source>/<kind>")
def push(source: str, kind: str):
    if kind not in KINDS:
        raise Refused(404, "not_found", f"no record kind {kind[:40]!r}; kinds: {', '.join(KINDS)}")
    owner = _key_owner()
    if owner.source.key != source:
        raise Refused(403, "forbidden", f"this key belongs to source {owner.source.key}, not {source[:64]}")
    if owner.source.feed != KINDS[kind].feed:
        raise Refused(403, "forbidden", f"source {source} carries {owner.source.feed}; {kind} need a "
                                        f"{KINDS[kind].feed} source")
    records = _records()
    try:
        report = ingest(database.engine, current_profile(), source, kind, records, via="api", now=current_now())
    except (LookupError, WrongFeed) as exc:
        raise Refused(403, "forbidden", str(exc)) from None
    return jsonify(report.public())


@blueprint.get("/openapi.json")
def openapi():
    """For a signed-in person or the holder of a source key (the document is not public)."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if identity() is None:
        with database.engine.begin() as conn:
            if scheme.lower() != "bearer" or owner_of(conn, key.strip(), current_now()) is None:
                raise Refused(401, "unauthorized", "sign in, or send a source's key as 'Authorization: Bearer <key>'")
    return jsonify(openapi_document())
