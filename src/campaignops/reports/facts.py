"""The facts a report states, read from every app that has them, as one plain JSON-able dict (the
"snapshot"): the live draft page renders it, and a published version keeps it frozen.

Numbers are strings of Decimals (exact), dates ISO strings; names that depend on the reader's
language are kept in both languages or as codes, so a frozen version renders in zh-Hans and English.
Each section says `available: false` with a reason code when its app or its data is not there, so a
report on a campaign without metrics or budget still renders (issue 6: "its section says so").

Queries: a fixed number whatever the campaign's size (one grouped aggregate over the observations,
one per other source)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from decimal import Decimal

from django.apps import apps
from django.db.models import Count
from django.utils import timezone

from campaignops.campaigns.models import Campaign, Channel, KpiTarget, Membership
from campaignops.metrics.domain import kpi
from campaignops.planning.models import BaselineTask, Phase, PlanBaseline, Task

from .domain import analysis as an

SNAPSHOT_VERSION = 1
# KPI target metric -> the metrics catalogue's code.
KPI_CODE = {"gmv": "revenue"}
RATE_CODES = {"ctr", "cvr"}


def _s(value: Decimal | None, places: str = "0.0001") -> str | None:
    """An exact decimal string rounded to `places`, without trailing zeros or an exponent."""
    if value is None:
        return None
    q = Decimal(value).quantize(Decimal(places))
    return "0" if q == 0 else format(q.normalize(), "f")


def _d(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def today_of(campaign: Campaign, now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(campaign.time_zone)).date()


# ---- metrics --------------------------------------------------------------------------------------

def metrics_installed() -> bool:
    if not apps.is_installed("campaignops.metrics"):
        return False
    try:
        from campaignops.metrics.selectors import campaign_cells  # noqa: F401
    except ImportError:
        return False
    return True


def metric_daily(campaign: Campaign) -> dict[int, dict[dt.date, dict[str, Decimal]]]:
    """channel id -> day -> metric -> value, from the metrics app's cells (`metrics.selectors`: one
    grouped query per change of the data, kept in its in-process cache; default attribution only; a
    day's whole-day row, else the sum of its hourly rows — never both)."""
    from campaignops.metrics.selectors import campaign_cells

    out: dict[int, dict[dt.date, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    for (channel_id, metric, day), value in campaign_cells(campaign).values.items():
        if value is not None:
            out[channel_id][day][metric] = Decimal(value)
    return out


def _channel_sums(daily: dict[int, dict[dt.date, dict[str, Decimal]]]) -> dict[int, dict[str, Decimal]]:
    out: dict[int, dict[str, Decimal]] = {}
    for channel_id, days in daily.items():
        sums: dict[str, Decimal] = {}
        for values in days.values():
            for metric, v in values.items():
                sums[metric] = sums.get(metric, Decimal(0)) + v
        out[channel_id] = sums
    return out


def _totals(per_channel: dict[int, dict[str, Decimal]]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for sums in per_channel.values():
        for metric, v in sums.items():
            out[metric] = out.get(metric, Decimal(0)) + v
    return out


# ---- sections -----------------------------------------------------------------------------------

def _channel_names(ids) -> dict[int, dict]:
    return {c.pk: {"code": c.code, "en": c.name_en, "zh": c.name_zh}
            for c in Channel.objects.filter(pk__in=list(ids))}


def _kpi_section(targets: list[KpiTarget], per_channel, totals, has_metrics: bool) -> dict:
    rows = []
    for t in targets:
        code = KPI_CODE.get(t.metric, t.metric)
        sums = per_channel.get(t.channel_id, {}) if t.channel_id else totals
        actual = None
        if has_metrics and (code in kpi.RAW_METRICS or code in kpi.DERIVED or code in ("roi", "nps")):
            actual = kpi.value(code, sums)
        lower = t.direction == "lower"
        pct = an.percent_of_target(actual, t.target_value, lower_is_better=lower)
        rows.append({"id": t.pk, "metric": t.metric, "label": t.label, "unit": t.unit, "direction": t.direction,
                     "channel": t.channel_id, "target": _s(t.target_value), "actual": _s(actual),
                     "percent": _s(pct, "0.1"), "verdict": an.verdict(pct)})
    return {"available": bool(targets), "reason": "" if targets else "no_targets",
            "metrics": has_metrics, "rows": rows}


def _channel_section(per_channel, has_metrics: bool) -> dict:
    if not has_metrics:
        return {"available": False, "reason": "no_metrics_app", "rows": []}
    if not per_channel:
        return {"available": False, "reason": "no_metrics", "rows": []}
    by_code = {str(cid): sums for cid, sums in per_channel.items()}
    metric = an.result_metric(by_code)
    rows = an.rank_channels(by_code, metric)
    return {"available": True, "reason": "", "result_metric": metric,
            "rows": [{"channel": int(r.key), "spend": _s(r.spend, "0.01"), "results": _s(r.results),
                      "cost_per_result": _s(r.cost_per_result, "0.01"), "rank": r.rank} for r in rows]}


def _funnel_section(totals, targets: list[KpiTarget], has_metrics: bool) -> dict:
    if not has_metrics or not totals:
        return {"available": False, "reason": "no_metrics_app" if not has_metrics else "no_metrics", "steps": []}
    rate_targets = {t.metric: t.target_value for t in targets if t.metric in RATE_CODES and not t.channel_id}
    counts = {t.metric: t.target_value for t in targets
              if t.metric in ("impressions", "clicks", "conversions") and not t.channel_id}
    f = an.funnel(totals, rate_targets, counts)
    return {"available": True, "reason": "", "weakest": f.weakest,
            "steps": [{"source": s.source, "target": s.target, "rate_code": s.rate_code,
                       "source_value": _s(s.source_value), "target_value": _s(s.target_value),
                       "rate": _s(s.rate, "0.01"), "target_rate": _s(s.target_rate, "0.01"),
                       "percent_of_target": _s(s.percent_of_target, "0.1"), "gap_points": _s(s.gap_points, "0.01")}
                      for s in f.steps]}


def _schedule_section(campaign: Campaign, today: dt.date) -> dict:
    phases = list(Phase.objects.filter(campaign=campaign).order_by("order", "start_date", "id")
                  .values_list("pk", "name", "start_date", "end_date"))
    baseline = PlanBaseline.objects.filter(campaign=campaign).order_by("-taken_at", "-id").values_list(
        "pk", flat=True).first()
    base = dict(BaselineTask.objects.filter(baseline_id=baseline).values_list("task_id", "end_date")) \
        if baseline else {}
    tasks = [an.TaskFact(pk, phase, title, end, status, base.get(pk))
             for pk, phase, title, end, status in Task.objects.filter(campaign=campaign, report_action__isnull=True)
             .order_by()
             .values_list("pk", "phase_id", "title", "end_date", "status")]
    facts = [an.PhaseFact(pk, name, start, end) for pk, name, start, end in phases]
    results, delayed = an.schedule(facts, tasks, today=today)
    names = {pk: name for pk, name, _s1, _e in phases}
    done = sum(1 for t in tasks if t.status == "done")
    return {"available": bool(phases), "reason": "" if phases else "no_plan", "baseline": bool(baseline),
            "tasks_total": len(tasks), "tasks_done": done, "delayed_count": len(delayed),
            "phases": [{"id": p.key, "name": p.name, "planned_end": p.planned_end.isoformat(),
                        "actual_end": p.actual_end.isoformat(), "late_days": p.late_days, "open_tasks": p.open_tasks,
                        "on_time": p.on_time} for p in results],
            "delayed": [{"id": d.key, "title": d.title, "phase": names.get(d.phase, ""),
                         "planned_end": d.planned_end.isoformat(), "end": d.end.isoformat(),
                         "late_days": d.late_days, "status": d.status} for d in delayed[:50]]}


def _budget_section(campaign: Campaign) -> dict:
    if not apps.is_installed("campaignops.budget"):
        return {"available": False, "reason": "no_budget_app", "rows": []}
    try:
        from campaignops.budget.selectors import budget_view
    except ImportError:
        return {"available": False, "reason": "no_budget_app", "rows": []}
    view = budget_view(campaign)
    if not view.lines:
        return {"available": False, "reason": "no_budget", "rows": []}
    rows = []
    for code, _label, f in view.categories:
        if not f.planned and not f.actual and not f.committed:
            continue
        plan = f.approved if f.approved is not None else f.planned
        line = an.BudgetLine(code, plan, f.actual)
        rows.append({"category": code, "planned": _s(plan, "0.01"), "committed": _s(f.committed, "0.01"),
                     "actual": _s(f.actual, "0.01"), "variance": _s(line.variance, "0.01"),
                     "percent": _s(line.percent, "0.1"), "overspent": line.overspent})
    t = view.totals
    plan = t.approved if t.approved is not None else t.planned
    return {"available": True, "reason": "", "rows": rows, "approved": view.in_force is not None,
            "total": {"planned": _s(plan, "0.01"), "committed": _s(t.committed, "0.01"),
                      "actual": _s(t.actual, "0.01"), "variance": _s(t.actual - plan, "0.01")}}


def _issue_section(campaign: Campaign, now: dt.datetime) -> dict:
    from campaignops.risks.models import Issue

    rows = [an.IssueFact(*r) for r in Issue.objects.filter(campaign=campaign).order_by("reported_at", "id")
            .values_list("pk", "problem", "reported_at", "response_deadline", "resolved_at")]
    r = an.issues(rows, now=now)
    return {"available": True, "reason": "", "count": r.count, "resolved": r.resolved, "on_time": r.on_time,
            "late": r.late, "open_overdue": r.open_overdue, "median_hours": _s(r.median_hours, "0.1"),
            "slow": [{"id": k, "problem": p, "hours": _s(h, "0.1"), "allowed": _s(a, "0.1")} for k, p, h, a in r.slow]}


def _risk_section(campaign: Campaign) -> dict:
    from campaignops.risks.models import Risk

    total = Risk.objects.filter(campaign=campaign).count()
    triggered = (Risk.objects.filter(campaign=campaign, triggered_at__isnull=False)
                 .annotate(n_tasks=Count("contingency_tasks")).order_by("triggered_at", "id")
                 .values_list("pk", "description", "contingency_plan", "triggered_at", "status", "n_tasks"))
    return {"available": True, "reason": "", "total": total,
            "triggered": [{"id": pk, "description": d, "contingency_plan": plan,
                           "triggered_at": at.isoformat() if at else None, "status": status, "tasks": n}
                          for pk, d, plan, at, status, n in triggered]}


def _adjustment_section(campaign: Campaign, targets: dict[int, KpiTarget], daily, has_metrics: bool) -> dict:
    from campaignops.risks.models import StrategyAdjustment

    rows = []
    for a in (StrategyAdjustment.objects.filter(campaign=campaign).order_by("date", "id")
              .values("pk", "date", "trigger", "what_changed", "expected_effect", "measured_effect",
                      "kpi_target_id", "channel_id")):
        before = after = None
        target = targets.get(a["kpi_target_id"])
        code = KPI_CODE.get(target.metric, target.metric) if target else None
        if has_metrics and code:
            spec = kpi.DERIVED.get(code)
            channel = a["channel_id"] or (target.channel_id if target else None)
            per_day = _merge_days(daily, channel)
            if spec is not None:
                before, after = an.before_after(per_day, on=a["date"], numerator=spec.numerator,
                                                denominator=spec.denominator, scale=spec.scale)
            elif code in kpi.RAW_METRICS:
                before, after = an.before_after(per_day, on=a["date"], numerator=code, denominator=None)
        rows.append({"id": a["pk"], "date": a["date"].isoformat(), "trigger": a["trigger"],
                     "what_changed": a["what_changed"], "expected_effect": a["expected_effect"],
                     "measured_effect": a["measured_effect"], "kpi": a["kpi_target_id"], "channel": a["channel_id"],
                     "before": _s(before, "0.01"), "after": _s(after, "0.01")})
    return {"available": True, "reason": "", "rows": rows, "window_days": 3}


def _merge_days(daily, channel_id: int | None) -> dict[dt.date, dict[str, Decimal]]:
    if channel_id is not None:
        return daily.get(channel_id, {})
    out: dict[dt.date, dict[str, Decimal]] = defaultdict(dict)
    for days in daily.values():
        for day, values in days.items():
            for metric, v in values.items():
                out[day][metric] = out[day].get(metric, Decimal(0)) + v
    return out


def _team_departments(campaign: Campaign) -> list[str]:
    return list(Membership.objects.filter(campaign=campaign, is_department_head=True).exclude(department="")
                .order_by("id").values_list("department", flat=True))


def collect(campaign: Campaign, *, now: dt.datetime | None = None) -> dict:
    """Every section's facts for `campaign` at `now` (see the module docstring)."""
    now = now or timezone.now()
    today = today_of(campaign, now)
    targets = list(KpiTarget.objects.filter(campaign=campaign).order_by("id"))
    has_metrics = metrics_installed()
    daily = metric_daily(campaign) if has_metrics else {}
    per_channel = _channel_sums(daily)
    totals = _totals(per_channel)
    channel_ids = set(per_channel) | {t.channel_id for t in targets if t.channel_id}
    return {
        "v": SNAPSHOT_VERSION,
        "generated_at": now.isoformat(),
        "today": today.isoformat(),
        "campaign": {"id": campaign.pk, "name": campaign.name, "kind": campaign.kind, "theme": campaign.theme,
                     "goal": campaign.goal_statement, "start": campaign.start_date.isoformat(),
                     "end": campaign.end_date.isoformat(), "currency": campaign.currency,
                     "time_zone": campaign.time_zone},
        "channels_named": {str(k): v for k, v in _channel_names(channel_ids).items()},
        "kpis": _kpi_section(targets, per_channel, totals, has_metrics),
        "channels": _channel_section(per_channel, has_metrics),
        "funnel": _funnel_section(totals, targets, has_metrics),
        "schedule": _schedule_section(campaign, today),
        "budget": _budget_section(campaign),
        "issues": _issue_section(campaign, now),
        "risks": _risk_section(campaign),
        "adjustments": _adjustment_section(campaign, {t.pk: t for t in targets}, daily, has_metrics),
        "departments": _team_departments(campaign),
    }
