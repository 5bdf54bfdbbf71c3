"""One batch of records from one source, as every way in records it (the ingest API, uploads,
the Open311 pull, the device-status importers): a ``SourceRun``, the good records stored, each
refused one kept in ``rejected_records`` with its reason, the source's freshness updated, and
one ``Outcome`` per record for the caller's report. All in one transaction: a batch is stored
whole or, if the database fails, not at all (the failed run is then recorded on its own).
"""
from __future__ import annotations

import json
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from data_sources import models as m

log = logging.getLogger(__name__)

RESULTS = ("created", "updated", "unchanged", "rejected", "duplicate")
ACCEPTED = ("created", "updated")
EXTERNAL_ID_MAX_CHARS = 128  # complaints, devices: external_id


@dataclass
class Outcome:
    """What happened to one record: ``result`` is one of ``RESULTS``; ``reason`` says why a
    record was refused or left unchanged; ``raw`` is the record as it came (kept when refused)."""

    index: int
    external_id: str | None
    result: str
    reason: str | None = None
    raw: str = field(default="", repr=False)

    def public(self) -> dict:
        return {"index": self.index, "external_id": self.external_id, "result": self.result, "reason": self.reason}


@dataclass
class Source:
    id: int
    key: str
    city_code: str
    feed: str


@dataclass
class Report:
    source: str
    run_id: int | None
    outcomes: list[Outcome]
    status: str = "ok"
    message: str = ""

    def count(self, *results: str) -> int:
        return sum(1 for o in self.outcomes if o.result in results)

    @property
    def received(self) -> int:
        return len(self.outcomes)

    def summary_line(self) -> str:
        """The line a command ends with: ``received N, accepted N, rejected N, duplicate N``."""
        return (f"received {self.received}, accepted {self.count(*ACCEPTED)}, rejected {self.count('rejected')}, "
                f"duplicate {self.count('duplicate')}")

    def public(self) -> dict:
        counts = Counter(o.result for o in self.outcomes)
        return {"source": self.source, "run_id": self.run_id, "status": self.status, "received": self.received,
                "accepted": self.count(*ACCEPTED), **{r: counts.get(r, 0) for r in RESULTS},
                "results": [o.public() for o in self.outcomes]}


def raw_text(value) -> str:
    """A parsed record (a JSON value) as JSON text to keep with a refusal (PostgreSQL text holds no NUL)."""
    return json.dumps(value, ensure_ascii=False, default=str).replace("\x00", "\ufffd")


def find_source(conn: Connection, city_code: str, source_key: str) -> Source:
    row = conn.execute(select(m.Source.id, m.Source.key, m.Source.city_code, m.Source.feed)
                       .where(m.Source.city_code == city_code, m.Source.key == source_key)).first()
    if row is None:
        known = conn.execute(select(m.Source.key).where(m.Source.city_code == city_code)
                             .order_by(m.Source.key)).scalars().all()
        raise LookupError(f"city {city_code} has no source {source_key!r} (its sources: {', '.join(known) or 'none'})")
    return Source(*row)


def start_run(conn: Connection, source_id: int, now: datetime) -> int:
    return conn.execute(insert(m.SourceRun).values(
        source_id=source_id, started_at=now, status="running", rows_received=0, rows_accepted=0,
        rows_rejected=0).returning(m.SourceRun.id)).scalar_one()


def finish_run(conn: Connection, source_id: int, run_id: int, now: datetime, started: float, status: str,
               received: int, accepted: int, rejected: int, message: str) -> None:
    """Close the run (its duration measured from ``started``, a ``perf_counter``) and say on the
    source when it last succeeded or failed."""
    finished = now + timedelta(seconds=time.perf_counter() - started)
    conn.execute(update(m.SourceRun).where(m.SourceRun.id == run_id).values(
        finished_at=finished, status=status, rows_received=received, rows_accepted=accepted,
        rows_rejected=rejected, message=message))
    values = {"last_success_at": now} if status == "ok" else {"last_failure_at": now, "last_error": message[:1000]}
    conn.execute(update(m.Source).where(m.Source.id == source_id).values(**values))


def keep_refused(conn: Connection, source_id: int, run_id: int | None, outcomes: list[Outcome], now: datetime,
                 record_kind: str | None = None) -> int:
    """Store every refused record (rejected or duplicate) with its reason and, when it can be sent
    again as it is once corrected, its ``record_kind``; returns how many."""
    refused = [o for o in outcomes if o.result in ("rejected", "duplicate")]
    if refused:
        conn.execute(insert(m.RejectedRecord), [
            {"source_id": source_id, "run_id": run_id, "raw": o.raw, "reason": o.reason or o.result, "created_at": now,
             "record_kind": record_kind,
             "external_id": o.external_id[:EXTERNAL_ID_MAX_CHARS] if isinstance(o.external_id, str) else None}
            for o in refused])
    return len(refused)


def record_failure(engine: Engine, source_id: int, now: datetime, message: str) -> int | None:
    """After an unexpected error rolled a batch back: leave a failed run behind, if the database lets us."""
    try:
        with engine.begin() as conn:
            run_id = start_run(conn, source_id, now)
            finish_run(conn, source_id, run_id, now, time.perf_counter(), "failed", 0, 0, 0, message)
            return run_id
    except SQLAlchemyError:
        log.exception("could not record the failed run either")
        return None


Store = Callable[[Connection, Source, datetime], list[Outcome]]


def run_batch(engine: Engine, city_code: str, source_key: str, store: Store, *, label: str,
              now: datetime | None = None, record_kind: str | None = None) -> Report:
    """Store one batch through ``store(conn, source, now)`` (which writes the good records and
    returns an ``Outcome`` per record) as one run of the source; refused records are kept with
    ``record_kind``. Raises ``LookupError`` for an unknown source; a database error is re-raised
    after a failed run is recorded."""
    now = now or datetime.now(timezone.utc)
    started = time.perf_counter()
    source_id = None
    try:
        with engine.begin() as conn:
            source = find_source(conn, city_code, source_key)
            source_id = source.id
            run_id = start_run(conn, source.id, now)
            outcomes = store(conn, source, now)
            refused = keep_refused(conn, source.id, run_id, outcomes, now, record_kind)
            report = Report(source_key, run_id, outcomes)
            report.message = f"{label}: {report.summary_line()}"
            finish_run(conn, source.id, run_id, now, started, "ok", len(outcomes), report.count(*ACCEPTED), refused,
                       report.message)
            return report
    except SQLAlchemyError as exc:
        if source_id is not None:
            record_failure(engine, source_id, now, f"{label} failed: {type(exc).__name__}: {exc}"[:1000])
        raise
