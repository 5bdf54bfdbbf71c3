"""Time helpers: UTC now, rounded buckets for cache keys, local day bounds."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def bucket(moment: datetime, seconds: int) -> datetime:
    """``moment`` floored to a multiple of ``seconds`` (a stable cache key)."""
    stamp = int(moment.timestamp())
    return datetime.fromtimestamp(stamp - stamp % seconds, timezone.utc)


def local_day_start(moment: datetime, tz: str) -> datetime:
    """UTC instant of local midnight of the day ``moment`` falls on in ``tz``."""
    local = moment.astimezone(ZoneInfo(tz))
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(timezone.utc)


def local_month_start(moment: datetime, tz: str) -> datetime:
    local = moment.astimezone(ZoneInfo(tz))
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(timezone.utc)


def days_ago(moment: datetime, days: int) -> datetime:
    return moment - timedelta(days=days)


def as_datetime(value) -> datetime | None:
    """A DataFrame cell (Timestamp, datetime or NaT/None) as an aware UTC datetime or None."""
    import pandas as pd

    if value is None or pd.isna(value):
        return None
    moment = pd.Timestamp(value).to_pydatetime()
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
