"""The schedule engine (pure Python, no Django): dependencies, earliest/latest dates, slack, the
critical path, cycles, and the knock-on effect of a slip — all in working days of a calendar.

Dates are turned into working-day indices once (`DayIndex`), the passes run on integer arrays in
topological order, and the answers are turned back into dates.

Every dependency becomes one weighted edge p → s of a single successor list: with `w` = lag (+ the
predecessor's duration for finish-to-start), the forward pass is `es[s] >= es[p] + w` and the backward
pass `ls[p] <= ls[s] - w` for both dependency types. The topological sort and the forward pass are
one loop; the arrays are plain lists indexed by the task's position.
"""

from __future__ import annotations

import datetime as dt
import gc
from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from itertools import repeat
from operator import add, attrgetter, sub
from typing import NamedTuple

from .workdays import WorkCalendar

TaskId = Hashable


class DepType(StrEnum):
    FINISH_TO_START = "fs"
    START_TO_START = "ss"


@dataclass(frozen=True)
class Dependency:
    predecessor: TaskId
    successor: TaskId
    type: DepType = DepType.FINISH_TO_START
    lag: int = 0  # working days; may be negative (lead)


@dataclass(frozen=True)
class TaskSpec:
    id: TaskId
    start: dt.date   # planned start: the task starts no earlier than this
    end: dt.date     # planned end: its length in working days is kept
    group: Hashable | None = None  # e.g. the phase


class TaskSchedule(NamedTuple):
    id: TaskId
    early_start: dt.date
    early_finish: dt.date
    late_start: dt.date
    late_finish: dt.date
    slack: int          # working days
    critical: bool
    duration: int       # working days


class Move(NamedTuple):
    id: TaskId
    old_start: dt.date
    new_start: dt.date
    old_end: dt.date
    new_end: dt.date
    shift: int  # working days


@dataclass(frozen=True)
class SlipEffect:
    moves: list[Move]
    group_end_moves: dict[Hashable, tuple[dt.date, dt.date]]
    project_end: tuple[dt.date, dt.date]

    @property
    def project_end_moves(self) -> bool:
        return self.project_end[0] != self.project_end[1]


class CycleError(ValueError):
    """The dependencies loop: `cycle` lists the task ids in order (first repeated at the end)."""

    def __init__(self, cycle: list[TaskId]):
        super().__init__(" → ".join(map(str, cycle)))
        self.cycle = cycle


class UnknownTaskError(ValueError):
    pass


class DayIndex:
    """Working days of a calendar between two dates as consecutive integers."""

    def __init__(self, cal: WorkCalendar, first: dt.date, last: dt.date):
        self.cal = cal
        self.days: list[dt.date] = []
        # Every calendar day of [first, last] → index() / index_end() of it, for lookups in bulk.
        self._start_at: dict[dt.date, int] = {}
        self._end_at: dict[dt.date, int] = {}
        day, one = first, dt.timedelta(days=1)
        while day <= last:
            k = len(self.days)
            self._start_at[day] = k
            if cal.is_working_day(day):
                self.days.append(day)
                k += 1
            self._end_at[day] = k - 1
            day += one
        self.first, self.last = first, last

    def index(self, day: dt.date) -> int:
        """Index of `day`, or of the next working day when `day` is a day off."""
        return bisect_left(self.days, day)

    def index_end(self, day: dt.date) -> int:
        """Index of `day`, or of the previous working day when `day` is a day off."""
        i = bisect_left(self.days, day)
        if i < len(self.days) and self.days[i] == day:
            return i
        return i - 1

    def indexes(self, days: Iterable[dt.date]) -> list[int]:
        """`index()` of each day."""
        days = list(days)
        try:
            return list(map(self._start_at.__getitem__, days))
        except KeyError:
            return list(map(self.index, days))

    def end_indexes(self, days: Iterable[dt.date]) -> list[int]:
        """`index_end()` of each day."""
        days = list(days)
        try:
            return list(map(self._end_at.__getitem__, days))
        except KeyError:
            return list(map(self.index_end, days))

    def dates(self, indexes: Sequence[int]) -> list[dt.date]:
        """`date()` of each index."""
        if indexes and 0 <= min(indexes) and max(indexes) < len(self.days):
            return list(map(self.days.__getitem__, indexes))
        return list(map(self.date, indexes))

    def date(self, i: int) -> dt.date:
        if 0 <= i < len(self.days):
            return self.days[i]
        if i < 0:
            return self.cal.add_working_days(self.days[0] if self.days else self.first, i)
        base = self.days[-1] if self.days else self.cal.next_working_day(self.last)
        return self.cal.add_working_days(base, i - len(self.days) + 1)


def _topological_order(n: int, succ: list[list[int]], indeg: list[int]) -> list[int]:
    order = [i for i in range(n) if indeg[i] == 0]
    indeg = indeg[:]
    k = 0
    while k < len(order):
        for s in succ[order[k]]:
            indeg[s] -= 1
            if indeg[s] == 0:
                order.append(s)
        k += 1
    return order


