"""Demo service KPIs (monthly values for a few years, around their targets) and smart-city
indicators (yearly values since the city joined the programme, improving)."""
from __future__ import annotations

from datetime import datetime

import pandas as pd

from data_sources.demo.common import DemoSize


def kpi_values(rng, profile, ids, size: DemoSize, now: datetime, source_id):
    month0 = pd.Timestamp(now.year, now.month, 1) - pd.DateOffset(months=size.kpi_months)
    months = pd.date_range(month0, periods=size.kpi_months, freq="MS")
    rows = []
    for kpi in profile.kpis:
        level = rng.normal(0.96, 0.05)
        trend = rng.normal(0.04, 0.02)
        for i, month in enumerate(months):
            perf = level + trend * i / len(months) + rng.normal(0, 0.025)
            value = kpi.target * perf if kpi.direction == "higher" else kpi.target / max(perf, 0.3)
            if kpi.unit == "%":
                value = min(value, 100.0)
            rows.append({"kpi_id": ids["kpi"][kpi.code], "period_start": month.date(), "value": round(float(value), 2),
                         "source_id": source_id, "updated_at": month + pd.DateOffset(months=1, days=4)})
    return pd.DataFrame(rows)


def indicator_values(rng, profile, ids, size: DemoSize, now: datetime, source_id):
    years = list(range(size.indicator_first_year, now.year))
    rows = []
    whole_units = {"orang", "titik", "kegiatan", "hari"}
    for ind in profile.indicators:
        start = rng.uniform(0.55, 0.8)
        end = rng.uniform(0.88, 1.06)
        for i, year in enumerate(years):
            share = start + (end - start) * i / max(len(years) - 1, 1) + rng.normal(0, 0.02)
            value = ind.target * share
            if ind.unit == "%":
                value = min(value, 100.0)
            value = round(value) if ind.unit in whole_units else round(value, 2)
            rows.append({"indicator_id": ids["indicator"][ind.code], "year": year, "value": float(value),
                         "evidence": f"Laporan kinerja {year}: {ind.name_id} (data demo)", "source_id": source_id,
                         "updated_at": pd.Timestamp(year + 1, 2, 15)})
    return pd.DataFrame(rows)

