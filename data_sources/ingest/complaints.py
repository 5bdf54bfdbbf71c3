"""Complaints in: create or update complaints, and record their status changes, for one source.

A complaint is identified by (source, ``external_id``): sending it again changes nothing; a
version with a newer ``updated_at`` replaces the stored one and adds a ``complaint_events``
row when its status changed. Its category (code, Open311 service code or name), its agency
and its place must be the city's; deadlines come from the category (``rules.flags``), and the
complaint's amber and red flags are brought up to date for the complaints the batch touched.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from cities import CityProfile
from data_sources import models as m
from data_sources.ingest.batch import Outcome, Source
from data_sources.ingest.geocode import Place, gazetteer, name_key
from data_sources.ingest.open311 import service_code_for
from data_sources.ingest.schemas import ComplaintIn, ComplaintUpdateIn
from data_sources.ingest.validation import in_order, validate
from data_sources.rules.deadlines import WorkCalendar
from data_sources.rules import complaint_rollups
from data_sources.rules.flags import amber_share, refresh_flags, response_clock

_CHUNK = 500
_STATUS_TIME = {"assigned": "assigned_at", "responded": "first_response_at", "resolved": "resolved_at",
                "rejected": "resolved_at"}


@dataclass(frozen=True)
class _Reference:
    """The city's categories and agencies by every name a record may use for them."""

    categories: dict[str, tuple[int, str, str]]  # key -> (id, code, agency code)
    agencies: dict[str, int]  # code -> id
    specs: dict[str, object]  # category code -> profile category

    @classmethod
    def read(cls, conn: Connection, profile: CityProfile) -> "_Reference":
        agencies = dict(conn.execute(select(m.Agency.code, m.Agency.id).where(m.Agency.city_code == profile.code)).all())
        rows = conn.execute(select(m.ComplaintCategory.id, m.ComplaintCategory.code, m.ComplaintCategory.name_id,
                                   m.ComplaintCategory.name_en, m.ComplaintCategory.open311_service_code, m.Agency.code)
                            .join(m.Agency, m.Agency.id == m.ComplaintCategory.agency_id)
                            .where(m.ComplaintCategory.city_code == profile.code)).all()
        specs = {c.code: c for c in profile.complaint_categories}
        categories: dict[str, tuple[int, str, str]] = {}
        for cid, code, name_id, name_en, service_code, agency in rows:
            for key in (name_key(name_id), name_key(name_en)):
                categories.setdefault(key, (cid, code, agency))
            if code in specs:
                categories[name_key(service_code_for(specs[code]))] = (cid, code, agency)
            if service_code:
                categories[name_key(service_code)] = (cid, code, agency)
            categories[name_key(code)] = (cid, code, agency)
        return cls(categories, agencies, specs)


