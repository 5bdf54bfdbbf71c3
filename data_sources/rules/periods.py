"""Local days and periods: the city's calendar days as UTC instants, and the URL parameters
that name a period. Every page, API and export reads a period through ``parse_period``.

URL parameters:

- ``period``: ``today``, ``7d`` or ``30d`` (the last 1, 7 or 30 local days, today included),
  ``month`` (this calendar month so far) or ``custom``; each consumer offers a subset;
- ``from`` and ``to``: the first and last local day of a custom period, ``YYYY-MM-DD``, both
  included. ``start`` and ``end`` are accepted for the same (older briefing links use them).
  Dates without ``period`` mean ``custom``.

A period covers ``[start, end)`` in UTC: from local midnight of its first day to local
midnight after its last, or to ``now`` when it is cut there (``cut_at``): a half-finished
today is then compared with the same hours of the previous period (``previous``).

Bad input never fails the parse. Each problem is listed as a ``Problem`` (the parameter,
an i18n key and the offending value, for a page's warning or an API's 400) and replaced:
an unknown ``period`` by the default; a date that is not ``YYYY-MM-DD`` is ignored; a day
before ``MIN_DAY`` or after today is moved to that bound; ``from`` after ``to`` are
swapped; a range longer than the consumer allows keeps its last ``max_days``; dates given
with a fixed period are ignored. One missing end of a custom range is completed (``to``:
today; ``from``: six days before ``to``).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Mapping
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

PERIOD_KEYS = ("today", "7d", "30d", "month", "custom")
FIXED_DAYS = {"today": 1, "7d": 7, "30d": 30}
DEFAULT_PERIOD = "7d"
DATE_PARAMETERS = {"from": ("from", "start"), "to": ("to", "end")}  # canonical name -> accepted names
MIN_DAY = date(2000, 1, 1)  # no city data is older; earlier days in a link are moved here
DEFAULT_CUSTOM_DAYS = 7


# --- local days -----------------------------------------------------------------------------------


def local_today(moment: datetime, tz: str) -> date:
    """The local calendar day ``moment`` falls on in ``tz``."""
    return moment.astimezone(ZoneInfo(tz)).date()


def local_midnight(day: date, tz: str) -> datetime:
    """The UTC instant at which local ``day`` begins in ``tz``."""
    return datetime.combine(day, time.min, ZoneInfo(tz)).astimezone(timezone.utc)


def local_day_start(moment: datetime, tz: str) -> datetime:
    """The UTC instant of local midnight of the day ``moment`` falls on."""
    return local_midnight(local_today(moment, tz), tz)


def local_month_start(moment: datetime, tz: str) -> datetime:
    """The UTC instant at which the local calendar month of ``moment`` begins."""
    return local_midnight(local_today(moment, tz).replace(day=1), tz)


def local_days(start: datetime, end: datetime, tz: str) -> list[date]:
    """The local days that ``[start, end)`` touches, in order."""
    first, last = local_today(start, tz), local_today(end - timedelta(microseconds=1), tz)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# --- periods ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One part of a URL that could not be used as given: which parameter, why (an i18n key
    whose text takes ``{value}``) and the value at fault."""

    parameter: str
    key: str
    value: str


class PeriodError(ValueError):
    """A stored period (a page's store, a forged callback body) that is not one."""


