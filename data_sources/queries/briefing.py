"""Figures of the briefing (/briefing and its PDF/PNG exports): a period against the previous
one of the same length (``rules.periods.Period.previous``). SQL aggregates only, small results.

Definitions (the page and the PDF print them too):

- **received**: complaints whose ``received_at`` falls in the period.
- **red flags raised** ("late"): rows of ``complaint_flags`` with level ``red`` whose
  ``flagged_at`` (the response deadline that passed unanswered) falls in the period, whenever
  the complaint was received. One complaint can be late twice if it was reopened and missed
  its new deadline too (each cycle is a flag).
- **answered on time**: of the complaints received in the period whose response can be
  judged now (answered, or unanswered past the deadline), the share answered by the deadline;
  the same rule as /complaints (``queries.complaints``, reused here).
- **uptime** per device kind: up seconds over known seconds in the daily group roll-ups
  (``device_uptime_group_daily``) of the period's local days; maintenance and unknown time
  excluded. Roll-ups are daily, so a period that runs up to now includes today's roll-up so
  far while its comparison period has whole days (a share, so this barely biases it).
- **red flags open now**: complaints past their deadline unanswered at the time of the
  briefing, whenever received (a year-old one included): the oldest, and the agencies with most.
- **KPIs off target**: each KPI's newest monthly value against its target, and the value
  before it (``queries.kpis.latest``); KPIs are monthly, so they do not follow the period.
"""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from sqlalchemy import and_, func, or_, select

from data_sources.db import database
from data_sources.frames import to_frame
from data_sources.models import (
    Agency,
    Complaint,
    ComplaintCategory,
    ComplaintFlag,
    Device,
    DeviceUptimeGroupDaily,
    Region,
)
from data_sources.queries import complaints
from data_sources.queries.filters import ComplaintFilter
from data_sources.rules.flags import red_condition
from data_sources.rules.periods import Period
from data_sources.runtime import cache

COMPLAINT_FIGURES = ["received", "answered", "answered_on_time", "judged", "share_on_time", "median_response_seconds",
                     "red_raised"]
AGENCY_COLUMNS = ["code", "name", "name_en", "received", "received_previous", "late", "late_previous", "share_on_time",
                  "share_on_time_previous", "median_response_hours"]
UPTIME_COLUMNS = ["kind", "devices", "target", "uptime", "uptime_previous"]


def _filters(city_code: str, period: Period) -> tuple[ComplaintFilter, ComplaintFilter]:
    """The period and its comparison period as complaint filters (whole city, no other filter)."""
    return ComplaintFilter(city_code=city_code, period=period), ComplaintFilter(city_code=city_code,
                                                                                period=period.previous())


def _red_raised(conn, city_code: str, period: Period) -> pd.DataFrame:
    """Red flags raised per agency id (None: complaints without agency). Columns: agency_id, late, late_previous."""
    flagged, previous = ComplaintFlag.flagged_at, period.previous()
    in_current = and_(flagged >= period.start, flagged < period.end)
    in_previous = and_(flagged >= previous.start, flagged < previous.end)
    stmt = (select(Complaint.agency_id, func.count().filter(in_current), func.count().filter(in_previous))
            .select_from(ComplaintFlag).join(Complaint, Complaint.id == ComplaintFlag.complaint_id)
            .where(Complaint.city_code == city_code, ComplaintFlag.level == "red", or_(in_current, in_previous))
            .group_by(Complaint.agency_id))
    return to_frame(conn.execute(stmt), columns=["agency_id", "late", "late_previous"])


def _period_figures(flt: ComplaintFilter, now: datetime, red_raised: int) -> dict:
    day_start = flt.start  # the summary's "today" figure is not used here
    figures = complaints.summary(flt, now, day_start)
    return {k: figures[k] for k in COMPLAINT_FIGURES[:-1]} | {"red_raised": int(red_raised)}


@cache.memoize()
def complaint_comparison(city_code: str, period: Period, now: datetime) -> dict[str, dict]:
    """{"current": figures, "previous": figures}; figures: ``COMPLAINT_FIGURES`` (shares as
    fractions or None, median in seconds or None)."""
    current, previous = _filters(city_code, period)
    with database.engine.connect() as conn:
        late = _red_raised(conn, city_code, period)
    return {"current": _period_figures(current, now, late["late"].sum()),
            "previous": _period_figures(previous, now, late["late_previous"].sum())}


