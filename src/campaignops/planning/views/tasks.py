"""Task rows edited in place: the edit form, save (with version check), quick status, move,
delete and add."""

from __future__ import annotations

from django.http import HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django_htmx.http import trigger_client_event

from campaignops.access.policy import Action
from campaignops.campaigns.models import Campaign
from campaignops.core.errors import DomainError, StaleVersion

from .. import selectors, services
from ..forms import MoveForm, StatusForm, TaskForm
from ..models import Phase, Task
from .common import (
    PLAN,
    Group,
    Lookups,
    _back,
    _base,
    _campaign,
    _choices,
    _group_response,
    _is_partial,
    _phase,
    _table_response,
    _task,
    _task_base,
    plan_view,
)


def _row_response(request, campaign: Campaign, task: Task, status: int = 200):
    ctx = _base(request, campaign)
    Lookups.for_row().label([task], base_url=_task_base(campaign), editable=ctx["editable"])
    total, done = selectors.phase_counts(phase=task.phase)
    ctx.update(t=task, g=Group(task.phase, [], total, done))
    return TemplateResponse(request, PLAN + "#row_response", ctx, status=status)


def _form_response(request, campaign: Campaign, task: Task | None, form: TaskForm, *, status: int = 200,
                   conflict: dict | None = None, phase: Phase | None = None):
    ctx = {**_base(request, campaign), "t": task, "form": form, "conflict": conflict,
           "phase": phase or (task.phase if task else None), "inline": _is_partial(request),
           "cells": form.cells(focus=next(iter(form.errors), "") or request.GET.get("focus", "title"),
                               conflict=conflict)}
    if _is_partial(request):
        return TemplateResponse(request, PLAN + "#row_form", ctx, status=status)
    return TemplateResponse(request, "planning/task_form.html", ctx, status=status)


@plan_view("GET", "POST")
def task_row(request, pk: int, task_pk: int):
    """GET: the row (cancel an edit); POST: save the edit form."""
    if request.method == "POST":
        return _task_save(request, pk, task_pk)
    campaign = _campaign(request, pk)
    task = _task(campaign, task_pk)
    if not _is_partial(request):
        return _back(campaign, f"t{task.pk}")
    return _row_response(request, campaign, task)


@plan_view("GET")
def task_edit(request, pk: int, task_pk: int):
    campaign = _campaign(request, pk, Action.EDIT)
    task = _task(campaign, task_pk)
    return _form_response(request, campaign, task, TaskForm(choices=_choices(campaign), task=task))


def _conflict(request, campaign: Campaign, task_pk: int):
    """Someone saved first: the form again with the user's input, the new version and, next to each
    field, the value now stored."""
    current = _task(campaign, task_pk)
    data = request.POST.copy()
    data["version"] = str(current.version)
    choices = _choices(campaign)
    form = TaskForm(data, choices=choices, task=current)
    form.is_valid()
    stored = TaskForm(choices=choices, task=current)
    differs = {name: stored[name] for name in TaskForm.FIELDS
               if str(form[name].value() or "") != str(stored[name].value() or "")}
    return _form_response(request, campaign, current, form, status=409, conflict=_current_values(differs))


def _current_values(bound: dict) -> dict[str, str]:
    """field -> the stored value as the user reads it (choice labels, not ids)."""
    out = {}
    for name, bf in bound.items():
        value = bf.value()
        choices = dict((str(k), v) for k, v in getattr(bf.field, "choices", []) or [])
        out[name] = str(choices.get(str(value if value is not None else ""), value if value is not None else ""))
    return out


def _task_save(request, pk: int, task_pk: int):
    campaign = _campaign(request, pk, Action.EDIT)
    task = _task(campaign, task_pk)
    form = TaskForm(request.POST, choices=_choices(campaign), task=task)
    if not form.is_valid():
        return _form_response(request, campaign, task, form, status=422)
    old_phase = task.phase_id
    try:
        changes = form.changes()
        if changes:
            services.task_update(task=task, actor=request.user, version=form.cleaned_data["version"], **changes)
    except StaleVersion:
        return _conflict(request, campaign, task_pk)
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _form_response(request, campaign, _task(campaign, task_pk), form, status=422)
    if not _is_partial(request):
        return _back(campaign, f"t{task.pk}")
    if task.phase_id != old_phase:
        return _table_response(request, campaign)
    return _row_response(request, campaign, task)


@plan_view("POST")
def task_status(request, pk: int, task_pk: int):
    """One-click status change from the badge's menu."""
    campaign = _campaign(request, pk, Action.EDIT)
    task = _task(campaign, task_pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Unknown status or missing version."))
    try:
        services.task_update(task=task, actor=request.user, version=form.cleaned_data["version"],
                             status=form.cleaned_data["status"])
    except StaleVersion:
        response = _row_response(request, campaign, _task(campaign, task_pk), status=409)
        return trigger_client_event(response, "plan-message", {"level": "warning", "text": _(
            "Someone else changed this row in the meantime; it now shows their version. Change the status again "
            "if it is still needed.")})
    if not _is_partial(request):
        return _back(campaign, f"t{task.pk}")
    return _row_response(request, campaign, task)


@plan_view("POST")
def task_move(request, pk: int, task_pk: int):
    campaign = _campaign(request, pk, Action.EDIT)
    task = _task(campaign, task_pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Move up or down only."))
    services.task_move(task=task, actor=request.user, direction=form.cleaned_data["direction"])
    if not _is_partial(request):
        return _back(campaign, f"t{task.pk}")
    return _group_response(request, campaign, task.phase)


@plan_view("GET", "POST")
def task_delete(request, pk: int, task_pk: int):
    """GET: a confirmation page (without JavaScript); POST: delete."""
    campaign = _campaign(request, pk, Action.EDIT)
    task = _task(campaign, task_pk)
    if request.method == "GET":
        return TemplateResponse(request, "planning/confirm_delete.html",
                                {**_base(request, campaign), "task": task, "object": task})
    phase = task.phase
    services.task_delete(task=task, actor=request.user)
    if not _is_partial(request):
        return _back(campaign, f"pg-{phase.pk}")
    return _group_response(request, campaign, phase)


@plan_view("GET", "POST")
def task_new(request, pk: int, phase_pk: int):
    """A new task at the end of a phase."""
    campaign = _campaign(request, pk, Action.EDIT)
    phase = _phase(campaign, phase_pk)
    choices = _choices(campaign)
    form = TaskForm(request.POST if request.method == "POST" else None, choices=choices, phase=phase)
    if request.method == "GET" or not form.is_valid():
        return _form_response(request, campaign, None, form, phase=phase, status=200 if request.method == "GET" else 422)
    values = form.values()
    try:
        task = services.task_create(campaign=campaign, actor=request.user, **values)
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _form_response(request, campaign, None, form, phase=phase, status=422)
    if not _is_partial(request):
        return _back(campaign, f"t{task.pk}")
    if task.phase_id != phase.pk:
        return _table_response(request, campaign)
    return _group_response(request, campaign, phase)
