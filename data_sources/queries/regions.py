"""Region geometry for maps, read from the regions table (never from files per request)."""
from __future__ import annotations

import json

from sqlalchemy import Integer, cast, func, select

from data_sources.db import database
from data_sources.models import Region
from data_sources.runtime import cache


@cache.memoize(timeout=3600)
def geojson(city_code: str, level: str) -> dict:
    """FeatureCollection of one city's regions at ``level``; properties code, name. WGS 84."""
    stmt = (
        select(Region.code, Region.name, Region.geometry)
        .where(Region.city_code == city_code, Region.level == level, Region.geometry.is_not(None))
        .order_by(Region.code)
    )
    with database.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": code, "properties": {"code": code, "name": name}, "geometry": json.loads(geom)}
            for code, name, geom in rows
        ],
    }


@cache.memoize(timeout=3600)
def geometry_is_approximate(city_code: str) -> bool:
    stmt = select(func.max(cast(Region.geometry_approximate, Integer))).where(Region.city_code == city_code)
    with database.engine.connect() as conn:
        return bool(conn.execute(stmt).scalar_one() or 0)
