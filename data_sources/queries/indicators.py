"""Smart-city indicators and their values by year, for the evaluation (scored by
``rules.scorecard``)."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from data_sources.db import database
from data_sources.frames import to_frame
from data_sources.models import Indicator, IndicatorValue
from data_sources.rules.scorecard import HISTORY_COLUMNS
from data_sources.runtime import cache


@cache.memoize(timeout=600)
def years(city_code: str) -> list[int]:
    stmt = (select(IndicatorValue.year).join(Indicator, Indicator.id == IndicatorValue.indicator_id)
            .where(Indicator.city_code == city_code).distinct().order_by(IndicatorValue.year))
    with database.engine.connect() as conn:
        return list(conn.execute(stmt).scalars())


@cache.memoize(timeout=600)
def history(city_code: str) -> pd.DataFrame:
    """Every indicator with its value in every year, in one query (45 indicators since 2017
    are about 400 rows). One row per indicator and year; an indicator without any value
    appears once with ``year`` and ``value`` missing. Columns: ``rules.scorecard.HISTORY_COLUMNS``."""
    stmt = (
        select(Indicator.code, Indicator.dimension, Indicator.sub_dimension, Indicator.name_id, Indicator.name_en,
               Indicator.unit, Indicator.unit_en, Indicator.target, Indicator.direction, Indicator.weight,
               IndicatorValue.year, IndicatorValue.value)
        .outerjoin(IndicatorValue, IndicatorValue.indicator_id == Indicator.id)
        .where(Indicator.city_code == city_code)
        .order_by(Indicator.dimension, Indicator.code, IndicatorValue.year)
    )
    with database.engine.connect() as conn:
        frame = to_frame(conn.execute(stmt), columns=HISTORY_COLUMNS)
    frame["unit_en"] = frame["unit_en"].fillna(frame["unit"])  # a unit without an English form reads the same
    return frame