def _existing(conn: Connection, source_id: int, external_ids: list[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for i in range(0, len(external_ids), _CHUNK):
        rows = conn.execute(select(m.Complaint.external_id, m.Complaint.id, m.Complaint.updated_at, m.Complaint.status,
                                   m.Complaint.category_id, m.Complaint.agency_id, m.Complaint.first_response_at,
                                   m.Complaint.reopened_at, m.Complaint.received_at)
                            .where(m.Complaint.source_id == source_id,
                                   m.Complaint.external_id.in_(external_ids[i:i + _CHUNK])))
        found.update({r.external_id: dict(r._mapping) for r in rows})
    return found


def _row(record: ComplaintIn, source: Source, category: tuple[int, str, str], agency_id: int, place: Place,
         clock) -> dict:
    return {
        "city_code": source.city_code, "source_id": source.id, "external_id": record.external_id,
        "category_id": category[0], "agency_id": agency_id, "kecamatan_id": place.kecamatan_id,
        "kelurahan_id": place.kelurahan_id, "lat": place.lat, "lon": place.lon, "located_by": place.located_by,
        "address": record.address, "description": record.description, "channel": record.channel or "api",
        "media_url": record.media_url, "reporter_name": record.reporter, "reporter_phone": record.reporter_phone,
        "reporter_email": record.reporter_email, "reporter_nik": record.reporter_nik, "status": record.status,
        "received_at": record.received_at, "assigned_at": record.assigned_at,
        "first_response_at": record.responded_at, "resolved_at": record.resolved_at,
        "response_due_at": clock.due_at, "response_amber_at": clock.amber_at,
        "resolution_due_at": clock.resolution_due_at, "reopened_at": None, "reopen_count": 0,
        "updated_at": record.updated_at or record.received_at,
    }


def _first_events(row: dict, complaint_id: int) -> list[dict]:
    """The history a new complaint arrives with: received, then each status time it carries."""
    events = [{"complaint_id": complaint_id, "status": "received", "at": row["received_at"], "agency_id": None,
               "note": None}]
    for status, column in (("assigned", "assigned_at"), ("responded", "first_response_at")):
        if row[column] is not None:
            events.append({"complaint_id": complaint_id, "status": status, "at": row[column],
                           "agency_id": row["agency_id"], "note": None})
    if row["status"] not in {e["status"] for e in events}:
        at = row["resolved_at"] if row["status"] in ("resolved", "rejected") and row["resolved_at"] else row["updated_at"]
        events.append({"complaint_id": complaint_id, "status": row["status"], "at": at, "agency_id": row["agency_id"],
                       "note": None})
    return events


def store_complaints(conn: Connection, profile: CityProfile, source: Source, raws: list, now: datetime) -> list[Outcome]:
    """Validate, place and store a batch of complaints (raw dicts); one ``Outcome`` per record."""
    valid, outcomes = validate(ComplaintIn, raws, now, id_aliases=("service_request_id",))
    reference = _Reference.read(conn, profile)
    places = gazetteer(conn, profile.code).place([{"lat": r.lat, "lon": r.lon, "kecamatan": r.kecamatan,
                                                   "kelurahan": r.kelurahan} for _, r, _ in valid])
    existing = _existing(conn, source.id, [r.external_id for _, r, _ in valid])
    calendar, share = WorkCalendar.for_profile(profile), amber_share(profile)
    new_rows, new_raws, changes = [], [], []
    for (index, record, raw), place in zip(valid, places):
        category = reference.categories.get(name_key(record.category))
        problems = [] if category else [f"category: {record.category!r} is not a category of the city"]
        if record.agency and record.agency not in reference.agencies:
            problems.append(f"agency: {record.agency!r} is not an agency of the city")
        if isinstance(place, str):
            problems.append(place)
        if problems:
            outcomes.append(Outcome(index, record.external_id, "rejected", "; ".join(problems), raw))
            continue
        agency_id = reference.agencies[record.agency or category[2]]
        stored = existing.get(record.external_id)
        updated_at = record.updated_at or record.received_at
        if stored is None:
            clock = response_clock(record.received_at, reference.specs[category[1]], calendar, share)
            new_rows.append(_row(record, source, category, agency_id, place, clock))
            new_raws.append((index, record.external_id))
        elif updated_at > stored["updated_at"]:
            changes.append((stored, record, category, agency_id, place, calendar, share, reference))
            outcomes.append(Outcome(index, record.external_id, "updated"))
        else:
            outcomes.append(Outcome(index, record.external_id, "unchanged",
                                    f"not newer than the stored version (updated_at {stored['updated_at'].isoformat()})"))
    created = _insert(conn, source.id, new_rows)
    outcomes += [Outcome(index, external_id, "created") for index, external_id in new_raws]
    touched = created + [_apply_update(conn, *change) for change in changes]
    if touched:
        refresh_flags(conn, source.city_code, now, complaint_ids=touched, created_ids=created)
        earlier = complaint_rollups.local_days_of((change[0]["received_at"] for change in changes), profile.timezone)
        complaint_rollups.refresh_complaints(conn, source.city_code, profile.timezone, touched, earlier)
    return in_order(outcomes)


def _insert(conn: Connection, source_id: int, rows: list[dict]) -> list[int]:
    """Insert new complaints and their first events; returns their ids.

    A plain executemany, then the ids read back by (source, external_id), which is unique: an
    INSERT .. RETURNING of a whole batch is one statement with ~27 parameters per row, which
    psycopg re-parses in Python for every batch (most of a PostgreSQL batch's time)."""
    if not rows:
        return []
    conn.execute(insert(m.Complaint), rows)
    stored = _existing(conn, source_id, [row["external_id"] for row in rows])
    ids = [stored[row["external_id"]]["id"] for row in rows]
    conn.execute(insert(m.ComplaintEvent), [event for row, cid in zip(rows, ids) for event in _first_events(row, cid)])
    return ids


def _apply_update(conn: Connection, stored: dict, record: ComplaintIn, category, agency_id: int, place: Place,
                  calendar, share, reference: _Reference) -> int:
    """A newer version of a stored complaint: its fields, its deadlines if it was reopened, and an
    event when its status changed."""
    values = {key: value for key, value in _row(record, Source(0, "", "", ""), category, agency_id, place,
                                                response_clock(record.received_at, reference.specs[category[1]],
                                                               calendar, share)).items()
              if key not in ("city_code", "source_id", "external_id", "reopened_at", "reopen_count")}
    updated_at = values["updated_at"]
    if record.status == "reopened" and stored["status"] != "reopened":
        clock = response_clock(updated_at, reference.specs[category[1]], calendar, share)
        values |= {"reopened_at": updated_at, "reopen_count": m.Complaint.reopen_count + 1,
                   "first_response_at": record.responded_at if record.responded_at and record.responded_at >= updated_at
                   else None, "resolved_at": None, "response_due_at": clock.due_at,
                   "response_amber_at": clock.amber_at, "resolution_due_at": clock.resolution_due_at}
    elif stored["reopened_at"] is not None:
        for column in ("response_due_at", "response_amber_at", "resolution_due_at"):
            values.pop(column)  # a reopened cycle keeps the deadlines it was given
    conn.execute(update(m.Complaint).where(m.Complaint.id == stored["id"]).values(**values))
    if record.status != stored["status"]:
        conn.execute(insert(m.ComplaintEvent).values(complaint_id=stored["id"], status=record.status, at=updated_at,
                                                     agency_id=agency_id, note=record.status_notes))
    return stored["id"]


# --- status updates ---------------------------------------------------------------------------------------


def store_updates(conn: Connection, profile: CityProfile, source: Source, raws: list, now: datetime) -> list[Outcome]:
    """Apply a batch of status changes (``ComplaintUpdateIn``) to this source's complaints. The same
    change sent again (same complaint, status and time) changes nothing."""
    valid, outcomes = validate(ComplaintUpdateIn, raws, now, key=lambda r: (r.external_id, r.status, r.at))
    reference = _Reference.read(conn, profile)
    existing = _existing(conn, source.id, sorted({r.external_id for _, r, _ in valid}))
    calendar, share = WorkCalendar.for_profile(profile), amber_share(profile)
    categories = {cid: code for cid, code, _ in reference.categories.values()}
    touched = []
    for index, record, raw in sorted(valid, key=lambda item: item[1].at):
        stored = existing.get(record.external_id)
        if stored is None:
            outcomes.append(Outcome(index, record.external_id, "rejected",
                                    f"external_id: no complaint {record.external_id!r} of source {source.key}", raw))
            continue
        if record.agency and record.agency not in reference.agencies:
            outcomes.append(Outcome(index, record.external_id, "rejected",
                                    f"agency: {record.agency!r} is not an agency of the city", raw))
            continue
        agency_id = reference.agencies[record.agency] if record.agency else stored["agency_id"]
        seen = conn.execute(select(m.ComplaintEvent.id).where(
            m.ComplaintEvent.complaint_id == stored["id"], m.ComplaintEvent.status == record.status,
            m.ComplaintEvent.at == record.at)).first()
        if seen:
            outcomes.append(Outcome(index, record.external_id, "unchanged", "this change is recorded already"))
            continue
        values = {"status": record.status, "updated_at": max(stored["updated_at"], record.at)}
        if record.status == "reopened":
            clock = response_clock(record.at, reference.specs[categories[stored["category_id"]]], calendar, share)
            values |= {"reopened_at": record.at, "reopen_count": m.Complaint.reopen_count + 1, "first_response_at": None,
                       "resolved_at": None, "response_due_at": clock.due_at, "response_amber_at": clock.amber_at,
                       "resolution_due_at": clock.resolution_due_at}
        elif record.status in _STATUS_TIME:
            column = _STATUS_TIME[record.status]
            if not (column == "first_response_at" and stored["first_response_at"] is not None):
                values[column] = record.at  # the first response is the first one; later ones are events
        if record.agency:
            values["agency_id"] = agency_id
        conn.execute(update(m.Complaint).where(m.Complaint.id == stored["id"]).values(**values))
        conn.execute(insert(m.ComplaintEvent).values(complaint_id=stored["id"], status=record.status, at=record.at,
                                                     agency_id=agency_id, note=record.note))
        stored.update(status=record.status, updated_at=values["updated_at"],
                      first_response_at=stored["first_response_at"] or values.get("first_response_at"))
        touched.append(stored["id"])
        outcomes.append(Outcome(index, record.external_id, "updated"))
    if touched:
        refresh_flags(conn, source.city_code, now, complaint_ids=sorted(set(touched)))
        complaint_rollups.refresh_complaints(conn, source.city_code, profile.timezone, touched)
    return in_order(outcomes)

