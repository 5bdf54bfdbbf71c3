"""Instants: UTC now, a rounded now for cache keys, DataFrame cells as aware datetimes.
Local days and periods are in ``data_sources.rules.periods``."""
from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def bucket(moment: datetime, seconds: int) -> datetime:
    """``moment`` floored to a multiple of ``seconds`` (a stable cache key)."""
    stamp = int(moment.timestamp())
    return datetime.fromtimestamp(stamp - stamp % seconds, timezone.utc)


def as_datetime(value) -> datetime | None:
    """A DataFrame cell (Timestamp, datetime or NaT/None) as an aware UTC datetime or None."""
    import pandas as pd

    if value is None or pd.isna(value):
        return None
    moment = pd.Timestamp(value).to_pydatetime()
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
