"""Sending a refused record again, corrected by the data steward on /sources.

The steward sees the record masked (``rules.privacy``): names, phone numbers and the like read
``[disamarkan]``. A correction is therefore applied on top of the record as it was received:
a value the steward left as shown keeps its original (unmasked) value, a value they changed or
added replaces it. The corrected record goes through the same store as any other, as a new
run of its source (``via`` "correction"); when it is stored, the refused record is marked as
sent again and no longer waits on the list.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Engine, select, update

from cities import CityProfile
from data_sources import models as m
from data_sources.ingest.batch import ACCEPTED, Report
from data_sources.ingest.feeds import KINDS, ingest
from data_sources.rules.privacy import mask_record


class NotResubmittable(ValueError):
    """The record cannot be sent again (unknown, another city's, not a JSON object, no kind, already sent)."""


def merge_correction(original, shown, edited):
    """``edited`` on top of ``original``: where the steward left the ``shown`` (masked) value, the
    original stays; everything they changed or added is taken as they wrote it."""
    if isinstance(edited, dict) and isinstance(original, dict) and isinstance(shown, dict):
        return {key: merge_correction(original.get(key), shown.get(key), value) if key in original else value
                for key, value in edited.items()}
    if isinstance(edited, list) and isinstance(original, list) and isinstance(shown, list) and \
            len(edited) == len(original) == len(shown):
        return [merge_correction(o, s, e) for o, s, e in zip(original, shown, edited)]
    return original if edited == shown else edited


def resubmit(engine: Engine, profile: CityProfile, rejected_id: int, corrected: str, now: datetime) -> Report:
    """Store the corrected record (JSON text, as edited from its masked form); returns the report."""
    with engine.connect() as conn:
        row = conn.execute(select(m.RejectedRecord.raw, m.RejectedRecord.record_kind, m.RejectedRecord.resubmitted_at,
                                  m.Source.key, m.Source.city_code)
                           .join(m.Source, m.Source.id == m.RejectedRecord.source_id)
                           .where(m.RejectedRecord.id == rejected_id)).first()
    if row is None or row.city_code != profile.code:
        raise NotResubmittable("no such refused record")
    if row.resubmitted_at is not None:
        raise NotResubmittable("this record was corrected and sent again already")
    if row.record_kind not in KINDS:
        raise NotResubmittable("records of this kind (from a file import) cannot be sent again from here")
    try:
        original, edited = json.loads(row.raw), json.loads(corrected)
    except (TypeError, ValueError) as exc:
        raise NotResubmittable(f"the correction is not JSON: {exc}") from None
    if not isinstance(edited, dict):
        raise NotResubmittable("the correction must be one JSON object")
    record = merge_correction(original, json.loads(mask_record(row.raw)), edited)
    report = ingest(engine, profile, row.key, row.record_kind, [record], via="correction", now=now)
    if report.count(*ACCEPTED) or report.count("unchanged"):
        with engine.begin() as conn:
            conn.execute(update(m.RejectedRecord).where(m.RejectedRecord.id == rejected_id).values(resubmitted_at=now))
    return report