@dataclass(frozen=True)
class Period:
    key: str  # one of PERIOD_KEYS
    first_day: date  # local, inclusive
    last_day: date  # local, inclusive
    tz: str
    start: datetime  # UTC, inclusive: local midnight of first_day
    end: datetime  # UTC, exclusive: local midnight after last_day, or now when cut
    cut: bool = False  # the period runs up to now: its last day is not over yet
    problems: tuple[Problem, ...] = field(default=(), compare=False, repr=False)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def dates(self) -> list[date]:
        """Every local day of the period, in order."""
        return [self.first_day + timedelta(days=i) for i in range(self.days)]

    def cut_at(self, now: datetime) -> "Period":
        """The same days, ending at ``now`` if that comes before their end."""
        full_end = local_midnight(self.last_day + timedelta(days=1), self.tz)
        end = min(full_end, max(now, self.start))
        return replace(self, end=end, cut=end < full_end)

    def previous(self) -> "Period":
        """The period of the same number of days just before, of exactly the same length
        (cut at the same hour when this one is cut)."""
        first = self.first_day - timedelta(days=self.days)
        start = local_midnight(first, self.tz)
        return replace(self, first_day=first, last_day=self.first_day - timedelta(days=1), start=start,
                       end=start + (self.end - self.start), problems=())

    def query_params(self) -> dict[str, str]:
        """The canonical URL parameters that give this period again."""
        if self.key == "custom":
            return {"period": "custom", "from": self.first_day.isoformat(), "to": self.last_day.isoformat()}
        return {"period": self.key}

    def query_string(self) -> str:
        return "?" + urlencode(self.query_params())

    def to_store(self) -> dict:
        """The resolved period as plain JSON (for a page's ``dcc.Store``), read back by ``from_store``."""
        return {"period": self.key, "from": self.first_day.isoformat(), "to": self.last_day.isoformat(), "tz": self.tz,
                "start": self.start.isoformat(), "end": self.end.isoformat(), "cut": self.cut}

    @classmethod
    def from_store(cls, data) -> "Period":
        """A period written by ``to_store``. It was parsed and checked when it was stored, so
        only its shape is checked here; anything else raises ``PeriodError``."""
        try:
            key, tz = data["period"], data["tz"]
            first, last = date.fromisoformat(data["from"]), date.fromisoformat(data["to"])
            start, end = datetime.fromisoformat(data["start"]), datetime.fromisoformat(data["end"])
            ZoneInfo(tz)
        except (TypeError, KeyError, ValueError, LookupError) as exc:
            raise PeriodError(f"not a stored period: {exc}") from None
        if (key not in PERIOD_KEYS or first > last or start.tzinfo is None or end.tzinfo is None or start > end
                or not isinstance(data.get("cut"), bool)):
            raise PeriodError("not a stored period: inconsistent values")
        return cls(key, first, last, tz, start.astimezone(timezone.utc), end.astimezone(timezone.utc), data["cut"])


def make_period(key: str, first_day: date, last_day: date, tz: str, problems=()) -> Period:
    """The whole local days ``first_day`` .. ``last_day``."""
    return Period(key, first_day, last_day, tz, local_midnight(first_day, tz),
                  local_midnight(last_day + timedelta(days=1), tz), problems=tuple(problems))


def fixed_days(key: str, today: date) -> tuple[date, date]:
    """The first and last local day of a period that is not custom."""
    if key == "month":
        return today.replace(day=1), today
    return today - timedelta(days=FIXED_DAYS[key] - 1), today


# --- URL parameters --------------------------------------------------------------------------------


def single(params: Mapping, name: str) -> str | None:
    """One value of a parameter that may arrive repeated (a list): the last; None when empty."""
    value = params.get(name)
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else None
    return None if value is None or str(value).strip() == "" else str(value).strip()


def _day(params: Mapping, name: str, today: date, problems: list[Problem]) -> date | None:
    """A date parameter (by its canonical name or an alias), moved into ``MIN_DAY`` .. ``today``."""
    for alias in DATE_PARAMETERS[name]:
        value = single(params, alias)
        if value is not None:
            break
    else:
        return None
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        problems.append(Problem(name, "period.problem.date", f"{alias}={value[:40]}"))
        return None
    if day < MIN_DAY:
        problems.append(Problem(name, "period.problem.too_early", f"{alias}={day.isoformat()}"))
        return MIN_DAY
    if day > today:
        problems.append(Problem(name, "period.problem.future", f"{alias}={day.isoformat()}"))
        return today
    return day


def parse_period(params: Mapping, now: datetime, tz: str, *, keys: tuple[str, ...] = PERIOD_KEYS,
                 default: str = DEFAULT_PERIOD, max_days: int = 366) -> Period:
    """The period a URL asks for among ``keys``, never failing (problems are in the result)."""
    problems: list[Problem] = []
    today = local_today(now, tz)
    key = single(params, "period")
    first, last = _day(params, "from", today, problems), _day(params, "to", today, problems)
    if key is not None and key not in keys:
        problems.append(Problem("period", "period.problem.period", f"period={key[:40]}"))
        key = None
    if key is None:
        key = "custom" if (first or last) and "custom" in keys else default
    if key != "custom":
        if first or last:
            problems.append(Problem("period", "period.problem.dates_ignored", f"period={key}"))
        return make_period(key, *fixed_days(key, today), tz, problems)
    if first is None and last is None:
        problems.append(Problem("from", "period.problem.no_dates", "period=custom"))
        return make_period(default, *fixed_days(default, today), tz, problems)
    last = last or today
    first = first or max(MIN_DAY, last - timedelta(days=DEFAULT_CUSTOM_DAYS - 1))
    if first > last:
        problems.append(Problem("to", "period.problem.swapped", f"from={first.isoformat()}, to={last.isoformat()}"))
        first, last = last, first
    if (last - first).days + 1 > max_days:
        problems.append(Problem("from", "period.problem.too_long", f"{(last - first).days + 1}"))
        first = last - timedelta(days=max_days - 1)
    return make_period("custom", first, last, tz, problems)