def _find_cycle(n: int, succ: list[list[int]], remaining: set[int]) -> list[int]:
    """A cycle among `remaining` nodes (all of which lie on or lead into a cycle)."""
    color: dict[int, int] = {}
    for root in sorted(remaining):
        if root in color:
            continue
        stack: list[tuple[int, int]] = [(root, 0)]
        path: list[int] = []
        on_path: dict[int, int] = {}
        while stack:
            node, i = stack.pop()
            if i == 0:
                color[node] = 1
                on_path[node] = len(path)
                path.append(node)
            nxt = [s for s in succ[node] if s in remaining]
            if i < len(nxt):
                stack.append((node, i + 1))
                s = nxt[i]
                if s in on_path:
                    return path[on_path[s]:] + [s]
                if s not in color:
                    stack.append((s, 0))
            else:
                color[node] = 2
                path.pop()
                del on_path[node]
    raise AssertionError("no cycle found among remaining nodes")


@contextmanager
def _gc_paused():
    """Building the graph allocates tens of thousands of small tuples: a collection pass in the
    middle scans them all for nothing (none of them can form a cycle)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_ID, _START, _END = attrgetter("id"), attrgetter("start"), attrgetter("end")
_PRED, _SUCC, _TYPE, _LAG = attrgetter("predecessor"), attrgetter("successor"), attrgetter("type"), attrgetter("lag")
_new_task_schedule = partial(tuple.__new__, TaskSchedule)   # TaskSchedule(*row) without the Python-level __new__


class Schedule:
    """Dependencies resolved over a plan. Raises CycleError / UnknownTaskError on bad input."""

    def __init__(self, tasks: Sequence[TaskSpec], deps: Iterable[Dependency], cal: WorkCalendar):
        with _gc_paused():
            self._build(tasks, deps, cal)

    def _build(self, tasks: Sequence[TaskSpec], deps: Iterable[Dependency], cal: WorkCalendar) -> None:
        self.cal = cal
        self.tasks = tasks = list(tasks)
        self.deps = deps = list(deps)
        n = len(tasks)
        # Columns: plain lists indexed by the task's position or by the dependency's position.
        ids, starts, ends = list(map(_ID, tasks)), list(map(_START, tasks)), list(map(_END, tasks))
        self._ids = ids
        self.pos = pos = dict(zip(ids, range(n), strict=True))
        try:
            p_at = list(map(pos.__getitem__, map(_PRED, deps)))
            s_at = list(map(pos.__getitem__, map(_SUCC, deps)))
        except KeyError:
            for d in deps:
                if d.predecessor not in pos or d.successor not in pos:
                    missing = d.predecessor if d.predecessor not in pos else d.successor
                    raise UnknownTaskError(f"unknown task {missing!r}") from None
            raise
        if n:
            first = min(starts) - dt.timedelta(days=60)
            last = max(ends) + dt.timedelta(days=400)
        else:
            first = last = dt.date.today()
        self.idx = DayIndex(cal, first, last)
        self.planned_start = planned = self.idx.indexes(starts)
        self.duration = dur = [e - s + 1 if e >= s else 1
                               for s, e in zip(planned, self.idx.end_indexes(ends), strict=True)]
        self._dur_1 = list(map(sub, dur, repeat(1)))   # ef = es + _dur_1
        # One weighted edge per dependency: w = lag, plus the predecessor's duration when finish-to-start.
        fs, types = DepType.FINISH_TO_START, list(map(_TYPE, deps))
        if types.count(fs) == len(types):   # compares by identity first: no string compares
            weights = list(map(add, map(_LAG, deps), map(dur.__getitem__, p_at)))
        else:
            weights = [d.lag + dur[p] if kind == fs else d.lag for d, kind, p in zip(deps, types, p_at, strict=True)]
        succ: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        for p, edge in zip(p_at, zip(s_at, weights, strict=True), strict=True):
            succ[p].append(edge)
        self.succ = succ
        counts = Counter(s_at)
        indeg = list(map(counts.get, range(n), repeat(0)))
        # Topological order (Kahn, first come first served) and the forward pass in one loop.
        order = [i for i in range(n) if not indeg[i]]
        es = planned[:]
        for i in order:
            e = es[i]
            for s, w in succ[i]:
                if e + w > es[s]:
                    es[s] = e + w
                k = indeg[s] - 1
                indeg[s] = k
                if not k:
                    order.append(s)
        self.order = order
        if len(order) < n:
            seen = set(order)
            plain = [[s for s, _w in edges] for edges in succ]
            cycle = _find_cycle(n, plain, {i for i in range(n) if i not in seen})
            raise CycleError([tasks[i].id for i in cycle])
        self.es, self.ef = es, list(map(add, es, self._dur_1))
        self.ls, self.lf = self._backward()

    def _forward(self, floor: list[int]) -> tuple[list[int], list[int]]:
        es = floor[:]
        succ = self.succ
        for i in self.order:
            e = es[i]
            for s, w in succ[i]:
                if e + w > es[s]:
                    es[s] = e + w
        return es, list(map(add, es, self._dur_1))

    def _backward(self) -> tuple[list[int], list[int]]:
        end = max(self.ef, default=0)
        ls = [end + 1 - d for d in self.duration]   # no successor: finish on the project's last day
        succ = self.succ
        for i in reversed(self.order):
            start = ls[i]
            for s, w in succ[i]:
                if ls[s] - w < start:
                    start = ls[s] - w
            ls[i] = start
        return ls, list(map(add, ls, self._dur_1))

    # ---- answers --------------------------------------------------------------------------------

    def result(self) -> dict[TaskId, TaskSchedule]:
        with _gc_paused():
            return self._result()

    def _result(self) -> dict[TaskId, TaskSchedule]:
        es, ef, ls, lf = self.es, self.ef, self.ls, self.lf
        days = self.idx.days
        # es <= ef and ls <= lf <= max(ef): three bounds checks cover the four arrays.
        if es and min(es) >= 0 and min(ls) >= 0 and max(ef) < len(days):
            dates = partial(map, days.__getitem__)
        else:
            dates = partial(map, self.idx.date)
        ids = self._ids
        rows = zip(ids, dates(es), dates(ef), dates(ls), dates(lf),
                   map(sub, ls, es), map(int.__eq__, ls, es), self.duration, strict=True)
        return dict(zip(ids, map(_new_task_schedule, rows), strict=True))

    def critical_path(self) -> list[TaskId]:
        """Zero-slack tasks in schedule order."""
        crit = [i for i in self.order if self.ls[i] == self.es[i]]
        crit.sort(key=lambda i: (self.es[i], self.ef[i]))
        return [self.tasks[i].id for i in crit]

    def project_end(self) -> dt.date:
        return self.idx.date(max(self.ef, default=0))

    def slip(self, task_id: TaskId, days: int) -> SlipEffect:
        """What moves when `task_id` starts `days` working days later than it can now."""
        if task_id not in self.pos:
            raise UnknownTaskError(f"unknown task {task_id!r}")
        floor = self.es[:]
        i = self.pos[task_id]
        floor[i] = self.es[i] + days
        # Everything else keeps its current earliest start as a floor (what is planned stays planned).
        es, ef = self._forward(floor)
        return self._effect(es, ef)

    def move(self, task_id: TaskId, new_start: dt.date) -> SlipEffect:
        """What moves when `task_id` is set to start on `new_start` (a drag on the timeline)."""
        i = self.pos[task_id]
        return self.slip(task_id, self.idx.index(new_start) - self.es[i])

    def _effect(self, es: list[int], ef: list[int]) -> SlipEffect:
        d = self.idx.date
        moves = [
            Move(t.id, d(self.es[i]), d(es[i]), d(self.ef[i]), d(ef[i]), es[i] - self.es[i])
            for i, t in enumerate(self.tasks) if es[i] != self.es[i]
        ]
        groups: dict[Hashable, tuple[int, int]] = {}
        for i, t in enumerate(self.tasks):
            if t.group is None:
                continue
            old, new = groups.get(t.group, (-(10**9), -(10**9)))
            groups[t.group] = (max(old, self.ef[i]), max(new, ef[i]))
        group_moves = {g: (d(a), d(b)) for g, (a, b) in groups.items() if a != b}
        return SlipEffect(moves, group_moves, (d(max(self.ef, default=0)), d(max(ef, default=0))))


def schedule(tasks: Sequence[TaskSpec], deps: Iterable[Dependency], cal: WorkCalendar) -> Schedule:
    return Schedule(tasks, deps, cal)


def longest_path_lengths(durations: Mapping[TaskId, int], deps: Iterable[Dependency]) -> dict[TaskId, int]:
    """Earliest start index of each task when all start at 0 (used by tests and the benchmark)."""
    spec_ids = list(durations)
    pos = {t: i for i, t in enumerate(spec_ids)}
    succ: list[list[tuple[int, DepType, int]]] = [[] for _ in spec_ids]
    indeg = [0] * len(spec_ids)
    plain_succ: list[list[int]] = [[] for _ in spec_ids]
    for d in deps:
        p, s = pos[d.predecessor], pos[d.successor]
        succ[p].append((s, d.type, d.lag))
        plain_succ[p].append(s)
        indeg[s] += 1
    order = _topological_order(len(spec_ids), plain_succ, indeg)
    es = [0] * len(spec_ids)
    dur = [durations[t] for t in spec_ids]
    for i in order:
        for s, kind, lag in succ[i]:
            bound = es[i] + dur[i] + lag if kind is DepType.FINISH_TO_START else es[i] + lag
            if bound > es[s]:
                es[s] = bound
    return {t: es[pos[t]] for t in spec_ids}
