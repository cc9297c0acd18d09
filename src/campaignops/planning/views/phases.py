"""Phases in place: the header row, add, edit and delete."""

from __future__ import annotations

from django.template.response import TemplateResponse

from campaignops.access.policy import Action
from campaignops.campaigns.models import Campaign
from campaignops.core.errors import DomainError, StaleVersion

from .. import services
from ..forms import PhaseForm
from ..models import Phase
from .common import (
    PLAN,
    _back,
    _base,
    _campaign,
    _group_context,
    _is_partial,
    _phase,
    _table_response,
    plan_view,
)


def _phase_form_response(request, campaign: Campaign, phase: Phase | None, form: PhaseForm, status: int = 200):
    ctx = {**_base(request, campaign), "phase": phase, "form": form, "inline": _is_partial(request),
           "cells": form.cells(focus="name")}
    if _is_partial(request):
        return TemplateResponse(request, PLAN + "#phase_form", ctx, status=status)
    return TemplateResponse(request, "planning/phase_form.html", ctx, status=status)


@plan_view("GET")
def phase_head(request, pk: int, phase_pk: int):
    """The phase's header row (cancel an edit)."""
    campaign = _campaign(request, pk)
    phase = _phase(campaign, phase_pk)
    if not _is_partial(request):
        return _back(campaign, f"pg-{phase.pk}")
    return TemplateResponse(request, PLAN + "#phase_head", _group_context(request, campaign, phase))


def _phase_save(request, campaign: Campaign, phase: Phase | None):
    form = PhaseForm.for_phase(phase, request.POST)
    if not form.is_valid():
        return _phase_form_response(request, campaign, phase, form, status=422)
    try:
        if phase is None:
            phase = services.phase_create(campaign=campaign, actor=request.user, **form.values())
        else:
            services.phase_update(phase=phase, actor=request.user, version=form.cleaned_data["version"],
                                  **form.values())
    except StaleVersion as exc:
        form.add_error(None, exc.message)
        return _phase_form_response(request, campaign, phase, form, status=409)
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _phase_form_response(request, campaign, phase, form, status=422)
    if not _is_partial(request):
        return _back(campaign, f"pg-{phase.pk}")
    return _table_response(request, campaign)


@plan_view("GET", "POST")
def phase_edit(request, pk: int, phase_pk: int):
    campaign = _campaign(request, pk, Action.EDIT)
    phase = _phase(campaign, phase_pk)
    if request.method == "POST":
        return _phase_save(request, campaign, phase)
    return _phase_form_response(request, campaign, phase, PhaseForm.for_phase(phase))


@plan_view("GET", "POST")
def phase_new(request, pk: int):
    campaign = _campaign(request, pk, Action.EDIT)
    if request.method == "POST":
        return _phase_save(request, campaign, None)
    return _phase_form_response(request, campaign, None, PhaseForm.for_phase(None))


@plan_view("GET", "POST")
def phase_delete(request, pk: int, phase_pk: int):
    """GET: a confirmation page naming the tasks that go with the phase; POST: delete."""
    campaign = _campaign(request, pk, Action.EDIT)
    phase = _phase(campaign, phase_pk)
    if request.method == "GET":
        return TemplateResponse(request, "planning/confirm_delete.html",
                                {**_base(request, campaign), "phase": phase, "object": phase,
                                 "task_count": phase.tasks.count()})
    services.phase_delete(phase=phase, actor=request.user)
    if not _is_partial(request):
        return _back(campaign)
    return _table_response(request, campaign)
