"""Demo service KPIs (values for every closed period of a few years, around their targets,
reported by their agencies a few days after each period; two KPIs have not reported their
newest period, so the late-report table has something to say) and smart-city indicators
(yearly values since the city joined the programme in 2017, improving, with the pandemic's
dip in 2020-2021 for tourism and the economy)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from data_sources.demo.common import DemoSize
from data_sources.rules import reporting

PANDEMIC = {2020: 0.7, 2021: 0.85}  # share of the usual level, for the dimensions the pandemic hit
PANDEMIC_DIMENSIONS = {"branding", "economy"}
WHOLE_UNITS = {"orang", "titik", "kegiatan", "hari", "layanan", "dokumen", "dataset", "taman", "usaha", "pedagang",
               "simpang", "komunitas", "kasus", "unit"}


def _periods(kpi, size: DemoSize, now: datetime) -> list:
    newest = reporting.last_closed(now.date(), kpi.period)
    count = max(1, size.kpi_months // reporting.MONTHS_IN[kpi.period])
    return [reporting.shift(newest, kpi.period, -steps) for steps in range(count - 1, -1, -1)]


def kpi_values(rng, profile, ids, size: DemoSize, now: datetime, source_id):
    unreported = set(rng.choice([k.code for k in profile.kpis if k.period == "monthly"], size=2, replace=False))
    rows = []
    for kpi in profile.kpis:
        periods = _periods(kpi, size, now)
        if kpi.code in unreported and reporting.late_since(periods[-1], kpi.period) <= now.date():
            periods = periods[:-1]
        level, trend = rng.normal(0.96, 0.05), rng.normal(0.04, 0.02)
        for i, start in enumerate(periods):
            perf = level + trend * i / len(periods) + rng.normal(0, 0.025)
            value = kpi.target * perf if kpi.direction == "higher" else kpi.target / max(perf, 0.3)
            if kpi.unit == "%":
                value = min(value, 100.0)
            reported = pd.Timestamp(reporting.period_end(start, kpi.period)) + timedelta(days=int(rng.integers(2, 9)))
            rows.append({"kpi_id": ids["kpi"][kpi.code], "period_start": start, "value": round(float(value), 2),
                         "source_id": source_id, "updated_at": min(reported, pd.Timestamp(now.replace(tzinfo=None))),
                         "reported_by": kpi.agency})
    return pd.DataFrame(rows)


def indicator_values(rng, profile, ids, size: DemoSize, now: datetime, source_id):
    years = list(range(size.indicator_first_year, now.year))
    rows = []
    for ind in profile.indicators:
        start, end = rng.uniform(0.55, 0.8), rng.uniform(0.88, 1.06)
        for i, year in enumerate(years):
            share = start + (end - start) * i / max(len(years) - 1, 1) + rng.normal(0, 0.02)
            if ind.dimension in PANDEMIC_DIMENSIONS:
                share *= PANDEMIC.get(year, 1.0)
            value = ind.target * share if ind.direction == "higher" else ind.target / max(share, 0.3)
            if ind.unit == "%":
                value = min(value, 100.0)
            value = round(value) if ind.unit in WHOLE_UNITS else round(value, 2)
            rows.append({"indicator_id": ids["indicator"][ind.code], "year": year, "value": float(value),
                         "evidence": None, "source_id": source_id, "updated_at": pd.Timestamp(year + 1, 2, 15)})
    return pd.DataFrame(rows)
