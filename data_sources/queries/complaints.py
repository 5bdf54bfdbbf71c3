"""Complaint aggregates for the overview, the /complaints page and the complaints API.

Personal data (the reporter's name, phone, e-mail, NIK) never leaves this module: the
only personal column read is the reporter's name, to mask it inside complaint texts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import and_, func, literal_column, or_, select

from data_sources.clock import as_datetime
from data_sources.db import database
from data_sources.rules.flags import amber_condition, open_condition, red_condition
from data_sources.rules.flags import red_condition as _overdue
from data_sources.models import (Agency, Complaint, ComplaintCategory, ComplaintDaily, ComplaintDailyCell,
                                 ComplaintDailyHour, ComplaintDailyResponse, ComplaintMonthly, ComplaintMonthlyCell,
                                 ComplaintMonthlyHour, ComplaintMonthlyResponse, Region)
from data_sources.rules import complaint_rollups as rollups
from data_sources.rules.periods import local_midnight, local_today
from data_sources.rules.privacy import MASK, mask_complaint_text, mask_text
from data_sources.queries.filters import ComplaintFilter
from data_sources.frames import to_frame
from data_sources.runtime import cache
from data_sources.sqlfuncs import local_date, local_hour, unindexed

_OPEN = open_condition()


@cache.memoize()
def headline_counts(city_code: str, day_start: datetime, now: datetime) -> dict[str, int]:
    """Complaints received since ``day_start``, open now, and open past their response deadline.

    Three counts, each narrowed by its own index (received time; the open partial index), so a
    city with a million complaints is not scanned whole."""
    city = Complaint.city_code == city_code
    counts = [select(func.count()).where(city, *conditions).scalar_subquery() for conditions in (
        (Complaint.received_at >= day_start, Complaint.received_at <= now), (_OPEN,), (_overdue(now),))]
    with database.engine.connect() as conn:
        today, open_now, overdue = conn.execute(select(*counts)).one()
    return {"today": today, "open": open_now, "overdue": overdue}


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
        return to_frame(conn.execute(stmt), columns=["code", "name", "open", "overdue"])


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
        return to_frame(conn.execute(stmt), columns=["code", "name_id", "name_en", "count"])


# --- the /complaints page and its JSON API -------------------------------------------------------
#
# Period figures describe the complaints *received* in the filter's period; "open" and
# "red-flagged" describe the state *now* of every complaint in the filter's scope, whenever
# it was received (an old complaint still waiting is exactly what the live room must see).

# Period figures: a period's whole local days are read from the daily roll-ups
# (``rules.complaint_rollups``), its partial edge days (a period cut at now) from the raw rows;
# a city whose roll-ups were never built reads raw rows only. Both give the same figures.


@dataclass(frozen=True)
class _Split:
    rolled: tuple[date, date] | None  # every whole local day of the period, inclusive: read from roll-ups
    months: tuple[date, date] | None  # of those, the whole months (their first days, inclusive): monthly tables
    days: tuple[tuple[date, date], ...]  # the other whole days (inclusive ranges): daily tables
    raw: tuple[tuple[datetime, datetime], ...]  # UTC ranges [start, end) read from raw rows


def _split(conn, flt: ComplaintFilter) -> _Split:
    whole = (flt.start, flt.end)
    if not rollups.is_built(conn, flt.city_code):
        return _Split(None, None, (), (whole,))
    tz = flt.period.tz
    first = local_today(flt.start, tz)
    if local_midnight(first, tz) < flt.start:
        first += timedelta(days=1)
    last = local_today(flt.end, tz) - timedelta(days=1)
    if first > last:
        return _Split(None, None, (), (whole,))
    edges = ((flt.start, local_midnight(first, tz)), (local_midnight(last + timedelta(days=1), tz), flt.end))
    raw = tuple((a, b) for a, b in edges if a < b)
    month_first = first if first.day == 1 else rollups.next_month(first)
    month_end = rollups.first_of_month(last + timedelta(days=1))  # exclusive: whole months end by here
    if month_first >= month_end:
        return _Split((first, last), None, ((first, last),), raw)
    days = ((first, month_first - timedelta(days=1)), (month_end, last))
    months = (month_first, rollups.first_of_month(month_end - timedelta(days=1)))
    return _Split((first, last), months, tuple((a, b) for a, b in days if a <= b), raw)


def _levels(split: _Split, daily, monthly) -> list[tuple[object, object]]:
    """(table, condition on its date) for the rolled-up part of a period: the monthly table for
    its whole months, the daily table for its other whole days."""
    levels = []
    if split.months:
        levels.append((monthly, and_(monthly.month >= split.months[0], monthly.month <= split.months[1])))
    if split.days:
        levels.append((daily, or_(*[and_(daily.day >= a, daily.day <= b) for a, b in split.days])))
    return levels


def _raw_where(flt: ComplaintFilter, ranges):
    return and_(flt.scope(), or_(*[rollups.received_between(a, b) for a, b in ranges]))


def _keyed(column, key: str | None):
    """(the select's key column, the GROUP BY columns): a constant key when not grouped (never
    GROUP BY a constant: SQLite reads it as a column position)."""
    return (column.label("key"), [column]) if key else (literal_column("0").label("key"), [])


def _not_judged_yet(conn, flt: ComplaintFilter, now: datetime, key: str | None, days: tuple[date, date]) -> pd.Series:
    """Per key, the unanswered complaints of ``days`` whose deadline is still ahead of now: the
    one period figure that depends on the present, read from the few such rows (the partial
    index of unanswered complaints by deadline; SQLite is kept off the receipt-time index,
    which it would rather walk for a year of receipts)."""
    column, group = _keyed(getattr(Complaint, key) if key else None, key)
    tz, received = flt.period.tz, unindexed(Complaint.received_at)
    stmt = select(column, func.count().label("ahead")).where(
        flt.scope(), Complaint.first_response_at.is_(None), Complaint.response_due_at >= now,
        received >= local_midnight(days[0], tz), received < local_midnight(days[1] + timedelta(days=1), tz)
    ).group_by(*group)
    return to_frame(conn.execute(stmt), columns=["key", "ahead"]).set_index("key")["ahead"]


def _period_figures(conn, flt: ComplaintFilter, now: datetime, key: str | None = None) -> pd.DataFrame:
    """``PERIOD_FIGURES`` of the complaints received in the period, per value of the column
    ``key`` of ``Complaint`` (index: that value), or one row (index 0) when ``key`` is None."""
    split = _split(conn, flt)
    parts = []
    if split.raw:
        column, group = _keyed(getattr(Complaint, key) if key else None, key)
        stmt = select(column, func.count().label("received"), func.count(Complaint.first_response_at).label("answered"),
                      func.count().filter(_answered_on_time()).label("answered_on_time"),
                      func.count().filter(_deadline_reached(now)).label("judged"),
                      func.count().filter(Complaint.status == "resolved").label("resolved"),
                      ).where(_raw_where(flt, split.raw)).group_by(*group)
        parts.append(to_frame(conn.execute(stmt), columns=["key", *PERIOD_FIGURES]))
    if split.rolled:
        rolled = []
        for table, on_dates in _levels(split, ComplaintDaily, ComplaintMonthly):
            column, group = _keyed(getattr(table, key) if key else None, key)
            sums = select(column, *[func.sum(getattr(table, name)).label(name) for name in rollups.FIGURES]).where(
                flt.scope(table), on_dates).group_by(*group)
            rolled.append(to_frame(conn.execute(sums), columns=["key", *rollups.FIGURES]).dropna(subset=["received"]))
        rolled = pd.concat(rolled, ignore_index=True)
        rolled[list(rollups.FIGURES)] = rolled[list(rollups.FIGURES)].apply(pd.to_numeric)
        rolled = rolled.groupby("key", dropna=False)[list(rollups.FIGURES)].sum()
        ahead = _not_judged_yet(conn, flt, now, key, split.rolled)
        rolled["judged"] = rolled["answered"] + rolled.pop("unanswered_due") - ahead.reindex(rolled.index).fillna(0)
        parts.append(rolled.reset_index()[["key", *PERIOD_FIGURES]])
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["key", *PERIOD_FIGURES])
    frame[PERIOD_FIGURES] = frame[PERIOD_FIGURES].apply(pd.to_numeric).fillna(0)
    return frame.groupby("key", dropna=False)[PERIOD_FIGURES].sum().astype(int)


def _response_histogram(conn, flt: ComplaintFilter, by_agency: bool) -> pd.DataFrame:
    """Columns grp (the agency id, or 0), bin, n: response times of the period's answered
    complaints. Whole days come from the per-agency roll-ups unless the filter narrows by
    something else, in which case every day is read from the raw rows."""
    split = _split(conn, flt)
    rolled = split.rolled is not None and not flt.beyond_agency
    ranges = split.raw if rolled else ((flt.start, flt.end),)
    frames = []
    if ranges:
        column, group = _keyed(Complaint.agency_id if by_agency else None, by_agency)
        bin_ = rollups.response_bin(rollups.response_seconds()).label("bin")
        stmt = select(column, bin_, func.count().label("n")).where(
            _raw_where(flt, ranges), Complaint.first_response_at.is_not(None)).group_by(*group, bin_)
        frames.append(to_frame(conn.execute(stmt), columns=["grp", "bin", "n"]))
    if rolled:
        for table, on_dates in _levels(split, ComplaintDailyResponse, ComplaintMonthlyResponse):
            column, group = _keyed(table.agency_id if by_agency else None, by_agency)
            stmt = select(column, table.bin, func.sum(table.n)).where(flt.scope(table), on_dates).group_by(
                *group, table.bin)
            frames.append(to_frame(conn.execute(stmt), columns=["grp", "bin", "n"]))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["grp", "bin", "n"])


def _medians(conn, flt: ComplaintFilter, by_agency: bool = False) -> pd.DataFrame:
    """Median response time (seconds) of the period's answered complaints, per agency or
    overall (grp 0). Columns: grp, median. Read from a histogram (``rollups.RESPONSE_SEGMENTS``:
    within 2.1%, finer than the pages show) on both databases, from roll-ups or raw rows alike."""
    histogram = _response_histogram(conn, flt, by_agency)
    medians = [(key, rollups.histogram_median(zip(part["bin"], part["n"])))
               for key, part in histogram.groupby("grp", sort=False)]
    return pd.DataFrame([m for m in medians if m[1] is not None], columns=["grp", "median"])


def _answered_on_time():
    return and_(Complaint.first_response_at.is_not(None), Complaint.first_response_at <= Complaint.response_due_at)


def _deadline_reached(now: datetime):
    """Complaints whose response is judged: answered, or unanswered past the deadline."""
    return or_(Complaint.first_response_at.is_not(None), Complaint.response_due_at < now)


def _state_counts(flt: ComplaintFilter, now: datetime, *group):
    """Open, red and amber complaints now, whenever received (the partial index of open complaints)."""
    return (
        select(*group,
               func.count().label("open"),
               func.count().filter(red_condition(now)).label("red"),
               func.count().filter(amber_condition(now)).label("amber"))
        .where(flt.scope(), _OPEN)
        .group_by(*group)
    )


PERIOD_FIGURES = ["received", "answered", "answered_on_time", "judged", "resolved"]
STATE_FIGURES = ["open", "red", "amber"]


def _states(flt: ComplaintFilter, now: datetime, key: str | None = None) -> pd.DataFrame:
    """``STATE_FIGURES`` now per value of the ``Complaint`` column ``key`` (index), or one row
    (index 0): the same for every period of one scope, so counted once per clock bucket for the
    tiles, the breakdowns and both periods of the briefing."""
    return _scope_states(flt.city_code, flt.kecamatan, flt.category, flt.agency, flt.status, now, key)


@cache.memoize()
def _scope_states(city_code: str, kecamatan: tuple, category: tuple, agency: tuple, status: tuple, now: datetime,
                  key: str | None) -> pd.DataFrame:
    scope = ComplaintFilter(city_code, None, kecamatan, category, agency, status)  # the scope: no period
    column, group = _keyed(getattr(Complaint, key) if key else None, key)
    with database.engine.connect() as conn:
        rows = conn.execute(_state_counts(scope, now, column).group_by(None).group_by(*group))
        return to_frame(rows, columns=["key", *STATE_FIGURES]).set_index("key")


def _grouped(conn, flt: ComplaintFilter, now: datetime, key: str) -> pd.DataFrame:
    """Period and state figures per value of the ``Complaint`` column ``key`` (index: that value; zeros filled)."""
    period = _period_figures(conn, flt, now, key)
    return period.join(_states(flt, now, key), how="outer").fillna(0).astype(int)


@cache.memoize()
def summary(flt: ComplaintFilter, now: datetime, day_start: datetime) -> dict[str, float | int | None]:
    """The page's tiles: received_today, received, open, red, amber, answered, answered_on_time,
    judged (answered or past the deadline), share_on_time, resolved, share_resolved,
    median_response_seconds. Period figures cover the complaints received in [flt.start, flt.end)."""
    today = select(func.count()).where(flt.scope(), Complaint.received_at >= day_start, Complaint.received_at <= now)
    with database.engine.connect() as conn:
        figures = _period_figures(conn, flt, now)
        row = {name: int(figures[name].iloc[0]) if len(figures) else 0 for name in PERIOD_FIGURES}
        states = _states(flt, now)
        row |= {name: int(states[name].iloc[0]) if len(states) else 0 for name in STATE_FIGURES}
        row["received_today"] = conn.execute(today).scalar_one()
        median = _medians(conn, flt)
    row["median_response_seconds"] = float(median["median"].iloc[0]) if len(median) else None
    row["share_on_time"] = row["answered_on_time"] / row["judged"] if row["judged"] else None
    row["share_resolved"] = row["resolved"] / row["received"] if row["received"] else None
    return row


@cache.memoize()
def by_kecamatan(flt: ComplaintFilter, now: datetime) -> pd.DataFrame:
    """Columns: code, name, population, received, per_10k, open, red; every kecamatan (zeros
    included), whatever the kecamatan filter, so the map always shows the whole city."""
    wide = flt.without_kecamatan()
    regions = select(Region.id, Region.code, Region.name, Region.population).where(
        Region.city_code == flt.city_code, Region.level == "kecamatan").order_by(Region.code)
    with database.engine.connect() as conn:
        figures = _grouped(conn, wide, now, "kecamatan_id")
        frame = to_frame(conn.execute(regions), columns=["id", "code", "name", "population"])
    frame = frame.join(figures[["received", "open", "red"]], on="id").fillna(
        {"received": 0, "open": 0, "red": 0}).astype({"received": int, "open": int, "red": int})
    population = pd.to_numeric(frame["population"], errors="coerce")
    frame["per_10k"] = (frame["received"] / population * 10_000).where(population > 0).round(2)
    return frame[["code", "name", "population", "received", "per_10k", "open", "red"]]


@cache.memoize()
def by_category(flt: ComplaintFilter, now: datetime) -> pd.DataFrame:
    """Columns: code, name_id, name_en, received (in the period), open, red (now); categories with any."""
    categories = select(ComplaintCategory.id, ComplaintCategory.code, ComplaintCategory.name_id,
                        ComplaintCategory.name_en).where(ComplaintCategory.city_code == flt.city_code)
    with database.engine.connect() as conn:
        figures = _grouped(conn, flt, now, "category_id")
        names = to_frame(conn.execute(categories), columns=["id", "code", "name_id", "name_en"])
    frame = names.join(figures[["received", "open", "red"]], on="id", how="inner")
    frame = frame[["code", "name_id", "name_en", "received", "open", "red"]]
    return frame.sort_values(["received", "code"], ascending=[False, True], ignore_index=True)


@cache.memoize()
def by_agency(flt: ComplaintFilter, now: datetime, with_medians: bool = True) -> pd.DataFrame:
    """The agency responsiveness table. Columns: code, name, name_en, received, answered,
    answered_on_time, judged, share_on_time, median_response_hours (period), open, red (now).
    Every agency with complaints in scope; slowest (lowest share on time) first. Without
    ``with_medians`` (a chart of counts) the median column is empty and costs nothing."""
    agencies = select(Agency.id, Agency.code, Agency.name, Agency.name_en).where(Agency.city_code == flt.city_code)
    with database.engine.connect() as conn:
        figures = _grouped(conn, flt, now, "agency_id")
        names = to_frame(conn.execute(agencies), columns=["id", "code", "name", "name_en"])
        median = _medians(conn, flt, by_agency=True) if with_medians else pd.DataFrame(columns=["grp", "median"])
    median = median.rename(columns={"grp": "id", "median": "median_seconds"}).set_index("id")
    frame = names.join(figures, on="id", how="inner").join(median, on="id")
    frame["share_on_time"] = (frame["answered_on_time"] / frame["judged"]).where(frame["judged"] > 0)
    frame["median_response_hours"] = (pd.to_numeric(frame.pop("median_seconds")) / 3600).round(2)
    frame = frame.sort_values(["share_on_time", "red", "code"], ascending=[True, False, True], na_position="last",
                              ignore_index=True)
    return frame[["code", "name", "name_en", "received", "answered", "answered_on_time", "judged", "share_on_time",
                  "median_response_hours", "open", "red"]]


@cache.memoize()
def trend(flt: ComplaintFilter, tz: str, unit: str) -> pd.DataFrame:
    """Complaints received in the period by local ``unit`` ('day': YYYY-MM-DD text, or 'hour': 0-23)
    and category. Columns: bucket, category, name_id, name_en, count. Whole days come from the
    roll-ups (per category and hour when the filter narrows by category at most; per kecamatan,
    category, agency and status otherwise); hours of a filter by anything else than the
    category are counted from the raw rows."""
    names = select(ComplaintCategory.id, ComplaintCategory.code, ComplaintCategory.name_id, ComplaintCategory.name_en
                   ).where(ComplaintCategory.city_code == flt.city_code)
    columns = ["bucket", "category", "name_id", "name_en", "count"]
    by_hour_table = not flt.beyond_category
    with database.engine.connect() as conn:
        split = _split(conn, flt)
        if unit == "hour" and not by_hour_table:
            split = _Split(None, None, (), ((flt.start, flt.end),))
        frames = []
        if split.raw:
            bucket = local_date(Complaint.received_at, tz) if unit == "day" else local_hour(Complaint.received_at, tz)
            stmt = select(bucket.label("bucket"), Complaint.category_id, func.count()).where(
                _raw_where(flt, split.raw)).group_by(bucket, Complaint.category_id)
            frames.append(to_frame(conn.execute(stmt), columns=["bucket", "id", "count"]))
        if split.rolled and unit == "day":  # every whole day from a daily table
            table = ComplaintDailyHour if by_hour_table else ComplaintDaily
            counted = table.n if by_hour_table else table.received
            stmt = select(table.day, table.category_id, func.sum(counted)).where(
                flt.scope(table), table.day >= split.rolled[0], table.day <= split.rolled[1]).group_by(
                table.day, table.category_id)
            rolled = to_frame(conn.execute(stmt), columns=["bucket", "id", "count"])
            rolled["bucket"] = rolled["bucket"].map(lambda day: str(day)[:10])
            frames.append(rolled)
        if split.rolled and unit == "hour":
            for table, on_dates in _levels(split, ComplaintDailyHour, ComplaintMonthlyHour):
                stmt = select(table.hour, table.category_id, func.sum(table.n)).where(
                    flt.scope(table), on_dates).group_by(table.hour, table.category_id)
                frames.append(to_frame(conn.execute(stmt), columns=["bucket", "id", "count"]))
        categories = to_frame(conn.execute(names), columns=["id", "category", "name_id", "name_en"])
    counts = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["bucket", "id", "count"])
    counts["count"] = pd.to_numeric(counts["count"])
    if unit == "hour":
        counts["bucket"] = pd.to_numeric(counts["bucket"]).astype(int)
    counts = counts.groupby(["bucket", "id"], as_index=False)["count"].sum()
    frame = counts.merge(categories, on="id")[columns]
    frame["count"] = frame["count"].astype(int)
    return frame.sort_values(["bucket", "category"], ignore_index=True)


def _grid_size(points: int) -> float:
    """Cell size in degrees (0.002 degrees is about 220 m): coarser as points grow, so a city
    never needs more than a few thousand cells on the map."""
    return 0.002 if points <= 20_000 else 0.003 if points <= 100_000 else 0.004


@cache.memoize()
def locations(flt: ComplaintFilter, max_points: int = 4000) -> dict:
    """Where the period's complaints are. Up to ``max_points`` complaints come back as points
    (columns: lat, lon, category, status); more come back aggregated in SQL on a grid
    (columns: lat, lon, count at each cell's centre), so the map stays smooth at a million.
    Returns {"mode": "points" | "grid", "total": n, "cell_degrees": size | None, "frame": DataFrame}.
    A period without a filter reads its whole days from the roll-ups per map cell, and so
    does its grid when that is drawn at their cell size (over 100,000 complaints)."""
    located = and_(Complaint.lat.is_not(None), Complaint.lon.is_not(None))
    with database.engine.connect() as conn:
        split = _split(conn, flt)
        if not split.rolled or any(getattr(flt, name) for name in ("kecamatan", "category", "agency", "status")):
            split = _Split(None, None, (), ((flt.start, flt.end),))
        levels = _levels(split, ComplaintDailyCell, ComplaintMonthlyCell)
        raw = and_(_raw_where(flt, split.raw), located) if split.raw else None
        total = sum(conn.execute(select(func.coalesce(func.sum(table.n), 0)).where(
            table.city_code == flt.city_code, on_dates)).scalar_one() for table, on_dates in levels)
        if raw is not None:
            total += conn.execute(select(func.count()).select_from(Complaint).where(raw)).scalar_one()
        if total <= max_points:
            rows = conn.execute(
                select(Complaint.lat, Complaint.lon, ComplaintCategory.code, Complaint.status)
                .join(ComplaintCategory, ComplaintCategory.id == Complaint.category_id)
                .where(flt.received_in_period(), located)
            ).all()
            frame = pd.DataFrame(rows, columns=["lat", "lon", "category", "status"])
            return {"mode": "points", "total": total, "cell_degrees": None, "frame": frame}
        size = _grid_size(total)
        if size != rollups.CELL_DEGREES:  # the roll-ups are counted on the coarsest grid only
            levels, raw = [], and_(flt.received_in_period(), located)
        parts = []
        if raw is not None:
            row_cell, col_cell = rollups.grid_row(Complaint.lat, size).label("row"), rollups.grid_col(
                Complaint.lon, size).label("col")
            parts.append(conn.execute(select(row_cell, col_cell, func.count()).where(raw).group_by(
                row_cell, col_cell)).all())
        for table, on_dates in levels:
            parts.append(conn.execute(select(table.row, table.col, func.sum(table.n)).where(
                table.city_code == flt.city_code, on_dates).group_by(table.row, table.col)).all())
    cells = pd.DataFrame([row for part in parts for row in part], columns=["row", "col", "count"])
    frame = cells.astype({"count": int}).groupby(["row", "col"], as_index=False)["count"].sum()
    frame["lat"] = (frame.pop("row") + 0.5) * size - 90.0
    frame["lon"] = (frame.pop("col") + 0.5) * size - 180.0
    return {"mode": "grid", "total": total, "cell_degrees": size, "frame": frame[["lat", "lon", "count"]]}


RED_FLAG_COLUMNS = ["external_id", "category", "name_id", "name_en", "kecamatan", "agency", "agency_en", "status",
                    "received_at",
                    "response_due_at", "overdue_seconds", "description", "address", "reporter"]


def _reporter(name, phone, email, reveal: bool) -> str:
    """Who reported it and how to reach them, for those who may see it; otherwise only that
    there is someone (``MASK``), or "" when the complaint came without a reporter."""
    given = [part for part in (name, phone, email) if part]
    if not given:
        return ""
    return " · ".join(given) if reveal else MASK


@cache.memoize()
def red_flags(flt: ComplaintFilter, now: datetime, limit: int = 500, reveal: bool = False) -> dict:
    """Red-flagged complaints in scope now, oldest first, with personal data masked unless
    ``reveal`` (for the roles that may see it: ``rules.access``).

    Columns: see ``RED_FLAG_COLUMNS``; times are UTC. Masked, the reporter's name is read only
    to mask it inside the text and the address, and never leaves this function; the reporter
    column then only says that there is one. Returns {"total": n, "frame": ...}."""
    kecamatan = Region.__table__.alias("kecamatan")
    where = and_(flt.scope(), red_condition(now))
    stmt = (
        select(Complaint.external_id, ComplaintCategory.code, ComplaintCategory.name_id, ComplaintCategory.name_en,
               kecamatan.c.name, Agency.name, Agency.name_en, Complaint.status, Complaint.received_at,
               Complaint.response_due_at,
               Complaint.description, Complaint.address, Complaint.reporter_name, Complaint.reporter_phone,
               Complaint.reporter_email)
        .join(ComplaintCategory, ComplaintCategory.id == Complaint.category_id)
        .outerjoin(kecamatan, kecamatan.c.id == Complaint.kecamatan_id)
        .outerjoin(Agency, Agency.id == Complaint.agency_id)
        .where(where)
        .order_by(Complaint.received_at, Complaint.id)
        .limit(limit)
        # in order of receipt from the partial index, stopping at ``limit``: SQLite would rather
        # collect every red flag through the open-state index and sort them all (110 ms to 7 ms
        # for the first twelve of 35,000 at a million complaints)
        .with_hint(Complaint, "INDEXED BY ix_complaints_open_unanswered", "sqlite")
    )
    with database.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(Complaint).where(where)).scalar_one()
        rows = conn.execute(stmt).all()
    records = []
    for row in rows:
        *fields, description, address, name, phone, email = row
        due = as_datetime(row.response_due_at)
        if reveal:
            text, place = description or "", address or ""
        else:
            text, place = mask_complaint_text(description, name), mask_complaint_text(address, name)
        records.append([*fields, (now - due).total_seconds(), text, place, _reporter(name, phone, email, reveal)])
    return {"total": total, "frame": pd.DataFrame(records, columns=RED_FLAG_COLUMNS)}


@cache.memoize()
def service_requests(flt: ComplaintFilter, limit: int = 200) -> list[dict]:
    """Complaints received in the period, newest first, as rows for ``open311.to_service_request``
    (texts and addresses masked here, with the reporter's own name; no personal column in the result)."""
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
    for record in records:  # a public feed: masked for every reader
        record["description"] = mask_complaint_text(record["description"], record.pop("reporter_name"))
        record["address"] = mask_text(record["address"]) if isinstance(record["address"], str) else record["address"]
    return records


OPEN_POINT_COLUMNS = ["id", "lat", "lon", "level", "category_id", "category_en"]


@cache.memoize()
def open_points(city_code: str, now: datetime, limit: int = 5000) -> pd.DataFrame:
    """Open complaints with a location for the wall map, red flags first (oldest deadline first),
    then amber, then the newest of the rest: columns ``OPEN_POINT_COLUMNS`` (level is 'red',
    'amber' or 'open'; WGS 84). At most ``limit`` rows, so a city with a large backlog still
    sends a bounded map; each slice is its own small indexed query, not a sort of the backlog."""
    base = (Complaint.city_code == city_code, _OPEN, Complaint.lat.is_not(None), Complaint.lon.is_not(None))
    red, amber = red_condition(now), amber_condition(now)
    slices = (("red", red, Complaint.response_due_at), ("amber", amber, Complaint.response_due_at),
              ("open", and_(~red, ~amber), Complaint.received_at.desc()))
    frames = []
    with database.engine.connect() as conn:
        for level, condition, order in slices:
            remaining = limit - sum(len(f) for f in frames)
            if remaining <= 0:
                break
            stmt = (select(Complaint.id, Complaint.lat, Complaint.lon, literal_column(f"'{level}'"), ComplaintCategory.name_id,
                           ComplaintCategory.name_en)
                    .join(ComplaintCategory, ComplaintCategory.id == Complaint.category_id)
                    .where(*base, condition).order_by(order, Complaint.id).limit(remaining))
            frames.append(to_frame(conn.execute(stmt), columns=OPEN_POINT_COLUMNS))
    return pd.concat(frames, ignore_index=True)


def red_flag_signature(city_code: str, now: datetime) -> dict:
    """What a wall screen watches to notice a new red flag: how many complaints are red now and
    the latest deadline among them (a complaint turning red moves it forward; a backfilled one
    raises the count). Not cached: the kiosk must see a new flag on its next poll."""
    stmt = select(func.count(), func.max(Complaint.response_due_at)).where(
        Complaint.city_code == city_code, red_condition(now))
    with database.engine.connect() as conn:
        count, newest = conn.execute(stmt).one()
    newest = as_datetime(newest)
    return {"count": int(count), "newest": newest.isoformat() if newest else None}
