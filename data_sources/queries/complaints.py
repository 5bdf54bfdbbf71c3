"""Complaint aggregates for the overview, the /complaints page and the complaints API.

Personal data (the reporter's name, phone, e-mail, NIK) never leaves this module: the
only personal column read is the reporter's name, to mask it inside complaint texts."""
from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Select, and_, func, literal_column, or_, select

from data_sources.clock import as_datetime
from data_sources.db import database
from data_sources.flags import amber_condition, red_condition
from data_sources.flags import red_condition as _overdue
from data_sources.models import OPEN_STATUSES, Agency, Complaint, ComplaintCategory, Region
from data_sources.privacy import mask_complaint_text
from data_sources.queries.filters import ComplaintFilter
from data_sources.runtime import cache
from data_sources.sqlfuncs import grid_cell, local_date, local_hour, seconds_between

_OPEN = Complaint.status.in_(OPEN_STATUSES)


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
            func.count().filter(_overdue(now)).label("overdue"),
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


# --- the /complaints page and its JSON API -------------------------------------------------------
#
# Period figures describe the complaints *received* in the filter's period; "open" and
# "red-flagged" describe the state *now* of every complaint in the filter's scope, whenever
# it was received (an old complaint still waiting is exactly what the live room must see).

def _response_seconds():
    return seconds_between(Complaint.first_response_at, func.coalesce(Complaint.reopened_at, Complaint.received_at))


def _answered_on_time():
    return and_(Complaint.first_response_at.is_not(None), Complaint.first_response_at <= Complaint.response_due_at)


def _deadline_reached(now: datetime):
    """Complaints whose response is judged: answered, or unanswered past the deadline."""
    return or_(Complaint.first_response_at.is_not(None), Complaint.response_due_at < now)


def _medians(value, group, where) -> Select:
    """Median of ``value`` per ``group`` (or overall when ``group`` is None), with window
    functions so it runs on SQLite and PostgreSQL alike. Columns: grp, median."""
    grp = group if group is not None else literal_column("0")
    ranked = (
        select(grp.label("grp"), value.label("v"),
               func.row_number().over(partition_by=group, order_by=value).label("rn"),
               func.count().over(partition_by=group).label("n"))
        .where(where, value.is_not(None))
        .subquery()
    )
    middle = or_(ranked.c.rn == (ranked.c.n + 1) // 2, ranked.c.rn == (ranked.c.n + 2) // 2)
    return select(ranked.c.grp, func.avg(ranked.c.v).label("median")).where(middle).group_by(ranked.c.grp)


@cache.memoize()
def summary(flt: ComplaintFilter, now: datetime, day_start: datetime) -> dict[str, float | int | None]:
    """The page's tiles: received_today, received, open, red, amber, answered, answered_on_time,
    judged (answered or past the deadline), share_on_time, resolved, share_resolved,
    median_response_seconds. Period figures cover [flt.start, min(flt.end, now))."""
    scope, period = flt.scope(), flt.received_in_period()
    stmt = select(
        func.count().filter(period).label("received"),
        func.count().filter(scope, Complaint.received_at >= day_start, Complaint.received_at <= now)
        .label("received_today"),
        func.count().filter(_OPEN).label("open"),
        func.count().filter(red_condition(now)).label("red"),
        func.count().filter(amber_condition(now)).label("amber"),
        func.count().filter(period, Complaint.first_response_at.is_not(None)).label("answered"),
        func.count().filter(period, _answered_on_time()).label("answered_on_time"),
        func.count().filter(period, _deadline_reached(now)).label("judged"),
        func.count().filter(period, Complaint.status == "resolved").label("resolved"),
    ).where(scope)
    median = _medians(_response_seconds(), None, period)
    with database.engine.connect() as conn:
        row = conn.execute(stmt).one()._asdict()
        median_row = conn.execute(median).first()
    row["median_response_seconds"] = float(median_row.median) if median_row else None
    row["share_on_time"] = row["answered_on_time"] / row["judged"] if row["judged"] else None
    row["share_resolved"] = row["resolved"] / row["received"] if row["received"] else None
    return row


@cache.memoize()
def by_kecamatan(flt: ComplaintFilter, now: datetime) -> pd.DataFrame:
    """Columns: code, name, population, received, per_10k, open, red; every kecamatan (zeros
    included), whatever the kecamatan filter, so the map always shows the whole city."""
    wide = flt.without_kecamatan()
    counts = (
        select(Complaint.kecamatan_id.label("region_id"),
               func.count().filter(Complaint.received_at >= wide.start, Complaint.received_at < wide.end)
               .label("received"),
               func.count().filter(_OPEN).label("open"),
               func.count().filter(red_condition(now)).label("red"))
        .where(wide.scope(), or_(_OPEN, and_(Complaint.received_at >= wide.start, Complaint.received_at < wide.end)))
        .group_by(Complaint.kecamatan_id)
        .subquery()
    )
    stmt = (
        select(Region.code, Region.name, Region.population,
               func.coalesce(counts.c.received, 0), func.coalesce(counts.c.open, 0), func.coalesce(counts.c.red, 0))
        .outerjoin(counts, counts.c.region_id == Region.id)
        .where(Region.city_code == flt.city_code, Region.level == "kecamatan")
        .order_by(Region.code)
    )
    with database.engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).all(),
                             columns=["code", "name", "population", "received", "open", "red"])
    population = pd.to_numeric(frame["population"], errors="coerce")
    frame["per_10k"] = (frame["received"] / population * 10_000).where(population > 0).round(2)
    return frame[["code", "name", "population", "received", "per_10k", "open", "red"]]


