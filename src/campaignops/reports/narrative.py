"""Drafting the narrative parts from the facts: the domain decides what to say (`domain/draft.py`),
this module words it in the active language (whole translatable sentences with named values)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .domain import analysis as an
from .domain import draft
from .presenters import category_name, channel_name, dec, kpi_label, metric_name, money, num, pct


def _kpis(s: dict) -> list[draft.KpiFact]:
    return [draft.KpiFact(kpi_label(r), dec(r["percent"]), r["verdict"], r["metric"]) for r in s["kpis"]["rows"]]


def _funnel(s: dict) -> an.Funnel | None:
    f = s["funnel"]
    if not f["available"]:
        return None
    steps = [an.FunnelStep(st["source"], st["target"], st["rate_code"], dec(st["source_value"]),
                           dec(st["target_value"]), dec(st["rate"]), dec(st["target_rate"]),
                           dec(st["percent_of_target"]), dec(st["gap_points"])) for st in f["steps"]]
    return an.Funnel(steps, f["weakest"])


def _channels(s: dict) -> list[an.ChannelRow]:
    return [an.ChannelRow(str(r["channel"]), dec(r["spend"]), dec(r["results"]), dec(r["cost_per_result"]), r["rank"])
            for r in s["channels"]["rows"]]


def _phases(s: dict) -> list[an.PhaseResult]:
    import datetime as dt

    return [an.PhaseResult(p["id"], p["name"], dt.date.fromisoformat(p["planned_end"]),
                           dt.date.fromisoformat(p["actual_end"]), p["late_days"], p["open_tasks"])
            for p in s["schedule"]["phases"]]


def _budget(s: dict) -> list[an.BudgetLine] | None:
    b = s["budget"]
    if not b["available"]:
        return None
    return [an.BudgetLine(r["category"], Decimal(r["planned"]), Decimal(r["actual"])) for r in b["rows"]]


def _issues(s: dict) -> an.IssueResult:
    i = s["issues"]
    return an.IssueResult(count=i["count"], resolved=i["resolved"], on_time=i["on_time"], late=i["late"],
                          open_overdue=i["open_overdue"])


def say(p: draft.Point, s: dict) -> str:
    """One point as a sentence."""
    v, cur = p.values, s["campaign"]["currency"]
    match p.code:
        case "kpi_met":
            return _("%(kpi)s reached %(percent)s of its target.") % {"kpi": v["kpi"], "percent": pct(v["percent"])}
        case "kpi_missed":
            return _("%(kpi)s reached only %(percent)s of its target.") % {"kpi": v["kpi"],
                                                                          "percent": pct(v["percent"])}
        case "kpi_missed_cause":
            return _("%(kpi)s reached only %(percent)s of its target; most were lost at the %(source)s → %(target)s "
                     "step.") % {"kpi": v["kpi"], "percent": pct(v["percent"]), "source": metric_name(v["source"]),
                                 "target": metric_name(v["target"])}
        case "weakest_step_gap":
            return _("The weakest step was %(source)s → %(target)s: %(rate)s against %(target_rate)s planned "
                     "(%(gap)s percentage points short).") % {
                "source": metric_name(v["source"]), "target": metric_name(v["target"]), "rate": pct(v["rate"]),
                "target_rate": pct(v["target_rate"]), "gap": num(v["gap"], 1)}
        case "weakest_step":
            return _("The weakest step was %(source)s → %(target)s (%(rate)s).") % {
                "source": metric_name(v["source"]), "target": metric_name(v["target"]), "rate": pct(v["rate"])}
        case "no_kpis":
            return _("No KPI targets were set, so the results cannot be compared with goals.")
        case "best_channel":
            return _("%(channel)s had the lowest cost per result (%(metric)s): %(cost)s.") % {
                "channel": channel_name(s, v["channel"]), "metric": metric_name(v["metric"]),
                "cost": money(v["cpr"], cur)}
        case "worst_channel":
            return _("%(channel)s cost %(cost)s per result (%(metric)s) against %(best_cost)s on %(best)s: put more "
                     "of the budget on the cheaper channel next time.") % {
                "channel": channel_name(s, v["channel"]), "cost": money(v["cpr"], cur),
                "metric": metric_name(v["metric"]), "best_cost": money(v["best_cpr"], cur),
                "best": channel_name(s, v["best"])}
        case "phases_on_time":
            return ngettext("The phase finished on time.", "All %(count)s phases finished on time.",
                            v["count"]) % {"count": v["count"]}
        case "phase_late":
            return ngettext("Phase “%(phase)s” finished %(days)s day late.",
                            "Phase “%(phase)s” finished %(days)s days late.", v["days"]) % {
                "phase": v["phase"], "days": v["days"]}
        case "phase_open":
            return ngettext("Phase “%(phase)s” still has %(count)s unfinished task.",
                            "Phase “%(phase)s” still has %(count)s unfinished tasks.", v["count"]) % {
                "phase": v["phase"], "count": v["count"]}
        case "tasks_delayed":
            return ngettext("%(count)s task slipped against the plan.", "%(count)s tasks slipped against the plan.",
                            v["count"]) % {"count": v["count"]}
        case "line_overspent":
            return _("%(category)s overspent: %(actual)s against %(planned)s planned (%(percent)s).") % {
                "category": category_name(v["category"]), "actual": money(v["actual"], cur),
                "planned": money(v["planned"], cur), "percent": pct(v["percent"])}
        case "budget_kept":
            return _("Every budget category stayed within its plan.")
        case "issues_slow":
            return ngettext("%(late)s of %(count)s issue was not solved within its response deadline.",
                            "%(late)s of %(count)s issues were not solved within their response deadline.",
                            v["count"]) % {"late": v["late"], "count": v["count"]}
        case "issues_on_time":
            return ngettext("The issue was solved within its response deadline.",
                            "All %(count)s issues were solved within their response deadline.",
                            v["count"]) % {"count": v["count"]}
    return ""  # pragma: no cover - every code the domain emits is worded above


def _lines(points, s: dict) -> str:
    return "\n".join(say(p, s) for p in points)


def summary_draft(s: dict) -> dict[str, str]:
    points = draft.summary_points(_kpis(s), _funnel(s))
    conclusion = [p for p in points if p.code in ("kpi_met", "kpi_missed", "no_kpis")]
    analysis = [p for p in points if p.code.startswith("weakest")]
    retro = _retro(s)
    return {"conclusion": _lines(conclusion, s), "analysis": _lines(analysis + retro.well[:1], s),
            "next_steps": _lines(retro.improve, s)}


def _retro(s: dict) -> draft.Retro:
    return draft.retrospective_points(
        kpis=_kpis(s), channels=_channels(s) if s["channels"]["available"] else [], f=_funnel(s),
        phases=_phases(s), delayed=s["schedule"]["delayed"], budget=_budget(s), issues=_issues(s),
        result_metric=s["channels"].get("result_metric", "conversions"))


def retrospective_draft(s: dict) -> dict[str, str]:
    retro = _retro(s)
    return {"went_well": _lines(retro.well, s), "to_improve": _lines(retro.improve, s), "meeting_notes": ""}
