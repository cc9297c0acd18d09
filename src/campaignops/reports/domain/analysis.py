"""What the Effect Summary concludes from the numbers (pure): each KPI's % of target and verdict,
channels ranked by cost per result, the funnel's weakest step and its gap, phases on time or late,
delayed tasks, issue response times against their deadlines.

Ratios are computed from sums (never averaged); money and ratios are Decimal; a ratio over a zero
denominator is None."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

MET, CLOSE, MISSED, NO_DATA = "met", "close", "missed", "no_data"
CLOSE_FROM = Decimal(90)   # % of target from which a miss counts as "close"


def _ratio(num: Decimal | None, den: Decimal | None, scale: Decimal = Decimal(1)) -> Decimal | None:
    if num is None or den is None or den == 0:
        return None
    return num * scale / den


def percent_of_target(actual: Decimal | None, target: Decimal, *, lower_is_better: bool = False) -> Decimal | None:
    """actual ÷ target × 100 (target ÷ actual for lower-is-better KPIs such as a complaint rate)."""
    if actual is None or target == 0:
        return None
    if lower_is_better:
        return Decimal(100) * 100 if actual == 0 else target * 100 / actual
    return actual * 100 / target


def verdict(percent: Decimal | None) -> str:
    """met (≥ 100 %), close (≥ 90 %), missed (< 90 %) or no_data."""
    if percent is None:
        return NO_DATA
    if percent >= 100:
        return MET
    return CLOSE if percent >= CLOSE_FROM else MISSED


# ---- channels -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChannelRow:
    key: str                    # channel code
    spend: Decimal | None
    results: Decimal | None
    cost_per_result: Decimal | None
    rank: int | None            # 1 = cheapest result; None when not rankable (no spend or no results)


def rank_channels(sums: Mapping[str, Mapping[str, Decimal]], result_metric: str) -> list[ChannelRow]:
    """Channels by cost per result (spend ÷ results), cheapest first; ties by more results, then code.
    Channels without spend or results come last, unranked, by code."""
    rows = []
    for key, s in sums.items():
        spend, results = s.get("spend"), s.get(result_metric)
        cpr = _ratio(spend, results) if spend else None
        rows.append((key, spend, results, cpr))
    ranked = sorted((r for r in rows if r[3] is not None), key=lambda r: (r[3], -(r[2] or 0), r[0]))
    rest = sorted((r for r in rows if r[3] is None), key=lambda r: r[0])
    out = [ChannelRow(k, s, n, c, i) for i, (k, s, n, c) in enumerate(ranked, start=1)]
    out += [ChannelRow(k, s, n, None, None) for k, s, n, _c in rest]
    return out


RESULT_METRICS = ("conversions", "leads", "orders", "store_visitors")


def result_metric(sums: Mapping[str, Mapping[str, Decimal]]) -> str:
    """The campaign's "result" for cost per result: the first of conversions, leads, orders, store
    visitors that any channel has (conversions when none has any)."""
    for metric in RESULT_METRICS:
        if any(s.get(metric) for s in sums.values()):
            return metric
    return RESULT_METRICS[0]


# ---- funnel -------------------------------------------------------------------------------------

FUNNEL = (("impressions", "clicks", "ctr"), ("clicks", "conversions", "cvr"))


@dataclass(frozen=True)
class FunnelStep:
    source: str
    target: str
    rate_code: str
    source_value: Decimal | None
    target_value: Decimal | None
    rate: Decimal | None            # % of the source that reached the target
    target_rate: Decimal | None     # the rate the KPI targets ask for, in %
    percent_of_target: Decimal | None
    gap_points: Decimal | None      # target rate − rate, in percentage points (positive: short)


@dataclass(frozen=True)
class Funnel:
    steps: list[FunnelStep]
    weakest: int | None             # index into steps


def funnel(totals: Mapping[str, Decimal], rate_targets: Mapping[str, Decimal],
           count_targets: Mapping[str, Decimal] | None = None) -> Funnel:
    """Impressions → clicks → conversions with each step's rate (from sums).

    A step's target rate comes from a KPI target on its rate (CTR, CVR) or, failing that, from the
    count targets of both its ends (e.g. 5,000 clicks of 500,000 impressions = 1 %). The weakest step
    is the one furthest below its target (lowest % of target); when no step has a target, the one
    with the lowest rate."""
    count_targets = count_targets or {}
    steps = []
    for source, target, code in FUNNEL:
        a, b = totals.get(source), totals.get(target)
        rate = _ratio(b, a, Decimal(100))
        goal = rate_targets.get(code)
        if goal is None and source in count_targets and target in count_targets:
            goal = _ratio(count_targets[target], count_targets[source], Decimal(100))
        pct = percent_of_target(rate, goal) if goal is not None else None
        gap = goal - rate if goal is not None and rate is not None else None
        steps.append(FunnelStep(source, target, code, a, b, rate, goal, pct, gap))
    with_target = [(s.percent_of_target, i) for i, s in enumerate(steps) if s.percent_of_target is not None]
    if with_target:
        pct, i = min(with_target)
        weakest = i if pct < 100 else None
    else:
        with_rate = [(s.rate, i) for i, s in enumerate(steps) if s.rate is not None]
        weakest = min(with_rate)[1] if with_rate else None
    return Funnel(steps, weakest)


# ---- schedule -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PhaseFact:
    key: int
    name: str
    start: dt.date
    end: dt.date                    # as planned (the latest baseline end of its tasks, else its own end)


@dataclass(frozen=True)
class TaskFact:
    key: int
    phase: int
    title: str
    end: dt.date
    status: str
    baseline_end: dt.date | None


@dataclass(frozen=True)
class PhaseResult:
    key: int
    name: str
    planned_end: dt.date
    actual_end: dt.date
    late_days: int
    open_tasks: int

    @property
    def on_time(self) -> bool:
        return self.late_days <= 0 and self.open_tasks == 0


@dataclass(frozen=True)
class DelayedTask:
    key: int
    phase: int
    title: str
    planned_end: dt.date
    end: dt.date
    late_days: int
    status: str


OPEN = ("not_started", "in_progress", "delayed", "blocked")


def schedule(phases: Sequence[PhaseFact], tasks: Iterable[TaskFact], *, today: dt.date) -> tuple[
        list[PhaseResult], list[DelayedTask]]:
    """Each phase against its plan and the tasks that slipped (calendar days).

    A task slipped when it ends later than its baseline end, is marked delayed, or is still open
    after its planned end (by `today`). A phase is late by the days its last task ends after the
    phase's planned end (the latest baseline end of its tasks, else its own end); it is on time when
    it is not late and none of its tasks is still open past the planned end."""
    by_phase: dict[int, list[TaskFact]] = {}
    delayed = []
    for t in tasks:
        by_phase.setdefault(t.phase, []).append(t)
        if t.status == "cancelled":
            continue
        planned = t.baseline_end or t.end
        slip = (t.end - planned).days
        unfinished = t.status in OPEN and planned < today
        if slip > 0 or t.status == "delayed" or unfinished:
            delayed.append(DelayedTask(t.key, t.phase, t.title, planned, t.end, max(slip, 0), t.status))
    out = []
    for p in phases:
        rows = [t for t in by_phase.get(p.key, []) if t.status != "cancelled"]
        planned = max([t.baseline_end for t in rows if t.baseline_end] or [p.end])
        actual = max([t.end for t in rows] or [p.end])
        open_tasks = sum(1 for t in rows if t.status in OPEN and (t.baseline_end or t.end) < today)
        out.append(PhaseResult(p.key, p.name, planned, actual, (actual - planned).days, open_tasks))
    delayed.sort(key=lambda d: (-d.late_days, d.end, d.key))
    return out, delayed


# ---- issues -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class IssueFact:
    key: int
    problem: str
    reported_at: dt.datetime
    deadline: dt.datetime
    resolved_at: dt.datetime | None


@dataclass
class IssueResult:
    count: int = 0
    resolved: int = 0
    on_time: int = 0
    late: int = 0
    open_overdue: int = 0
    median_hours: Decimal | None = None
    slow: list[tuple[int, str, Decimal, Decimal]] = field(default_factory=list)  # key, problem, hours, allowed


def _hours(delta: dt.timedelta) -> Decimal:
    return (Decimal(int(delta.total_seconds())) / 3600).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def issues(rows: Iterable[IssueFact], *, now: dt.datetime) -> IssueResult:
    """How fast issues were solved against their response deadlines: solved in time, solved late,
    still open past the deadline; the median time to solve; the slow ones (late, slowest first)."""
    out = IssueResult()
    times = []
    for i in rows:
        out.count += 1
        allowed = _hours(i.deadline - i.reported_at)
        if i.resolved_at is not None:
            out.resolved += 1
            took = i.resolved_at - i.reported_at
            times.append(took)
            if i.resolved_at <= i.deadline:
                out.on_time += 1
            else:
                out.late += 1
                out.slow.append((i.key, i.problem, _hours(took), allowed))
        elif now > i.deadline:
            out.open_overdue += 1
            out.slow.append((i.key, i.problem, _hours(now - i.reported_at), allowed))
    if times:
        times.sort()
        mid = len(times) // 2
        median = times[mid] if len(times) % 2 else (times[mid - 1] + times[mid]) / 2
        out.median_hours = _hours(median)
    out.slow.sort(key=lambda s: (-(s[2] - s[3]), s[0]))
    return out


# ---- strategy adjustments: before / after ---------------------------------------------------------

def before_after(daily: Mapping[dt.date, Mapping[str, Decimal]], *, on: dt.date, numerator: str,
                 denominator: str | None, scale: Decimal = Decimal(1), window: int = 3) -> tuple[
        Decimal | None, Decimal | None]:
    """A KPI over the `window` days before `on` and over `on` plus the following window−1 days (a
    count's daily average, or a ratio of the sums), to show what an adjustment did."""
    def part(days: list[dt.date]) -> Decimal | None:
        num = sum((daily[d].get(numerator, Decimal(0)) for d in days if d in daily), Decimal(0))
        present = [d for d in days if d in daily and (numerator in daily[d] or (denominator and denominator in daily[d]))]
        if not present:
            return None
        if denominator is None:
            return num / len(present)
        den = sum((daily[d].get(denominator, Decimal(0)) for d in days if d in daily), Decimal(0))
        return _ratio(num, den, scale)

    before = [on - dt.timedelta(days=k) for k in range(window, 0, -1)]
    after = [on + dt.timedelta(days=k) for k in range(window)]
    return part(before), part(after)


# ---- budget -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BudgetLine:
    key: str
    planned: Decimal
    actual: Decimal

    @property
    def variance(self) -> Decimal:
        return self.actual - self.planned

    @property
    def percent(self) -> Decimal | None:
        return _ratio(self.actual, self.planned, Decimal(100))

    @property
    def overspent(self) -> bool:
        return self.actual > self.planned
