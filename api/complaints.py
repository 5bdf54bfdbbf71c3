"""Read-only JSON for the complaint figures: the same queries as /complaints, for other city
systems and the national data portal. No personal data: counts, and the red-flag list with
texts masked. Query parameters are the page's (``period``, ``from``, ``to``, ``kecamatan``,
``category``, ``agency``, ``status``); unknown values answer 400 with the reasons.

Also the city's Open311 GeoReport v2 service list and service requests (read-only).
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from api._json import plain, records
from api.auth import note, role
from components.i18n import t
from data_sources.ingest import open311
from data_sources.queries import alerts as alert_queries
from data_sources.queries import complaints
from data_sources.queries.filters import ComplaintFilter, FilterError, parse_filter
from data_sources.rules.access import may
from data_sources.rules.periods import Problem, local_day_start
from data_sources.runtime import current_now_bucket as _now
from data_sources.runtime import current_profile

blueprint = Blueprint("complaints_api", __name__)
MAX_LIST = 1000


def _filter() -> ComplaintFilter:
    return parse_filter(request.args.to_dict(flat=False), current_profile(), _now(), strict=True)


def _limit(default: int) -> int:
    try:
        return max(1, min(MAX_LIST, int(request.args.get("limit", default))))
    except ValueError:
        raise FilterError([Problem("limit", "api.problem.not_a_number", f"limit={request.args.get('limit')}"[:60])]) from None


def _envelope(flt: ComplaintFilter, data, **extra):
    return jsonify({"city": current_profile().code, "filter": flt.query_params(),
                    "period": {"start": flt.start.isoformat(), "end": flt.end.isoformat()},
                    "generated_at": _now().isoformat(), **extra, "data": data})


@blueprint.errorhandler(FilterError)
def _bad_filter(error: FilterError):
    return jsonify({"error": "invalid_parameters", "problems": [
        {"parameter": p.parameter, "code": p.key, "value": p.value,
         "message": f"{t(p.key, 'id', value=p.value)} / {t(p.key, 'en', value=p.value)}"} for p in error.problems]}), 400


@blueprint.errorhandler(SQLAlchemyError)
def _database_error(error: SQLAlchemyError):
    return jsonify({"error": "database_unavailable", "detail": type(error).__name__}), 503


@blueprint.get("/api/complaints/summary")
def summary():
    flt, now = _filter(), _now()
    figures = complaints.summary(flt, now, local_day_start(now, current_profile().timezone))
    return _envelope(flt, {k: plain(v) for k, v in figures.items()})


BREAKDOWNS = {"by-kecamatan": complaints.by_kecamatan, "by-category": complaints.by_category,
              "by-agency": complaints.by_agency}


@blueprint.get("/api/complaints/<any('by-kecamatan', 'by-category', 'by-agency'):name>")
def breakdown(name: str):
    flt = _filter()
    return _envelope(flt, records(BREAKDOWNS[name](flt, _now())))


@blueprint.get("/api/complaints/red-flags")
def red_flags():
    flt, limit = _filter(), _limit(200)
    reveal = may(role(), "personal_data")
    result = complaints.red_flags(flt, _now(), limit=limit, reveal=reveal)
    if reveal:
        note("unmasked_view", f"/api/complaints/red-flags ({len(result['frame'])} texts)")
    return _envelope(flt, records(result["frame"]), total=result["total"], limit=limit)


@blueprint.get("/api/complaints/alerts")
def alerts():
    """Bursts of complaints (the early warning) that lasted into the period, running ones first.
    Only the period and ``limit`` apply (an alert is a category in a place, not a complaint)."""
    flt, limit = _filter(), _limit(200)
    frame = alert_queries.alerts(flt.city_code, flt.start, flt.end, limit)
    return _envelope(flt, records(frame), total=len(frame), running=int(frame["active"].sum()) if len(frame) else 0,
                     limit=limit)


@blueprint.get("/api/open311/v2/services.json")
def open311_services():
    language = request.args.get("locale", "id")[:2]
    return jsonify(open311.service_list(current_profile(), "en" if language == "en" else "id"))


@blueprint.get("/api/open311/v2/requests.json")
def open311_requests():
    flt, limit = _filter(), _limit(200)
    language = "en" if request.args.get("locale", "id")[:2] == "en" else "id"
    profile = current_profile()
    rows = complaints.service_requests(flt, limit)
    return jsonify([open311.to_service_request(row, profile=profile, language=language) for row in rows])