@cache.memoize()
def agency_comparison(city_code: str, period: Period, now: datetime) -> pd.DataFrame:
    """One row per agency with complaints in either period. Columns: ``AGENCY_COLUMNS``; most
    late first, then most received.

    One population per row: the complaints *received in the period*. ``late`` counts those of
    them past their response deadline (answered late, or not answered by a deadline that has
    passed) and ``share_on_time`` the rest of those due: late = due - on time, so a row with
    late complaints can never read 100 % on time. (Red flags raised in the period, whenever
    the complaint came in, are the briefing's own tile.)"""
    current, previous = _filters(city_code, period)
    with database.engine.connect() as conn:
        names = to_frame(conn.execute(select(Agency.id, Agency.code, Agency.name, Agency.name_en)
                                      .where(Agency.city_code == city_code)),
                         columns=["agency_id", "code", "name", "name_en"])
    now_rows = complaints.by_agency(current, now).set_index("code")
    before = complaints.by_agency(previous, now, with_medians=False).set_index("code")
    frame = names.set_index("code")
    frame["received"] = now_rows["received"]
    frame["received_previous"] = before["received"]
    frame["late"] = now_rows["judged"] - now_rows["answered_on_time"]
    frame["late_previous"] = before["judged"] - before["answered_on_time"]
    frame["share_on_time"] = now_rows["share_on_time"]
    frame["share_on_time_previous"] = before["share_on_time"]
    frame["median_response_hours"] = now_rows["median_response_hours"]
    counts = ["received", "received_previous", "late", "late_previous"]
    frame[counts] = frame[counts].fillna(0).astype(int)
    frame = frame[frame[counts].sum(axis=1) > 0].reset_index()
    frame = frame.sort_values(["late", "received", "code"], ascending=[False, False, True], ignore_index=True)
    return frame[AGENCY_COLUMNS]


@cache.memoize()
def received_per_day(city_code: str, period: Period, tz: str) -> pd.DataFrame:
    """Complaints received per local day of both periods (whole days from the daily roll-ups).
    Columns: day (date), count; days without complaints are absent."""
    counts = pd.concat([complaints.trend(flt, tz, "day") for flt in _filters(city_code, period)], ignore_index=True)
    frame = counts.groupby("bucket", as_index=False)["count"].sum().rename(columns={"bucket": "day"})
    frame["day"] = [date.fromisoformat(str(d)[:10]) for d in frame["day"]]
    frame["count"] = frame["count"].astype(int)
    return frame.sort_values("day", ignore_index=True)[["day", "count"]]


@cache.memoize()
def uptime_comparison(city_code: str, period: Period, kinds: tuple[str, ...]) -> pd.DataFrame:
    """Uptime per device kind in both periods, from the daily group roll-ups. Columns:
    ``UPTIME_COLUMNS`` (devices: active now; target and uptime as fractions, None when unknown);
    one row per kind of ``kinds`` (the city profile's device kinds)."""
    gd, previous = DeviceUptimeGroupDaily, period.previous()
    in_current = and_(gd.day >= period.first_day, gd.day <= period.last_day)
    in_previous = and_(gd.day >= previous.first_day, gd.day <= previous.last_day)
    uptime = (select(gd.kind, func.sum(gd.up_seconds).filter(in_current), func.sum(gd.known_seconds).filter(in_current),
                     func.sum(gd.up_seconds).filter(in_previous), func.sum(gd.known_seconds).filter(in_previous))
              .where(gd.city_code == city_code, gd.day >= previous.first_day, gd.day <= period.last_day)
              .group_by(gd.kind))
    fleet = (select(Device.kind, func.count(), func.avg(Device.uptime_target))
             .where(Device.city_code == city_code, Device.active.is_(True)).group_by(Device.kind))
    with database.engine.connect() as conn:
        sums = {row[0]: row[1:] for row in conn.execute(uptime)}
        devices = {row[0]: row[1:] for row in conn.execute(fleet)}
    rows = []
    for kind in kinds:
        up, known, up_before, known_before = sums.get(kind, (None, None, None, None))
        count, target = devices.get(kind, (0, None))
        rows.append((kind, int(count), None if target is None else float(target) / 100,
                     float(up or 0) / float(known) if known else None,
                     float(up_before or 0) / float(known_before) if known_before else None))
    return pd.DataFrame(rows, columns=UPTIME_COLUMNS)


@cache.memoize()
def red_flags_now(city_code: str, now: datetime, oldest: int = 3, agencies: int = 3) -> dict:
    """The red flags open at ``now``, whenever received: {"total": n, "oldest": frame (external_id,
    name_id, name_en, kecamatan, agency, agency_en, response_due_at; oldest deadline first),
    "by_agency": frame (code, name, name_en, red; most first)}."""
    where = and_(Complaint.city_code == city_code, red_condition(now))
    kecamatan = Region.__table__.alias("kecamatan")
    oldest_stmt = (
        select(Complaint.external_id, ComplaintCategory.name_id, ComplaintCategory.name_en, kecamatan.c.name,
               Agency.name, Agency.name_en, Complaint.response_due_at)
        .join(ComplaintCategory, ComplaintCategory.id == Complaint.category_id)
        .outerjoin(kecamatan, kecamatan.c.id == Complaint.kecamatan_id)
        .outerjoin(Agency, Agency.id == Complaint.agency_id)
        .where(where).order_by(Complaint.response_due_at, Complaint.id).limit(oldest))
    by_agency_stmt = (
        select(Agency.code, Agency.name, Agency.name_en, func.count().label("red"))
        .join(Complaint, Complaint.agency_id == Agency.id).where(where)
        .group_by(Agency.code, Agency.name, Agency.name_en).order_by(func.count().desc(), Agency.code).limit(agencies))
    with database.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(Complaint).where(where)).scalar_one()
        oldest_frame = to_frame(conn.execute(oldest_stmt), columns=["external_id", "name_id", "name_en", "kecamatan",
                                                                    "agency", "agency_en", "response_due_at"])
        by_agency = to_frame(conn.execute(by_agency_stmt), columns=["code", "name", "name_en", "red"])
    return {"total": total, "oldest": oldest_frame, "by_agency": by_agency}
