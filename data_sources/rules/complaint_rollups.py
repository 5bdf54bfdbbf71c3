"""Complaint roll-ups by local day and month: what a long period's figures are read from.

``complaint_daily`` holds, per local day of receipt, kecamatan, category, agency and status,
the counts the period figures add up (``models.ComplaintFigures``); ``complaint_daily_response``
holds, per local day and agency, a histogram of how long the answered complaints waited for
their first response (``RESPONSE_SEGMENTS``); ``complaint_daily_hour`` the complaints per
category and local hour. Each has a monthly twin summed from it (``complaint_monthly``, ...).
A period's whole months are read from the monthly tables, its other whole days from the
daily ones; the partial days at its edges, and the few figures that depend on the present
moment (deadlines still ahead), from the raw rows (``queries.complaints``).

A day's rows describe its complaints as they are now, so every write to a complaint must
recompute the days it belongs to, before and after the write, in the same transaction: the
ingest path (by complaint id) and the simulator (by ``updated_at`` since its last tick) do,
beside the flag refresh. A rebuild recomputes a whole city and marks it complete
(``complaint_rollup_marks``); the queries use the roll-ups only for a marked city.

``python -m data_sources.rules.complaint_rollups --rebuild`` (``make rollups-rebuild``).
"""
from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import Connection, and_, case, delete, func, insert, literal, or_, select, true

from data_sources import models as m
from data_sources.rules.periods import local_midnight, local_today
from data_sources.sqlfuncs import grid_cell, local_day, local_hour, month_start, seconds_between

log = logging.getLogger(__name__)

C = m.Complaint

# The response-time histogram: (segment start, bin width) in seconds. One-minute bins for the
# first two hours, five minutes to six hours, a quarter of an hour to a day, an hour to a week,
# six hours beyond: a median read from it is within half a minute of the exact one below two
# hours and within 2.1% above, finer than the pages show it, in a few hundred bins whatever
# the city's size.
RESPONSE_SEGMENTS = ((0, 60), (7200, 300), (6 * 3600, 900), (86400, 3600), (7 * 86400, 6 * 3600))


def _segment_bases() -> list[int]:
    bases, base = [], 0
    for (start, width), following in zip(RESPONSE_SEGMENTS, [*RESPONSE_SEGMENTS[1:], None]):
        bases.append(base)
        if following is not None:
            base += (following[0] - start) // width
    return bases


_BASES = _segment_bases()


def response_bin(seconds):
    """The histogram bin of a response time (SQL expression of one in seconds); negative
    times (a response stamped before its complaint) fall in the first bin."""
    whens = [(seconds < 0, 0)]
    for (start, width), base, following in zip(RESPONSE_SEGMENTS, _BASES, [*RESPONSE_SEGMENTS[1:], None]):
        value = base + grid_cell(seconds - float(start), float(width))
        if following is None:
            return case(*whens, else_=value)
        whens.append((seconds < following[0], value))
    raise AssertionError("unreachable")


def bin_bounds(index: int) -> tuple[float, float]:
    """[low, high) seconds of a histogram bin."""
    for (start, width), base, following in reversed(list(zip(RESPONSE_SEGMENTS, _BASES,
                                                              [*RESPONSE_SEGMENTS[1:], None]))):
        if index >= base:
            low = start + (index - base) * width
            return float(low), float(low + width)
    return 0.0, float(RESPONSE_SEGMENTS[0][1])


def bin_centre(index: int) -> float:
    low, high = bin_bounds(index)
    return (low + high) / 2


