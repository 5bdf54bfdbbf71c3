"""Device (CCTV and WiFi) aggregates."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select

from data_sources.db import database
from data_sources.models import Device
from data_sources.runtime import cache


@cache.memoize()
def state_counts(city_code: str) -> pd.DataFrame:
    """Columns: kind, state, count for active devices."""
    stmt = (
        select(Device.kind, Device.state, func.count().label("count"))
        .where(Device.city_code == city_code, Device.active.is_(True))
        .group_by(Device.kind, Device.state)
        .order_by(Device.kind, Device.state)
    )
    with database.engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).all(), columns=["kind", "state", "count"])
