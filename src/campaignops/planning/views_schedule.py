"""The timeline page (frappe-gantt): phases as groups of bars, dependencies as arrows, the critical
path, days off, today, the baseline and each task's variance. Dragging a bar asks for the knock-on
effect (`preview`), which is saved only once confirmed (`reschedule`). Dependencies are added and
removed on the page; the lead sets the baseline.

Every view: access first (`plan_view`: 404 for non-members whatever the method, then 405, then 403
for roles that may not write), then `scheduling`, then `planning/timeline.html` — a named partial
for htmx requests (`body`: the data, the table and the dependency editor; `confirm`: the preview).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from django import forms
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext, pgettext
from django.utils.translation import gettext as _
from django_htmx.http import reswap, retarget

from campaignops.access.policy import Action, can
from campaignops.campaigns.models import Campaign
from campaignops.core.errors import DomainError

from . import scheduling
from .models import DependencyType, PhaseKind, Task, TaskDependency, TaskStatus
from .views.common import _campaign, _is_partial, _task, plan_view

TIMELINE = "planning/timeline.html"


# ---- forms --------------------------------------------------------------------------------------

class MoveForm(forms.Form):
    new_start = forms.DateField(required=False)
    new_end = forms.DateField(required=False)
    days = forms.IntegerField(required=False, min_value=-scheduling.MAX_REACH, max_value=scheduling.MAX_REACH)
    version = forms.IntegerField(required=False, min_value=0)
    expected = forms.CharField(required=False, max_length=64)

    def move(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("new_start", "new_end", "days")}


class DependencyForm(forms.Form):
    """The editor's input; the view checks that both tasks belong to the campaign."""

    successor = forms.IntegerField(label=gettext_lazy("Task"), min_value=1)
    predecessor = forms.IntegerField(label=gettext_lazy("waits for"), min_value=1)
    type = forms.ChoiceField(label=gettext_lazy("Dependency type"), choices=DependencyType.choices,
                             initial=DependencyType.FINISH_TO_START)
    lag = forms.IntegerField(label=gettext_lazy("Lag (working days)"), initial=0, min_value=-scheduling.MAX_LAG,
                             max_value=scheduling.MAX_LAG)


def _first_error(form: forms.Form) -> str:
    field, errors = next(iter(form.errors.items()))
    label = form.fields[field].label if field in form.fields else ""
    return _("%(field)s: %(message)s") % {"field": label, "message": errors[0]} if label else str(errors[0])


# ---- what the page shows ------------------------------------------------------------------------

def _day(d: dt.date, year: int) -> str:
    """06-20 within the campaign's first year, 2025-01-03 otherwise."""
    return d.strftime("%m-%d") if d.year == year else d.isoformat()


def _days_off(cal, first: dt.date, last: dt.date) -> list[str]:
    out, day = [], first
    while day <= last:
        if not cal.is_working_day(day):
            out.append(day.isoformat())
        day += dt.timedelta(days=1)
    return out


def _gantt_rows(sched: scheduling.CampaignSchedule) -> list[dict]:
    """One row per phase (a group bar, `kind` "phase") followed by its tasks; keys that would be empty
    (dependencies, the earliest start of a task planned too early, the baseline) are left out."""
    plan, statuses = sched.plan, {value: str(label) for value, label in TaskStatus.choices}
    preds: dict[int, list[str]] = {}
    for d in plan.deps:
        preds.setdefault(d.successor_id, []).append(f"t{d.predecessor_id}")
    by_phase: dict[int, list[scheduling.ScheduledTask]] = {}
    for t in sched.tasks:
        by_phase.setdefault(t.row.phase_id, []).append(t)
    rows = []
    for p in plan.phases.values():
        rows.append({"id": f"p{p.id}", "kind": "phase", "name": p.name, "start": p.start.isoformat(),
                     "end": p.end.isoformat(), "classes": [f"tl-kind-{p.kind}"]})
        for t in by_phase.get(p.id, []):
            r = t.row
            classes = [c for c, on in (("tl-critical", t.critical), ("tl-conflict", t.conflict),
                                       ("tl-done", r.status == "done")) if on]
            row = {"id": f"t{r.id}", "name": r.title, "start": r.start.isoformat(), "end": r.end.isoformat(),
                   "progress": r.percent_complete, "classes": classes, "owner": r.owner,
                   "status": statuses.get(r.status, r.status), "duration": t.duration, "slack": t.slack,
                   "critical": t.critical}
            if r.id in preds:
                row["dependencies"] = preds[r.id]
            if t.conflict:
                row["early"] = t.early_start.isoformat()
            if t.baseline_start and t.baseline_end:
                row["baseline"] = [t.baseline_start.isoformat(), t.baseline_end.isoformat()]
                row["variance"] = t.finish_variance
            rows.append(row)
    return rows


