"""Move a plan in time, keeping each row's offset and length in working days (pure Python)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .workdays import WorkCalendar


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Offsets:
    """Where a row sits, in working days from the plan's anchor: start offset and length."""

    start_offset: int
    duration: int


def to_offsets(cal: WorkCalendar, anchor: dt.date, window: Window) -> Offsets:
    """Offsets of a dated window relative to `anchor`. A start on a day off counts from the next
    working day; the length is the number of working days in the window (at least one)."""
    first = cal.next_working_day(anchor)
    start = cal.next_working_day(window.start)
    offset = max(cal.working_days_between(first, start), 0)
    duration = max(cal.working_days_in(window.start, window.end), 1)
    return Offsets(offset, duration)


def to_window(cal: WorkCalendar, anchor: dt.date, offsets: Offsets) -> Window:
    """The dated window `offsets` lands on when the plan starts on `anchor`."""
    start = cal.add_working_days(cal.next_working_day(anchor), offsets.start_offset)
    end = cal.add_working_days(start, max(offsets.duration, 1) - 1)
    return Window(start, end)
