"""Response deadlines and red flags: the one place these rules live.

A complaint's response clock starts when it is received, or again when it is reopened
after resolution (a new cycle). It must get an agency response by ``response_due_at``
(calendar or working hours, see ``deadlines``). It is

- **amber** from ``response_amber_at`` (the profile's share of the deadline) until the deadline,
- **red** once the deadline has passed with no response: a response at exactly the deadline
  is on time, so red starts strictly after it,
- neither once it has been answered, resolved or rejected.

``refresh_flags`` keeps ``complaint_flags`` (when each flag was raised and cleared) in step
with these rules using set-based SQL, so it costs the same for ten complaints or a million.
The same SQL conditions serve the tiles and lists (``red_condition``), so the page and the
flag record cannot disagree.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Connection, and_, case, exists, func, insert, literal, not_, or_, select, text, union, update

from cities import CityProfile
from cities import ComplaintCategory as CategorySpec
from data_sources.rules.deadlines import WorkCalendar, due_at
from data_sources.models import OPEN_STATUS_SQL, Complaint, ComplaintCategory, ComplaintEvent, ComplaintFlag

Level = Literal["amber", "red"]

# The share of complaints answered on time that an agency is held to: at or above the target
# is good, down to the warning share is a warning, below it is bad (``components.status``).
ON_TIME_TARGET = 0.9
ON_TIME_WARNING = 0.75


@dataclass(frozen=True)
class ResponseClock:
    """The response deadlines of one cycle of one complaint (all UTC)."""

    starts_at: datetime
    amber_at: datetime
    due_at: datetime
    resolution_due_at: datetime


def response_clock(starts_at: datetime, category: CategorySpec, calendar: WorkCalendar,
                   amber_share: float) -> ResponseClock:
    """Deadlines for a cycle starting at ``starts_at`` (receipt or reopening)."""
    working = category.working_hours_only
    return ResponseClock(
        starts_at=starts_at,
        amber_at=due_at(starts_at, category.response_hours * amber_share, working, calendar),
        due_at=due_at(starts_at, category.response_hours, working, calendar),
        resolution_due_at=due_at(starts_at, category.resolution_hours, working, calendar),
    )


def clock_for(profile: CityProfile, category_code: str, starts_at: datetime) -> ResponseClock:
    category = next(c for c in profile.complaint_categories if c.code == category_code)
    return response_clock(starts_at, category, WorkCalendar.for_profile(profile), amber_share(profile))


def amber_share(profile: CityProfile) -> float:
    return float(profile.red_flag.get("amber_share", 0.75))


def flag_level(now: datetime, clock: ResponseClock, responded_at: datetime | None,
               closed: bool = False) -> Level | None:
    """The flag a complaint carries at ``now`` in its current cycle."""
    if closed or (responded_at is not None and responded_at <= now):
        return None
    if now > clock.due_at:
        return "red"
    if now >= clock.amber_at:
        return "amber"
    return None


def answered_on_time(clock: ResponseClock, responded_at: datetime | None) -> bool | None:
    """True/False once answered; None while unanswered."""
    return None if responded_at is None else responded_at <= clock.due_at


# --- the same rules in SQL ---------------------------------------------------------------------

# literal values (not bound parameters), so the planner can use the partial index of open complaints
_OPEN = text("complaints." + OPEN_STATUS_SQL)


def open_condition():
    """Complaints still waiting for the city: every status but resolved and rejected."""
    return _OPEN


def red_condition(now: datetime):
    """Open, unanswered in the current cycle, and past the response deadline."""
    return and_(_OPEN, Complaint.first_response_at.is_(None), Complaint.response_due_at < now)


def amber_condition(now: datetime):
    """Open, unanswered, past the amber threshold but not yet past the deadline."""
    return and_(_OPEN, Complaint.first_response_at.is_(None), Complaint.response_amber_at <= now,
                Complaint.response_due_at >= now)


def _unanswered_until():
    """When the current cycle stopped being unanswered: the response, else the closure; NULL while open."""
    return case(
        (Complaint.first_response_at.is_not(None), Complaint.first_response_at),
        (_OPEN, None),
        else_=func.coalesce(Complaint.resolved_at, Complaint.updated_at),
    )


def _flag_sql(level: Level, now: datetime):
    """(start, began, cleared) SQL expressions of one flag level for the complaint row."""
    ended = _unanswered_until()
    due, amber = Complaint.response_due_at, Complaint.response_amber_at
    if level == "red":  # strictly after the deadline
        began = and_(due.is_not(None), or_(and_(ended.is_(None), due < now), and_(ended.is_not(None), due < ended)))
        return due, began, ended
    began = and_(amber.is_not(None), or_(and_(ended.is_(None), amber <= now), and_(ended.is_not(None), amber < ended)))
    cleared = case((and_(ended.is_not(None), ended <= due), ended), (due < now, due), else_=None)
    return amber, began, cleared


def refresh_flags(conn: Connection, city_code: str, now: datetime, since: datetime | None = None,
                  complaint_ids: list[int] | None = None, created_ids: Collection[int] = ()) -> dict[str, int]:
    """Raise missing flags and clear finished ones for one city, as of ``now``.

    Idempotent: a flag is keyed by (complaint, level, flagged_at), and flagged_at is the
    moment the rule says it began (the amber threshold or the deadline of that cycle).
    With ``since`` (the previous refresh, which must itself have covered everything before
    it), only complaints that changed since then or whose amber threshold or deadline fell
    in [since, now] are examined, which keeps a live tick cheap on a city with a million
    complaints; the bounds are inclusive, so a threshold exactly at ``since`` is not missed.
    With ``complaint_ids``, only those complaints are examined, and their flags are found by
    complaint id; those also in ``created_ids`` (made in this transaction, so without flags
    yet) skip the "raised already?" check and the clearing."""
    if complaint_ids is not None:
        return _refresh_listed(conn, city_code, now, complaint_ids, set(created_ids))
    scope = Complaint.city_code == city_code
    if since is not None:
        due, amber = Complaint.response_due_at, Complaint.response_amber_at
        changed = select(Complaint.id).where(scope, Complaint.updated_at >= since)  # ix_complaints_city_updated
        crossed = select(Complaint.id).where(scope, _OPEN, or_(and_(due >= since, due <= now),  # the open index
                                                                and_(amber >= since, amber <= now)))
        scope = Complaint.id.in_(union(changed, crossed))
    counts = {}
    for level in ("red", "amber"):
        counts[f"raised_{level}"] = _raise(conn, level, now, scope, check_raised=True)
        mine = and_(Complaint.id == ComplaintFlag.complaint_id, scope)  # a flag ends by a change or a deadline
        counts[f"cleared_{level}"] = _clear(conn, level, now, mine, ComplaintFlag.level == level)
    return counts


def _refresh_listed(conn: Connection, city_code: str, now: datetime, complaint_ids: list[int],
                    created: set[int]) -> dict[str, int]:
    """``refresh_flags`` for listed complaints (an ingest batch that created or changed them).

    A new complaint has no flag yet, and the flags raised for it below already carry their
    clearing time, so only the changed complaints need the look-up and the clearing; both go
    by complaint id (ix_complaint_flags_complaint_level_flagged), not by level and deadline,
    which would read every flag sharing a working-hours deadline or every open flag of a level."""
    new = sorted({i for i in complaint_ids if i in created})
    changed = sorted({i for i in complaint_ids if i not in created})
    city = Complaint.city_code == city_code
    counts = {}
    for level in ("red", "amber"):
        raised = 0
        if new:
            raised += _raise(conn, level, now, and_(city, Complaint.id.in_(new)), check_raised=False)
        if changed:
            raised += _raise(conn, level, now, and_(city, Complaint.id.in_(changed)), check_raised=True)
        counts[f"raised_{level}"] = raised
        cleared = 0
        if changed:
            mine = and_(Complaint.id == ComplaintFlag.complaint_id, city)
            cleared = _clear(conn, level, now, mine, ComplaintFlag.complaint_id.in_(changed),
                             ComplaintFlag.level == level)
        counts[f"cleared_{level}"] = cleared
    return counts


def _raise(conn: Connection, level: Level, now: datetime, scope, check_raised: bool) -> int:
    """Insert the ``level`` flags that began for the complaints in ``scope``; returns how many.
    ``check_raised=False`` is for complaints known to have no flag yet."""
    start, began, cleared = _flag_sql(level, now)
    condition = and_(scope, began)
    if check_raised:
        already = exists().where(ComplaintFlag.complaint_id == Complaint.id, ComplaintFlag.level == level,
                                 ComplaintFlag.flagged_at == start)
        condition = and_(condition, not_(already))
    raised = conn.execute(insert(ComplaintFlag).from_select(
        ["complaint_id", "level", "flagged_at", "cleared_at"],
        select(Complaint.id, literal(level), start, cleared).where(condition),
    ).returning(ComplaintFlag.id))
    return len(raised.all())  # rowcount of INSERT..SELECT is -1 on some drivers


def _clear(conn: Connection, level: Level, now: datetime, mine, *flags) -> int:
    """Set ``cleared_at`` on the open flags matching ``flags`` whose complaint (``mine``: the
    flag's complaint, in scope) says the flag has ended; returns how many."""
    _, _, cleared = _flag_sql(level, now)
    cleared_value = select(cleared).where(mine).scalar_subquery()
    closed = conn.execute(
        update(ComplaintFlag)
        .where(*flags, ComplaintFlag.cleared_at.is_(None), exists().where(mine, cleared.is_not(None)))
        .values(cleared_at=cleared_value)
    )
    return closed.rowcount or 0


def reopen(conn: Connection, profile: CityProfile, complaint_id: int, at: datetime, note: str | None = None) -> ResponseClock:
    """Reopen a resolved complaint: a new cycle with fresh deadlines from ``at``."""
    code, agency_id = conn.execute(
        select(ComplaintCategory.code, Complaint.agency_id)
        .join(ComplaintCategory, ComplaintCategory.id == Complaint.category_id)
        .where(Complaint.id == complaint_id)
    ).one()
    clock = clock_for(profile, code, at)
    conn.execute(update(Complaint).where(Complaint.id == complaint_id).values(
        status="reopened", reopened_at=at, reopen_count=Complaint.reopen_count + 1, first_response_at=None,
        resolved_at=None, response_amber_at=clock.amber_at, response_due_at=clock.due_at,
        resolution_due_at=clock.resolution_due_at, updated_at=at))
    conn.execute(insert(ComplaintEvent).values(complaint_id=complaint_id, status="reopened", at=at,
                                               agency_id=agency_id, note=note or "Aduan dibuka kembali"))
    return clock
