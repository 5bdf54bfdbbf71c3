"""The evaluation's evidence files: ``/evidence/file/<id>`` answers the stored file of an item
(PDF, PNG or JPEG) with its type, shown in the browser (``Content-Disposition: inline``) under the
name it was uploaded with. The path on disk comes only from the database (a random name under
``settings.evidence_dir``), never from the request. 404 for an unknown item, an item of another
city, an item that is a link, or a file missing on disk. Who may open these is the gate's
``evidence`` permission (people: admins, operators, leadership, evaluators).
"""
from __future__ import annotations

import logging

from flask import Blueprint, abort, send_file
from sqlalchemy.exc import SQLAlchemyError

from data_sources import evidence
from data_sources.db import database
from data_sources.runtime import current_profile, current_settings

blueprint = Blueprint("evidence_files", __name__)
log = logging.getLogger(__name__)


@blueprint.get("/evidence/file/<int:item_id>")
def evidence_file(item_id: int):
    if item_id > 2**31 - 1:
        abort(404)
    try:
        with database.engine.connect() as conn:
            found = evidence.file_of(conn, current_profile().code, item_id)
    except SQLAlchemyError:
        return {"error": "database_unavailable"}, 503
    if found is None:
        abort(404)
    path = evidence.stored_path(current_settings().evidence_dir, found["stored_name"])
    if not path.is_file():
        log.warning("evidence %s: its file %s is missing", item_id, found["stored_name"])
        abort(404)
    answer = send_file(path, mimetype=found["mime_type"], as_attachment=False, download_name=found["file_name"],
                       conditional=True, max_age=0)
    answer.headers["Cache-Control"] = "private, no-cache"
    return answer


@blueprint.get("/evidence/file/<path:anything>")
def not_an_item(anything: str):
    """Anything else under /evidence/file/ is not a file (rather than the pages' HTML shell)."""
    abort(404)
