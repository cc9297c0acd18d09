"""Daily progress, pure: a campaign's local date, the status of each day from the updates (the last
update of a day wins and is carried forward until the next one), due buckets, the default window
of the daily table, and calendar bars laid out in lanes week by week. No Django import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CLOSED = frozenset({"done", "cancelled"})


def local_date(now: dt.datetime, time_zone: str) -> dt.date:
    """The calendar date at the aware instant `now` in `time_zone` (UTC for a name the time-zone
    database does not know, so that one bad row cannot stop a job that serves every campaign)."""
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return now.astimezone(zone).date()


def is_overdue(end: dt.date, status: str, today: dt.date) -> bool:
    """Past its end date and neither done nor cancelled."""
    return status not in CLOSED and end < today


def due_bucket(end: dt.date, today: dt.date) -> str:
    """"overdue", "today", "week" (the rest of this Monday-to-Sunday week) or "later"."""
    if end < today:
        return "overdue"
    if end == today:
        return "today"
    if end <= today + dt.timedelta(days=6 - today.weekday()):
        return "week"
    return "later"


def days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def default_window(period_start: dt.date, period_end: dt.date, today: dt.date,
                   short: int = 14) -> tuple[dt.date, dt.date]:
    """The days the daily table opens on: the whole period when it is short, else the Monday-to-
    Sunday week of today (of the first week before the period, of the last week after it)."""
    if (period_end - period_start).days + 1 <= short:
        return period_start, period_end
    anchor = min(max(today, period_start), period_end)
    monday = anchor - dt.timedelta(days=anchor.weekday())
    return monday, monday + dt.timedelta(days=6)


# ---- the tasks × days table ---------------------------------------------------------------------

@dataclass(frozen=True)
class Mark:
    """One update: the task's status and % complete as of `date`."""

    date: dt.date
    status: str
    percent: int
    note: str = ""
    automatic: bool = False
    author: str = ""


@dataclass(frozen=True)
class DayCell:
    date: dt.date
    mark: Mark | None            # the status that day; None before the first update and after today
    fresh: bool = False          # updated that very day (not carried forward)
    notes: tuple[Mark, ...] = ()  # every update of that day, in order


def day_states(days: Sequence[dt.date], marks: Sequence[Mark], *, prior: Mark | None,
               today: dt.date) -> list[DayCell]:
    """The status of a task on each of `days` (ascending, consecutive): the last update of the
    day, else the last one before it (`prior`: the last update before the first day). `marks` are
    sorted by date, then in the order they were made. Days after `today` have no status yet."""
    if not days:
        return []
    by_day: dict[dt.date, list[Mark]] = {}
    for m in marks:
        if m.date < days[0]:
            prior = m if prior is None or m.date >= prior.date else prior
        else:
            by_day.setdefault(m.date, []).append(m)
    cells, current = [], prior
    for day in days:
        todays = by_day.get(day, [])
        if todays:
            current = todays[-1]
        if day > today:
            cells.append(DayCell(day, None, False, tuple(todays)))
        else:
            cells.append(DayCell(day, current, bool(todays), tuple(todays)))
    return cells


# ---- calendar bars ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Segment:
    """The part of a bar inside one week: columns `col` .. `col + span - 1` (0 = Monday) on `lane`;
    `starts` / `ends` say whether the bar really starts / ends in this week."""

    key: Hashable
    col: int
    span: int
    lane: int
    starts: bool
    ends: bool


def week_segments(items: Sequence[tuple[Hashable, dt.date, dt.date]], monday: dt.date) -> list[Segment]:
    """Bars (key, start, end) clipped to the week from `monday`, each on the first lane free
    over its days; earlier and longer bars take the upper lanes."""
    sunday = monday + dt.timedelta(days=6)
    inside = [(key, max(s, monday), min(e, sunday), s, e) for key, s, e in items if s <= sunday and e >= monday]
    inside.sort(key=lambda x: (x[1], -(x[2] - x[1]).days))
    lanes: list[int] = []       # per lane: the last column taken
    out = []
    for key, s, e, real_s, real_e in inside:
        col, last = (s - monday).days, (e - monday).days
        lane = next((i for i, taken in enumerate(lanes) if taken < col), len(lanes))
        if lane == len(lanes):
            lanes.append(last)
        else:
            lanes[lane] = last
        out.append(Segment(key, col, last - col + 1, lane, real_s >= monday, real_e <= sunday))
    return out
