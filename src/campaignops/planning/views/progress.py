"""Running the campaign day by day: the board (Kanban by status, drag to change), the month
calendar, the Daily Progress Tracking Table (每日进度跟踪表) with its .xlsx export, the one-click
progress update (a form any page can open) and "my tasks".

Each view: access first (`plan_view` → 404 for outsiders whatever the method, 405, then the role:
403 for viewers on writes), then `planning.progress` (selectors and the service), then one template
with named partials for htmx.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_htmx.http import trigger_client_event

from campaignops.access.policy import Action
from campaignops.core.errors import DomainError, StaleVersion

from .. import progress, selectors
from .common import _campaign, _is_partial, _task, plan_view
from .progress_parts import (
    BoardMoveForm,
    ProgressForm,
    board_context,
    calendar_context,
    daily_context,
    daily_workbook,
    update_context,
)

BOARD, CALENDAR, DAILY = "planning/board.html", "planning/calendar_view.html", "planning/daily.html"
UPDATE, MY_TASKS = "planning/daily_update.html", "planning/my_tasks.html"


def _page(request, template: str, partial: str, target: str, ctx: dict) -> TemplateResponse:
    """The partial alone when htmx asks for `target`, else the whole page."""
    if _is_partial(request) and request.htmx.target == target:
        return TemplateResponse(request, f"{template}#{partial}", ctx)
    return TemplateResponse(request, template, ctx)


@plan_view("GET")
def board_page(request, pk: int):
    campaign = _campaign(request, pk)
    ctx = board_context(request, campaign, selectors.PlanFilters.from_query(request.GET))
    return _page(request, BOARD, "columns", "board-wrap", ctx)


@plan_view("POST")
def board_move(request, pk: int, task_pk: int):
    """A card dropped on another column: the new status (and the version the card showed)."""
    campaign = _campaign(request, pk, Action.EDIT)
    task = _task(campaign, task_pk)
    form = BoardMoveForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Unknown status or missing version."))
    try:
        progress.task_progress_update(task=task, status=form.cleaned_data["status"], actor=request.user,
                                      version=form.cleaned_data["version"], today=progress.local_today(campaign))
    except StaleVersion:
        current = _task(campaign, task_pk)
        response = _card(request, campaign, current, status=409)
        return trigger_client_event(response, "progress-message", {"level": "warning", "text": _(
            "Someone else changed this task in the meantime; the card is back where it was and shows their "
            "version. Move it again if it is still needed.")})
    return _card(request, campaign, task)


def _card(request, campaign, task, status: int = 200) -> TemplateResponse:
    task.overdue = progress.is_overdue(task.end_date, task.status, progress.local_today(campaign))
    ctx = {"campaign": campaign, "t": task, "editable": True}
    return TemplateResponse(request, BOARD + "#card", ctx, status=status)


@plan_view("GET")
def calendar_page(request, pk: int):
    campaign = _campaign(request, pk)
    ctx = calendar_context(request, campaign, selectors.PlanFilters.from_query(request.GET))
    return _page(request, CALENDAR, "month", "calendar-wrap", ctx)


@plan_view("GET")
def daily_page(request, pk: int):
    campaign = _campaign(request, pk)
    ctx = daily_context(request, campaign, selectors.PlanFilters.from_query(request.GET))
    return _page(request, DAILY, "table", "daily-wrap", ctx)


@plan_view("GET")
def daily_export(request, pk: int):
    campaign = _campaign(request, pk)
    ctx = daily_context(request, campaign, selectors.PlanFilters.from_query(request.GET))
    table = ctx["table"]
    name = f"daily-progress-{campaign.pk}-{table.start:%Y%m%d}-{table.end:%Y%m%d}.xlsx"
    response = HttpResponse(daily_workbook(campaign, table),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@plan_view("GET", "POST")
def task_progress(request, pk: int, task_pk: int):
    """GET: the one-click update form (a fragment for htmx, a page without it); POST: save it."""
    campaign = _campaign(request, pk, Action.EDIT)
    task = _task(campaign, task_pk)
    if request.method == "GET":
        return _update_response(request, campaign, task, ProgressForm.for_task(task))
    form = ProgressForm(request.POST)
    if not form.is_valid():
        return _update_response(request, campaign, task, form, status=422)
    try:
        progress.task_progress_update(task=task, actor=request.user, today=progress.local_today(campaign),
                                      **form.cleaned_data)
    except StaleVersion:
        current = _task(campaign, task_pk)
        form = ProgressForm.for_task(current, data=request.POST)
        return _update_response(request, campaign, current, form, status=409, conflict=True)
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _update_response(request, campaign, task, form, status=422)
    return _saved(request, campaign, task)


def _update_response(request, campaign, task, form, *, status: int = 200, conflict: bool = False):
    ctx = update_context(request, campaign, task, form, conflict=conflict)
    template = UPDATE + "#dialog" if _is_partial(request) else UPDATE
    return TemplateResponse(request, template, ctx, status=status)


def _saved(request, campaign, task):
    """After a save: htmx gets the event pages refresh on; a plain form post goes back."""
    if not _is_partial(request):
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
            back = reverse("planning_progress:daily", args=[campaign.pk])
        return HttpResponseRedirect(back)
    response = TemplateResponse(request, UPDATE + "#saved", {"t": task})
    return trigger_client_event(response, "progress-saved", {
        "task": task.pk, "status": task.status, "percent": task.percent_complete, "version": task.version,
        "label": str(task.get_status_display())})


@login_required
@require_GET
def my_tasks(request):
    """The signed-in user's open tasks in every campaign they may see, by due date."""
    ctx = {"mine": progress.my_tasks(user=request.user)}
    return _page(request, MY_TASKS, "groups", "my-tasks-wrap", ctx)
