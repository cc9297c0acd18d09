"""Plan endpoints: phases, tasks, plan templates and creating a campaign from a template
(plan export/import lives in `api_io.py`).

Every operation asks the access policy first (VIEW for reads, EDIT for plan writes, MANAGE to save a
campaign as a template), then a selector or a service, then a schema.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from campaignops.access.policy import Action, get_for
from campaignops.campaigns.api import channels_by_code, no_nulls
from campaignops.campaigns.models import Campaign
from campaignops.campaigns.selectors import campaign_detail_qs
from campaignops.core.errors import ValidationFailed
from campaignops.core.schemas import ERRORS, WRITE_ERRORS, Id, Pages

from . import selectors, services
from .models import Phase, PlanTemplate
from .schemas import (
    CampaignPlanOut,
    FromTemplateIn,
    PhaseIn,
    PhaseOut,
    PhasePatch,
    SaveAsTemplateIn,
    TaskFilters,
    TaskIn,
    TaskOut,
    TaskPatch,
    TemplateOut,
)

router = Router(tags=["plan"])

TEXT_FIELDS = ("completion_standard", "resource_needs", "risk_plan", "notes", "deliverable")


def _phase_of(campaign: Campaign, phase_id: int | None) -> Phase:
    if phase_id is None:
        raise ValidationFailed(_("A task needs a phase."), field="phase")
    phase = Phase.objects.filter(campaign=campaign, pk=phase_id).first()
    if phase is None:
        raise ValidationFailed(_("There is no phase %(phase)s in this campaign.") % {"phase": phase_id},
                               field="phase")
    return phase


def _owner_fields(campaign: Campaign, ref: int | str | None) -> dict:
    """A user id links that user; a name links the member of that name or is kept as written."""
    if isinstance(ref, int):
        user = get_user_model().objects.filter(pk=ref, is_active=True).first()
        if user is None:
            raise ValidationFailed(_("There is no user %(user)s.") % {"user": ref}, field="owner")
        return {"owner": user, "owner_name": ""}
    name = (ref or "").strip()
    user = services.match_owner(campaign, name)
    return {"owner": user, "owner_name": "" if user else name}


def _task_fields(campaign: Campaign, data: dict) -> dict:
    """Turn the ids and codes of a task payload into rows; None clears a text field."""
    if "phase" in data:
        data["phase"] = _phase_of(campaign, data["phase"])
    if "owner" in data:
        data.update(_owner_fields(campaign, data.pop("owner")))
    if "channel" in data:
        code = data["channel"]
        data["channel"] = channels_by_code([code], field="channel")[0] if code else None
    return no_nulls(data, text=TEXT_FIELDS, required=("title", "status", "start_date", "end_date", "order"))


def _task(campaign_id: int, task_id: int):
    return selectors.tasks_qs().get(campaign_id=campaign_id, pk=task_id)


# ---- phases -------------------------------------------------------------------------------------

@router.get("/campaigns/{int:campaign_id}/phases", response={200: list[PhaseOut], **ERRORS},
            summary="Phases of a campaign, in order")
def phase_list(request, campaign_id: Id):
    campaign = get_for(request.user, Action.VIEW, Campaign, campaign_id)
    return selectors.phase_list(campaign=campaign)


@router.post("/campaigns/{int:campaign_id}/phases", response={201: PhaseOut, **ERRORS}, summary="Add a phase")
def phase_create(request, campaign_id: Id, payload: PhaseIn):
    campaign = get_for(request.user, Action.EDIT, Campaign, campaign_id)
    return Status(201, services.phase_create(campaign=campaign, actor=request.user, **payload.model_dump()))


@router.patch("/campaigns/{int:campaign_id}/phases/{int:phase_id}", response={200: PhaseOut, **WRITE_ERRORS},
              summary="Change a phase")
def phase_update(request, campaign_id: Id, phase_id: Id, payload: PhasePatch):
    phase = get_for(request.user, Action.EDIT, Phase.objects.filter(campaign_id=campaign_id), phase_id)
    data = no_nulls(payload.model_dump(exclude_unset=True),
                    required=("name", "kind", "start_date", "end_date", "order"))
    version = data.pop("version")
    return services.phase_update(phase=phase, actor=request.user, version=version, **data)


@router.delete("/campaigns/{int:campaign_id}/phases/{int:phase_id}", response={204: None, **ERRORS},
               summary="Delete a phase and its tasks")
def phase_delete(request, campaign_id: Id, phase_id: Id):
    phase = get_for(request.user, Action.EDIT, Phase.objects.filter(campaign_id=campaign_id), phase_id)
    services.phase_delete(phase=phase, actor=request.user)
    return Status(204, None)


# ---- tasks --------------------------------------------------------------------------------------

@router.get("/campaigns/{int:campaign_id}/tasks", response={200: list[TaskOut], **ERRORS},
            summary="Tasks of a campaign in plan order, filtered by owner, status, channel or phase")
@paginate(Pages, max_limit=1000)
def task_list(request, campaign_id: Id, filters: Query[TaskFilters]):
    campaign = get_for(request.user, Action.VIEW, Campaign, campaign_id)
    plan_filters = selectors.PlanFilters(
        owner=filters.owner, status=filters.status or "", channel=filters.channel,
        phase=str(filters.phase) if filters.phase is not None else "",
    )
    return selectors.task_list(campaign=campaign, filters=plan_filters)


@router.post("/campaigns/{int:campaign_id}/tasks", response={201: TaskOut, **ERRORS}, summary="Add a task")
def task_create(request, campaign_id: Id, payload: TaskIn):
    campaign = get_for(request.user, Action.EDIT, Campaign, campaign_id)
    data = payload.model_dump(exclude_unset=True)
    data = _task_fields(campaign, {k: v for k, v in data.items() if v is not None or k == "owner"})
    task = services.task_create(campaign=campaign, actor=request.user, **data)
    return Status(201, _task(campaign_id, task.pk))


@router.get("/campaigns/{int:campaign_id}/tasks/{int:task_id}", response={200: TaskOut, **ERRORS},
            summary="A task")
def task_read(request, campaign_id: Id, task_id: Id):
    return get_for(request.user, Action.VIEW, selectors.tasks_qs().filter(campaign_id=campaign_id), task_id)


@router.patch("/campaigns/{int:campaign_id}/tasks/{int:task_id}", response={200: TaskOut, **WRITE_ERRORS},
              summary="Change a task (send the version you read)")
def task_update(request, campaign_id: Id, task_id: Id, payload: TaskPatch):
    task = get_for(request.user, Action.EDIT, selectors.tasks_qs().filter(campaign_id=campaign_id), task_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    services.task_update(task=task, actor=request.user, version=version, **_task_fields(task.campaign, data))
    return _task(campaign_id, task.pk)


@router.delete("/campaigns/{int:campaign_id}/tasks/{int:task_id}", response={204: None, **ERRORS},
               summary="Delete a task")
def task_delete(request, campaign_id: Id, task_id: Id):
    task = get_for(request.user, Action.EDIT, selectors.tasks_qs().filter(campaign_id=campaign_id), task_id)
    services.task_delete(task=task, actor=request.user)
    return Status(204, None)


# ---- templates ----------------------------------------------------------------------------------

@router.get("/templates", response=list[TemplateOut], summary="Plan templates (built-in and saved)")
def template_list(request):
    return selectors.template_list()


def _with_plan(campaign_id: int) -> Campaign:
    campaign = campaign_detail_qs().get(pk=campaign_id)
    grouped = selectors.plan_grouped(campaign=campaign)
    for phase, tasks in grouped:
        phase.plan_tasks = tasks
    campaign.plan_phases = [phase for phase, _tasks in grouped]
    return campaign


@router.post("/campaigns/from-template", response={201: CampaignPlanOut, **ERRORS},
             summary="Create a campaign from a template, its plan dated in working days from the start date")
def campaign_from_template(request, payload: FromTemplateIn):
    template = PlanTemplate.objects.filter(pk=payload.template).first()
    if template is None:
        raise ValidationFailed(_("There is no template %(template)s.") % {"template": payload.template},
                               field="template")
    fields = payload.model_dump(exclude={"template"}, exclude_none=True)
    campaign = services.campaign_create_from_template(template=template, actor=request.user, **fields)
    return Status(201, _with_plan(campaign.pk))


@router.post("/campaigns/{int:campaign_id}/save-as-template", response={201: TemplateOut, **ERRORS},
             summary="Save a campaign's plan as a template")
def campaign_save_as_template(request, campaign_id: Id, payload: SaveAsTemplateIn):
    campaign = get_for(request.user, Action.MANAGE, Campaign, campaign_id)
    template = services.campaign_save_as_template(campaign=campaign, actor=request.user,
                                                  **payload.model_dump())
    return Status(201, selectors.template_list().get(pk=template.pk))
