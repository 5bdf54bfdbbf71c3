"""Fast bulk inserts of column arrays: COPY on PostgreSQL, executemany on SQLite.

Used by the demo generator and benchmarks, where millions of rows make the ORM too slow.
Datetime columns must be naive UTC ``datetime64`` arrays; they are written in the exact
format SQLAlchemy uses for each dialect, so ordinary queries read them back unchanged.
"""
from __future__ import annotations

import io
from collections.abc import Mapping

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table, text

SQLITE_BATCH = 50_000
COPY_BATCH = 200_000


def _sqlite_values(column: np.ndarray | pd.Series):
    series = pd.Series(column)
    if pd.api.types.is_datetime64_any_dtype(series):
        formatted = series.dt.strftime("%Y-%m-%d %H:%M:%S.%f")
        return formatted.where(series.notna(), None).tolist()
    if series.dtype == object:
        return series.where(series.notna(), None).tolist()
    if pd.api.types.is_bool_dtype(series):
        return series.astype(int).tolist()
    if pd.api.types.is_float_dtype(series):
        return series.astype(object).where(series.notna(), None).tolist()
    return series.tolist()


def _copy_text(frame: pd.DataFrame) -> io.StringIO:
    buffer = io.StringIO()
    out = frame.copy()
    for name in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[name]):
            out[name] = out[name].dt.strftime("%Y-%m-%d %H:%M:%S.%f")
        elif pd.api.types.is_bool_dtype(out[name]):
            out[name] = out[name].map({True: "t", False: "f"})
    out.to_csv(buffer, index=False, header=False, na_rep="\\N", sep="\t", quoting=3, lineterminator="\n")
    buffer.seek(0)
    return buffer


def bulk_insert(conn: Connection, table: Table, columns: Mapping[str, np.ndarray] | pd.DataFrame) -> int:
    """Insert the rows given as equal-length column arrays; return how many."""
    frame = columns if isinstance(columns, pd.DataFrame) else pd.DataFrame(dict(columns))
    if frame.empty:
        return 0
    names = list(frame.columns)
    if conn.dialect.name == "postgresql":
        for name in names:  # tabs and newlines would break the COPY text format
            if pd.api.types.infer_dtype(frame[name], skipna=True) == "string":
                frame[name] = frame[name].str.replace(r"[\t\n\r\\]", " ", regex=True)
        raw = conn.connection.driver_connection
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                for start in range(0, len(frame), COPY_BATCH):  # bounded memory for tens of millions of rows
                    copy.write(_copy_text(frame.iloc[start : start + COPY_BATCH]).getvalue())
        if "id" in names:
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), (SELECT max(id) FROM {table.name}))"))
        return len(frame)
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    raw = conn.connection.driver_connection
    for start in range(0, len(frame), SQLITE_BATCH):
        part = frame.iloc[start : start + SQLITE_BATCH]
        raw.executemany(sql, list(zip(*(_sqlite_values(part[name]) for name in names))))
    return len(frame)


def next_id(conn: Connection, table: Table) -> int:
    return int(conn.execute(text(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}")).scalar_one())
