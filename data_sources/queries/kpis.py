"""Service KPI values against their targets, and how many miss them (``status``: the one
place the KPIs off target are counted, for the wall, /services and the briefing)."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from data_sources.db import database
from data_sources.models import Agency, KpiDefinition, KpiValue
from data_sources.frames import to_frame
from data_sources.runtime import cache

LATEST_COLUMNS = ["code", "name_id", "name_en", "unit", "target", "direction", "agency", "period_start", "value",
                  "previous_value", "on_target"]


def on_target(value: float, target: float, direction: str) -> bool:
    return value >= target if direction == "higher" else value <= target


@cache.memoize(timeout=300)
def latest(city_code: str) -> pd.DataFrame:
    """One row per KPI with its newest value and the one before. Columns: LATEST_COLUMNS."""
    newest = (
        select(KpiValue.kpi_id, func.max(KpiValue.period_start).label("period_start"))
        .group_by(KpiValue.kpi_id).subquery()
    )
    current = aliased(KpiValue)
    previous = aliased(KpiValue)
    previous_period = (
        select(func.max(KpiValue.period_start)).where(KpiValue.kpi_id == current.kpi_id,
                                                      KpiValue.period_start < current.period_start)
        .correlate(current).scalar_subquery()
    )
    stmt = (
        select(KpiDefinition.code, KpiDefinition.name_id, KpiDefinition.name_en, KpiDefinition.unit,
               KpiDefinition.target, KpiDefinition.direction, Agency.code.label("agency"), current.period_start,
               current.value, previous.value.label("previous_value"))
        .join(newest, newest.c.kpi_id == KpiDefinition.id)
        .join(current, and_(current.kpi_id == KpiDefinition.id, current.period_start == newest.c.period_start))
        .outerjoin(previous, and_(previous.kpi_id == KpiDefinition.id, previous.period_start == previous_period))
        .outerjoin(Agency, Agency.id == KpiDefinition.agency_id)
        .where(KpiDefinition.city_code == city_code)
        .order_by(KpiDefinition.code)
    )
    with database.engine.connect() as conn:
        frame = to_frame(conn.execute(stmt), columns=LATEST_COLUMNS[:-1])
    frame["on_target"] = [on_target(v, t, d) for v, t, d in zip(frame["value"], frame["target"], frame["direction"])]
    return frame


@cache.memoize(timeout=300)
def series(city_code: str, code: str, months: int = 36) -> pd.DataFrame:
    """Columns: period_start, value for one KPI, oldest first (at most ``months`` rows)."""
    stmt = (
        select(KpiValue.period_start, KpiValue.value)
        .join(KpiDefinition, KpiDefinition.id == KpiValue.kpi_id)
        .where(KpiDefinition.city_code == city_code, KpiDefinition.code == code)
        .order_by(KpiValue.period_start.desc())
        .limit(months)
    )
    with database.engine.connect() as conn:
        frame = to_frame(conn.execute(stmt), columns=["period_start", "value"])
    return frame.iloc[::-1].reset_index(drop=True)


def status(city_code: str) -> dict:
    """KPIs against target: total, off_target (newest values), previous_total and
    previous_off_target (each KPI's value before its newest), month (newest period_start or
    None) and ``off``: the frame of the KPIs off target (``LATEST_COLUMNS``), furthest from
    target first (the gap in per cent of the target)."""
    frame = latest(city_code)
    before = frame.dropna(subset=["previous_value"])
    previous_on = [on_target(v, t, d) for v, t, d in zip(before["previous_value"], before["target"], before["direction"])]
    off = frame[~frame["on_target"].astype(bool)]
    gap = (off["value"] - off["target"]).abs() / off["target"].abs().where(off["target"] != 0)
    off = off.assign(gap=gap).sort_values(["gap", "code"], ascending=[False, True], na_position="first")
    return {"total": len(frame), "off_target": len(off), "previous_total": len(before),
            "previous_off_target": int(len(previous_on) - sum(previous_on)),
            "month": frame["period_start"].max() if len(frame) else None,
            "off": off.drop(columns="gap").reset_index(drop=True)}
