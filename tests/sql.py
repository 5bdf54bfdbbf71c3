"""Independent SQL for tests: plain text queries on their own engine, no query layer."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import create_engine, text


def rows(url: str, sql: str, **params) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).all()
    finally:
        engine.dispose()


def scalar(url: str, sql: str, **params):
    return rows(url, sql, **params)[0][0]


def frame(url: str, sql: str, **params) -> pd.DataFrame:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return pd.read_sql(text(sql), conn, params=params)
    finally:
        engine.dispose()
