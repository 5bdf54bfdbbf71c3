"""When agencies report their KPIs: the periods (months, quarters, years, each named by its
first day), when a period closes, and which reports are due or late.

A period's report is **due** once the period has ended and **late** once ``grace_days`` more
have passed without a value (10 days by default: agencies report the month by the 10th of the
next). The periods an agency may still fill in (the **open** periods of its template) are the
last ``open_count`` that have ended.
"""
from __future__ import annotations

from datetime import date, timedelta

MONTHS_IN = {"monthly": 1, "quarterly": 3, "yearly": 12}
GRACE_DAYS = 10


def period_start(day: date, period: str) -> date:
    """The first day of the period that holds ``day``."""
    months = MONTHS_IN[period]
    month = (day.month - 1) // months * months + 1
    return date(day.year, month, 1)


def shift(start: date, period: str, steps: int) -> date:
    """The period ``steps`` periods after (or, negative, before) the one starting on ``start``."""
    index = start.year * 12 + start.month - 1 + steps * MONTHS_IN[period]
    return date(index // 12, index % 12 + 1, 1)


def period_end(start: date, period: str) -> date:
    """The first day after the period."""
    return shift(start, period, 1)


def last_closed(today: date, period: str) -> date:
    """The newest period that has ended by ``today``."""
    return shift(period_start(today, period), period, -1)


def open_periods(today: date, period: str, open_count: int = 3) -> list[date]:
    """The newest ``open_count`` ended periods, oldest first: what a template asks for."""
    newest = last_closed(today, period)
    return [shift(newest, period, -steps) for steps in range(open_count - 1, -1, -1)]


def late_since(start: date, period: str, grace_days: int = GRACE_DAYS) -> date:
    """The day from which the report for the period starting on ``start`` is late."""
    return period_end(start, period) + timedelta(days=grace_days)


def late_periods(reported: set[date], today: date, period: str, first: date,
                 grace_days: int = GRACE_DAYS) -> list[date]:
    """Periods from ``first`` on whose report is late by ``today`` and missing from ``reported``."""
    out, start = [], period_start(first, period)
    while late_since(start, period, grace_days) <= today:
        if start not in reported:
            out.append(start)
        start = shift(start, period, 1)
    return out


def label(start: date, period: str, lang: str) -> str:
    """A period as people name it: "Nov 2026", "T3 2026" / "Q3 2026", "2026"."""
    if period == "yearly":
        return str(start.year)
    if period == "quarterly":
        return f"{'T' if lang == 'id' else 'Q'}{(start.month - 1) // 3 + 1} {start.year}"
    months_id = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
    months_en = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return f"{(months_id if lang == 'id' else months_en)[start.month - 1]} {start.year}"
