"""The briefing's period and the previous period it is compared with, from the URL query.

``?period=7d`` (the default: the last 7 local days, today included, against the 7 days
before), ``?period=30d`` (the last 30 days against the 30 before) or a custom range
``?start=2026-11-01&end=2026-11-14`` (local days, both inclusive; ``period=custom`` may be
given too) against the same number of days just before it.

Bounds are local days of the city's zone turned into UTC instants ``[start, end)``. A
period that runs past now is cut at now, and the previous period is cut at the same point
(it has exactly the same length), so a half-finished today is compared with the same hours
of the comparison period's last day rather than with a whole day.

Bad input never fails: each problem is listed in ``problems`` (an i18n key with its value,
for the page to show), the valid parts are kept and the rest falls back to the default.
A frozen dataclass, so memoized queries may take it as part of their cache key.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Mapping
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

PERIODS = ("7d", "30d", "custom")
DEFAULT_PERIOD = "7d"
PERIOD_DAYS = {"7d": 7, "30d": 30}
MAX_DAYS = 366


@dataclass(frozen=True)
class BriefingPeriod:
    key: str  # "7d" | "30d" | "custom"
    first_day: date  # local, inclusive
    last_day: date  # local, inclusive
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive: the end of last_day, or now if that is earlier
    previous_first_day: date
    previous_last_day: date
    previous_start: datetime
    previous_end: datetime  # previous_start + (end - start)
    cut: bool = False  # the period runs up to now: its last day is not over yet
    problems: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # (i18n key, offending value)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def query_params(self) -> dict[str, str]:
        if self.key == "custom":
            return {"start": self.first_day.isoformat(), "end": self.last_day.isoformat()}
        return {"period": self.key}

    def query_string(self) -> str:
        return "?" + urlencode(self.query_params())


def _utc_midnight(day: date, tz: str) -> datetime:
    return datetime.combine(day, time.min, ZoneInfo(tz)).astimezone(timezone.utc)


def _single(params: Mapping, name: str) -> str | None:
    value = params.get(name)
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else None
    return None if value in (None, "") else str(value)


def _day(params: Mapping, name: str, problems: list) -> date | None:
    value = _single(params, name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        problems.append(("briefing.problem.date", f"{name}={value}"))
        return None


def make_period(key: str, first_day: date, last_day: date, now: datetime, tz: str,
                problems: tuple = ()) -> BriefingPeriod:
    """The period [first_day, last_day] (local days) cut at ``now``, and its previous period."""
    days = (last_day - first_day).days + 1
    start = _utc_midnight(first_day, tz)
    full_end = _utc_midnight(last_day + timedelta(days=1), tz)
    end = min(full_end, max(now, start))
    previous_first = first_day - timedelta(days=days)
    previous_start = _utc_midnight(previous_first, tz)
    return BriefingPeriod(key=key, first_day=first_day, last_day=last_day, start=start, end=end,
                          previous_first_day=previous_first, previous_last_day=first_day - timedelta(days=1),
                          previous_start=previous_start, previous_end=previous_start + (end - start),
                          cut=end < full_end, problems=tuple(problems))


def parse_period(params: Mapping, now: datetime, tz: str) -> BriefingPeriod:
    """The briefing period from query parameters (``period``, ``start``, ``end``), never failing."""
    problems: list[tuple[str, str]] = []
    today = now.astimezone(ZoneInfo(tz)).date()
    key = _single(params, "period")
    first, last = _day(params, "start", problems), _day(params, "end", problems)
    if key is not None and key not in PERIODS:
        problems.append(("briefing.problem.period", f"period={key}"))
        key = None
    if key is None:
        key = "custom" if first or last else DEFAULT_PERIOD
    if key in PERIOD_DAYS:
        if first or last:
            problems.append(("briefing.problem.dates_ignored", f"period={key}"))
        return make_period(key, today - timedelta(days=PERIOD_DAYS[key] - 1), today, now, tz, problems)

    # custom: keep whichever date is valid, complete the other
    if first is None and last is None:
        problems.append(("briefing.problem.no_dates", "period=custom"))
        return make_period(DEFAULT_PERIOD, today - timedelta(days=6), today, now, tz, problems)
    if last is not None and last > today:
        problems.append(("briefing.problem.future", f"end={last.isoformat()}"))
        last = today
    last = last or today
    first = first or last - timedelta(days=6)
    if first > today:
        problems.append(("briefing.problem.future", f"start={first.isoformat()}"))
        return make_period(DEFAULT_PERIOD, today - timedelta(days=6), today, now, tz, problems)
    if first > last:
        problems.append(("briefing.problem.swapped", f"start={first.isoformat()}, end={last.isoformat()}"))
        first, last = last, first
    if (last - first).days + 1 > MAX_DAYS:
        problems.append(("briefing.problem.too_long", f"{(last - first).days + 1}"))
        first = last - timedelta(days=MAX_DAYS - 1)
    return make_period("custom", first, last, now, tz, problems)