LABELS = {
    "phase": gettext_lazy("Phase"), "owner": gettext_lazy("Owner"), "status": gettext_lazy("Status"),
    "window": gettext_lazy("Time window"), "duration": gettext_lazy("Working days"),
    "slack": gettext_lazy("Slack (working days)"), "critical": gettext_lazy("On the critical path"),
    "baseline": gettext_lazy("Baseline"), "variance": gettext_lazy("Variance (working days)"),
    "conflict": gettext_lazy("Starts before its dependencies allow; earliest start: {date}"),
    "loading": gettext_lazy("Working out what else moves…"),
    "failed": gettext_lazy("The server did not answer. Nothing was changed; try again."),
    "today": gettext_lazy("Today"), "outside": gettext_lazy("Today is outside the plan."),
    "phase_locked": gettext_lazy("A phase follows its tasks: drag the tasks instead."),
}


def _json_block(value: dict, element_id: str) -> SafeString:
    """Like the `json_script` filter, but compact and with Chinese kept as UTF-8 (a 500-task plan is a
    third of the size); <, > and & are escaped the same way, so the block cannot end early."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)
    text = text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    return format_html('<script id="{}" type="application/json">{}</script>', element_id, mark_safe(text))


def _data(request, campaign: Campaign, sched: scheduling.CampaignSchedule, editable: bool) -> dict:
    rows = _gantt_rows(sched)
    days = [dt.date.fromisoformat(r[k]) for r in rows for k in ("start", "end")] or [campaign.start_date]
    first, last = min(days) - dt.timedelta(days=70), max(days) + dt.timedelta(days=100)
    return {
        "rows": rows, "days_off": _days_off(sched.plan.cal, first, last),
        "today": scheduling.campaign_today(campaign).isoformat(), "editable": editable,
        "lang": "zh-CN" if (get_language() or "").startswith("zh") else "en",
        "tasks_url": reverse("planning_schedule:timeline", args=[campaign.pk]) + "tasks/",
        "labels": {k: str(v) for k, v in LABELS.items()},
    }


# The table, the dependency list and the selects are built here rather than in the template: a
# campaign of 500 tasks has 500 rows, 1,000 options and hundreds of links, and the template engine
# spends about 100 µs on each row where these functions spend a few (see views/rows.py).

@dataclass(frozen=True)
class Texts:
    """The fixed words of the table and the dependency list, in the current language, escaped."""

    critical: str
    too_early: str
    earliest: str
    on_plan: str
    waits_for: str
    remove: str

    @classmethod
    def current(cls) -> Texts:
        return cls(escape(pgettext("critical path", "Critical")), escape(_("Starts too early")),
                   escape(_("Its dependencies let it start on %(date)s at the earliest.")), escape(_("On plan")),
                   escape(_("waits for")), escape(_("Remove this dependency")))


@lru_cache(maxsize=1024)
def _variance_badge(language: str, variance: int | None) -> str:
    if variance is None:
        return '<span class="text-secondary">—</span>'
    if variance == 0:
        return f'<span class="badge tl-var tl-var-on">{escape(_("On plan"))}</span>'
    n = abs(variance)
    if variance > 0:
        text = ngettext("%(n)s working day late", "%(n)s working days late", n) % {"n": n}
        return f'<span class="badge tl-var tl-var-late">{escape(text)}</span>'
    text = ngettext("%(n)s working day early", "%(n)s working days early", n) % {"n": n}
    return f'<span class="badge tl-var tl-var-early">{escape(text)}</span>'


def _row_html(t: scheduling.ScheduledTask, x: Texts, language: str) -> str:
    r = t.row
    badges = f' <span class="badge tl-badge-critical">{x.critical}</span>' if t.critical else ""
    if t.conflict:
        hint = x.earliest % {"date": t.early_start.isoformat()}
        badges += f' <span class="badge text-bg-warning" title="{hint}">{x.too_early}</span>'
    base = (f"{t.baseline_start:%m-%d} ~ {t.baseline_end:%m-%d}" if t.baseline_start and t.baseline_end
            else '<span class="text-secondary">—</span>')
    return (f'<tr id="tl-t{r.id}" class="tl-row{" is-critical" if t.critical else ""}"><td>{escape(r.title)}{badges}'
            f'</td><td class="tl-when">{r.start.isoformat()} ~ {r.end.isoformat()}</td><td class="text-end">'
            f'{t.duration}</td><td class="text-end">{t.slack}</td><td class="tl-when">{base}</td>'
            f'<td>{_variance_badge(language, t.finish_variance)}</td></tr>')


def _groups(sched: scheduling.CampaignSchedule, x: Texts) -> list[dict]:
    """Phases in order, each with its table rows as HTML."""
    kinds, language = dict(PhaseKind.choices), get_language() or ""
    by_phase: dict[int, list[str]] = {}
    for t in sched.tasks:
        by_phase.setdefault(t.row.phase_id, []).append(_row_html(t, x, language))
    return [{"phase": p, "kind": kinds.get(p.kind, p.kind), "rows": mark_safe("".join(by_phase.get(p.id, [])))}
            for p in sched.plan.phases.values()]


def _task_options(sched: scheduling.CampaignSchedule) -> str:
    """The options of the editor's task selects, grouped by phase."""
    groups: dict[int, list[str]] = {}
    for t in sched.plan.tasks.values():
        groups.setdefault(t.phase_id, []).append(f'<option value="{t.id}">{escape(t.title)}</option>')
    return "".join(f'<optgroup label="{escape(p.name)}">{"".join(groups[p.id])}</optgroup>'
                   for p in sched.plan.phases.values() if p.id in groups)


