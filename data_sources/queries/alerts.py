"""Complaint bursts found by the early warning (``rules.early_warning``), for the wall, the
/complaints page, the briefing and ``/api/complaints/alerts``."""
from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import and_, func, or_, select

from data_sources.clock import as_datetime
from data_sources.db import database
from data_sources.models import ComplaintAlert, ComplaintCategory, Region
from data_sources.runtime import cache

ALERT_COLUMNS = ["id", "category", "name_id", "name_en", "kecamatan", "kecamatan_names", "window_hours", "observed",
                 "expected", "score", "raised_at", "updated_at", "cleared_at", "active"]


def _regions(conn, city_code: str) -> dict[int, tuple[str, str]]:
    rows = conn.execute(select(Region.id, Region.code, Region.name).where(
        Region.city_code == city_code, Region.level == "kecamatan"))
    return {row.id: (row.code, row.name) for row in rows}


def _frame(conn, city_code: str, where, limit: int) -> pd.DataFrame:
    stmt = (select(ComplaintAlert.id, ComplaintCategory.code, ComplaintCategory.name_id, ComplaintCategory.name_en,
                   ComplaintAlert.region_ids, ComplaintAlert.window_hours, ComplaintAlert.observed,
                   ComplaintAlert.expected, ComplaintAlert.score, ComplaintAlert.raised_at, ComplaintAlert.updated_at,
                   ComplaintAlert.cleared_at)
            .join(ComplaintCategory, ComplaintCategory.id == ComplaintAlert.category_id)
            .where(ComplaintAlert.city_code == city_code, where)
            .order_by(ComplaintAlert.cleared_at.is_not(None), ComplaintAlert.raised_at.desc(), ComplaintAlert.id.desc())
            .limit(limit))
    regions = _regions(conn, city_code)
    records = []
    for row in conn.execute(stmt):
        ids = [int(part) for part in row.region_ids.split(",") if part]
        places = [regions[i] for i in ids if i in regions]
        records.append([row.id, row.code, row.name_id, row.name_en, [code for code, _ in places],
                        [name for _, name in places], row.window_hours, row.observed, row.expected, row.score,
                        as_datetime(row.raised_at), as_datetime(row.updated_at), as_datetime(row.cleared_at),
                        row.cleared_at is None])
    return pd.DataFrame(records, columns=ALERT_COLUMNS)


@cache.memoize()
def alerts(city_code: str, start: datetime, end: datetime, limit: int = 200) -> pd.DataFrame:
    """Alerts that lasted into [start, end): raised before its end and not cleared before its
    start (so an alert still running is always there). Running ones first, then newest first.
    Columns ``ALERT_COLUMNS`` (kecamatan: codes, empty for the whole city; times UTC)."""
    where = and_(ComplaintAlert.raised_at < end,
                 or_(ComplaintAlert.cleared_at.is_(None), ComplaintAlert.cleared_at >= start))
    with database.engine.connect() as conn:
        return _frame(conn, city_code, where, limit)


def current(city_code: str, limit: int = 20) -> pd.DataFrame:
    """The alerts running now, newest first (not cached: the wall must see a new one at once)."""
    with database.engine.connect() as conn:
        return _frame(conn, city_code, ComplaintAlert.cleared_at.is_(None), limit)


def alert_signature(city_code: str) -> dict:
    """What a wall screen watches to notice a new alert: how many run and the newest raise."""
    stmt = select(func.count(), func.max(ComplaintAlert.raised_at)).where(
        ComplaintAlert.city_code == city_code, ComplaintAlert.cleared_at.is_(None))
    with database.engine.connect() as conn:
        count, newest = conn.execute(stmt).one()
    newest = as_datetime(newest)
    return {"count": int(count), "newest": newest.isoformat() if newest else None}
