"""Shared pieces of the reference computations: what one callback asks (``Ask``), running text
SQL with typed time parameters, and the complaint conditions written out as bare SQL."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Date, DateTime, bindparam, text

OPEN_STATUSES = ("received", "assigned", "responded", "in_progress", "reopened")
OPEN = "status IN (" + ", ".join(f"'{s}'" for s in OPEN_STATUSES) + ")"
RED = f"({OPEN} AND first_response_at IS NULL AND response_due_at < :now)"
AMBER = f"({OPEN} AND first_response_at IS NULL AND response_amber_at <= :now AND response_due_at >= :now)"
PERIOD = "received_at >= :start AND received_at < :end"
ON_TIME = "(first_response_at IS NOT NULL AND first_response_at <= response_due_at)"
JUDGED = "(first_response_at IS NOT NULL OR response_due_at < :now)"


@dataclass(frozen=True)
class Ask:
    """What a callback asks of the data: the city, its zone, the clock and the period (UTC, naive
    as stored), the previous period of the same length (the briefing), a device kind and id."""

    city: str
    tz: str
    now: datetime
    start: datetime
    end: datetime
    day_start: datetime
    first_day: date
    last_day: date
    previous_start: datetime | None = None
    previous_end: datetime | None = None
    kind: str | None = None
    device_id: int | None = None
    limit: int = 500
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def today(self) -> date:
        return (self.day_start + timedelta(hours=offset_hours(self.tz))).date()


def offset_hours(tz: str) -> float:
    """The zone's fixed offset (Indonesian zones have no daylight saving)."""
    return datetime.now(timezone.utc).astimezone(ZoneInfo(tz)).utcoffset().total_seconds() / 3600


def naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def query(conn, sql: str, **params):
    """``sql`` with its parameters bound by type: datetimes as the stored DateTime text, dates as Date."""
    statement = text(sql)
    params = {k: v for k, v in params.items() if f":{k}" in sql}
    typed = [bindparam(k, type_=DateTime()) if isinstance(v, datetime) else bindparam(k, type_=Date())
             for k, v in params.items() if isinstance(v, (datetime, date))]
    if typed:
        statement = statement.bindparams(*typed)
    return conn.execute(statement, params)


def frame(conn, sql: str, columns: list[str] | None = None, **params) -> pd.DataFrame:
    result = query(conn, sql, **params)
    rows = result.all()
    return pd.DataFrame(rows, columns=columns or list(result.keys()))


def local_date(conn, column: str, tz: str) -> str:
    if conn.dialect.name == "postgresql":
        return f"to_char(({column} AT TIME ZONE 'UTC') AT TIME ZONE '{tz}', 'YYYY-MM-DD')"
    return f"date({column}, '{offset_hours(tz):+g} hours')"


def local_hour(conn, column: str, tz: str) -> str:
    if conn.dialect.name == "postgresql":
        return f"CAST(EXTRACT(HOUR FROM ({column} AT TIME ZONE 'UTC') AT TIME ZONE '{tz}') AS INTEGER)"
    return f"CAST(strftime('%H', {column}, '{offset_hours(tz):+g} hours') AS INTEGER)"


def seconds(conn, end: str, start: str) -> str:
    if conn.dialect.name == "postgresql":
        return f"EXTRACT(EPOCH FROM ({end} - {start}))"
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


def median_by(conn, value: str, group: str, where: str) -> str:
    """SQL for the median of ``value`` per ``group`` over rows matching ``where`` (columns grp, median):
    percentile_cont on PostgreSQL, the middle rows by a window function on SQLite."""
    if conn.dialect.name == "postgresql":
        return (f"SELECT {group} AS grp, percentile_cont(0.5) WITHIN GROUP (ORDER BY {value}) AS median "
                f"FROM complaints WHERE {where} GROUP BY {group}")
    return (f"SELECT grp, avg(v) AS median FROM (SELECT {group} AS grp, {value} AS v, "
            f"row_number() OVER (PARTITION BY {group} ORDER BY {value}) AS rn, "
            f"count(*) OVER (PARTITION BY {group}) AS n FROM complaints WHERE {where}) "
            f"WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY grp")