def _select(options: str, value) -> SafeString:
    if value:
        options = options.replace(f'<option value="{value}">', f'<option value="{value}" selected>', 1)
    return mark_safe(options)


def _lag(lag: int) -> str:
    return ngettext("lag %(n)s working day", "lag %(n)s working days", abs(lag)) % {"n": lag}


def _links_html(campaign: Campaign, sched: scheduling.CampaignSchedule, x: Texts, editable: bool) -> str:
    """The dependency list; a remove button posts with htmx (target and swap set on the list)."""
    tasks, order = sched.plan.tasks, {pk: k for k, pk in enumerate(sched.plan.tasks)}
    kinds = {k: escape(v) for k, v in DependencyType.choices}
    base = reverse("planning_schedule:timeline", args=[campaign.pk]) + "dependencies/"
    items = []
    for d in sorted(sched.plan.deps, key=lambda d: (order[d.successor_id], order[d.predecessor_id])):
        how = kinds.get(d.type, escape(d.type)) + (f" · {escape(_lag(d.lag))}" if d.lag else "")
        remove = (f'<button type="button" class="tl-rm" hx-post="{base}{d.id}/delete/" title="{x.remove}" '
                  f'aria-label="{x.remove}"><i class="bi bi-x-lg"></i></button>') if editable else ""
        items.append(f'<li class="list-group-item" id="tl-dep-{d.id}"><div><b>{escape(tasks[d.successor_id].title)}'
                     f'</b> <span class="text-secondary">{x.waits_for}</span> <b>{escape(tasks[d.predecessor_id].title)}'
                     f'</b><div class="text-secondary">{how}</div></div>{remove}</li>')
    return mark_safe("".join(items))


def _selected(form: DependencyForm | None) -> dict:
    """The editor's values after a refused add, so that the user can fix them."""
    data = form.data if form is not None else {}
    return {"successor": str(data.get("successor", "")), "predecessor": str(data.get("predecessor", "")),
            "type": data.get("type") or DependencyType.FINISH_TO_START, "lag": data.get("lag", 0)}


