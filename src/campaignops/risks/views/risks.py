"""The risk register: the list with scores and the 5×5 heat map, a risk with its contingency plan
and tasks, "Import risks from the plan", and "Activate contingency" (confirm, then all or nothing)."""

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

from .. import selectors, services
from ..forms import ContingencyTaskForm, RiskForm
from ..models import ContingencyTask, RiskCategory, RiskStatus
from ..presenters import heat_rows, label_issues
from .common import base_context, campaign_view, form_error, is_partial, team_of

LIST = "risks/risks.html"
DETAIL = "risks/risk_detail.html"


def _risk(campaign, risk_pk: int, *, detail: bool = False):
    qs = selectors.risk_detail_qs() if detail else selectors.risk_qs()
    return get_object_or_404(qs.filter(campaign=campaign), pk=risk_pk)


def _detail_url(campaign, risk) -> str:
    return reverse("risks:risk", args=[campaign.pk, risk.pk])


@campaign_view(GET=Action.VIEW)
def risk_list(request, campaign):
    ctx = base_context(request, campaign, "risks")
    filters = selectors.RiskFilters.from_query(request.GET)
    risks = list(selectors.risk_list(campaign=campaign, filters=filters))
    grid = heat_rows(selectors.risk_heatmap(campaign=campaign, filters=filters), filters.probability, filters.impact)
    ctx.update(risks=risks, filters=filters, grid=grid, categories=RiskCategory.choices,
               statuses=RiskStatus.choices, impacts=range(1, 6))
    if is_partial(request) and request.htmx.target == "risk-register":
        return TemplateResponse(request, LIST + "#register", ctx)
    return TemplateResponse(request, LIST, ctx)


@campaign_view(GET=Action.EDIT, POST=Action.EDIT)
def risk_new(request, campaign):
    team = team_of(campaign)
    form = RiskForm(request.POST if request.method == "POST" else None, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            risk = services.risk_create(campaign=campaign, actor=request.user, **form.values())
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The risk is added. Add contingency tasks to prepare its plan B."))
            return HttpResponseRedirect(_detail_url(campaign, risk))
    status = 422 if request.method == "POST" else 200
    return TemplateResponse(request, "risks/risk_form.html",
                            {**base_context(request, campaign, "risks"), "form": form}, status=status)


def _detail(request, campaign, risk, *, form=None, task_form=None, status: int = 200, stale: bool = False):
    ctx = base_context(request, campaign, "risks")
    team = team_of(campaign) if ctx["editable"] else None
    if ctx["editable"]:
        form = form or RiskForm(team=team, risk=risk)
        task_form = task_form or ContingencyTaskForm(team=team)
    label_issues(risk.issues.all(), ctx["now"], ctx["tz"])
    ctx.update(risk=risk, form=form, task_form=task_form, stale=stale,
               items=list(risk.contingency_tasks.all()), issues=list(risk.issues.all()),
               adjustments=list(risk.adjustments.all()))
    return TemplateResponse(request, DETAIL, ctx, status=status)


@campaign_view(GET=Action.VIEW, POST=Action.EDIT)
def risk_detail(request, campaign, risk_pk: int):
    """GET: the risk, its contingency plan and tasks, its issues; POST: save the edit form."""
    risk = _risk(campaign, risk_pk, detail=True)
    if request.method == "GET":
        return _detail(request, campaign, risk)
    form = RiskForm(request.POST, team=team_of(campaign), risk=risk)
    if not form.is_valid():
        return _detail(request, campaign, risk, form=form, status=422)
    try:
        services.risk_update(risk=risk, actor=request.user, version=form.cleaned_data["version"], **form.values())
    except StaleVersion:
        fresh = _risk(campaign, risk_pk, detail=True)
        data = request.POST.copy()
        data["version"] = str(fresh.version)
        form = RiskForm(data, team=team_of(campaign), risk=fresh)
        form.is_valid()
        return _detail(request, campaign, fresh, form=form, status=409, stale=True)
    except DomainError as exc:
        form_error(form, exc)
        return _detail(request, campaign, _risk(campaign, risk_pk, detail=True), form=form, status=422)
    messages.success(request, _("The risk is saved."))
    return HttpResponseRedirect(_detail_url(campaign, risk))


@campaign_view(POST=Action.EDIT)
def risk_delete(request, campaign, risk_pk: int):
    risk = _risk(campaign, risk_pk)
    services.risk_delete(risk=risk, actor=request.user)
    messages.success(request, _("The risk is deleted."))
    return HttpResponseRedirect(reverse("risks:risks", args=[campaign.pk]))


@campaign_view(POST=Action.EDIT)
def contingency_add(request, campaign, risk_pk: int):
    risk = _risk(campaign, risk_pk, detail=True)
    form = ContingencyTaskForm(request.POST, team=team_of(campaign))
    if form.is_valid():
        try:
            services.contingency_task_add(risk=risk, actor=request.user, **form.values())
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The contingency task is added."))
            return HttpResponseRedirect(_detail_url(campaign, risk) + "#contingency")
    return _detail(request, campaign, risk, task_form=form, status=422)


@campaign_view(POST=Action.EDIT)
def contingency_delete(request, campaign, risk_pk: int, contingency_pk: int):
    risk = _risk(campaign, risk_pk)
    item = get_object_or_404(ContingencyTask.objects.select_related("risk"), risk=risk, pk=contingency_pk)
    services.contingency_task_delete(item=item, actor=request.user)
    return HttpResponseRedirect(_detail_url(campaign, risk) + "#contingency")


@campaign_view(POST=Action.EDIT)
def risks_import(request, campaign):
    """The plan's free-text risk plans become risks (each plan row once)."""
    made = services.risks_from_plan(campaign=campaign, actor=request.user)
    if made:
        messages.success(request, ngettext("%(n)s risk was imported from the plan's risk plans.",
                                           "%(n)s risks were imported from the plan's risk plans.", len(made))
                         % {"n": len(made)})
    else:
        messages.info(request, _("No new risk plan in the plan: every row's risk plan is already in the register."))
    return HttpResponseRedirect(reverse("risks:risks", args=[campaign.pk]))
