"""The Strategy Adjustment Log (策略调整记录): date, trigger, what changed, expected effect, the KPI or
channel concerned, and the measured effect filled in later — added and edited in place, with a
version check."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from campaignops.access.policy import Action
from campaignops.campaigns.models import Channel, KpiTarget
from campaignops.core.errors import DomainError, StaleVersion

from .. import selectors, services
from ..forms import AdjustmentForm, Team
from ..models import AdjustmentTrigger, StrategyAdjustment
from ..presenters import kpi_label
from .common import base_context, campaign_view, form_error, is_partial

PAGE = "risks/adjustments.html"


def _team(campaign, current: StrategyAdjustment | None = None) -> tuple[Team, dict, dict]:
    """KPI targets and channels to link to (the campaign's, plus the one already linked)."""
    kpis = {k.pk: k for k in KpiTarget.objects.filter(campaign=campaign).select_related("channel").order_by("id")}
    channels = {c.pk: c for c in Channel.objects.filter(campaigns=campaign).order_by("sort", "code")}
    if current is not None and current.channel_id and current.channel_id not in channels:
        channels[current.channel_id] = current.channel
    team = Team(members=[], phases=[], kpis=[(pk, kpi_label(k)) for pk, k in kpis.items()],
                channels=[(pk, c.name) for pk, c in channels.items()])
    return team, kpis, channels


def _adjustment(campaign, adjustment_pk: int) -> StrategyAdjustment:
    return get_object_or_404(selectors.adjustment_qs().filter(campaign=campaign), pk=adjustment_pk)


def _form(request, campaign, form, adjustment, *, status: int = 200, stale: bool = False):
    ctx = {**base_context(request, campaign, "adjustments"), "form": form, "a": adjustment, "stale": stale,
           "inline": is_partial(request)}
    if is_partial(request):
        return TemplateResponse(request, PAGE + ("#row_form" if adjustment else "#new_form"), ctx, status=status)
    return TemplateResponse(request, "risks/adjustment_form.html", ctx, status=status)


def _back(campaign, adjustment=None) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("risks:adjustments", args=[campaign.pk])
                                + (f"#a{adjustment.pk}" if adjustment else ""))


@campaign_view(GET=Action.VIEW)
def adjustment_list(request, campaign):
    ctx = base_context(request, campaign, "adjustments")
    trigger = request.GET.get("trigger", "")
    trigger = trigger if trigger in AdjustmentTrigger.values else ""
    ctx.update(adjustments=list(selectors.adjustment_list(campaign=campaign, trigger=trigger)), trigger=trigger,
               triggers=AdjustmentTrigger.choices)
    if is_partial(request) and request.htmx.target == "adjustment-table-wrap":
        return TemplateResponse(request, PAGE + "#table", ctx)
    return TemplateResponse(request, PAGE, ctx)


@campaign_view(GET=Action.EDIT, POST=Action.EDIT)
def adjustment_new(request, campaign):
    team, kpis, channels = _team(campaign)
    today = selectors.standup_today(campaign, base_context(request, campaign, "adjustments")["now"])
    form = AdjustmentForm(request.POST if request.method == "POST" else None, team=team, today=today)
    linked = request.GET.get("kpi_target", "")  # "Log an adjustment" from a KPI behind on the stand-up
    if request.method == "GET" and linked.isdigit() and int(linked) in kpis:
        form.initial["kpi_target"] = int(linked)
    if request.method == "GET" or not form.is_valid():
        return _form(request, campaign, form, None, status=200 if request.method == "GET" else 422)
    try:
        adjustment = services.adjustment_create(campaign=campaign, actor=request.user,
                                                **form.values(kpis=kpis, channels=channels))
    except DomainError as exc:
        form_error(form, exc)
        return _form(request, campaign, form, None, status=422)
    return _back(campaign, adjustment) if not is_partial(request) else _created(request, campaign, adjustment)


def _created(request, campaign, adjustment):
    ctx = base_context(request, campaign, "adjustments")
    ctx.update(adjustments=list(selectors.adjustment_list(campaign=campaign)), trigger="",
               triggers=AdjustmentTrigger.choices, created=adjustment)
    response = TemplateResponse(request, PAGE + "#created", ctx)
    response["HX-Retarget"], response["HX-Reswap"] = "#adjustment-table-wrap", "outerHTML"
    return response


@campaign_view(GET=Action.VIEW, POST=Action.EDIT)
def adjustment_row(request, campaign, adjustment_pk: int):
    """GET: the row (cancel an edit); POST: save the edit form."""
    adjustment = _adjustment(campaign, adjustment_pk)
    if request.method == "GET":
        if not is_partial(request):
            return _back(campaign, adjustment)
        return TemplateResponse(request, PAGE + "#row",
                                {**base_context(request, campaign, "adjustments"), "a": adjustment})
    team, kpis, channels = _team(campaign, adjustment)
    form = AdjustmentForm(request.POST, team=team, adjustment=adjustment)
    if not form.is_valid():
        return _form(request, campaign, form, adjustment, status=422)
    try:
        services.adjustment_update(adjustment=adjustment, actor=request.user, version=form.cleaned_data["version"],
                                   **form.values(kpis=kpis, channels=channels))
    except StaleVersion:
        return _stale(request, campaign, adjustment_pk)
    except DomainError as exc:
        form_error(form, exc)
        return _form(request, campaign, form, adjustment, status=422)
    fresh = _adjustment(campaign, adjustment_pk)
    if not is_partial(request):
        return _back(campaign, fresh)
    return TemplateResponse(request, PAGE + "#row", {**base_context(request, campaign, "adjustments"), "a": fresh})


def _stale(request, campaign, adjustment_pk: int):
    current = _adjustment(campaign, adjustment_pk)
    data = request.POST.copy()
    data["version"] = str(current.version)
    team, _kpis, _channels = _team(campaign, current)
    form = AdjustmentForm(data, team=team, adjustment=current)
    form.is_valid()
    return _form(request, campaign, form, current, status=409, stale=True)


@campaign_view(GET=Action.EDIT)
def adjustment_edit(request, campaign, adjustment_pk: int):
    adjustment = _adjustment(campaign, adjustment_pk)
    team, _kpis, _channels = _team(campaign, adjustment)
    return _form(request, campaign, AdjustmentForm(team=team, adjustment=adjustment), adjustment)


@campaign_view(POST=Action.EDIT)
def adjustment_measure(request, campaign, adjustment_pk: int):
    """Fill in the measured effect from the metrics (the linked KPI before and after the date)."""
    adjustment = _adjustment(campaign, adjustment_pk)
    error = None
    try:
        services.adjustment_measure(adjustment=adjustment, actor=request.user)
    except DomainError as exc:
        error = str(exc.message)
    if not is_partial(request):
        if error:
            messages.error(request, error)
        return _back(campaign, adjustment)
    ctx = {**base_context(request, campaign, "adjustments"), "a": _adjustment(campaign, adjustment_pk),
           "measure_error": error}
    return TemplateResponse(request, PAGE + "#row", ctx, status=422 if error else 200)


@campaign_view(POST=Action.EDIT)
def adjustment_delete(request, campaign, adjustment_pk: int):
    services.adjustment_delete(adjustment=_adjustment(campaign, adjustment_pk), actor=request.user)
    return HttpResponse("") if is_partial(request) else _back(campaign)
