"""The complaint filter: what the /complaints page, its URL and the JSON API share.

A filter is a period (``rules.periods``: ``period``, ``from``, ``to``) and lists of codes
(``kecamatan``, ``category``, ``agency``, ``status``; comma-separated in the URL) checked
against the city profile, turned into SQL conditions. ``parse_filter`` is the one parser:
a page parses once when the URL or a control changes and keeps the result in its store
(``to_store``); its callbacks read that back with ``from_store`` instead of parsing again.
It is a frozen dataclass so the memoized query functions can use it as part of their key.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Mapping
from urllib.parse import urlencode

from sqlalchemy import and_, select

from cities import CityProfile
from data_sources.models import COMPLAINT_STATUSES, Agency, Complaint, ComplaintCategory, Region
from data_sources.rules.periods import Period, PeriodError, Problem, parse_period

PERIODS = ("today", "7d", "30d", "month", "custom")
MAX_CUSTOM_DAYS = 3 * 366
CODE_LISTS = ("kecamatan", "category", "agency", "status")


class FilterError(ValueError):
    """Query parameters that cannot be used as given; ``problems`` lists each ``Problem``."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.parameter}: {p.value} ({p.key})" for p in self.problems))


@dataclass(frozen=True)
class ComplaintFilter:
    city_code: str
    period: Period
    kecamatan: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    agency: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = field(default=(), compare=False, repr=False)  # what the URL asked but was not used

    # the period's bounds, for the queries: UTC instants [start, end) and local days [first_day, last_day]
    start = property(lambda self: self.period.start)
    end = property(lambda self: self.period.end)
    first_day = property(lambda self: self.period.first_day)
    last_day = property(lambda self: self.period.last_day)

    # -- SQL ------------------------------------------------------------------------------------

    def scope(self, table=Complaint):
        """Conditions for everything but the period: city, place, category, agency, status; on
        ``Complaint`` or on a roll-up with the same columns (only those the filter uses)."""
        conditions = [table.city_code == self.city_code]
        if self.kecamatan:
            conditions.append(table.kecamatan_id.in_(
                select(Region.id).where(Region.city_code == self.city_code, Region.code.in_(self.kecamatan))))
        if self.category:
            conditions.append(table.category_id.in_(
                select(ComplaintCategory.id).where(ComplaintCategory.city_code == self.city_code,
                                                   ComplaintCategory.code.in_(self.category))))
        if self.agency:
            conditions.append(table.agency_id.in_(
                select(Agency.id).where(Agency.city_code == self.city_code, Agency.code.in_(self.agency))))
        if self.status:
            conditions.append(table.status.in_(self.status))
        return and_(*conditions)

    @property
    def beyond_category(self) -> bool:
        """Whether the filter narrows by anything but the category (the counts per hour are per category only)."""
        return bool(self.kecamatan or self.agency or self.status)

    @property
    def beyond_agency(self) -> bool:
        """Whether the filter narrows by anything but the agency (the response histograms are per agency only)."""
        return bool(self.kecamatan or self.category or self.status)

    def received_in_period(self):
        return and_(self.scope(), Complaint.received_at >= self.start, Complaint.received_at < self.end)

    def without_kecamatan(self) -> "ComplaintFilter":
        return replace(self, kecamatan=())

    # -- URL and store --------------------------------------------------------------------------

    def query_params(self) -> dict[str, str]:
        params = self.period.query_params()
        for name in CODE_LISTS:
            values = getattr(self, name)
            if values:
                params[name] = ",".join(values)
        return params

    def query_string(self) -> str:
        return "?" + urlencode(self.query_params(), safe=",")

    def to_store(self) -> dict:
        """The parsed filter as plain JSON for a page's store (read back by ``from_store``)."""
        return {"city": self.city_code, **self.period.to_store(), **{name: list(getattr(self, name)) for name in CODE_LISTS}}

    @classmethod
    def from_store(cls, data) -> "ComplaintFilter":
        """A filter written by ``to_store``; its shape is checked, its values were checked when
        it was parsed. Anything else (a forged callback body) raises ``FilterError``."""
        try:
            period = Period.from_store(data)
            codes = {name: data.get(name) or [] for name in CODE_LISTS}
            city = data["city"]
        except (PeriodError, AttributeError, KeyError, TypeError) as exc:
            raise FilterError([Problem("filter", "filter.problem.stored", str(exc)[:80])]) from None
        if not isinstance(city, str) or not all(isinstance(v, list) and all(isinstance(c, str) for c in v)
                                                for v in codes.values()):
            raise FilterError([Problem("filter", "filter.problem.stored", "codes")])
        return cls(city, period, **{name: tuple(values) for name, values in codes.items()})


def _values(params: Mapping, name: str) -> list[str]:
    raw = params.get(name)
    if raw is None:
        return []
    items = raw if isinstance(raw, (list, tuple)) else [raw]
    out: list[str] = []
    for item in items:
        out.extend(part.strip() for part in str(item).split(",") if part.strip())
    return list(dict.fromkeys(out))


def parse_filter(params: Mapping, profile: CityProfile, now: datetime, *, strict: bool = False) -> ComplaintFilter:
    """A filter from query parameters. Every problem (an unusable period or date, an unknown
    code) raises ``FilterError`` when ``strict`` (the API); otherwise it is replaced or
    dropped, and listed in ``problems`` (a page opened from an old link)."""
    period = parse_period(params, now, profile.timezone, keys=PERIODS, max_days=MAX_CUSTOM_DAYS)
    problems = list(period.problems)
    known = {
        "kecamatan": {r.code for r in profile.kecamatan},
        "category": {c.code for c in profile.complaint_categories},
        "agency": {a.code for a in profile.agencies},
        "status": set(COMPLAINT_STATUSES),
    }
    chosen: dict[str, tuple[str, ...]] = {}
    for name, allowed in known.items():
        values = _values(params, name)
        problems += [Problem(name, "filter.problem.unknown_code", f"{name}={v[:40]}") for v in values if v not in allowed]
        chosen[name] = tuple(sorted(v for v in values if v in allowed))
    if problems and strict:
        raise FilterError(problems)
    return ComplaintFilter(city_code=profile.code, period=period, problems=tuple(problems), **chosen)
