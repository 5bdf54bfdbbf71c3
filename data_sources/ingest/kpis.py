"""Service KPI values in: one value per KPI and period, from the source that reports it. A value
sent again changes nothing; one with a newer ``updated_at`` replaces the stored value, and the
value it replaces is kept in ``kpi_value_revisions`` (who reported it, when, when it was replaced)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from cities import CityProfile
from data_sources import models as m
from data_sources.ingest.batch import Outcome, Source
from data_sources.ingest.schemas import KpiValueIn
from data_sources.ingest.validation import in_order, validate


def store_kpi_values(conn: Connection, profile: CityProfile, source: Source, raws: list, now: datetime,
                     reported_by: str | None = None) -> list[Outcome]:
    """Validate and store a batch of KPI values; one ``Outcome`` per record. ``reported_by``: who
    sent them (a person's name from an upload; the source's key when not given)."""
    reporter = (reported_by or source.key)[:120]
    valid, outcomes = validate(KpiValueIn, raws, now, id_field="kpi", key=lambda r: (r.kpi, r.period_start))
    kpis = dict(conn.execute(select(m.KpiDefinition.code, m.KpiDefinition.id)
                             .where(m.KpiDefinition.city_code == profile.code)).all())
    wanted = {(kpis[r.kpi], r.period_start) for _, r, _ in valid if r.kpi in kpis}
    stored = {}
    for kpi_id in {k for k, _ in wanted}:
        rows = conn.execute(select(m.KpiValue.id, m.KpiValue.period_start, m.KpiValue.value, m.KpiValue.updated_at,
                                   m.KpiValue.reported_by).where(m.KpiValue.kpi_id == kpi_id))
        stored.update({(kpi_id, r.period_start): r for r in rows if (kpi_id, r.period_start) in wanted})
    new_rows = []
    for index, record, raw in valid:
        kpi_id = kpis.get(record.kpi)
        label = f"{record.kpi} {record.period_start.isoformat()}"
        if kpi_id is None:
            outcomes.append(Outcome(index, label, "rejected", f"kpi: {record.kpi!r} is not a KPI of the city", raw))
            continue
        updated_at = record.updated_at or now
        old = stored.get((kpi_id, record.period_start))
        if old is None:
            new_rows.append({"kpi_id": kpi_id, "period_start": record.period_start, "value": record.value,
                             "source_id": source.id, "updated_at": updated_at, "reported_by": reporter})
            outcomes.append(Outcome(index, label, "created"))
        elif record.value != old.value and (record.updated_at is None or updated_at > old.updated_at):
            conn.execute(insert(m.KpiValueRevision).values(
                kpi_id=kpi_id, period_start=record.period_start, value=old.value, reported_at=old.updated_at,
                reported_by=old.reported_by, replaced_at=now))
            conn.execute(update(m.KpiValue).where(m.KpiValue.id == old.id).values(
                value=record.value, source_id=source.id, updated_at=updated_at, reported_by=reporter))
            outcomes.append(Outcome(index, label, "updated"))
        else:
            outcomes.append(Outcome(index, label, "unchanged", "the stored value is the same or newer"))
    if new_rows:
        conn.execute(insert(m.KpiValue), new_rows)
    return in_order(outcomes)
