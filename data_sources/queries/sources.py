"""Sources, their freshness, their runs and the records they refused."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from data_sources.db import database
from data_sources.models import RejectedRecord, Source, SourceKey, SourceRun
from data_sources.frames import to_frame
from data_sources.rules.privacy import mask_rejected, mask_text
from data_sources.runtime import cache

SOURCE_COLUMNS = ["key", "name", "name_en", "kind", "feed", "freshness_budget_seconds", "last_success_at", "last_failure_at",
                  "last_error"]


@cache.memoize()
def source_status(city_code: str) -> pd.DataFrame:
    """Columns: ``SOURCE_COLUMNS`` (feed: what the source carries)."""
    stmt = select(*(getattr(Source, c) for c in SOURCE_COLUMNS)).where(Source.city_code == city_code).order_by(Source.key)
    with database.engine.connect() as conn:
        return to_frame(conn.execute(stmt), columns=SOURCE_COLUMNS)


def latest_runs(city_code: str, limit: int = 20) -> pd.DataFrame:
    """Columns: source, source_en, started_at, finished_at, status, rows_received, rows_accepted, rows_rejected, message."""
    stmt = (
        select(Source.name, Source.name_en, SourceRun.started_at, SourceRun.finished_at, SourceRun.status,
               SourceRun.rows_received, SourceRun.rows_accepted, SourceRun.rows_rejected, SourceRun.message)
        .join(Source, Source.id == SourceRun.source_id)
        .where(Source.city_code == city_code)
        .order_by(SourceRun.started_at.desc(), SourceRun.id.desc())
        .limit(limit)
    )
    with database.engine.connect() as conn:
        return to_frame(conn.execute(stmt), columns=[
            "source", "source_en", "started_at", "finished_at", "status", "rows_received", "rows_accepted",
            "rows_rejected", "message"])


def rejected_records(city_code: str, limit: int = 500, waiting_only: bool = True) -> pd.DataFrame:
    """Columns: id, source, source_en, created_at, external_id, record_kind, reason, raw (newest first; by
    default only those not yet corrected and sent again). Personal data is masked in the record
    and in the reason (which may quote a value from it)."""
    stmt = (
        select(RejectedRecord.id, Source.name, Source.name_en, RejectedRecord.created_at, RejectedRecord.external_id,
               RejectedRecord.record_kind, RejectedRecord.reason, RejectedRecord.raw)
        .join(Source, Source.id == RejectedRecord.source_id)
        .where(Source.city_code == city_code)
        .order_by(RejectedRecord.created_at.desc(), RejectedRecord.id.desc())
        .limit(limit)
    )
    if waiting_only:
        stmt = stmt.where(RejectedRecord.resubmitted_at.is_(None))
    with database.engine.connect() as conn:
        frame = to_frame(conn.execute(stmt), columns=["id", "source", "source_en", "created_at", "external_id",
                                                      "record_kind", "reason", "raw"])
    masked = [mask_rejected(raw, reason) for raw, reason in zip(frame["raw"], frame["reason"])]
    frame["raw"], frame["reason"] = [m[0] for m in masked], [m[1] for m in masked]
    frame["external_id"] = [mask_text(e) if isinstance(e, str) else e for e in frame["external_id"]]
    return frame


def source_keys(city_code: str) -> pd.DataFrame:
    """The sources' API keys, never the keys: source, name, prefix, created_at, last_used_at, revoked_at."""
    stmt = (select(Source.key, SourceKey.name, SourceKey.prefix, SourceKey.created_at, SourceKey.last_used_at,
                   SourceKey.revoked_at)
            .join(Source, Source.id == SourceKey.source_id).where(Source.city_code == city_code)
            .order_by(Source.key, SourceKey.created_at))
    with database.engine.connect() as conn:
        return to_frame(conn.execute(stmt), columns=["source", "name", "prefix", "created_at", "last_used_at",
                                                     "revoked_at"])
