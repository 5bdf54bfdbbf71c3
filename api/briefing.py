"""The briefing's exports, made on the server for the period in the query string (the same
parameters as /briefing: ``period``, ``from``, ``to``; ``lang`` or the language cookie):

- ``/briefing/export.pdf``: the A4 briefing (``reports.document``);
- ``/briefing/chart/<name>.png``: one chart (``complaints``, ``late``, ``uptime``) as PNG,
  ``?scale=`` 1 to 3 for more pixels; 503 with the reason when it cannot be drawn.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, request
from sqlalchemy.exc import SQLAlchemyError

from api.auth import note
from api.preferences import request_language
from components.i18n import t
from data_sources.runtime import current_now, current_now_bucket, current_profile, current_settings
from reports import briefing, document, pdf
from reports.charts import CHARTS
from reports.png import RenderError, browser_path

blueprint = Blueprint("briefing_export", __name__)


def _scope() -> briefing.Scope:
    profile, now = current_profile(), current_now_bucket()
    period = briefing.parse(request.args.to_dict(flat=False), now, profile.timezone)
    return briefing.Scope(profile, period, request_language(), now)


def _scale() -> float:
    try:
        return min(3.0, max(1.0, float(request.args.get("scale", 1))))
    except ValueError:
        return 1.0


def _browser() -> str | None:
    return browser_path(current_settings().browser_path)


def _attachment(body: bytes, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"',
                                                      "Cache-Control": "no-store"})


@blueprint.get("/briefing/chart/<name>.png")
def chart(name: str):
    if name not in CHARTS:
        abort(404)
    scope = _scope()
    note("export", f"briefing chart {name} {scope.period.query_string()}")
    try:
        body = document.chart_png(name, scope, _browser(), _scale())
    except (SQLAlchemyError, RenderError) as exc:
        return Response(t("briefing.export.failed", scope.lang, reason=f"{type(exc).__name__}: {exc}"), status=503,
                        mimetype="text/plain")
    return _attachment(body, "image/png", document.filename(scope, f"_{name}.png"))


@blueprint.get("/briefing/export.pdf")
def export_pdf():
    scope = _scope()
    note("export", f"briefing PDF {scope.period.query_string()}")
    body = pdf.build_pdf(document.document(scope, current_now(), _browser()))
    return _attachment(body, "application/pdf", document.filename(scope, ".pdf"))
