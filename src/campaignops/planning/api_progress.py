"""Progress endpoints: the board, a task's progress update (versioned: 409 when stale), the daily
tasks × days table and the caller's own tasks. Access first (VIEW to read, EDIT to update), then
`planning.progress`, then a schema."""

from django.utils.translation import gettext as _
from ninja import Query, Router

from campaignops.access.policy import Action, get_for
from campaignops.campaigns.models import Campaign
from campaignops.core.errors import ValidationFailed
from campaignops.core.schemas import ERRORS, WRITE_ERRORS, Id

from . import progress, selectors
from .domain.progress import default_window, is_overdue
from .schemas_progress import (
    BoardFilters,
    BoardOut,
    DailyOut,
    DailyQuery,
    MyTasksOut,
    ProgressIn,
    ProgressOut,
)

router = Router(tags=["progress"])


def _filters(q: BoardFilters) -> selectors.PlanFilters:
    return selectors.PlanFilters(owner=q.owner, channel=q.channel, phase=str(q.phase) if q.phase is not None else "")


@router.get("/campaigns/{int:campaign_id}/board", response={200: BoardOut, **ERRORS},
            summary="The board: tasks by status column, filtered by owner, phase or channel")
def board(request, campaign_id: Id, filters: Query[BoardFilters]):
    campaign = get_for(request.user, Action.VIEW, Campaign, campaign_id)
    b = progress.board(campaign=campaign, filters=_filters(filters))
    return {"today": b.today, "columns": [*b.columns, b.cancelled]}


@router.post("/campaigns/{int:campaign_id}/tasks/{int:task_id}/progress", response={200: ProgressOut, **WRITE_ERRORS},
             summary="Update a task's progress: status, % complete and a note (send the version you read)")
def progress_update(request, campaign_id: Id, task_id: Id, payload: ProgressIn):
    task = get_for(request.user, Action.EDIT, selectors.tasks_qs().select_related("campaign")
                   .filter(campaign_id=campaign_id), task_id)
    today = progress.local_today(task.campaign)
    if payload.date is not None and payload.date > today:
        raise ValidationFailed(_("An update cannot be dated in the future."), field="date")
    update = progress.task_progress_update(task=task, actor=request.user, version=payload.version,
                                           status=payload.status, percent_complete=payload.percent_complete,
                                           note=payload.note, today=payload.date or today)
    task.overdue = is_overdue(task.end_date, task.status, today)
    return {"task": task, "update": update}


@router.get("/campaigns/{int:campaign_id}/daily", response={200: DailyOut, **ERRORS},
            summary="The daily progress table: each task's status on each day of a window")
def daily(request, campaign_id: Id, query: Query[DailyQuery]):
    campaign = get_for(request.user, Action.VIEW, Campaign, campaign_id)
    today = progress.local_today(campaign)
    start, end = query.start, query.end
    if start is None or end is None:
        start, end = default_window(campaign.start_date, campaign.end_date, today)
    if end < start:
        raise ValidationFailed(_("The last day must be on or after the first day."), field="end")
    if (end - start).days + 1 > progress.MAX_WINDOW_DAYS:
        raise ValidationFailed(_("At most %(n)s days at a time.") % {"n": progress.MAX_WINDOW_DAYS}, field="end")
    table = progress.daily_table(campaign=campaign, start=start, end=end, filters=_filters(query), today=today)
    rows = [{"task": r.task, "cells": [
        {"date": c.date, "status": c.mark.status if c.mark else None,
         "percent_complete": c.mark.percent if c.mark else None, "updated": c.fresh,
         "notes": [n.note for n in c.notes if n.note]} for c in r.cells]} for r in table.rows]
    return {"start": start, "end": end, "today": today, "rows": rows}


@router.get("/me/tasks", response={200: MyTasksOut, **ERRORS},
            summary="The caller's open tasks in every campaign they may see, by due date")
def my_tasks(request):
    mine = progress.my_tasks(user=request.user)
    tasks = []
    for due, group in mine.groups.items():
        for t in group:
            t.due = due
            tasks.append(t)
    return {"total": mine.total, "tasks": tasks}
