"""Smart-city indicators by dimension, for the evaluators' view."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from cities import DIMENSIONS
from data_sources.db import database
from data_sources.models import Indicator, IndicatorValue
from data_sources.frames import to_frame
from data_sources.runtime import cache

YEAR_COLUMNS = ["code", "dimension", "sub_dimension", "name_id", "name_en", "unit", "target", "direction", "value",
                "evidence", "previous_value"]
ACHIEVEMENT_CAP = 1.2  # one indicator far over target cannot hide others under it


@cache.memoize(timeout=600)
def years(city_code: str) -> list[int]:
    stmt = (select(IndicatorValue.year).join(Indicator, Indicator.id == IndicatorValue.indicator_id)
            .where(Indicator.city_code == city_code).distinct().order_by(IndicatorValue.year))
    with database.engine.connect() as conn:
        return list(conn.execute(stmt).scalars())


@cache.memoize(timeout=600)
def for_year(city_code: str, year: int) -> pd.DataFrame:
    """Every indicator with its value in ``year`` and in the year before. Columns: YEAR_COLUMNS."""
    current, previous = aliased(IndicatorValue), aliased(IndicatorValue)
    stmt = (
        select(Indicator.code, Indicator.dimension, Indicator.sub_dimension, Indicator.name_id, Indicator.name_en,
               Indicator.unit, Indicator.target, Indicator.direction, current.value, current.evidence,
               previous.value.label("previous_value"))
        .outerjoin(current, and_(current.indicator_id == Indicator.id, current.year == year))
        .outerjoin(previous, and_(previous.indicator_id == Indicator.id, previous.year == year - 1))
        .where(Indicator.city_code == city_code)
        .order_by(Indicator.dimension, Indicator.code)
    )
    with database.engine.connect() as conn:
        return to_frame(conn.execute(stmt), columns=YEAR_COLUMNS)


def achievement(value: float, target: float, direction: str) -> float:
    """Value against target as a fraction (1.0 = on target), capped at ACHIEVEMENT_CAP."""
    if pd.isna(value) or not target:
        return float("nan")
    ratio = value / target if direction == "higher" else (target / value if value else ACHIEVEMENT_CAP)
    return min(ratio, ACHIEVEMENT_CAP)


def dimension_scores(frame: pd.DataFrame, value_column: str = "value") -> pd.DataFrame:
    """Mean achievement per dimension, in DIMENSIONS order. Columns: dimension, score, indicators.
    Does not change ``frame``."""
    scores = frame.assign(score=[achievement(v, t, d) for v, t, d in
                                 zip(frame[value_column], frame["target"], frame["direction"])])
    grouped = scores.groupby("dimension").agg(score=("score", "mean"), indicators=("code", "count"))
    return grouped.reindex(list(DIMENSIONS)).reset_index()
