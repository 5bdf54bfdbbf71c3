"""The early warning against the database: what ``rules.early_warning`` needs, read in SQL,
and its alerts stored in ``complaint_alerts``.

A ``BurstWatch`` belongs to the process that runs it (the worker, or the demo's simulator):
it fits the baseline once per local day from the daily complaint roll-ups (city-wide hours
from the raw rows of the window, a few hundred thousand at a million complaints, grouped in
SQL), and on every run reads only the complaints of the longest window, detects, and
raises, updates or clears alerts in the same transaction. Each run costs a few
milliseconds plus the daily refit (``benchmarks/early_warning.py``).
"""
from __future__ import annotations

import json
import logging
from datetime import date, datetime, timedelta

import pandas as pd
from shapely.geometry import shape
from sqlalchemy import Connection, func, insert, select, update

from cities import CityProfile
from data_sources import models as m
from data_sources.frames import to_frame
from data_sources.geo import neighbours
from data_sources.rules import complaint_rollups
from data_sources.rules import early_warning as ew
from data_sources.rules.deadlines import WorkCalendar
from data_sources.rules.periods import local_midnight, local_today
from data_sources.sqlfuncs import local_day, local_hour

log = logging.getLogger(__name__)

C = m.Complaint


def warning_settings(profile: CityProfile) -> ew.WarningSettings:
    return ew.WarningSettings.from_mapping(profile.early_warning.model_dump())


def _history(conn: Connection, city_code: str, tz: str, first: date, today: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(daily_cells, hourly_categories) of the local days [first, today), as ``fit_baseline``
    reads them: from the daily roll-ups when the city has them, else grouped from raw rows."""
    if complaint_rollups.is_built(conn, city_code):
        d, h = m.ComplaintDaily, m.ComplaintDailyHour
        cells = select(d.day, d.kecamatan_id, d.category_id, func.sum(d.received)).where(
            d.city_code == city_code, d.day >= first, d.day < today, d.kecamatan_id.is_not(None)).group_by(
            d.day, d.kecamatan_id, d.category_id)
        hours = select(h.day, h.hour, h.category_id, func.sum(h.n)).where(
            h.city_code == city_code, h.day >= first, h.day < today).group_by(h.day, h.hour, h.category_id)
    else:
        start, end = local_midnight(first, tz), local_midnight(today, tz)
        window = (C.city_code == city_code, C.received_at >= start, C.received_at < end)
        day, hour = local_day(C.received_at, tz), local_hour(C.received_at, tz)
        cells = select(day, C.kecamatan_id, C.category_id, func.count()).where(
            *window, C.kecamatan_id.is_not(None)).group_by(day, C.kecamatan_id, C.category_id)
        hours = select(day, hour, C.category_id, func.count()).where(*window).group_by(day, hour, C.category_id)
    daily = to_frame(conn.execute(cells), columns=["day", "kecamatan_id", "category_id", "count"])
    hourly = to_frame(conn.execute(hours), columns=["day", "hour", "category_id", "count"])
    for frame in (daily, hourly):
        frame["day"] = [date.fromisoformat(str(value)[:10]) for value in frame["day"]]
        frame["count"] = pd.to_numeric(frame["count"]).astype(int)
    return daily, hourly


def kecamatan_neighbours(conn: Connection, city_code: str) -> dict[int, set[int]]:
    rows = conn.execute(select(m.Region.id, m.Region.geometry).where(
        m.Region.city_code == city_code, m.Region.level == "kecamatan", m.Region.geometry.is_not(None)))
    return neighbours({row.id: shape(json.loads(row.geometry)) for row in rows})


def _state(row) -> ew.AlertState:
    return ew.AlertState(
        key=row.key, category_id=row.category_id,
        kecamatan_ids=tuple(int(part) for part in row.region_ids.split(",") if part), window_hours=row.window_hours,
        observed=row.observed, expected=row.expected, score=row.score, raised_at=row.raised_at,
        updated_at=row.updated_at, last_seen_at=row.last_seen_at, cleared_at=row.cleared_at,
        last_score=row.last_score or 0.0)


def _values(alert: ew.AlertState) -> dict:
    return {"key": alert.key, "category_id": alert.category_id,
            "region_ids": ",".join(str(k) for k in alert.kecamatan_ids), "window_hours": alert.window_hours,
            "observed": alert.observed, "expected": alert.expected, "score": alert.score,
            "last_score": alert.last_score, "raised_at": alert.raised_at, "updated_at": alert.updated_at,
            "last_seen_at": alert.last_seen_at, "cleared_at": alert.cleared_at}


class BurstWatch:
    """The early warning of one city, run by one process (see the module's docstring)."""

    def __init__(self, profile: CityProfile) -> None:
        self.profile = profile
        self.settings = warning_settings(profile)
        self.calendar = WorkCalendar.for_profile(profile)
        self.baseline: ew.Baseline | None = None
        self.neighbours: dict[int, set[int]] = {}

    def refit(self, conn: Connection, today: date) -> ew.Baseline:
        """The baseline of ``today`` from the whole weeks before it."""
        tz, code = self.profile.timezone, self.profile.code
        first = today - timedelta(weeks=self.settings.baseline_weeks)
        daily, hourly = _history(conn, code, tz, first, today)
        kecamatan = conn.execute(select(m.Region.id).where(m.Region.city_code == code,
                                                           m.Region.level == "kecamatan")).scalars().all()
        categories = conn.execute(select(m.ComplaintCategory.id).where(
            m.ComplaintCategory.city_code == code)).scalars().all()
        oldest = conn.execute(select(func.min(C.received_at)).where(C.city_code == code)).scalar_one()
        self.neighbours = kecamatan_neighbours(conn, code)
        self.baseline = ew.fit_baseline(daily, hourly, today=today, settings=self.settings, tz=tz,
                                        holidays=self.calendar.holidays_between(first, today),
                                        kecamatan_ids=kecamatan, category_ids=categories,
                                        history_start=local_today(oldest, tz) if oldest else today)
        return self.baseline

    def run(self, conn: Connection, now: datetime) -> dict[str, int]:
        """Detect at ``now`` and store what changed; returns counts (raised, updated, cleared, active)."""
        code, today = self.profile.code, local_today(now, self.profile.timezone)
        if self.baseline is None or self.baseline.today != today:
            self.refit(conn, today)
        span = timedelta(hours=max(self.settings.windows_hours))
        recent = to_frame(conn.execute(select(C.received_at, C.kecamatan_id, C.category_id).where(
            C.city_code == code, C.received_at > now - span, C.received_at <= now)),
            columns=["received_at", "kecamatan_id", "category_id"])
        signals = ew.detect(recent, self.baseline, now, self.neighbours, self.settings)
        alerts = m.ComplaintAlert
        stored = {row.key: row for row in conn.execute(select(alerts.__table__).where(
            alerts.city_code == code, alerts.cleared_at.is_(None)))}
        changes = ew.reconcile([_state(row) for row in stored.values()], signals, now, self.settings)
        for alert in changes.raised:
            conn.execute(insert(alerts).values(city_code=code, **_values(alert)))
            log.info("burst alert raised: %s (%s observed, %.1f expected)", alert.key, alert.observed, alert.expected)
        for alert in [*changes.updated, *changes.cleared]:
            conn.execute(update(alerts).where(alerts.id == stored[alert.key].id).values(**_values(alert)))
        return {"raised": len(changes.raised), "updated": len(changes.updated), "cleared": len(changes.cleared),
                "active": len(changes.active), "signals": len(signals)}