@cache.memoize()
def by_category(flt: ComplaintFilter, now: datetime) -> pd.DataFrame:
    """Columns: code, name_id, name_en, received (in the period), open, red (now); categories with any."""
    stmt = (
        select(ComplaintCategory.code, ComplaintCategory.name_id, ComplaintCategory.name_en,
               func.count().filter(Complaint.received_at >= flt.start, Complaint.received_at < flt.end),
               func.count().filter(_OPEN), func.count().filter(red_condition(now)))
        .select_from(Complaint).join(ComplaintCategory, ComplaintCategory.id == Complaint.category_id)
        .where(flt.scope(), or_(_OPEN, and_(Complaint.received_at >= flt.start, Complaint.received_at < flt.end)))
        .group_by(ComplaintCategory.code, ComplaintCategory.name_id, ComplaintCategory.name_en)
    )
    with database.engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).all(), columns=["code", "name_id", "name_en", "received", "open", "red"])
    return frame.sort_values(["received", "code"], ascending=[False, True], ignore_index=True)


@cache.memoize()
def by_agency(flt: ComplaintFilter, now: datetime) -> pd.DataFrame:
    """The agency responsiveness table. Columns: code, name, received, answered,
    answered_on_time, judged, share_on_time, median_response_hours (period), open, red (now).
    Every agency with complaints in scope; slowest (lowest share on time) first."""
    period = and_(Complaint.received_at >= flt.start, Complaint.received_at < flt.end)
    counts = (
        select(Complaint.agency_id.label("agency_id"),
               func.count().filter(period).label("received"),
               func.count().filter(period, Complaint.first_response_at.is_not(None)).label("answered"),
               func.count().filter(period, _answered_on_time()).label("answered_on_time"),
               func.count().filter(period, _deadline_reached(now)).label("judged"),
               func.count().filter(_OPEN).label("open"),
               func.count().filter(red_condition(now)).label("red"))
        .where(flt.scope(), or_(_OPEN, period))
        .group_by(Complaint.agency_id)
        .subquery()
    )
    medians = _medians(_response_seconds(), Complaint.agency_id, flt.received_in_period()).subquery()
    stmt = (
        select(Agency.code, Agency.name, counts.c.received, counts.c.answered, counts.c.answered_on_time,
               counts.c.judged, medians.c.median, counts.c.open, counts.c.red)
        .join(counts, counts.c.agency_id == Agency.id)
        .outerjoin(medians, medians.c.grp == Agency.id)
    )
    columns = ["code", "name", "received", "answered", "answered_on_time", "judged", "median_seconds", "open", "red"]
    with database.engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).all(), columns=columns)
    frame["share_on_time"] = (frame["answered_on_time"] / frame["judged"]).where(frame["judged"] > 0)
    frame["median_response_hours"] = (pd.to_numeric(frame.pop("median_seconds")) / 3600).round(2)
    frame = frame.sort_values(["share_on_time", "red", "code"], ascending=[True, False, True], na_position="last",
                              ignore_index=True)
    return frame[["code", "name", "received", "answered", "answered_on_time", "judged", "share_on_time",
                  "median_response_hours", "open", "red"]]


@cache.memoize()
def trend(flt: ComplaintFilter, tz: str, unit: str) -> pd.DataFrame:
    """Complaints received in the period by local ``unit`` ('day': YYYY-MM-DD text, or 'hour': 0-23)
    and category. Columns: bucket, category, name_id, name_en, count."""
    bucket = local_date(Complaint.received_at, tz) if unit == "day" else local_hour(Complaint.received_at, tz)
    counts = (
        select(bucket.label("bucket"), Complaint.category_id.label("category_id"), func.count().label("count"))
        .where(flt.received_in_period())
        .group_by(bucket, Complaint.category_id)
        .subquery()
    )
    stmt = (
        select(counts.c.bucket, ComplaintCategory.code, ComplaintCategory.name_id, ComplaintCategory.name_en,
               counts.c.count)
        .join(ComplaintCategory, ComplaintCategory.id == counts.c.category_id)
        .order_by(counts.c.bucket, ComplaintCategory.code)
    )
    with database.engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).all(), columns=["bucket", "category", "name_id", "name_en", "count"])