def _context(request, campaign: Campaign, *, dep_form: DependencyForm | None = None, message: str = "",
             error: str = "") -> dict:
    sched = scheduling.campaign_schedule(campaign)
    editable = can(request.user, Action.EDIT, campaign)
    x, sel, options = Texts.current(), _selected(dep_form), _task_options(sched)
    return {
        "campaign": campaign, "editable": editable, "can_manage": can(request.user, Action.MANAGE, campaign),
        "sched": sched, "groups": _groups(sched, x), "links": _links_html(campaign, sched, x, editable),
        "link_count": len(sched.plan.deps), "successor_options": _select(options, sel["successor"]),
        "predecessor_options": _select(options, sel["predecessor"]), "has_tasks": bool(sched.plan.tasks),
        "data": _json_block(_data(request, campaign, sched, editable), "tl-data"), "kinds": DependencyType.choices, "sel": sel,
        "late": sum(1 for t in sched.tasks if (t.finish_variance or 0) > 0), "message": message, "error": error,
        "holiday_gap": sched.plan.cal.missing_years([campaign.start_date, campaign.end_date]),
        "urls": {"dependency_add": reverse("planning_schedule:dependency_add", args=[campaign.pk]),
                 "baseline": reverse("planning_schedule:baseline", args=[campaign.pk])},
    }


def _body(request, campaign: Campaign, *, status: int = 200, **extra):
    """The page's body partial for htmx; otherwise back to the page (with the message) or the page
    itself with the error."""
    if _is_partial(request):
        return TemplateResponse(request, TIMELINE + "#body", _context(request, campaign, **extra), status=status)
    if status >= 400:
        return TemplateResponse(request, TIMELINE, _context(request, campaign, **extra), status=status)
    if extra.get("message"):
        messages.success(request, extra["message"])
    return HttpResponseRedirect(reverse("planning_schedule:timeline", args=[campaign.pk]))


# ---- the page -----------------------------------------------------------------------------------

@plan_view("GET")
def timeline(request, pk: int):
    campaign = _campaign(request, pk)
    if _is_partial(request) and request.htmx.target == "tl-body":
        return TemplateResponse(request, TIMELINE + "#body", _context(request, campaign))
    return TemplateResponse(request, TIMELINE, _context(request, campaign))


# ---- drag: preview, then save -------------------------------------------------------------------

def _preview_texts(p: scheduling.Preview, year: int) -> dict:
    knock = p.knock_on
    lines = []
    if knock:
        lo, hi = p.shifts or (0, 0)
        days = (ngettext("%(n)s working day", "%(n)s working days", abs(hi)) % {"n": hi} if lo == hi else
                _("%(a)s to %(b)s working days") % {"a": lo, "b": hi})
        lines.append(ngettext("The task that depends on it moves by %(days)s.",
                              "These %(n)s tasks that depend on it move by %(days)s.", len(knock))
                     % {"n": len(knock), "days": days})
    for m in p.phase_moves:
        if m.new_end != m.old_end:
            lines.append(_("The phase “%(phase)s” now ends %(new)s (was %(old)s).")
                         % {"phase": m.name, "new": _day(m.new_end, year), "old": _day(m.old_end, year)})
        if m.new_start != m.old_start:
            lines.append(_("The phase “%(phase)s” now starts %(new)s (was %(old)s).")
                         % {"phase": m.name, "new": _day(m.new_start, year), "old": _day(m.old_start, year)})
    if p.campaign_end_moves:
        lines.append(_("The campaign end moves from %(old)s to %(new)s.")
                     % {"old": _day(p.campaign_old[1], year), "new": _day(p.campaign_new[1], year)})
    elif p.moves:
        lines.append(_("The campaign end does not move (%(end)s).") % {"end": _day(p.campaign_old[1], year)})
    return {"lines": lines, "knock_on": knock}


def _move_rows(p: scheduling.Preview, year: int) -> list[dict]:
    return [{"id": m.task_id, "title": m.title, "old": f"{_day(m.old_start, year)} ~ {_day(m.old_end, year)}",
             "new": f"{_day(m.new_start, year)} ~ {_day(m.new_end, year)}", "shift": m.shift,
             "own": m.task_id == p.task_id} for m in p.moves]


