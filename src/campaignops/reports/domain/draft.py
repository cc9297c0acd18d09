"""What a narrative says, decided from the facts (pure): a list of points, each a code and its
values. The wording (in the reader's language) is the presenters' job (`reports/narrative.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .analysis import (
    CLOSE,
    MET,
    MISSED,
    BudgetLine,
    ChannelRow,
    DelayedTask,
    Funnel,
    IssueResult,
    PhaseResult,
)


@dataclass(frozen=True)
class Point:
    code: str
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class KpiFact:
    label: str
    percent: Decimal | None
    verdict: str
    metric: str = ""


# The funnel stage a KPI depends on: a miss is blamed on the weakest step at or before it
# (0: impressions → clicks, 1: clicks → conversions); KPIs outside the funnel get no funnel cause.
FUNNEL_STAGE = {"clicks": 0, "ctr": 0, "conversions": 1, "cvr": 1, "orders": 1, "gmv": 1, "revenue": 1,
                "roas": 1, "roi": 1, "cpa": 1}


def funnel_cause(k: KpiFact, f: Funnel | None) -> int | None:
    """The index of the funnel step to blame for a missed KPI, if the KPI depends on the funnel."""
    stage = FUNNEL_STAGE.get(k.metric)
    if f is None or f.weakest is None or stage is None or f.weakest > stage:
        return None
    return f.weakest


def summary_points(kpis: Sequence[KpiFact], f: Funnel | None) -> list[Point]:
    """The effect summary's conclusion: KPIs met and missed, and the funnel step to blame."""
    points = []
    met = [k for k in kpis if k.verdict == MET]
    missed = [k for k in kpis if k.verdict in (MISSED, CLOSE)]
    for k in met:
        points.append(Point("kpi_met", {"kpi": k.label, "percent": k.percent}))
    for k in missed:
        points.append(Point("kpi_missed", {"kpi": k.label, "percent": k.percent}))
    if f is not None and f.weakest is not None:
        step = f.steps[f.weakest]
        if step.gap_points is not None:
            points.append(Point("weakest_step_gap", {"source": step.source, "target": step.target,
                                                     "rate": step.rate, "target_rate": step.target_rate,
                                                     "gap": step.gap_points}))
        else:
            points.append(Point("weakest_step", {"source": step.source, "target": step.target, "rate": step.rate}))
    if not kpis:
        points.append(Point("no_kpis"))
    return points


@dataclass(frozen=True)
class Retro:
    well: list[Point]
    improve: list[Point]


def retrospective_points(*, kpis: Sequence[KpiFact], channels: Sequence[ChannelRow], f: Funnel | None,
                         phases: Sequence[PhaseResult], delayed: Sequence[DelayedTask],
                         budget: Sequence[BudgetLine] | None, issues: IssueResult | None,
                         result_metric: str) -> Retro:
    """What went well and what to improve, from the data: best and worst channel by cost per result,
    KPIs met / missed with their funnel cause, late phases, overspent lines, slow issue responses."""
    well, improve = [], []
    ranked = [c for c in channels if c.rank is not None]
    if ranked:
        best = ranked[0]
        well.append(Point("best_channel", {"channel": best.key, "cpr": best.cost_per_result,
                                           "metric": result_metric}))
        if len(ranked) > 1:
            worst = ranked[-1]
            improve.append(Point("worst_channel", {"channel": worst.key, "cpr": worst.cost_per_result,
                                                   "best": best.key, "best_cpr": best.cost_per_result,
                                                   "metric": result_metric}))
    for k in kpis:
        if k.verdict == MET:
            well.append(Point("kpi_met", {"kpi": k.label, "percent": k.percent}))
    for k in kpis:
        if k.verdict in (MISSED, CLOSE):
            values = {"kpi": k.label, "percent": k.percent}
            cause = funnel_cause(k, f)
            if cause is not None:
                step = f.steps[cause]
                improve.append(Point("kpi_missed_cause", {**values, "source": step.source, "target": step.target}))
            else:
                improve.append(Point("kpi_missed", values))
    late = [p for p in phases if not p.on_time]
    if phases and not late:
        well.append(Point("phases_on_time", {"count": len(phases)}))
    for p in late:
        if p.late_days > 0:
            improve.append(Point("phase_late", {"phase": p.name, "days": p.late_days}))
        if p.open_tasks:
            improve.append(Point("phase_open", {"phase": p.name, "count": p.open_tasks}))
    if delayed:
        improve.append(Point("tasks_delayed", {"count": len(delayed)}))
    if budget:
        over = [b for b in budget if b.overspent]
        for b in over:
            improve.append(Point("line_overspent", {"category": b.key, "planned": b.planned, "actual": b.actual,
                                                    "percent": b.percent}))
        if not over:
            well.append(Point("budget_kept", {}))
    if issues is not None and issues.count:
        if issues.late or issues.open_overdue:
            improve.append(Point("issues_slow", {"late": issues.late + issues.open_overdue, "count": issues.count}))
        else:
            well.append(Point("issues_on_time", {"count": issues.count}))
    return Retro(well, improve)


def missing_departments(team: Sequence[str], attendees: Sequence[str]) -> list[str]:
    """Departments of the team (their heads) with nobody at the review meeting, in team order."""
    present = set(attendees)
    seen, out = set(), []
    for d in team:
        if d and d not in present and d not in seen:
            seen.add(d)
            out.append(d)
    return out
