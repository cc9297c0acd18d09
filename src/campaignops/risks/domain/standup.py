"""What the daily stand-up looks at (pure, no Django): which tasks are due today, overdue, blocked
or changed since the last stand-up, and which issues need an answer soon.

The lead's 15-minute sync (seed step 4): "done / in progress / delayed", unblock, and the 24-hour
response rule. A task is *overdue* when it is not done (nor cancelled) and either ended before
today or was marked delayed (by its owner or by the nightly job); *blocked* tasks get their own
list even when they are also overdue, so the stand-up sees both facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .rules import clock_state

CLOSED_TASK = frozenset({"done", "cancelled"})
OPEN_ISSUE = frozenset({"open", "in_progress"})
ATTENTION = dt.timedelta(hours=4)


@dataclass(frozen=True)
class TaskFact:
    id: int
    start: dt.date
    end: dt.date
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime
    touched_at: dt.datetime | None = None   # when its latest daily update was written

    @property
    def last_change(self) -> dt.datetime:
        return max(self.updated_at, self.touched_at) if self.touched_at else self.updated_at


@dataclass(frozen=True)
class IssueFact:
    id: int
    status: str
    deadline: dt.datetime
    resolved_at: dt.datetime | None


@dataclass(frozen=True)
class Sections:
    """Task and issue ids per section, each in the order the page lists them."""

    due_today: list[int]
    overdue: list[int]
    blocked: list[int]
    changed: list[int]
    new: list[int]                 # among `changed`: created since the last stand-up
    issues: list[int]
    days_late: dict[int, int]      # overdue task id -> calendar days past its end (0: marked delayed early)


def is_due_today(t: TaskFact, today: dt.date) -> bool:
    return t.status not in CLOSED_TASK and t.end == today


def is_overdue(t: TaskFact, today: dt.date) -> bool:
    return t.status not in CLOSED_TASK and (t.end < today or t.status == "delayed")


def is_changed(t: TaskFact, since: dt.datetime) -> bool:
    """Created, edited or given a daily update (by its owner or the nightly job) after `since`."""
    return t.last_change > since or t.created_at > since


def needs_answer(i: IssueFact, now: dt.datetime, within: dt.timedelta = ATTENTION) -> bool:
    """An unresolved issue whose response deadline is past or at most `within` away."""
    return i.status in OPEN_ISSUE and clock_state(now, i.deadline, None, within) in ("due_soon", "overdue")


def sections(tasks: Iterable[TaskFact], issues: Iterable[IssueFact], *, today: dt.date, now: dt.datetime,
             since: dt.datetime) -> Sections:
    """Sort the campaign's tasks and issues into the stand-up's lists.

    Tasks: due today and blocked by end date; overdue by end date (longest overdue first);
    changed: the most recent change first. Issues: nearest (or most overdue) deadline first."""
    rows = list(tasks)
    by_end = sorted(rows, key=lambda t: (t.end, t.id))
    overdue = [t for t in by_end if is_overdue(t, today)]
    changed = sorted((t for t in rows if is_changed(t, since)), key=lambda t: (-t.last_change.timestamp(), t.id))
    attention = sorted((i for i in issues if needs_answer(i, now)), key=lambda i: (i.deadline, i.id))
    return Sections(
        due_today=[t.id for t in by_end if is_due_today(t, today)],
        overdue=[t.id for t in overdue],
        blocked=[t.id for t in by_end if t.status == "blocked"],
        changed=[t.id for t in changed],
        new=[t.id for t in changed if t.created_at > since],
        issues=[i.id for i in attention],
        days_late={t.id: max((today - t.end).days, 0) for t in overdue},
    )


def since_when(last_standup_at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """Changes are counted from the previous stand-up, or over the last 24 hours before the first one."""
    return last_standup_at if last_standup_at is not None else now - dt.timedelta(hours=24)


@dataclass(frozen=True)
class Clock:
    """A response clock: its state and how far the deadline is (minutes, never negative)."""

    state: str         # running, due_soon, overdue, met, missed
    minutes: int


def clock(now: dt.datetime, deadline: dt.datetime, resolved_at: dt.datetime | None) -> Clock:
    state = clock_state(now, deadline, resolved_at, ATTENTION)
    reference = resolved_at if resolved_at is not None else now
    return Clock(state, int(abs((deadline - reference).total_seconds()) // 60))


def split_minutes(minutes: int) -> tuple[int, int, int]:
    """(days, hours, minutes) of a duration in minutes."""
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    return days, hours, mins