def _chart_moves(p: scheduling.Preview) -> list[dict]:
    """The bars the chart redraws while the preview is open: moved tasks and grown phases."""
    return ([{"bar": f"t{m.task_id}", "start": m.new_start.isoformat(), "end": m.new_end.isoformat()} for m in p.moves]
            + [{"bar": f"p{m.phase_id}", "start": m.new_start.isoformat(), "end": m.new_end.isoformat()}
               for m in p.phase_moves])


def _confirm(request, campaign: Campaign, task: Task, *, preview=None, form=None, error: str = "", status=200):
    year = campaign.start_date.year
    ctx = {"campaign": campaign, "task": task, "preview": preview, "form": form, "error": error,
           "year": year, "earliest": _day(preview.earliest_start, year) if preview and preview.earliest_start else "",
           "reschedule_url": reverse("planning_schedule:reschedule", args=[campaign.pk, task.pk])}
    if preview is not None:
        ctx.update(_preview_texts(preview, year), rows=_move_rows(preview, year), bars=_chart_moves(preview))
    response = TemplateResponse(request, TIMELINE + "#confirm", ctx, status=status)
    return reswap(retarget(response, "#tl-confirm"), "innerHTML")


@plan_view("POST")
def preview(request, pk: int, task_pk: int):
    campaign = _campaign(request, pk, Action.EDIT)
    task = _task(campaign, task_pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _confirm(request, campaign, task, error=_first_error(form), status=422)
    try:
        p = scheduling.slip_preview(task=task, **form.move())
    except DomainError as exc:
        return _confirm(request, campaign, task, error=str(exc.message), status=exc.status)
    return _confirm(request, campaign, task, preview=p, form=form)


@plan_view("POST")
def reschedule(request, pk: int, task_pk: int):
    campaign = _campaign(request, pk, Action.EDIT)
    task = _task(campaign, task_pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _confirm(request, campaign, task, error=_first_error(form), status=422)
    try:
        done = scheduling.task_reschedule(task=task, actor=request.user, version=form.cleaned_data["version"],
                                          expected=form.cleaned_data["expected"] or "", **form.move())
    except DomainError as exc:
        return _confirm(request, campaign, task, error=str(exc.message), status=exc.status)
    message = ngettext("Saved: %(n)s task moved.", "Saved: %(n)s tasks moved.", len(done.moves)) % {
        "n": len(done.moves)}
    return _body(request, campaign, message=message)


# ---- dependencies and baseline ------------------------------------------------------------------

@plan_view("POST")
def dependency_add(request, pk: int):
    campaign = _campaign(request, pk, Action.EDIT)
    form = DependencyForm(request.POST)
    if not form.is_valid():
        return _body(request, campaign, dep_form=form, error=_first_error(form), status=422)
    data = form.cleaned_data
    pair = {t.pk: t for t in Task.objects.filter(campaign=campaign, pk__in=[data["predecessor"], data["successor"]])}
    for name in ("successor", "predecessor"):
        if data[name] not in pair:
            error = _("There is no task %(task)s in this campaign.") % {"task": data[name]}
            return _body(request, campaign, dep_form=form, error=error, status=422)
    try:
        scheduling.dependency_add(campaign=campaign, predecessor=pair[data["predecessor"]],
                                  successor=pair[data["successor"]], type=data["type"], lag=data["lag"],
                                  actor=request.user)
    except DomainError as exc:
        return _body(request, campaign, dep_form=form, error=str(exc.message), status=exc.status)
    return _body(request, campaign, message=_("The dependency was added."))


@plan_view("POST")
def dependency_delete(request, pk: int, dependency_pk: int):
    campaign = _campaign(request, pk, Action.EDIT)
    dep = get_object_or_404(TaskDependency, campaign=campaign, pk=dependency_pk)
    scheduling.dependency_remove(dependency=dep, actor=request.user)
    return _body(request, campaign, message=_("The dependency was removed."))


@plan_view("POST")
def baseline_take(request, pk: int):
    campaign = _campaign(request, pk, Action.MANAGE)
    label = (request.POST.get("label") or "").strip()
    try:
        scheduling.baseline_take(campaign=campaign, actor=request.user, label=label)
    except DomainError as exc:
        return _body(request, campaign, error=str(exc.message), status=exc.status)
    return _body(request, campaign, message=_("Baseline set: variances are now measured against the plan as it is."))
