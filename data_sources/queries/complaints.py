"""Complaint aggregates. Personal data columns are never selected here."""
from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import and_, func, select

from data_sources.db import database
from data_sources.models import OPEN_STATUSES, Complaint, ComplaintCategory, Region
from data_sources.runtime import cache

_OPEN = Complaint.status.in_(OPEN_STATUSES)


def _overdue(now: datetime):
    return and_(_OPEN, Complaint.first_response_at.is_(None), Complaint.response_due_at < now)


@cache.memoize()
def headline_counts(city_code: str, day_start: datetime, now: datetime) -> dict[str, int]:
    """Complaints received since ``day_start``, open now, and open past their response deadline."""
    stmt = select(
        func.count().filter(Complaint.received_at >= day_start, Complaint.received_at <= now).label("today"),
        func.count().filter(_OPEN).label("open"),
        func.count().filter(_overdue(now)).label("overdue"),
    ).where(Complaint.city_code == city_code)
    with database.engine.connect() as conn:
        row = conn.execute(stmt).one()
    return {"today": row.today, "open": row.open, "overdue": row.overdue}


@cache.memoize()
def open_by_kecamatan(city_code: str, now: datetime) -> pd.DataFrame:
    """Columns: code, name, open, overdue; one row per kecamatan (zeros included)."""
    counts = (
        select(
            Complaint.kecamatan_id.label("region_id"),
            func.count().label("open"),
            func.count().filter(Complaint.first_response_at.is_(None), Complaint.response_due_at < now).label("overdue"),
        )
        .where(Complaint.city_code == city_code, _OPEN)
        .group_by(Complaint.kecamatan_id)
        .subquery()
    )
    stmt = (
        select(Region.code, Region.name, func.coalesce(counts.c.open, 0).label("open"),
               func.coalesce(counts.c.overdue, 0).label("overdue"))
        .outerjoin(counts, counts.c.region_id == Region.id)
        .where(Region.city_code == city_code, Region.level == "kecamatan")
        .order_by(Region.code)
    )
    with database.engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).all(), columns=["code", "name", "open", "overdue"])


@cache.memoize()
def received_by_category(city_code: str, start: datetime, end: datetime) -> pd.DataFrame:
    """Columns: code, name_id, name_en, count; categories with complaints in [start, end)."""
    stmt = (
        select(ComplaintCategory.code, ComplaintCategory.name_id, ComplaintCategory.name_en, func.count().label("count"))
        .select_from(Complaint)
        .join(ComplaintCategory, ComplaintCategory.id == Complaint.category_id)
        .where(Complaint.city_code == city_code, Complaint.received_at >= start, Complaint.received_at < end)
        .group_by(ComplaintCategory.code, ComplaintCategory.name_id, ComplaintCategory.name_en)
        .order_by(func.count().desc(), ComplaintCategory.code)
    )
    with database.engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).all(), columns=["code", "name_id", "name_en", "count"])
