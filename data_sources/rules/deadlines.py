"""Response and resolution deadlines.

A category's deadline counts either calendar hours or working hours (the profile's
weekdays and office hours, with Indonesian public holidays excluded). All inputs and
outputs are UTC; the working day is reckoned in the city's time zone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays as holiday_calendars

from cities import CityProfile


@dataclass(frozen=True)
class WorkCalendar:
    tz: ZoneInfo
    weekdays: frozenset[int]
    start: time
    end: time
    holidays_country: str | None = "ID"
    extra_holidays: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def for_profile(cls, profile: CityProfile) -> "WorkCalendar":
        wh = profile.working_hours
        return cls(
            tz=ZoneInfo(profile.timezone),
            weekdays=frozenset(wh.weekdays),
            start=time.fromisoformat(wh.start),
            end=time.fromisoformat(wh.end),
            holidays_country=wh.holidays_country or None,
        )

    @cached_property
    def _holidays(self):
        if not self.holidays_country:
            return {}
        return holiday_calendars.country_holidays(self.holidays_country)

    def holidays_between(self, first: date, last: date) -> set[date]:
        """The public holidays (and extra ones) from ``first`` to ``last``, inclusive."""
        days = (first + timedelta(days=i) for i in range((last - first).days + 1))
        return {day for day in days if day in self._holidays or day in self.extra_holidays}

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self._holidays and day not in self.extra_holidays

    def add_working_hours(self, start_utc: datetime, hours: float) -> datetime:
        """The UTC moment when ``hours`` of working time have passed since ``start_utc``."""
        remaining = timedelta(hours=hours)
        cursor = start_utc.astimezone(self.tz)
        for _ in range(3660):  # ten years of days: a calendar with no working day at all ends here
            day = cursor.date()
            day_start = datetime.combine(day, self.start, self.tz)
            day_end = datetime.combine(day, self.end, self.tz)
            if self.is_working_day(day) and cursor < day_end:
                cursor = max(cursor, day_start)
                available = day_end - cursor
                if remaining <= available:
                    return (cursor + remaining).astimezone(timezone.utc)
                remaining -= available
            cursor = datetime.combine(day + timedelta(days=1), self.start, self.tz)
        raise ValueError("The working calendar has no working days")


def due_at(received_utc: datetime, hours: float, working_hours_only: bool, calendar: WorkCalendar) -> datetime:
    """Deadline for one complaint: calendar hours, or working hours on ``calendar``."""
    if working_hours_only:
        return calendar.add_working_hours(received_utc, hours)
    return (received_utc + timedelta(hours=hours)).astimezone(timezone.utc)
