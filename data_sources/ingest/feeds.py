"""The kinds of record that come in, the feed each belongs to, and the one entry point that
stores a batch of them for a source: what the ingest API, the uploads and the Open311 pull call."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from pydantic import BaseModel
from sqlalchemy import Engine

from cities import CityProfile
from data_sources.ingest import complaints, kpis, registry
from data_sources.ingest.batch import Report, run_batch
from data_sources.ingest.heartbeats import HeartbeatIn
from data_sources.ingest.schemas import ComplaintIn, ComplaintUpdateIn, DeviceIn, KpiValueIn


@dataclass(frozen=True)
class RecordKind:
    name: str  # as in the API's paths and the upload's --kind
    feed: str  # the sources that may send it
    model: type[BaseModel]
    store: Callable  # (conn, profile, source, raws, now) -> list[Outcome]
    label: str


KINDS = {kind.name: kind for kind in (
    RecordKind("complaints", "complaints", ComplaintIn, complaints.store_complaints, "complaints"),
    RecordKind("complaint-updates", "complaints", ComplaintUpdateIn, complaints.store_updates, "complaint updates"),
    RecordKind("devices", "devices", DeviceIn, registry.store_devices, "device registry"),
    RecordKind("samples", "devices", HeartbeatIn,
               lambda conn, _profile, source, raws, now: registry.store_samples(conn, source, raws, now),
               "device samples"),
    RecordKind("kpi-values", "kpis", KpiValueIn, kpis.store_kpi_values, "KPI values"),
)}


class WrongFeed(ValueError):
    """The source does not carry this kind of record."""


def ingest(engine: Engine, profile: CityProfile, source_key: str, kind: str, raws: list, *, via: str,
           now: datetime | None = None) -> Report:
    """Store ``raws`` (parsed records) of ``kind`` as one run of source ``source_key``; ``via``
    names the way in for the run's message (``api``, ``upload``, ``open311 pull``). Raises
    ``LookupError`` for an unknown source and ``WrongFeed`` when the source carries another feed."""
    record_kind = KINDS[kind]

    def store(conn, source, at):
        if source.feed != record_kind.feed:
            raise WrongFeed(f"source {source.key} carries {source.feed}, not {record_kind.feed}")
        return record_kind.store(conn, profile, source, raws, at)

    return run_batch(engine, profile.code, source_key, store, label=f"{record_kind.label} via {via}", now=now,
                     record_kind=kind)
