"""SQL expressions that differ between SQLite and PostgreSQL, compiled per dialect.

Timestamps are stored as naive UTC (see ``types.UTCDateTime``). Local dates and hours use
the city's zone: PostgreSQL converts with its time-zone database; SQLite has none, so it
adds the zone's fixed offset, which is exact for Indonesia's zones (no daylight saving).
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Float, Integer, String
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement


def _offset_hours(tz: str) -> float:
    offset = datetime.now(timezone.utc).astimezone(ZoneInfo(tz)).utcoffset()
    return offset.total_seconds() / 3600 if offset else 0.0


def _two_arguments(function, default: str, sqlite: str) -> None:
    """Compile ``function(a, b)`` from one template per dialect (``{a}`` and ``{b}`` are the
    compiled arguments): ``default`` for PostgreSQL, ``sqlite`` for SQLite."""

    def compile_from(template: str):
        def compile_(element, compiler, **kw):
            a, b = (compiler.process(clause, **kw) for clause in element.clauses)
            return template.format(a=a, b=b)
        return compile_

    compiles(function)(compile_from(default))
    compiles(function, "sqlite")(compile_from(sqlite))


class seconds_between(FunctionElement):
    """Seconds from ``start`` to ``end``: ``seconds_between(end, start)`` (float; NULL if either is NULL)."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


_two_arguments(seconds_between, "EXTRACT(EPOCH FROM (({a}) - ({b})))", "((julianday({a}) - julianday({b})) * 86400.0)")


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


def _local_part(function, pg: str, sqlite: str) -> None:
    """Compile ``function(column, tz)`` from one template per dialect (``{local}``: the column in local time)."""
    compiles(function)(lambda element, compiler, **kw: pg.format(local=_pg_local(element, compiler, **kw)))
    compiles(function, "sqlite")(lambda element, compiler, **kw: sqlite.format(local=_sqlite_local(element, compiler, **kw)))


_local_part(local_date, "to_char({local}, 'YYYY-MM-DD')", "date({local})")
_local_part(local_hour, "CAST(EXTRACT(HOUR FROM {local}) AS INTEGER)", "CAST(strftime('%H', {local}) AS INTEGER)")


class grid_cell(FunctionElement):
    """floor(value / size): the index of a grid cell. SQLite may lack floor(); a cast
    truncates, which equals floor for the non-negative values callers pass."""

    type = Integer()
    inherit_cache = True
    name = "grid_cell"


_two_arguments(grid_cell, "CAST(floor(({a}) / ({b})) AS INTEGER)", "CAST(({a}) / ({b}) AS INTEGER)")


class local_day(_LocalPart):
    """The local calendar date of a UTC timestamp, as a DATE (text 'YYYY-MM-DD' on SQLite,
    which is how SQLite stores dates): what a roll-up keyed by local day stores."""

    type = Date()
    inherit_cache = False
    name = "local_day"


_local_part(local_day, "CAST({local} AS DATE)", "date({local})")


class month_start(FunctionElement):
    """The first day of the month of a DATE column."""

    type = Date()
    inherit_cache = True
    name = "month_start"


compiles(month_start)(lambda element, compiler, **kw:
                      f"CAST(date_trunc('month', {compiler.process(list(element.clauses)[0], **kw)}) AS DATE)")
compiles(month_start, "sqlite")(lambda element, compiler, **kw:
                                f"date({compiler.process(list(element.clauses)[0], **kw)}, 'start of month')")


class unindexed(FunctionElement):
    """The column as it is, but not to be searched by an index on SQLite ("+column"), so the
    planner takes the index of another condition it would otherwise pass over."""

    inherit_cache = True
    name = "unindexed"

    def __init__(self, column):
        super().__init__(column)
        self.type = column.type


compiles(unindexed)(lambda element, compiler, **kw: compiler.process(list(element.clauses)[0], **kw))
compiles(unindexed, "sqlite")(lambda element, compiler, **kw: f"+{compiler.process(list(element.clauses)[0], **kw)}")


def _sqlite_table_hint(compiler, table, text: str) -> str:
    return text


# ``select().with_hint(table, "INDEXED BY ix_...", "sqlite")`` is rendered after the table's name
# (SQLAlchemy renders table hints for the dialects that have them; SQLite's is INDEXED BY)
SQLiteCompiler.get_from_hint_text = _sqlite_table_hint
