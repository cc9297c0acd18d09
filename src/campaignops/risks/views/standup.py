"""The lead's daily stand-up: today's sections (due today, overdue, blocked, changed since the last
stand-up, issues near or past their response deadline, risks triggered, KPIs behind), the record
form (minutes, decisions, attendees, action items that become tasks) and the past stand-ups."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaignops.access.policy import Action
from campaignops.core.errors import DomainError, StaleVersion
from campaignops.planning.models import TaskStatus

from .. import lines, selectors, standups
from ..forms import ActionItemFormSet, StandupForm
from ..presenters import label_issues, label_tasks
from .common import base_context, campaign_view, form_error, team_of

PAGE = "risks/standup.html"
HISTORY = 10


def _current_phase(team, today):
    phases = team.phases
    return next((p for p in phases if p.start_date <= today <= p.end_date), phases[-1] if phases else None)


def _forms(request, team, today):
    data = request.POST if request.method == "POST" else None
    return (StandupForm(data, team=team),
            ActionItemFormSet(data, prefix="ai", form_kwargs={"team": team, "phase": _current_phase(team, today),
                                                              "today": today}))


def _context(request, campaign, team, form, items, *, show_all: bool = False) -> dict:
    ctx = base_context(request, campaign, "standup")
    history = list(selectors.standup_list(campaign=campaign, limit=None if show_all else HISTORY))
    last = next((s for s in history if s.held_at <= ctx["now"]), None)
    lookups = selectors.Lookups(phases={p.pk: p for p in team.phases}, users={u.pk: u for u in team.members})
    summary = selectors.standup_summary(campaign=campaign, now=ctx["now"], last=last, look_up_last=False,
                                        lookups=lookups)
    statuses = {v: str(label) for v, label in TaskStatus.choices}
    plan_url = reverse("planning:plan", args=[campaign.pk])
    label_tasks([*summary.due_today, *summary.overdue, *summary.blocked, *summary.changed],
                plan_url=plan_url, statuses=statuses)
    for s in history:
        label_tasks([a.task for a in s.action_items.all()], plan_url=plan_url, statuses=statuses)
    label_issues(summary.issues, ctx["now"], ctx["tz"])
    return {**ctx, "s": summary, "lines": _lines(summary, history, statuses), "history": history,
            "show_all": show_all, "form": form, "items": items, "team": team,
            "issues_url": reverse("risks:issues", args=[campaign.pk]),
            "risks_url": reverse("risks:risks", args=[campaign.pk])}


def _lines(summary, history, statuses: dict[str, str]) -> dict:
    """Each section's task lines as HTML (see `risks/lines.py`), and each past stand-up's."""
    texts = lines.LineTexts.current(statuses)
    for t in summary.overdue:
        t.days_late = summary.days_late[t.pk]
    for t in summary.changed:
        t.is_new, t.updates = t.pk in summary.new, summary.updates.get(t.pk, [])
    for su in history:
        su.lines = lines.joined(lines.task_line(a.task, texts) for a in su.action_items.all())
    return {"due_today": lines.joined(lines.task_line(t, texts) for t in summary.due_today),
            "overdue": lines.joined(lines.overdue_line(t, texts) for t in summary.overdue),
            "blocked": lines.joined(lines.task_line(t, texts) for t in summary.blocked),
            "changed": lines.joined(lines.changed_line(t, texts) for t in summary.changed)}


def _record(request, campaign, form, items, team):
    actions = [standups.ActionItem(title=f.cleaned_data["title"], phase=team.phase(f.cleaned_data["phase"]),
                                   due=f.cleaned_data["due"], owner=team.user(f.cleaned_data["owner"]))
               for f in items.forms if f.has_changed() and f.cleaned_data]
    standup = standups.standup_create(campaign=campaign, actor=request.user, minutes=form.cleaned_data["minutes"],
                                      decisions=form.cleaned_data["decisions"],
                                      attendees=form.attendee_users(), action_items=actions)
    messages.success(request, ngettext("The stand-up is recorded; %(n)s action item is now a task in the plan.",
                                       "The stand-up is recorded; %(n)s action items are now tasks in the plan.",
                                       len(actions)) % {"n": len(actions)})
    return HttpResponseRedirect(reverse("risks:standup", args=[campaign.pk]) + f"#su-{standup.pk}")


@campaign_view(GET=Action.VIEW, POST=Action.EDIT)
def standup_page(request, campaign):
    ctx = base_context(request, campaign, "standup")
    team = team_of(campaign)
    form, items = _forms(request, team, selectors.standup_today(campaign, ctx["now"]))
    if request.method == "POST" and form.is_valid() and items.is_valid():
        try:
            return _record(request, campaign, form, items, team)
        except DomainError as exc:
            form_error(form, exc)
    status = 422 if request.method == "POST" else 200
    ctx = _context(request, campaign, team, form, items, show_all=request.GET.get("all") == "1")
    return TemplateResponse(request, PAGE, ctx, status=status)


@campaign_view(GET=Action.VIEW, POST=Action.EDIT)
def standup_detail(request, campaign, standup_pk: int):
    """One past stand-up; editors correct its minutes, decisions and attendees (version-checked)."""
    standup = get_object_or_404(selectors.standup_qs().filter(campaign=campaign), pk=standup_pk)
    team = team_of(campaign)
    form = StandupForm(request.POST if request.method == "POST" else None, team=team)
    if request.method == "GET":
        form.initial = {"attendees": [u.pk for u in standup.attendees.all()], "minutes": standup.minutes,
                        "decisions": standup.decisions}
    status = 200
    if request.method == "POST":
        status = _save_standup(request, standup, form)
        if status == 302:
            messages.success(request, _("The stand-up record is saved."))
            return HttpResponseRedirect(reverse("risks:standup_detail", args=[campaign.pk, standup.pk]))
    ctx = base_context(request, campaign, "standup")
    label_tasks([a.task for a in standup.action_items.all()], plan_url=reverse("planning:plan", args=[campaign.pk]),
                statuses={v: str(label) for v, label in TaskStatus.choices})
    return TemplateResponse(request, "risks/standup_detail.html",
                            {**ctx, "standup": standup, "form": form, "stale": status == 409}, status=status)


def _save_standup(request, standup, form) -> int:
    if not form.is_valid():
        return 422
    try:
        standups.standup_update(standup=standup, actor=request.user, version=_version(request),
                                minutes=form.cleaned_data["minutes"], decisions=form.cleaned_data["decisions"],
                                attendees=form.attendee_users())
    except StaleVersion as exc:
        form.add_error(None, str(exc.message))
        standup.refresh_from_db()
        return 409
    except DomainError as exc:
        form_error(form, exc)
        return 422
    return 302


def _version(request) -> int:
    """The version the form was read at; a form without one counts as stale (never a blind overwrite)."""
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() and len(value) < 10 else -1