def histogram_median(counts: Iterable[tuple[int, int]]) -> float | None:
    """The median of values counted in bins ((bin, n) pairs), each taken at its bin's centre;
    None when nothing was counted. The same rule for roll-ups and raw rows, so both agree."""
    ordered = sorted((int(b), int(n)) for b, n in counts if n)
    total = sum(n for _, n in ordered)
    if not total:
        return None
    ranks, found, seen = [(total + 1) // 2, (total + 2) // 2], [], 0
    for index, n in ordered:
        seen += n
        while ranks and ranks[0] <= seen:
            ranks.pop(0)
            found.append(bin_centre(index))
    return sum(found) / 2


def response_seconds():
    """How long the current cycle of a complaint waited for its first response."""
    return seconds_between(C.first_response_at, func.coalesce(C.reopened_at, C.received_at))


def answered_on_time():
    return and_(C.first_response_at.is_not(None), C.first_response_at <= C.response_due_at)


def day_figures(*keys):
    """The ``ComplaintFigures`` of raw complaint rows, grouped by ``keys`` (SQL)."""
    return (func.count().label("received"), func.count(C.first_response_at).label("answered"),
            func.count().filter(answered_on_time()).label("answered_on_time"),
            func.count().filter(and_(C.first_response_at.is_(None), C.response_due_at.is_not(None))).label(
                "unanswered_due"),
            func.count().filter(C.status == "resolved").label("resolved"))


FIGURES = ("received", "answered", "answered_on_time", "unanswered_due", "resolved")
DAILY_KEYS = ("kecamatan_id", "category_id", "agency_id", "status")


def received_between(start: datetime, end: datetime):
    return and_(C.received_at >= start, C.received_at < end)


def days_condition(days: Iterable[date], tz: str):
    """Complaints received on any of ``days`` (local), as ranges of consecutive days."""
    runs: list[list[date]] = []
    for day in sorted(set(days)):
        if runs and day == runs[-1][1] + timedelta(days=1):
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return or_(*[received_between(local_midnight(first, tz), local_midnight(last + timedelta(days=1), tz))
                 for first, last in runs])


# (daily table, monthly table, key columns, summed columns): how each monthly table follows its daily one
LEVELS = ((m.ComplaintDaily, m.ComplaintMonthly, DAILY_KEYS, FIGURES),
          (m.ComplaintDailyResponse, m.ComplaintMonthlyResponse, ("agency_id", "bin"), ("n",)),
          (m.ComplaintDailyHour, m.ComplaintMonthlyHour, ("category_id", "hour"), ("n",)),
          (m.ComplaintDailyCell, m.ComplaintMonthlyCell, ("row", "col"), ("n",)))

CELL_DEGREES = 0.004  # the map grid of a long period (about 440 m; ``queries.complaints.locations``)


def grid_row(lat, size: float = CELL_DEGREES):
    return grid_cell(lat + 90.0, size)


def grid_col(lon, size: float = CELL_DEGREES):
    return grid_cell(lon + 180.0, size)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _write_days(conn: Connection, city_code: str, tz: str, where) -> None:
    day = local_day(C.received_at, tz)
    keys = [getattr(C, key) for key in DAILY_KEYS]
    rows = select(literal(city_code), day, *keys, *day_figures()).where(C.city_code == city_code, where).group_by(
        day, *keys)
    conn.execute(insert(m.ComplaintDaily).from_select(["city_code", "day", *DAILY_KEYS, *FIGURES], rows))
    bin_ = response_bin(response_seconds())
    bins = select(literal(city_code), day, C.agency_id, bin_, func.count()).where(
        C.city_code == city_code, where, C.first_response_at.is_not(None)).group_by(day, C.agency_id, bin_)
    conn.execute(insert(m.ComplaintDailyResponse).from_select(["city_code", "day", "agency_id", "bin", "n"], bins))
    hour = local_hour(C.received_at, tz)
    hours = select(literal(city_code), day, C.category_id, hour, func.count()).where(
        C.city_code == city_code, where).group_by(day, C.category_id, hour)
    conn.execute(insert(m.ComplaintDailyHour).from_select(["city_code", "day", "category_id", "hour", "n"], hours))
    row, col = grid_row(C.lat), grid_col(C.lon)
    cells = select(literal(city_code), day, row, col, func.count()).where(
        C.city_code == city_code, where, C.lat.is_not(None), C.lon.is_not(None)).group_by(day, row, col)
    conn.execute(insert(m.ComplaintDailyCell).from_select(["city_code", "day", "row", "col", "n"], cells))


def _write_months(conn: Connection, city_code: str, months: Iterable[date] | None) -> None:
    """Sum the daily tables into the monthly ones for ``months`` (their first days; None: every month)."""
    months = None if months is None else sorted(set(months))
    for daily, monthly, keys, sums in LEVELS:
        where = daily.city_code == city_code
        if months is not None:
            if not months:
                continue
            conn.execute(delete(monthly).where(monthly.city_code == city_code, monthly.month.in_(months)))
            where = and_(where, or_(*[and_(daily.day >= first, daily.day < next_month(first)) for first in months]))
        else:
            conn.execute(delete(monthly).where(monthly.city_code == city_code))
        month = month_start(daily.day)
        key_columns = [getattr(daily, key) for key in keys]
        rows = select(literal(city_code), month, *key_columns, *[func.sum(getattr(daily, name)) for name in sums]
                      ).where(where).group_by(month, *key_columns)
        conn.execute(insert(monthly).from_select(["city_code", "month", *keys, *sums], rows))


def refresh_days(conn: Connection, city_code: str, tz: str, days: Iterable[date]) -> int:
    """Recompute the roll-ups of ``days`` (local) from the raw rows; returns how many days."""
    days = sorted(set(days))
    for first in range(0, len(days), 500):
        chunk = days[first:first + 500]
        for daily, *_ in LEVELS:
            conn.execute(delete(daily).where(daily.city_code == city_code, daily.day.in_(chunk)))
        _write_days(conn, city_code, tz, days_condition(chunk, tz))
    _write_months(conn, city_code, {first_of_month(day) for day in days})
    return len(days)


def days_of(conn: Connection, complaint_ids: Iterable[int], tz: str) -> set[date]:
    """The local days on which these complaints were received (as stored now)."""
    ids, found = sorted(set(complaint_ids)), set()
    for first in range(0, len(ids), 500):
        rows = conn.execute(select(C.received_at).where(C.id.in_(ids[first:first + 500])).distinct())
        found |= {local_today(at, tz) for (at,) in rows}
    return found


def local_days_of(moments: Iterable[datetime | None], tz: str) -> set[date]:
    return {local_today(at, tz) for at in moments if at is not None}


def refresh_complaints(conn: Connection, city_code: str, tz: str, complaint_ids: Iterable[int],
                       earlier_days: Iterable[date] = ()) -> int:
    """After complaints were written: recompute their days, and ``earlier_days`` (the days they
    belonged to before, when a write moved their receipt time)."""
    return refresh_days(conn, city_code, tz, days_of(conn, complaint_ids, tz) | set(earlier_days))


def refresh_changed_since(conn: Connection, city_code: str, tz: str, since: datetime) -> int:
    """Recompute the days of every complaint changed at or after ``since`` (``updated_at``)."""
    moments = conn.execute(select(C.received_at).where(C.city_code == city_code, C.updated_at >= since))
    return refresh_days(conn, city_code, tz, local_days_of((at for (at,) in moments), tz))


def rebuild(conn: Connection, city_code: str, tz: str, now: datetime) -> int:
    """Recompute every roll-up of a city and mark it complete; returns the daily rows written."""
    for daily, *_ in LEVELS:
        conn.execute(delete(daily).where(daily.city_code == city_code))
    _write_days(conn, city_code, tz, true())
    _write_months(conn, city_code, None)
    conn.execute(delete(m.ComplaintRollupMark).where(m.ComplaintRollupMark.city_code == city_code))
    conn.execute(insert(m.ComplaintRollupMark).values(city_code=city_code, built_at=now))
    return conn.execute(select(func.count()).select_from(m.ComplaintDaily).where(
        m.ComplaintDaily.city_code == city_code)).scalar_one()


def is_built(conn: Connection, city_code: str) -> bool:
    return conn.execute(select(m.ComplaintRollupMark.built_at).where(
        m.ComplaintRollupMark.city_code == city_code)).first() is not None


def ensure_built(conn: Connection, city_code: str, tz: str, now: datetime) -> int | None:
    """Build a city's roll-ups once (a database from before them); None when built already."""
    return None if is_built(conn, city_code) else rebuild(conn, city_code, tz, now)


def main(argv: list[str] | None = None) -> int:
    from cities import load_profile
    from data_sources.db import make_engine
    from settings import load_settings

    settings = load_settings()
    parser = argparse.ArgumentParser(prog="python -m data_sources.rules.complaint_rollups",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="recompute every day of the city's complaints")
    args = parser.parse_args(argv)
    if not args.rebuild:
        parser.error("nothing to do: the write paths keep the roll-ups current; --rebuild recomputes them")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    profile = load_profile(settings.city)
    engine = make_engine(settings.database_url)
    started = time.perf_counter()
    with engine.begin() as conn:
        rows = rebuild(conn, profile.code, profile.timezone, settings.frozen_now or datetime.now(timezone.utc))
    log.info("complaint roll-ups of %s rebuilt: %d daily rows in %.1f s", profile.code, rows,
             time.perf_counter() - started)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
