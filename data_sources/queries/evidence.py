"""The evaluation's evidence (documents and links per section of the evaluators' outline and
per indicator) and the city's application portfolio with its availability."""
from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import case, func, select

from data_sources.db import database
from data_sources.frames import to_frame
from data_sources.models import Agency, Application, Device, EvidenceItem
from data_sources.runtime import cache

# the evaluators' outline, in its order (information security since 2024, assessed by BSSN)
SECTIONS = ("policy", "technology", "governance", "services", "budget", "awards", "security")
KINDS = ("regulation", "plan", "report", "budget", "award", "assessment", "link")
APP_GROUPS = ("e_government", "e_health", "e_education", "e_logistics", "e_procurement")
ITEM_COLUMNS = ["id", "section", "indicator_code", "kind", "title_id", "title_en", "year", "url", "file_name",
                "stored_name", "mime_type", "size_bytes", "details", "demo", "added_by", "added_at"]


@cache.memoize(timeout=60)
def items(city_code: str, section: str | None = None, indicator_code: str | None = None) -> pd.DataFrame:
    """Evidence items, newest year first; ``details`` parsed from JSON into a dict; optional text
    (indicator, url, file and its name, type, who added it) None when missing. Columns: ITEM_COLUMNS."""
    stmt = select(*(getattr(EvidenceItem, c) for c in ITEM_COLUMNS)).where(EvidenceItem.city_code == city_code)
    if section is not None:
        stmt = stmt.where(EvidenceItem.section == section)
    if indicator_code is not None:
        stmt = stmt.where(EvidenceItem.indicator_code == indicator_code)
    stmt = stmt.order_by(EvidenceItem.year.desc().nulls_last(), EvidenceItem.id)
    with database.engine.connect() as conn:
        frame = to_frame(conn.execute(stmt), columns=ITEM_COLUMNS)
    frame["details"] = [json.loads(d) if isinstance(d, str) and d else {} for d in frame["details"]]
    return _none_for_missing(frame, ("indicator_code", "url", "file_name", "stored_name", "mime_type", "added_by"))


def _none_for_missing(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Optional text columns as objects with None where there is no value (pandas would give NaN,
    which is true in ``if row.stored_name``)."""
    for column in columns:
        frame[column] = pd.Series([v if isinstance(v, str) else None for v in frame[column]], index=frame.index,
                                  dtype=object)
    return frame


@cache.memoize(timeout=60)
def portfolio(city_code: str) -> pd.DataFrame:
    """Every application with its owner agency and its availability now (the state of its
    ``app`` device: online, degraded, offline, unknown; None when it is not watched); agency and
    url None when missing.
    Columns: code, name, app_group, agency, agency_en, url, sso_ready, users_last_month, state, demo."""
    stmt = (
        select(Application.code, Application.name, Application.app_group, Agency.name, Agency.name_en, Application.url,
               Application.sso_ready, Application.users_last_month, Device.state, Application.demo)
        .outerjoin(Agency, Agency.id == Application.agency_id)
        .outerjoin(Device, Device.id == Application.device_id)
        .where(Application.city_code == city_code)
        .order_by(Application.app_group, Application.name)
    )
    with database.engine.connect() as conn:
        frame = to_frame(conn.execute(stmt), columns=["code", "name", "app_group", "agency", "agency_en", "url",
                                                      "sso_ready", "users_last_month", "state", "demo"])
    return _none_for_missing(frame, ("agency", "agency_en", "url", "state"))


@cache.memoize(timeout=60)
def portfolio_summary(city_code: str) -> dict:
    """{"total", "up" (online or degraded), "watched", "sso_ready", "groups": {group: total}} in one query."""
    up = case((Device.state.in_(("online", "degraded")), 1), else_=0)
    stmt = (
        select(Application.app_group, func.count(), func.sum(up), func.count(Device.id),
               func.sum(case((Application.sso_ready, 1), else_=0)))
        .outerjoin(Device, Device.id == Application.device_id)
        .where(Application.city_code == city_code)
        .group_by(Application.app_group)
    )
    with database.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return {"total": sum(r[1] for r in rows), "up": int(sum(r[2] or 0 for r in rows)),
            "watched": sum(r[3] for r in rows), "sso_ready": int(sum(r[4] or 0 for r in rows)),
            "groups": {r[0]: r[1] for r in rows}}


def forget() -> None:
    """Drop the cached items and portfolio (after a change, so every page shows it at once)."""
    for function in (items, portfolio, portfolio_summary):
        cache.delete_memoized(function)
