"""Schedule endpoints: dependencies, the computed schedule (earliest/latest dates, slack, critical
path, variance against the latest baseline), slip previews, reschedules and baselines.

Access first (VIEW for reads, EDIT for dependencies and moves, MANAGE to take a baseline), then
`scheduling` (selectors and services), then a schema. A slip preview writes nothing but needs EDIT:
it is the first half of a move.
"""

from django.utils.translation import gettext as _
from ninja import Router, Status

from campaignops.access.policy import Action, get_for
from campaignops.campaigns.models import Campaign
from campaignops.core.errors import ValidationFailed
from campaignops.core.schemas import ERRORS, WRITE_ERRORS, Id

from . import scheduling
from .models import Task, TaskDependency
from .schemas_schedule import (
    BaselineIn,
    BaselineOut,
    DependencyIn,
    DependencyOut,
    PreviewOut,
    RescheduleIn,
    ScheduleOut,
    SlipIn,
)

router = Router(tags=["schedule"])


def _task_of(campaign: Campaign, task_id: int, field: str) -> Task:
    task = Task.objects.filter(campaign=campaign, pk=task_id).first()
    if task is None:
        raise ValidationFailed(_("There is no task %(task)s in this campaign.") % {"task": task_id}, field=field)
    return task


# ---- dependencies -------------------------------------------------------------------------------

@router.get("/campaigns/{int:campaign_id}/dependencies", response={200: list[DependencyOut], **ERRORS},
            summary="Dependencies between the tasks of a campaign")
def dependency_list(request, campaign_id: Id):
    campaign = get_for(request.user, Action.VIEW, Campaign, campaign_id)
    return scheduling.dependency_list(campaign)


@router.post("/campaigns/{int:campaign_id}/dependencies", response={201: DependencyOut, **ERRORS},
             summary="Make a task wait for another (a loop is refused, naming its tasks)")
def dependency_create(request, campaign_id: Id, payload: DependencyIn):
    campaign = get_for(request.user, Action.EDIT, Campaign, campaign_id)
    dep = scheduling.dependency_add(
        campaign=campaign, predecessor=_task_of(campaign, payload.predecessor, "predecessor"),
        successor=_task_of(campaign, payload.successor, "successor"), type=payload.type, lag=payload.lag,
        actor=request.user)
    return Status(201, scheduling.dependency_list(campaign).get(pk=dep.pk))


@router.delete("/campaigns/{int:campaign_id}/dependencies/{int:dependency_id}", response={204: None, **ERRORS},
               summary="Remove a dependency")
def dependency_delete(request, campaign_id: Id, dependency_id: Id):
    dep = get_for(request.user, Action.EDIT, TaskDependency.objects.filter(campaign_id=campaign_id), dependency_id)
    scheduling.dependency_remove(dependency=dep, actor=request.user)
    return Status(204, None)


# ---- schedule, slips, moves ---------------------------------------------------------------------

@router.get("/campaigns/{int:campaign_id}/schedule", response={200: ScheduleOut, **ERRORS},
            summary="Earliest and latest dates, slack, the critical path and the variance against the baseline")
def schedule(request, campaign_id: Id):
    campaign = get_for(request.user, Action.VIEW, Campaign, campaign_id)
    return scheduling.campaign_schedule(campaign)


@router.post("/campaigns/{int:campaign_id}/tasks/{int:task_id}/slip-preview", response={200: PreviewOut, **ERRORS},
             summary="What moving a task would do: the tasks it pushes, phase ends and the campaign end (no write)")
def slip_preview(request, campaign_id: Id, task_id: Id, payload: SlipIn):
    task = get_for(request.user, Action.EDIT, Task.objects.filter(campaign_id=campaign_id), task_id)
    return scheduling.slip_preview(task=task, **payload.model_dump())


@router.post("/campaigns/{int:campaign_id}/tasks/{int:task_id}/reschedule", response={200: PreviewOut, **WRITE_ERRORS},
             summary="Move a task and the tasks it pushes, at once (send the task's version)")
def reschedule(request, campaign_id: Id, task_id: Id, payload: RescheduleIn):
    task = get_for(request.user, Action.EDIT, Task.objects.filter(campaign_id=campaign_id), task_id)
    return scheduling.task_reschedule(task=task, actor=request.user, **payload.model_dump())


# ---- baselines ----------------------------------------------------------------------------------

@router.get("/campaigns/{int:campaign_id}/baselines", response={200: list[BaselineOut], **ERRORS},
            summary="Baselines of a campaign, latest first")
def baseline_list(request, campaign_id: Id):
    campaign = get_for(request.user, Action.VIEW, Campaign, campaign_id)
    return scheduling.baseline_list(campaign)


@router.post("/campaigns/{int:campaign_id}/baselines", response={201: BaselineOut, **ERRORS},
             summary="Take a baseline: every task's window as it is now (lead only)")
def baseline_create(request, campaign_id: Id, payload: BaselineIn):
    campaign = get_for(request.user, Action.MANAGE, Campaign, campaign_id)
    baseline = scheduling.baseline_take(campaign=campaign, actor=request.user, label=payload.label)
    return Status(201, scheduling.baseline_list(campaign).get(pk=baseline.pk))
