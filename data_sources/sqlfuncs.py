"""SQL expressions that differ between SQLite and PostgreSQL, compiled per dialect.

Timestamps are stored as naive UTC (see ``types.UTCDateTime``). Local dates and hours use
the city's zone: PostgreSQL converts with its time-zone database; SQLite has none, so it
adds the zone's fixed offset, which is exact for Indonesia's zones (no daylight saving).
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import Float, Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement


def _offset_hours(tz: str) -> float:
    offset = datetime.now(timezone.utc).astimezone(ZoneInfo(tz)).utcoffset()
    return offset.total_seconds() / 3600 if offset else 0.0


class seconds_between(FunctionElement):
    """Seconds from ``start`` to ``end`` (float; NULL if either is NULL)."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between)
def _seconds_between_default(element, compiler, **kw):
    end, start = list(element.clauses)
    return f"EXTRACT(EPOCH FROM (({compiler.process(end, **kw)}) - ({compiler.process(start, **kw)})))"


@compiles(seconds_between, "sqlite")
def _seconds_between_sqlite(element, compiler, **kw):
    end, start = list(element.clauses)
    return f"((julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)})) * 86400.0)"


class _LocalPart(FunctionElement):
    inherit_cache = False  # the zone is part of the SQL text

    def __init__(self, column: ColumnElement, tz: str):
        self.tz = tz
        super().__init__(column)


class local_date(_LocalPart):
    """The local calendar date of a UTC timestamp, as 'YYYY-MM-DD' text."""

    type = String()
    inherit_cache = False
    name = "local_date"


class local_hour(_LocalPart):
    """The local hour of day (0-23) of a UTC timestamp."""

    type = Integer()
    inherit_cache = False
    name = "local_hour"


def _pg_local(element, compiler, **kw) -> str:
    column = compiler.process(list(element.clauses)[0], **kw)
    zone = element.tz.replace("'", "")
    return f"(({column} AT TIME ZONE 'UTC') AT TIME ZONE '{zone}')"


def _sqlite_local(element, compiler, **kw) -> str:
    column = compiler.process(list(element.clauses)[0], **kw)
    minutes = int(round(_offset_hours(element.tz) * 60))
    return f"datetime({column}, '{minutes:+d} minutes')"


@compiles(local_date)
def _local_date_pg(element, compiler, **kw):
    return f"to_char({_pg_local(element, compiler, **kw)}, 'YYYY-MM-DD')"


@compiles(local_date, "sqlite")
def _local_date_sqlite(element, compiler, **kw):
    return f"date({_sqlite_local(element, compiler, **kw)})"


@compiles(local_hour)
def _local_hour_pg(element, compiler, **kw):
    return f"CAST(EXTRACT(HOUR FROM {_pg_local(element, compiler, **kw)}) AS INTEGER)"


@compiles(local_hour, "sqlite")
def _local_hour_sqlite(element, compiler, **kw):
    return f"CAST(strftime('%H', {_sqlite_local(element, compiler, **kw)}) AS INTEGER)"


class grid_cell(FunctionElement):
    """floor(value / size): the index of a grid cell. SQLite may lack floor(); a cast
    truncates, which equals floor for the non-negative values callers pass."""

    type = Integer()
    inherit_cache = True
    name = "grid_cell"


@compiles(grid_cell)
def _grid_cell_pg(element, compiler, **kw):
    value, size = list(element.clauses)
    return f"CAST(floor(({compiler.process(value, **kw)}) / ({compiler.process(size, **kw)})) AS INTEGER)"


@compiles(grid_cell, "sqlite")
def _grid_cell_sqlite(element, compiler, **kw):
    value, size = list(element.clauses)
    return f"CAST(({compiler.process(value, **kw)}) / ({compiler.process(size, **kw)}) AS INTEGER)"
