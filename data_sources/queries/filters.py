"""The complaint filter: what the /complaints page, its URL and the JSON API share.

A filter is parsed from query-string parameters (``period``, ``from``, ``to``, ``kecamatan``,
``category``, ``agency``, ``status``; lists comma-separated), checked against the city
profile, and turned into SQL conditions. It is a frozen dataclass so the memoized query
functions can use it as part of their cache key.

Periods are local calendar periods (the city's zone) turned into UTC bounds ``[start, end)``:
``today``, ``7d`` and ``30d`` (the last 7 or 30 days including today), ``month`` (this
calendar month) and ``custom`` (``from`` .. ``to`` inclusive, as YYYY-MM-DD).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Mapping
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select

from cities import CityProfile
from data_sources.models import COMPLAINT_STATUSES, Agency, Complaint, ComplaintCategory, Region

PERIODS = ("today", "7d", "30d", "month", "custom")
DEFAULT_PERIOD = "7d"
MAX_CUSTOM_DAYS = 3 * 366


class FilterError(ValueError):
    """A query parameter that cannot be used; ``problems`` lists (parameter, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{name}: {message}" for name, message in problems))


@dataclass(frozen=True)
class ComplaintFilter:
    city_code: str
    period: str
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive
    first_day: date  # local, inclusive (for the URL and labels)
    last_day: date  # local, inclusive
    kecamatan: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    agency: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    ignored: tuple[str, ...] = field(default=(), compare=False)  # unknown values dropped when parsing leniently

    # -- SQL ------------------------------------------------------------------------------------

    def scope(self):
        """Conditions on ``Complaint`` for everything but the period: city, place, category, agency, status."""
        conditions = [Complaint.city_code == self.city_code]
        if self.kecamatan:
            conditions.append(Complaint.kecamatan_id.in_(
                select(Region.id).where(Region.city_code == self.city_code, Region.code.in_(self.kecamatan))))
        if self.category:
            conditions.append(Complaint.category_id.in_(
                select(ComplaintCategory.id).where(ComplaintCategory.city_code == self.city_code,
                                                   ComplaintCategory.code.in_(self.category))))
        if self.agency:
            conditions.append(Complaint.agency_id.in_(
                select(Agency.id).where(Agency.city_code == self.city_code, Agency.code.in_(self.agency))))
        if self.status:
            conditions.append(Complaint.status.in_(self.status))
        return and_(*conditions)

    def received_in_period(self):
        return and_(self.scope(), Complaint.received_at >= self.start, Complaint.received_at < self.end)

    def without_kecamatan(self) -> "ComplaintFilter":
        return replace(self, kecamatan=())

    # -- URL ------------------------------------------------------------------------------------

    def query_params(self) -> dict[str, str]:
        params = {"period": self.period}
        if self.period == "custom":
            params |= {"from": self.first_day.isoformat(), "to": self.last_day.isoformat()}
        for name in ("kecamatan", "category", "agency", "status"):
            values = getattr(self, name)
            if values:
                params[name] = ",".join(values)
        return params

    def query_string(self) -> str:
        return "?" + urlencode(self.query_params(), safe=",")


def _values(params: Mapping, name: str) -> list[str]:
    raw = params.get(name)
    if raw is None:
        return []
    items = raw if isinstance(raw, (list, tuple)) else [raw]
    out: list[str] = []
    for item in items:
        out.extend(part.strip() for part in str(item).split(",") if part.strip())
    return list(dict.fromkeys(out))


def _single(params: Mapping, name: str):
    """One value of a parameter that may arrive as a list (repeated in the query string): the last."""
    value = params.get(name)
    if isinstance(value, (list, tuple)):
        return value[-1] if value else None
    return value


def _day(value, name: str, problems: list) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        problems.append((name, f"bukan tanggal YYYY-MM-DD / not a YYYY-MM-DD date: {value!r}"))
        return None


def period_days(period: str, today: date, first: date | None = None, last: date | None = None) -> tuple[date, date]:
    """The local days (inclusive) a period covers."""
    if period == "today":
        return today, today
    if period == "30d":
        return today - timedelta(days=29), today
    if period == "month":
        return today.replace(day=1), today
    if period == "custom" and first and last:
        return first, last
    return today - timedelta(days=6), today


def parse_filter(params: Mapping, profile: CityProfile, now: datetime, *, strict: bool = False) -> ComplaintFilter:
    """A filter from query parameters. Unknown codes raise ``FilterError`` when ``strict``
    (the API), or are dropped and listed in ``ignored`` (a page opened from an old link)."""
    problems: list[tuple[str, str]] = []
    tz = ZoneInfo(profile.timezone)
    today = now.astimezone(tz).date()

    period = str(_single(params, "period") or DEFAULT_PERIOD)
    if period not in PERIODS:
        problems.append(("period", f"harus salah satu dari / must be one of {', '.join(PERIODS)}: {period!r}"))
        period = DEFAULT_PERIOD
    first = _day(_single(params, "from"), "from", problems)
    last = _day(_single(params, "to"), "to", problems)
    if period == "custom":
        if first is None or last is None:
            problems.append(("from", "periode custom butuh from dan to / a custom period needs from and to"))
            period = DEFAULT_PERIOD
        elif first > last:
            problems.append(("to", "to sebelum from / to is before from"))
            first, last = last, first
        elif (last - first).days > MAX_CUSTOM_DAYS:
            problems.append(("from", f"periode lebih dari {MAX_CUSTOM_DAYS} hari / longer than {MAX_CUSTOM_DAYS} days"))
            first = last - timedelta(days=MAX_CUSTOM_DAYS)
    first_day, last_day = period_days(period, today, first, last)

    known = {
        "kecamatan": {r.code for r in profile.kecamatan},
        "category": {c.code for c in profile.complaint_categories},
        "agency": {a.code for a in profile.agencies},
        "status": set(COMPLAINT_STATUSES),
    }
    chosen: dict[str, tuple[str, ...]] = {}
    ignored: list[str] = []
    for name, allowed in known.items():
        values = _values(params, name)
        unknown = [v for v in values if v not in allowed]
        if unknown:
            problems.append((name, f"kode tidak dikenal / unknown code: {', '.join(unknown)}"))
            ignored.extend(f"{name}={v}" for v in unknown)
        chosen[name] = tuple(sorted(v for v in values if v in allowed))

    if problems and strict:
        raise FilterError(problems)
    start = datetime.combine(first_day, time.min, tz).astimezone(timezone.utc)
    end = datetime.combine(last_day + timedelta(days=1), time.min, tz).astimezone(timezone.utc)
    return ComplaintFilter(city_code=profile.code, period=period, start=start, end=end, first_day=first_day,
                           last_day=last_day, ignored=tuple(ignored), **chosen)
