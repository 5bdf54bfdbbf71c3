"""Service KPIs: each KPI's newest value against its target (``rules.scoring.kpi_status``), the
values around it (the period before, the same period a year earlier, a sparkline), the late
reports (``rules.reporting``), a KPI's history and its corrections. ``status`` is the one place
the KPIs off target (status other than ``met``) are counted, for the wall, /services and the
briefing.

SQL does the selecting (the newest ``RECENT_ROWS`` values per KPI with a window function, the
stored periods of the late-report window); Python only lines the few rows up.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import and_, func, or_, select

from data_sources.db import database
from data_sources.frames import to_frame
from data_sources.models import Agency, KpiDefinition, KpiValue, KpiValueRevision
from data_sources.rules import reporting
from data_sources.rules.scoring import kpi_status
from data_sources.runtime import cache

RECENT_ROWS = 13  # the newest value, the 11 before it and the same month a year earlier
SPARK_PERIODS = 12
LATE_LOOKBACK = 12  # periods before the last closed one in which missing reports count as late
DEFINITION_COLUMNS = ["code", "name_id", "name_en", "unit", "unit_en", "target", "amber", "direction", "period",
                      "agency", "dimension", "sub_dimension", "stage"]
VALUE_COLUMNS = ["period_start", "value", "updated_at", "reported_by"]
CATALOGUE_COLUMNS = [*DEFINITION_COLUMNS, *VALUE_COLUMNS, "previous_value", "year_ago_value", "status"]
LATEST_COLUMNS = ["code", "name_id", "name_en", "unit", "target", "direction", "agency", "period_start", "value",
                  "previous_value", "on_target"]
LATE_COLUMNS = ["agency", "code", "name_id", "name_en", "period", "period_start", "late_since"]
REVISION_COLUMNS = ["period_start", "value", "reported_at", "reported_by", "replaced_at"]


def on_target(value: float, target: float, direction: str, amber: float | None = None) -> bool:
    """Met (``rules.scoring.kpi_status``); a value in the amber band is not on target."""
    return kpi_status(value, target, direction, amber) == "met"


@cache.memoize(timeout=60)
def definitions(city_code: str) -> pd.DataFrame:
    """The city's KPI catalogue as stored. Columns: DEFINITION_COLUMNS, ordered by code."""
    own = [c for c in DEFINITION_COLUMNS if c != "agency"]
    stmt = (select(*(getattr(KpiDefinition, c) for c in own), Agency.code.label("agency"))
            .outerjoin(Agency, Agency.id == KpiDefinition.agency_id)
            .where(KpiDefinition.city_code == city_code).order_by(KpiDefinition.code))
    with database.engine.connect() as conn:
        frame = to_frame(conn.execute(stmt), columns=[*own, "agency"])
    return frame[DEFINITION_COLUMNS]


@cache.memoize(timeout=60)
def recent(city_code: str) -> pd.DataFrame:
    """The newest ``RECENT_ROWS`` stored values of each KPI. Columns: code, VALUE_COLUMNS; by code, oldest first."""
    recency = func.row_number().over(partition_by=KpiValue.kpi_id,
                                     order_by=KpiValue.period_start.desc()).label("recency")
    ranked = (select(KpiDefinition.code, KpiValue.period_start, KpiValue.value, KpiValue.updated_at,
                     KpiValue.reported_by, recency)
              .join(KpiDefinition, KpiDefinition.id == KpiValue.kpi_id)
              .where(KpiDefinition.city_code == city_code).subquery())
    stmt = (select(ranked.c.code, *(ranked.c[c] for c in VALUE_COLUMNS)).where(ranked.c.recency <= RECENT_ROWS)
            .order_by(ranked.c.code, ranked.c.period_start))
    with database.engine.connect() as conn:
        return to_frame(conn.execute(stmt), columns=["code", *VALUE_COLUMNS])


