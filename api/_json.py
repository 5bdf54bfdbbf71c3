"""JSON-ready values from query results: timestamps as ISO 8601 (UTC), NaN and NaT as null."""
from __future__ import annotations

import math
from datetime import datetime

import pandas as pd

from data_sources import clock


def plain(value):
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, (pd.Timestamp, datetime)):
        moment = clock.as_datetime(value)
        return moment.isoformat() if moment else None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def records(frame: pd.DataFrame) -> list[dict]:
    return [{k: plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