def _grid_size(points: int) -> float:
    """Cell size in degrees: about 110 m for a few thousand points, coarser for millions."""
    return 0.001 if points <= 50_000 else 0.002 if points <= 400_000 else 0.004


@cache.memoize()
def locations(flt: ComplaintFilter, max_points: int = 4000) -> dict:
    """Where the period's complaints are. Up to ``max_points`` complaints come back as points
    (columns: lat, lon, category, status); more come back aggregated in SQL on a grid
    (columns: lat, lon, count at each cell's centre), so the map stays smooth at a million.
    Returns {"mode": "points" | "grid", "total": n, "cell_degrees": size | None, "frame": DataFrame}."""
    where = and_(flt.received_in_period(), Complaint.lat.is_not(None), Complaint.lon.is_not(None))
    with database.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(Complaint).where(where)).scalar_one()
        if total <= max_points:
            rows = conn.execute(
                select(Complaint.lat, Complaint.lon, ComplaintCategory.code, Complaint.status)
                .join(ComplaintCategory, ComplaintCategory.id == Complaint.category_id).where(where)
            ).all()
            frame = pd.DataFrame(rows, columns=["lat", "lon", "category", "status"])
            return {"mode": "points", "total": total, "cell_degrees": None, "frame": frame}
        size = _grid_size(total)
        row_cell = grid_cell(Complaint.lat + 90.0, size).label("row")
        col_cell = grid_cell(Complaint.lon + 180.0, size).label("col")
        cells = conn.execute(select(row_cell, col_cell, func.count()).where(where).group_by(row_cell, col_cell)).all()
    frame = pd.DataFrame(cells, columns=["row", "col", "count"])
    frame["lat"] = (frame.pop("row") + 0.5) * size - 90.0
    frame["lon"] = (frame.pop("col") + 0.5) * size - 180.0
    return {"mode": "grid", "total": total, "cell_degrees": size, "frame": frame[["lat", "lon", "count"]]}


RED_FLAG_COLUMNS = ["external_id", "category", "name_id", "name_en", "kecamatan", "agency", "status", "received_at",
                    "response_due_at", "overdue_seconds", "description"]


@cache.memoize()
def red_flags(flt: ComplaintFilter, now: datetime, limit: int = 500) -> dict:
    """Red-flagged complaints in scope now, oldest first, with personal data masked.

    Columns: see ``RED_FLAG_COLUMNS``; times are UTC. The reporter's name is read only to
    mask it inside the text and never leaves this function. Returns {"total": n, "frame": ...}."""
    kecamatan = Region.__table__.alias("kecamatan")
    where = and_(flt.scope(), red_condition(now))
    stmt = (
        select(Complaint.external_id, ComplaintCategory.code, ComplaintCategory.name_id, ComplaintCategory.name_en,
               kecamatan.c.name, Agency.name, Complaint.status, Complaint.received_at, Complaint.response_due_at,
               Complaint.description, Complaint.reporter_name)
        .join(ComplaintCategory, ComplaintCategory.id == Complaint.category_id)
        .outerjoin(kecamatan, kecamatan.c.id == Complaint.kecamatan_id)
        .outerjoin(Agency, Agency.id == Complaint.agency_id)
        .where(where)
        .order_by(Complaint.received_at, Complaint.id)
        .limit(limit)
    )
    with database.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(Complaint).where(where)).scalar_one()
        rows = conn.execute(stmt).all()
    records = []
    for row in rows:
        *fields, description, reporter_name = row
        due = as_datetime(row.response_due_at)
        records.append([*fields, (now - due).total_seconds(), mask_complaint_text(description, reporter_name)])
    return {"total": total, "frame": pd.DataFrame(records, columns=RED_FLAG_COLUMNS)}


@cache.memoize()
def service_requests(flt: ComplaintFilter, limit: int = 200) -> list[dict]:
    """Complaints received in the period, newest first, as rows for ``open311.to_service_request``
    (texts masked here, with the reporter's own name; no personal column in the result)."""
    stmt = (
        select(Complaint.external_id, ComplaintCategory.code.label("category_code"),
               ComplaintCategory.open311_service_code, ComplaintCategory.name_id.label("category_name_id"),
               ComplaintCategory.name_en.label("category_name_en"), Agency.name.label("agency_name"),
               Complaint.status, Complaint.description, Complaint.reporter_name, Complaint.received_at,
               Complaint.updated_at, Complaint.resolution_due_at, Complaint.address, Complaint.lat, Complaint.lon,
               Complaint.media_url)
        .join(ComplaintCategory, ComplaintCategory.id == Complaint.category_id)
        .outerjoin(Agency, Agency.id == Complaint.agency_id)
        .where(flt.received_in_period())
        .order_by(Complaint.received_at.desc(), Complaint.id.desc())
        .limit(limit)
    )
    with database.engine.connect() as conn:
        records = [row._asdict() for row in conn.execute(stmt)]
    for record in records:
        record["description"] = mask_complaint_text(record["description"], record.pop("reporter_name"))
    return records
