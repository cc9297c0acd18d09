"""A report's snapshot as a document in the reader's language: sections with headings, tables of
text cells, notices and charts. The page, the PDF, the Word file and the workbook all render this
one structure, so they say the same thing."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import get_language, gettext_lazy, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext as _

from campaignops.accounts.models import Department
from campaignops.campaigns.kpis import Metric
from campaignops.risks.models import AdjustmentTrigger

from .models import ReportKind

METRIC_NAMES = {
    "impressions": Metric.IMPRESSIONS.label, "clicks": Metric.CLICKS.label, "conversions": Metric.CONVERSIONS.label,
    "leads": Metric.LEADS.label, "orders": Metric.ORDERS.label, "store_visitors": Metric.STORE_VISITORS.label,
    "ctr": Metric.CTR.label, "cvr": Metric.CVR.label,
}
VERDICTS = {
    "met": gettext_lazy("Met"), "close": gettext_lazy("Nearly met"), "missed": gettext_lazy("Missed"),
    "no_data": gettext_lazy("No data"),
}
REASONS = {
    "no_metrics_app": gettext_lazy("Results are not available: metrics are not recorded in this installation yet."),
    "no_metrics": gettext_lazy("No results have been recorded for this campaign yet (Data tab)."),
    "no_budget_app": gettext_lazy("Budget figures are not available: the budget is not kept in this installation yet."),
    "no_budget": gettext_lazy("This campaign has no budget yet."),
    "no_targets": gettext_lazy("No KPI targets were set for this campaign."),
    "no_plan": gettext_lazy("This campaign has no plan yet."),
}
NARRATIVE_TITLES = {
    "conclusion": gettext_lazy("Conclusion"),
    "analysis": gettext_lazy("Analysis of the results"),
    "next_steps": gettext_lazy("Next steps"),
    "went_well": gettext_lazy("What went well"),
    "to_improve": gettext_lazy("What to improve"),
    "meeting_notes": gettext_lazy("Review meeting notes"),
}
TITLES = {
    ReportKind.SUMMARY: gettext_lazy("Campaign Effect Summary Report"),
    ReportKind.RETROSPECTIVE: gettext_lazy("Campaign Retrospective Report"),
}
YES, NO = pgettext_lazy("on time", "Yes"), pgettext_lazy("on time", "No")


def zh() -> bool:
    return (get_language() or "").startswith("zh")


# ---- numbers ------------------------------------------------------------------------------------

def dec(value: str | None) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)


def f(value: str | None) -> float | None:
    """A snapshot number for a spreadsheet cell."""
    return None if value in (None, "") else float(Decimal(value))


def num(value: str | Decimal | None, places: int | None = None) -> str:
    """"500000" -> "500,000"; "4.5" -> "4.5"; None -> "—"."""
    if value is None or value == "":
        return "—"
    d = Decimal(value)
    if places is not None:
        d = d.quantize(Decimal(1).scaleb(-places))
        return f"{d:,.{places}f}"
    d = d.normalize()
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d:,f}"


def pct(value: str | None) -> str:
    return "—" if value is None else f"{num(value, 1)} %"


def money(value: str | None, currency: str) -> str:
    return "—" if value is None else f"{num(value, 2)} {currency}"


# ---- names --------------------------------------------------------------------------------------

def channel_name(snapshot: dict, channel_id) -> str:
    if channel_id is None:
        return _("All channels")
    c = snapshot.get("channels_named", {}).get(str(channel_id))
    if not c:
        return "#" + str(channel_id)
    return c["zh"] if zh() else c["en"]


def metric_name(code: str) -> str:
    return str(METRIC_NAMES.get(code) or dict(Metric.choices).get(code) or code)


def kpi_label(row: dict) -> str:
    return row.get("label") or str(dict(Metric.choices).get(row["metric"], row["metric"]))


def kpi_value(row: dict, key: str, currency: str) -> str:
    value = row.get(key)
    if row["unit"] == "percent":
        return pct(value)
    if row["unit"] == "money":
        return money(value, currency)
    return num(value, 2) if value is not None and Decimal(value) != Decimal(value).to_integral_value() else num(value)


def category_name(code: str) -> str:
    try:
        from campaignops.budget.models import BudgetCategory
    except ImportError:  # pragma: no cover - the budget app is part of the project
        return code
    return str(dict(BudgetCategory.choices).get(code, code))


def department_name(code: str) -> str:
    return str(dict(Department.choices).get(code, code))


def step_name(step: dict) -> str:
    return f"{metric_name(step['source'])} → {metric_name(step['target'])}"


# ---- the document structure ----------------------------------------------------------------------

@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    numeric: set[int] = field(default_factory=set)   # right-aligned columns
    name: str = ""                                     # the sheet name in the workbook
    raw: list[list] | None = None                      # the same rows with numbers as numbers (workbook)


@dataclass
class Chart:
    key: str
    title: str
    labels: list[str]
    series: list[tuple[str, list[float]]]
    unit: str = ""
    reference: float | None = None   # a line, e.g. 100 % of target


@dataclass
class Section:
    key: str
    title: str
    notice: str = ""
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    narrative: str | None = None    # key of an editable narrative part shown here
    text: str = ""                  # that part's text


@dataclass
class Document:
    kind: str
    title: str
    campaign: str
    period: str
    goal: str
    stamp: str
    sections: list[Section]
    meta: list[tuple[str, str]] = field(default_factory=list)


def _narrative(key: str, narrative: dict) -> Section:
    return Section(key=key, title=str(NARRATIVE_TITLES[key]), narrative=key, text=narrative.get(key, ""))


def kpi_table(s: dict) -> Table:
    cur = s["campaign"]["currency"]
    rows = [[kpi_label(r), channel_name(s, r["channel"]), kpi_value(r, "target", cur), kpi_value(r, "actual", cur),
             pct(r["percent"]), str(VERDICTS[r["verdict"]])] for r in s["kpis"]["rows"]]
    raw = [[kpi_label(r), channel_name(s, r["channel"]), f(r["target"]), f(r["actual"]), f(r["percent"]),
            str(VERDICTS[r["verdict"]])] for r in s["kpis"]["rows"]]
    return Table([_("KPI"), _("Channel"), _("Target"), _("Actual"), _("Of target (%%)") % {}, _("Verdict")], rows,
                 {2, 3, 4}, _("KPIs"), raw)


def kpi_chart(s: dict) -> Chart | None:
    rows = [r for r in s["kpis"]["rows"] if r["percent"] is not None]
    if not rows:
        return None
    return Chart("kpis", _("Target reached (%%)") % {}, [kpi_label(r) for r in rows],
                 [(_("Of target (%%)") % {}, [min(float(r["percent"]), 300.0) for r in rows])], "%", 100.0)


def channel_table(s: dict) -> Table:
    c = s["channels"]
    cur = s["campaign"]["currency"]
    metric = metric_name(c.get("result_metric", "conversions"))
    rows = [[str(r["rank"]) if r["rank"] else "—", channel_name(s, r["channel"]), money(r["spend"], cur),
             num(r["results"]), money(r["cost_per_result"], cur)] for r in c["rows"]]
    raw = [[r["rank"], channel_name(s, r["channel"]), f(r["spend"]), f(r["results"]), f(r["cost_per_result"])]
           for r in c["rows"]]
    return Table([_("Rank"), _("Channel"), _("Spend"), metric,
                  _("Cost per result (%(metric)s)") % {"metric": metric}], rows, {0, 2, 3, 4}, _("Channels"), raw)


def channel_chart(s: dict) -> Chart | None:
    rows = [r for r in s["channels"]["rows"] if r["cost_per_result"] is not None]
    if not rows:
        return None
    return Chart("channels", _("Cost per result by channel"), [channel_name(s, r["channel"]) for r in rows],
                 [(_("Cost per result"), [float(r["cost_per_result"]) for r in rows])], s["campaign"]["currency"])


def funnel_table(s: dict) -> Table:
    rows = []
    weakest = s["funnel"]["weakest"]
    for i, st in enumerate(s["funnel"]["steps"]):
        name = step_name(st) + (" ⚠" if i == weakest else "")
        rows.append([name, num(st["source_value"]), num(st["target_value"]), pct(st["rate"]),
                     pct(st["target_rate"]), pct(st["percent_of_target"]),
                     "—" if st["gap_points"] is None else num(st["gap_points"], 2)])
    raw = [[step_name(st), f(st["source_value"]), f(st["target_value"]), f(st["rate"]), f(st["target_rate"]),
            f(st["percent_of_target"]), f(st["gap_points"])] for st in s["funnel"]["steps"]]
    return Table([_("Step"), pgettext("funnel step", "Entered"), pgettext("funnel step", "Passed"), _("Rate"),
                  _("Target rate"), _("Of target (%%)") % {}, _("Gap (percentage points)")], rows, {1, 2, 3, 4, 5, 6},
                 _("Funnel"), raw)


def weakest_sentence(s: dict) -> str:
    f = s["funnel"]
    if f["weakest"] is None:
        return _("Every step of the funnel reached its target.") if f["steps"] else ""
    st = f["steps"][f["weakest"]]
    if st["gap_points"] is not None:
        return _("The weakest step was %(step)s: %(rate)s against %(target)s planned, %(gap)s percentage points "
                 "short.") % {"step": step_name(st), "rate": pct(st["rate"]), "target": pct(st["target_rate"]),
                              "gap": num(st["gap_points"], 1)}
    return _("The weakest step was %(step)s (%(rate)s).") % {"step": step_name(st), "rate": pct(st["rate"])}


def schedule_tables(s: dict) -> list[Table]:
    sc = s["schedule"]
    phases = [[p["name"], p["planned_end"], p["actual_end"], str(max(p["late_days"], 0)), str(p["open_tasks"]),
               str(YES if p["on_time"] else NO)] for p in sc["phases"]]
    delayed = [[d["title"], d["phase"], d["planned_end"], d["end"], str(d["late_days"]), _status(d["status"])]
               for d in sc["delayed"]]
    out = [Table([_("Phase"), _("Planned end"), _("Actual end"), _("Days late"), _("Open tasks"), _("On time")],
                 phases, {3, 4}, _("Phases"))]
    if delayed:
        out.append(Table([_("Delayed task"), _("Phase"), _("Planned end"), _("End"), _("Days late"), _("Status")],
                         delayed, {4}, _("Delayed tasks")))
    return out


def _status(code: str) -> str:
    from campaignops.planning.models import TaskStatus

    return str(dict(TaskStatus.choices).get(code, code))


def budget_table(s: dict) -> Table:
    b, cur = s["budget"], s["campaign"]["currency"]
    rows = [[category_name(r["category"]), money(r["planned"], cur), money(r["committed"], cur),
             money(r["actual"], cur), money(r["variance"], cur), pct(r["percent"])] for r in b["rows"]]
    t = b["total"]
    rows.append([_("Total"), money(t["planned"], cur), money(t["committed"], cur), money(t["actual"], cur),
                 money(t["variance"], cur), ""])
    raw = [[category_name(r["category"]), f(r["planned"]), f(r["committed"]), f(r["actual"]), f(r["variance"]),
            f(r["percent"])] for r in b["rows"]]
    raw.append([_("Total"), f(t["planned"]), f(t["committed"]), f(t["actual"]), f(t["variance"]), None])
    return Table([_("Category"), _("Planned"), _("Committed"), _("Actual"), _("Variance"), _("Used (%%)") % {}], rows,
                 {1, 2, 3, 4, 5}, _("Budget"), raw)


def budget_chart(s: dict) -> Chart | None:
    rows = s["budget"]["rows"]
    if not rows:
        return None
    return Chart("budget", _("Budget: plan vs actual by category"), [category_name(r["category"]) for r in rows],
                 [(_("Planned"), [float(r["planned"]) for r in rows]), (_("Actual"), [float(r["actual"]) for r in rows])],
                 s["campaign"]["currency"])


def issue_paragraph(s: dict) -> str:
    i = s["issues"]
    if not i["count"]:
        return _("No issues were logged.")
    text = ngettext(
        "%(count)s issue was logged: %(on_time)s solved within the response deadline, %(late)s solved late, "
        "%(open)s still open past the deadline.",
        "%(count)s issues were logged: %(on_time)s solved within the response deadline, %(late)s solved late, "
        "%(open)s still open past the deadline.", i["count"]) % {
        "count": i["count"], "on_time": i["on_time"], "late": i["late"], "open": i["open_overdue"]}
    if i["median_hours"] is not None:
        text += " " + _("Median time to a solution: %(hours)s hours.") % {"hours": num(i["median_hours"])}
    return text


def issue_table(s: dict) -> Table:
    rows = [[r["problem"], num(r["hours"]), num(r["allowed"])] for r in s["issues"]["slow"]]
    return Table([_("Slow issue"), _("Hours taken"), _("Hours allowed")], rows, {1, 2}, _("Slow issues"))


def risk_table(s: dict) -> Table:
    rows = [[r["description"], (r["triggered_at"] or "")[:10], r["contingency_plan"], str(r["tasks"])]
            for r in s["risks"]["triggered"]]
    return Table([_("Risk triggered"), _("Triggered on"), _("Contingency used"), _("Contingency tasks")], rows, {3},
                 _("Risks triggered"))


def adjustment_table(s: dict) -> Table:
    kpis = {r["id"]: r for r in s["kpis"]["rows"]}
    cur = s["campaign"]["currency"]
    rows = []
    for a in s["adjustments"]["rows"]:
        k = kpis.get(a["kpi"])
        label = kpi_label(k) if k else ""
        if a["channel"]:
            label = f"{label} · {channel_name(s, a['channel'])}" if label else channel_name(s, a["channel"])
        before = kpi_value({**k, "v": a["before"]}, "v", cur) if k else "—"
        after = kpi_value({**k, "v": a["after"]}, "v", cur) if k else "—"
        rows.append([a["date"], str(dict(AdjustmentTrigger.choices).get(a["trigger"], a["trigger"])),
                     a["what_changed"], label, before, after, a["measured_effect"]])
    return Table([_("Date"), _("Trigger"), _("What changed"), _("KPI / channel"),
                  _("Before (3 days)"), _("After (3 days)"), _("Measured effect")], rows, {4, 5},
                 _("Strategy adjustments"))


def _header(s: dict, kind: str, stamp: str) -> dict:
    c = s["campaign"]
    return {"kind": kind, "title": str(TITLES[kind]), "campaign": c["name"], "period": f"{c['start']} ~ {c['end']}",
            "goal": c["goal"], "stamp": stamp}


def summary_document(s: dict, narrative: dict, *, stamp: str) -> Document:
    sections = [_narrative("conclusion", narrative)]
    k = s["kpis"]
    kpi = Section("kpis", _("KPIs: targets and results"), notice="" if k["available"] else str(REASONS[k["reason"]]))
    if k["available"]:
        if not k["metrics"]:
            kpi.notice = str(REASONS["no_metrics_app"])
        kpi.tables.append(kpi_table(s))
        chart = kpi_chart(s)
        if chart:
            kpi.charts.append(chart)
    sections.append(kpi)
    ch = Section("channels", _("Channels ranked by cost per result"))
    if s["channels"]["available"]:
        ch.tables.append(channel_table(s))
        chart = channel_chart(s)
        if chart:
            ch.charts.append(chart)
    else:
        ch.notice = str(REASONS[s["channels"]["reason"]])
    sections.append(ch)
    fu = Section("funnel", _("Funnel"))
    if s["funnel"]["available"]:
        fu.paragraphs.append(weakest_sentence(s))
        fu.tables.append(funnel_table(s))
    else:
        fu.notice = str(REASONS[s["funnel"]["reason"]])
    sections.append(fu)
    sections.append(_narrative("analysis", narrative))
    sc = Section("schedule", _("Schedule against the plan"))
    if s["schedule"]["available"]:
        d = s["schedule"]
        late = sum(1 for p in d["phases"] if not p["on_time"])
        sc.paragraphs.append(_("%(on_time)s of %(phases)s phases on time; %(done)s of %(tasks)s tasks done, "
                               "%(delayed)s delayed.") % {"on_time": len(d["phases"]) - late, "phases": len(d["phases"]),
                                                          "done": d["tasks_done"], "tasks": d["tasks_total"],
                                                          "delayed": d["delayed_count"]})
        sc.tables.extend(schedule_tables(s))
    else:
        sc.notice = str(REASONS[s["schedule"]["reason"]])
    sections.append(sc)
    bu = Section("budget", _("Budget: plan vs actual"))
    if s["budget"]["available"]:
        bu.tables.append(budget_table(s))
        chart = budget_chart(s)
        if chart:
            bu.charts.append(chart)
    else:
        bu.notice = str(REASONS[s["budget"]["reason"]])
    sections.append(bu)
    iss = Section("issues", _("Issues and response times"), paragraphs=[issue_paragraph(s)])
    if s["issues"]["slow"]:
        iss.tables.append(issue_table(s))
    sections.append(iss)
    ri = Section("risks", _("Risks triggered and contingencies used"))
    r = s["risks"]
    ri.paragraphs.append(_("%(triggered)s of %(total)s risks were triggered.") % {
        "triggered": len(r["triggered"]), "total": r["total"]})
    if r["triggered"]:
        ri.tables.append(risk_table(s))
    sections.append(ri)
    ad = Section("adjustments", _("Strategy adjustments and their effect"))
    if s["adjustments"]["rows"]:
        ad.tables.append(adjustment_table(s))
    else:
        ad.paragraphs.append(_("No strategy adjustments were logged."))
    sections.append(ad)
    sections.append(_narrative("next_steps", narrative))
    return Document(sections=sections, **_header(s, ReportKind.SUMMARY, stamp))


def retrospective_document(s: dict, narrative: dict, *, stamp: str, meeting: dict) -> Document:
    """`meeting`: {"date": iso or None, "attendees": [(name, department code)], "actions": [(title, owner,
    due iso, status code)], "missing": [department codes]}."""
    people = Section("meeting", _("Review meeting"))
    people.paragraphs.append(_("Date: %(date)s") % {"date": meeting.get("date") or "—"})
    if meeting["attendees"]:
        people.tables.append(Table([_("Attendee"), _("Department")],
                                   [[n, department_name(d) if d else ""] for n, d in meeting["attendees"]],
                                   set(), _("Attendees")))
    if meeting["missing"]:
        people.notice = _("No one from these departments attended: %(departments)s.") % {
            "departments": ", ".join(department_name(d) for d in meeting["missing"])}
    sections = [people, _narrative("went_well", narrative), _narrative("to_improve", narrative)]
    figures = Section("figures", _("Key figures"))
    if s["kpis"]["available"]:
        figures.tables.append(kpi_table(s))
    if s["channels"]["available"]:
        figures.tables.append(channel_table(s))
    if s["funnel"]["available"]:
        figures.paragraphs.append(weakest_sentence(s))
    if not figures.tables and not figures.paragraphs:
        figures.notice = str(REASONS[s["kpis"]["reason"] if not s["kpis"]["available"] else s["channels"]["reason"]])
    sections.append(figures)
    actions = Section("actions", _("Action items"))
    if meeting["actions"]:
        actions.tables.append(Table([_("Action item"), _("Owner"), _("Due"), _("Status")],
                                    [[t, o, d, _status(st)] for t, o, d, st in meeting["actions"]], set(),
                                    _("Action items")))
    else:
        actions.paragraphs.append(_("No action items yet."))
    sections.append(actions)
    sections.append(_narrative("meeting_notes", narrative))
    return Document(sections=sections, **_header(s, ReportKind.RETROSPECTIVE, stamp))


def stamp_text(snapshot: dict, version=None) -> str:
    if version is not None:
        import zoneinfo

        tz = zoneinfo.ZoneInfo(snapshot["campaign"].get("time_zone") or "UTC")
        return _("Version %(number)s, published %(date)s") % {
            "number": version.number, "date": version.published_at.astimezone(tz).date().isoformat()}
    return _("Draft, figures as of %(date)s") % {"date": snapshot["today"]}


def document_of(kind: str, snapshot: dict, narrative: dict, *, meeting: dict | None = None,
                version=None) -> Document:
    """The document of a draft (live snapshot) or of a published version (its frozen snapshot)."""
    stamp = stamp_text(snapshot, version)
    if kind == ReportKind.SUMMARY:
        return summary_document(snapshot, narrative, stamp=stamp)
    meeting = meeting or {"date": None, "attendees": [], "actions": [], "missing": []}
    return retrospective_document(snapshot, narrative, stamp=stamp, meeting=meeting)
