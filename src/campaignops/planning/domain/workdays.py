"""Working-day calendars (pure Python, no Django).

A calendar knows a country's public holidays and make-up working days (调休) through the
`holidays` package, plus user overrides. Years the package does not cover yet (China publishes
its make-up days each winter) fall back to weekends only and are reported by `missing_years`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def covered_until(country: str) -> int:
    """The last year for which the holiday data of `country` is known to be complete."""
    cal = holidays.country_holidays(country)
    special = getattr(cal, "special_public_holidays", None)
    if country.upper() == "CN" and special:
        # China announces each year's days off and make-up working days (调休) in the winter
        # before: the last year listed is the last year whose working days are known.
        return max(special)
    return int(getattr(cal, "end_year", 2100))


@lru_cache(maxsize=256)
def _holiday_set(country: str, year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """(days off that would otherwise be working days, weekend days that are working days)."""
    cal = holidays.country_holidays(country, years=[year])
    off = frozenset(d for d in cal if d.year == year)
    weekend_work = frozenset(d for d in getattr(cal, "weekend_workdays", set()) if d.year == year)
    return off, weekend_work


@dataclass(frozen=True)
class WorkCalendar:
    """Working days of one country with user overrides (date -> is working day)."""

    country: str = "CN"
    overrides: Mapping[dt.date, bool] = field(default_factory=dict)

    def is_covered(self, day: dt.date) -> bool:
        return day.year <= covered_until(self.country)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if not self.is_covered(day):
            return day.weekday() < 5
        off, weekend_work = _holiday_set(self.country, day.year)
        if day in weekend_work:
            return True
        if day in off:
            return False
        return day.weekday() < 5

    def missing_years(self, days: Iterable[dt.date]) -> list[int]:
        """Years among `days` that fall back to weekends only (no holiday data yet)."""
        limit = covered_until(self.country)
        return sorted({d.year for d in days if d.year > limit})

    def next_working_day(self, day: dt.date) -> dt.date:
        """`day` itself when it is a working day, else the first working day after it."""
        for _ in range(3660):
            if self.is_working_day(day):
                return day
            day += dt.timedelta(days=1)
        raise ValueError("no working day within ten years")

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The working day `n` working days after `day` (n may be negative); `day` is first
        moved to a working day (forward for n >= 0, backward for n < 0)."""
        step = 1 if n >= 0 else -1
        while not self.is_working_day(day):
            day += dt.timedelta(days=step)
        remaining = abs(n)
        while remaining:
            day += dt.timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in [start, end) — negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            if self.is_working_day(day):
                count += 1
            day += dt.timedelta(days=1)
        return count

    def working_days_in(self, start: dt.date, end: dt.date) -> int:
        """Working days in the closed window [start, end]."""
        return self.working_days_between(start, end + dt.timedelta(days=1))

    def span(self, start: dt.date, duration: int) -> tuple[dt.date, dt.date]:
        """A window of `duration` working days (at least one) starting at the first working day
        on or after `start`."""
        first = self.next_working_day(start)
        return first, self.add_working_days(first, max(duration, 1) - 1)
