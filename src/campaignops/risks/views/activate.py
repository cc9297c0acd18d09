""""Activate contingency": a confirmation that shows what will be created (tasks in their phase and
window, the issue with its response clock, the adjustment entry), then all of it at once or nothing;
the answer lists what was created, with links."""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.urls import reverse

from campaignops.access.policy import Action
from campaignops.core.errors import DomainError, StaleVersion
from campaignops.planning.models import TaskStatus

from .. import services
from ..domain.rules import response_deadline
from ..forms import ActivateForm
from ..presenters import label_issues, label_tasks, local_text
from .common import base_context, campaign_view, is_partial
from .risks import _risk

PAGE = "risks/activate.html"


def _render(request, name: str, ctx: dict, status: int = 200):
    template = PAGE + f"#{name}" if is_partial(request) else PAGE
    return TemplateResponse(request, template, {**ctx, "part": name, "inline": is_partial(request)}, status=status)


def _confirm(request, campaign, risk, form, *, status: int = 200, error: str = ""):
    ctx = base_context(request, campaign, "risks")
    try:
        planned = services.contingency_plan_tasks(risk=risk, now=ctx["now"])
    except DomainError as exc:
        planned, error = [], error or str(exc.message)
    deadline = local_text(response_deadline(ctx["now"], "high"), ctx["tz"])
    return _render(request, "confirm", {**ctx, "risk": risk, "form": form, "planned": planned,
                                        "deadline": deadline, "error": error}, status)


@campaign_view(GET=Action.EDIT, POST=Action.EDIT)
def risk_activate(request, campaign, risk_pk: int):
    risk = _risk(campaign, risk_pk)
    if request.method == "GET":
        return _confirm(request, campaign, risk, ActivateForm(initial={"version": risk.version}))
    form = ActivateForm(request.POST)
    if not form.is_valid():
        return _confirm(request, campaign, risk, form, status=422)
    try:
        tasks, issue, adjustment = services.contingency_activate(
            risk=risk, actor=request.user, version=form.cleaned_data["version"], note=form.cleaned_data["note"])
    except StaleVersion as exc:
        fresh = _risk(campaign, risk_pk)
        return _confirm(request, campaign, fresh, ActivateForm(initial={"version": fresh.version}), status=409,
                        error=str(exc.message))
    except DomainError as exc:
        return _confirm(request, campaign, _risk(campaign, risk_pk), form, status=422, error=str(exc.message))
    return _result(request, campaign, risk, tasks, issue, adjustment)


def _result(request, campaign, risk, tasks, issue, adjustment):
    ctx = base_context(request, campaign, "risks")
    label_tasks(tasks, plan_url=reverse("planning:plan", args=[campaign.pk]),
                statuses={v: str(label) for v, label in TaskStatus.choices})
    label_issues([issue], ctx["now"], ctx["tz"])
    return _render(request, "result", {**ctx, "risk": _risk(campaign, risk.pk), "tasks": tasks, "issue": issue,
                                       "adjustment": adjustment})