def _year_back(start: date, period: str) -> date:
    return reporting.shift(start, period, -12 // reporting.MONTHS_IN[period])


def summarise(defs: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """One row per KPI of ``defs``: its newest value of ``values`` (columns code, VALUE_COLUMNS),
    the value of the period just before it and of the same period a year earlier (NaN when not
    reported) and its status. Columns: CATALOGUE_COLUMNS. Pure."""
    by_code = {code: rows.set_index("period_start") for code, rows in values.groupby("code", sort=False)}
    rows = []
    for kpi in defs.to_dict("records"):
        found = by_code.get(kpi["code"])
        if found is None or found.empty:
            rows.append({**kpi, "period_start": None, "value": None, "updated_at": None, "reported_by": None,
                         "previous_value": None, "year_ago_value": None, "status": "no_data"})
            continue
        start = found.index.max()
        newest = found.loc[start]
        previous = reporting.shift(start, kpi["period"], -1)
        year_ago = _year_back(start, kpi["period"])
        amber = None if pd.isna(kpi["amber"]) else kpi["amber"]
        rows.append({**kpi, "period_start": start, "value": newest["value"], "updated_at": newest["updated_at"],
                     "reported_by": newest["reported_by"],
                     "previous_value": found["value"].get(previous), "year_ago_value": found["value"].get(year_ago),
                     "status": kpi_status(newest["value"], kpi["target"], kpi["direction"], amber)})
    frame = pd.DataFrame(rows, columns=CATALOGUE_COLUMNS)
    for column in ("value", "previous_value", "year_ago_value", "amber", "target"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


@cache.memoize(timeout=60)
def catalogue(city_code: str) -> pd.DataFrame:
    """Every KPI of the city with its newest value, the period before, the same period last year
    and its status (``no_data`` for a KPI that never reported). Columns: CATALOGUE_COLUMNS."""
    return summarise(definitions(city_code), recent(city_code))


def sparklines(city_code: str, periods: int = SPARK_PERIODS) -> pd.DataFrame:
    """Each KPI's values in the ``periods`` periods up to its newest. Columns: code, period_start,
    value; oldest first."""
    values, kinds = recent(city_code), definitions(city_code).set_index("code")["period"]
    if values.empty:
        return values[["code", "period_start", "value"]]
    newest = values.groupby("code")["period_start"].transform("max")
    first = [reporting.shift(n, kinds.get(c, "monthly"), 1 - periods) for c, n in zip(values["code"], newest)]
    return values.loc[values["period_start"] >= pd.Series(first, index=values.index),
                      ["code", "period_start", "value"]].reset_index(drop=True)


@cache.memoize(timeout=60)
def late_reports(city_code: str, today: date, lookback: int = LATE_LOOKBACK) -> pd.DataFrame:
    """The reports that are late on ``today`` (``rules.reporting.late_periods``) in the ``lookback``
    periods up to each KPI's last closed one, from its first stored period on (a KPI that never
    reported: from its oldest open period). Columns: LATE_COLUMNS, oldest first."""
    defs = definitions(city_code)
    if defs.empty:
        return pd.DataFrame(columns=LATE_COLUMNS)
    window = {kind: reporting.shift(reporting.last_closed(today, kind), kind, 1 - lookback)
              for kind in reporting.MONTHS_IN}
    first_stored = (select(KpiDefinition.code, func.min(KpiValue.period_start))
                    .join(KpiValue, KpiValue.kpi_id == KpiDefinition.id)
                    .where(KpiDefinition.city_code == city_code).group_by(KpiDefinition.code))
    stored = (select(KpiDefinition.code, KpiValue.period_start)
              .join(KpiValue, KpiValue.kpi_id == KpiDefinition.id)
              .where(KpiDefinition.city_code == city_code,
                     or_(*(and_(KpiDefinition.period == kind, KpiValue.period_start >= start)
                           for kind, start in window.items()))))
    with database.engine.connect() as conn:
        firsts = dict(conn.execute(first_stored).all())
        reported: dict[str, set] = {}
        for code, start in conn.execute(stored):
            reported.setdefault(code, set()).add(start)
    rows = []
    for kpi in defs.itertuples():
        first = max(window[kpi.period], firsts.get(kpi.code) or reporting.open_periods(today, kpi.period)[0])
        for start in reporting.late_periods(reported.get(kpi.code, set()), today, kpi.period, first):
            rows.append((kpi.agency, kpi.code, kpi.name_id, kpi.name_en, kpi.period, start,
                         reporting.late_since(start, kpi.period)))
    frame = pd.DataFrame(rows, columns=LATE_COLUMNS)
    return frame.sort_values(["late_since", "agency", "code"], kind="stable").reset_index(drop=True)


@cache.memoize(timeout=60)
def history(city_code: str, code: str, first: date, last: date) -> pd.DataFrame:
    """One KPI's values for the periods from ``first`` to ``last``. Columns: VALUE_COLUMNS, oldest first."""
    stmt = (select(KpiValue.period_start, KpiValue.value, KpiValue.updated_at, KpiValue.reported_by)
            .join(KpiDefinition, KpiDefinition.id == KpiValue.kpi_id)
            .where(KpiDefinition.city_code == city_code, KpiDefinition.code == code,
                   KpiValue.period_start >= first, KpiValue.period_start <= last)
            .order_by(KpiValue.period_start))
    with database.engine.connect() as conn:
        return to_frame(conn.execute(stmt), columns=VALUE_COLUMNS)


@cache.memoize(timeout=60)
def revisions(city_code: str, code: str, limit: int = 50) -> pd.DataFrame:
    """The values corrections replaced, newest correction first. Columns: REVISION_COLUMNS."""
    stmt = (select(*(getattr(KpiValueRevision, c) for c in REVISION_COLUMNS))
            .join(KpiDefinition, KpiDefinition.id == KpiValueRevision.kpi_id)
            .where(KpiDefinition.city_code == city_code, KpiDefinition.code == code)
            .order_by(KpiValueRevision.replaced_at.desc(), KpiValueRevision.period_start.desc(),
                      KpiValueRevision.id.desc())
            .limit(limit))
    with database.engine.connect() as conn:
        return to_frame(conn.execute(stmt), columns=REVISION_COLUMNS)


def agency_values(city_code: str, agency: str, first: date) -> pd.DataFrame:
    """The stored values of one agency's KPIs from period ``first`` on (not cached: a template
    shows what is stored when it is made). Columns: code, period_start, value."""
    stmt = (select(KpiDefinition.code, KpiValue.period_start, KpiValue.value)
            .join(KpiValue, KpiValue.kpi_id == KpiDefinition.id)
            .join(Agency, Agency.id == KpiDefinition.agency_id)
            .where(KpiDefinition.city_code == city_code, Agency.code == agency, KpiValue.period_start >= first))
    with database.engine.connect() as conn:
        return to_frame(conn.execute(stmt), columns=["code", "period_start", "value"])


# --- what the wall and the briefing count ---------------------------------------------------------


def latest(city_code: str) -> pd.DataFrame:
    """One row per KPI that has a value: its newest value and the stored one before it.
    Columns: LATEST_COLUMNS, then unit_en, amber, status."""
    values = recent(city_code)
    frame = catalogue(city_code).dropna(subset=["period_start"])
    before = values[values.groupby("code")["period_start"].transform("max") > values["period_start"]]
    stored_before = before.groupby("code")["value"].last()
    frame = frame.assign(previous_value=frame["code"].map(stored_before).astype(float),
                         on_target=frame["status"] == "met")
    return frame[[*LATEST_COLUMNS, "unit_en", "amber", "status"]].reset_index(drop=True)


@cache.memoize(timeout=60)
def status(city_code: str) -> dict:
    """KPIs against target: total, off_target (newest values not ``met``), by_status (count per
    ``rules.scoring.STATUSES`` of those with a value), previous_total and previous_off_target
    (each KPI's value before its newest), month (newest period_start or None) and ``off``: the
    frame of the KPIs off target (``latest``'s columns), furthest from target first (the gap in
    per cent of the target)."""
    frame = latest(city_code)
    before = frame.dropna(subset=["previous_value"])
    previous_on = [on_target(v, t, d, None if pd.isna(a) else a)
                   for v, t, d, a in zip(before["previous_value"], before["target"], before["direction"], before["amber"])]
    off = frame[~frame["on_target"].astype(bool)]
    gap = (off["value"] - off["target"]).abs() / off["target"].abs().where(off["target"] != 0)
    off = off.assign(gap=gap).sort_values(["gap", "code"], ascending=[False, True], na_position="first")
    return {"total": len(frame), "off_target": len(off), "by_status": frame["status"].value_counts().to_dict(),
            "previous_total": len(before), "previous_off_target": int(len(previous_on) - sum(previous_on)),
            "month": frame["period_start"].max() if len(frame) else None,
            "off": off.drop(columns="gap").reset_index(drop=True)}
