"""The agencies' KPI reporting templates: ``/services/template/<AGENCY>.xlsx`` answers the
agency's Excel template (``data_sources.ingest.kpi_template``) with its open periods and the
values stored for them; 404 for an agency without KPIs, 503 when the database cannot be read.
Only the roles with the ``kpi_template`` permission get here (``api.auth.ENDPOINT_PERMISSIONS``)."""
from __future__ import annotations

from flask import Blueprint, Response
from sqlalchemy.exc import SQLAlchemyError

from api.auth import note
from api.preferences import request_language
from components.i18n import t
from components.tiles import error_message
from data_sources.ingest.kpi_template import agencies_with_kpis, build_workbook
from data_sources.queries import kpis
from data_sources.rules import reporting
from data_sources.rules.periods import local_today
from data_sources.runtime import current_now, current_profile

blueprint = Blueprint("kpi_template", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blueprint.get("/services/template/<agency>.xlsx")
def template(agency: str):
    profile, now, lang = current_profile(), current_now(), request_language()
    if agency not in agencies_with_kpis(profile):
        return Response(t("services.template.not_found", lang, agency=agency[:40]), status=404, mimetype="text/plain")
    today = local_today(now, profile.timezone)
    first = min(reporting.open_periods(today, kind)[0] for kind in reporting.MONTHS_IN)
    try:
        frame = kpis.agency_values(profile.code, agency, first)
    except SQLAlchemyError as exc:
        return Response(error_message(type(exc).__name__, lang), status=503, mimetype="text/plain")
    stored = {(code, start): value for code, start, value in frame.itertuples(index=False)}
    body = build_workbook(profile, agency, today, stored, now)
    note("export", f"kpi template {agency}")
    filename = f"templat_kpi_{profile.slug}_{agency}_{today.isoformat()}.xlsx"
    return Response(body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"',
                                                  "Cache-Control": "no-store"})
