"""Risks, contingencies, issues, strategy adjustments and stand-up endpoints.

Every operation asks the access policy first (VIEW for reads, EDIT for writes), then a selector or
a service, then a schema. Writes carry the `version` the client read (409 when stale); switching a
contingency on is all or nothing.
"""

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from campaignops.access.policy import Action, get_for
from campaignops.campaigns.api import channels_by_code, no_nulls
from campaignops.campaigns.models import Campaign, KpiTarget
from campaignops.core.errors import ValidationFailed
from campaignops.core.schemas import ERRORS, WRITE_ERRORS, Id, Pages
from campaignops.planning.models import Phase, Task
from campaignops.planning.selectors import tasks_qs

from . import selectors, services, standups
from .models import ContingencyTask, Issue, Risk, StrategyAdjustment
from .schemas import (
    ActivateIn,
    ActivationOut,
    AdjustmentIn,
    AdjustmentOut,
    AdjustmentPatch,
    ContingencyTaskIn,
    ContingencyTaskOut,
    IssueFilters,
    IssueLogIn,
    IssueLogOut,
    IssueLogPatch,
    ResolveIn,
    RiskFilters,
    RiskIn,
    RiskOut,
    RiskPatch,
    StandupIn,
    StandupOut,
    StandupPatch,
    StandupSummaryOut,
)

router = Router(tags=["risks, issues, adjustments, stand-ups"])

RISK_TEXT = ("trigger", "contingency_plan")
RISK_REQUIRED = ("description", "category", "probability", "impact", "status")


def _ref(model, campaign: Campaign, pk: int | None, field: str):
    """A row of the same campaign by id (None stays None); another campaign's id is a 422."""
    if pk is None:
        return None
    row = model.objects.filter(campaign=campaign, pk=pk).first()
    if row is None:
        raise ValidationFailed(_("There is no %(item)s %(id)s in this campaign.") % {
            "item": model._meta.verbose_name, "id": pk}, field=field)
    return row


def _user(pk: int | None, field: str = "owner"):
    if pk is None:
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise ValidationFailed(_("There is no user %(user)s.") % {"user": pk}, field=field)
    return user


def _refs(campaign: Campaign, data: dict) -> dict:
    """Ids in a payload -> rows (phase, task, risk, KPI target, owner, channel code)."""
    for name, model in (("phase", Phase), ("task", Task), ("risk", Risk), ("kpi_target", KpiTarget)):
        if name in data:
            data[name] = _ref(model, campaign, data[name], name)
    if "owner" in data:
        data["owner"] = _user(data["owner"])
    if "channel" in data:
        data["channel"] = channels_by_code([data["channel"]], field="channel")[0] if data["channel"] else None
    return data


def _campaign(request, campaign_id: int, action: Action = Action.VIEW) -> Campaign:
    return get_for(request.user, action, Campaign, campaign_id)


def _row(request, qs, campaign_id: int, pk: int, action: Action = Action.VIEW):
    return get_for(request.user, action, qs.filter(campaign_id=campaign_id), pk)


def _risk_out(pk: int) -> Risk:
    return selectors.risk_detail_qs().get(pk=pk)


# ---- risks --------------------------------------------------------------------------------------

@router.get("/campaigns/{int:campaign_id}/risks", response={200: list[RiskOut], **ERRORS},
            summary="The risk register: triggered first, then by score")
def risk_list(request, campaign_id: Id, filters: Query[RiskFilters]):
    campaign = _campaign(request, campaign_id)
    f = selectors.RiskFilters(category=filters.category or "", status=filters.status or "")
    return selectors.risk_list(campaign=campaign, filters=f).prefetch_related("contingency_tasks__owner__profile")


@router.post("/campaigns/{int:campaign_id}/risks", response={201: RiskOut, **ERRORS}, summary="Add a risk")
def risk_create(request, campaign_id: Id, payload: RiskIn):
    campaign = _campaign(request, campaign_id, Action.EDIT)
    data = _refs(campaign, payload.model_dump(exclude_none=True))
    risk = services.risk_create(campaign=campaign, actor=request.user, **data)
    return Status(201, _risk_out(risk.pk))


@router.post("/campaigns/{int:campaign_id}/risks/from-plan", response={201: list[RiskOut], **ERRORS},
             summary="Turn the plan rows' risk plans into risks (each row once)")
def risks_from_plan(request, campaign_id: Id):
    campaign = _campaign(request, campaign_id, Action.EDIT)
    made = services.risks_from_plan(campaign=campaign, actor=request.user)
    return Status(201, list(selectors.risk_detail_qs().filter(pk__in=[r.pk for r in made]).order_by("id")))


@router.get("/campaigns/{int:campaign_id}/risks/{int:risk_id}", response={200: RiskOut, **ERRORS},
            summary="A risk with its contingency tasks")
def risk_read(request, campaign_id: Id, risk_id: Id):
    return _row(request, selectors.risk_detail_qs(), campaign_id, risk_id)


@router.patch("/campaigns/{int:campaign_id}/risks/{int:risk_id}", response={200: RiskOut, **WRITE_ERRORS},
              summary="Change a risk (send the version you read)")
def risk_update(request, campaign_id: Id, risk_id: Id, payload: RiskPatch):
    risk = _row(request, Risk.objects.select_related("campaign"), campaign_id, risk_id, Action.EDIT)
    data = no_nulls(payload.model_dump(exclude_unset=True), required=RISK_REQUIRED, text=RISK_TEXT)
    version = data.pop("version")
    services.risk_update(risk=risk, actor=request.user, version=version, **_refs(risk.campaign, data))
    return _risk_out(risk.pk)


@router.delete("/campaigns/{int:campaign_id}/risks/{int:risk_id}", response={204: None, **ERRORS},
               summary="Delete a risk and its contingency tasks")
def risk_delete(request, campaign_id: Id, risk_id: Id):
    risk = _row(request, Risk.objects.all(), campaign_id, risk_id, Action.EDIT)
    services.risk_delete(risk=risk, actor=request.user)
    return Status(204, None)


@router.post("/campaigns/{int:campaign_id}/risks/{int:risk_id}/contingency-tasks",
             response={201: ContingencyTaskOut, **ERRORS}, summary="Prepare a contingency task")
def contingency_task_add(request, campaign_id: Id, risk_id: Id, payload: ContingencyTaskIn):
    risk = _row(request, Risk.objects.select_related("campaign"), campaign_id, risk_id, Action.EDIT)
    data = _refs(risk.campaign, payload.model_dump())
    item = services.contingency_task_add(risk=risk, actor=request.user, **data)
    return Status(201, ContingencyTask.objects.select_related("owner__profile").get(pk=item.pk))


@router.delete("/campaigns/{int:campaign_id}/risks/{int:risk_id}/contingency-tasks/{int:contingency_id}",
               response={204: None, **ERRORS}, summary="Remove a prepared contingency task")
def contingency_task_delete(request, campaign_id: Id, risk_id: Id, contingency_id: Id):
    risk = _row(request, Risk.objects.all(), campaign_id, risk_id, Action.EDIT)
    item = get_object_or_404(ContingencyTask.objects.select_related("risk"), risk=risk, pk=contingency_id)
    services.contingency_task_delete(item=item, actor=request.user)
    return Status(204, None)


@router.post("/campaigns/{int:campaign_id}/risks/{int:risk_id}/activate",
             response={201: ActivationOut, **WRITE_ERRORS},
             summary="Switch the contingency on: its tasks, an issue with its clock, an adjustment entry — "
                     "all or nothing")
def risk_activate(request, campaign_id: Id, risk_id: Id, payload: ActivateIn):
    risk = _row(request, Risk.objects.select_related("campaign", "owner"), campaign_id, risk_id, Action.EDIT)
    tasks, issue, adjustment = services.contingency_activate(risk=risk, actor=request.user,
                                                             version=payload.version, note=payload.note)
    return Status(201, {"risk": _risk_out(risk.pk), "tasks": list(tasks_qs().filter(pk__in=[t.pk for t in tasks])
                                                                  .order_by("id")),
                        "issue": selectors.issue_qs().get(pk=issue.pk),
                        "adjustment": selectors.adjustment_qs().get(pk=adjustment.pk)})


# ---- issues -------------------------------------------------------------------------------------

@router.get("/campaigns/{int:campaign_id}/issues", response={200: list[IssueLogOut], **ERRORS},
            summary="The issue log: unresolved first by response deadline, then the resolved ones")
@paginate(Pages, max_limit=500)
def issue_list(request, campaign_id: Id, filters: Query[IssueFilters]):
    campaign = _campaign(request, campaign_id)
    f = selectors.IssueFilters(status=filters.status, severity=filters.severity or "", owner=filters.owner)
    return selectors.issue_list(campaign=campaign, filters=f)


@router.post("/campaigns/{int:campaign_id}/issues", response={201: IssueLogOut, **ERRORS},
             summary="Log an issue (its response clock starts at once)")
def issue_create(request, campaign_id: Id, payload: IssueLogIn):
    campaign = _campaign(request, campaign_id, Action.EDIT)
    data = _refs(campaign, payload.model_dump(exclude_none=True))
    issue = services.issue_create(campaign=campaign, actor=request.user, **data)
    return Status(201, selectors.issue_qs().get(pk=issue.pk))


@router.get("/campaigns/{int:campaign_id}/issues/{int:issue_id}", response={200: IssueLogOut, **ERRORS},
            summary="An issue with its response clock")
def issue_read(request, campaign_id: Id, issue_id: Id):
    return _row(request, selectors.issue_qs(), campaign_id, issue_id)


@router.patch("/campaigns/{int:campaign_id}/issues/{int:issue_id}", response={200: IssueLogOut, **WRITE_ERRORS},
              summary="Change an issue (send the version you read)")
def issue_update(request, campaign_id: Id, issue_id: Id, payload: IssueLogPatch):
    issue = _row(request, Issue.objects.select_related("campaign"), campaign_id, issue_id, Action.EDIT)
    data = no_nulls(payload.model_dump(exclude_unset=True), text=("solution",),
                    required=("problem", "severity", "status", "response_deadline"))
    version = data.pop("version")
    services.issue_update(issue=issue, actor=request.user, version=version, **_refs(issue.campaign, data))
    return selectors.issue_qs().get(pk=issue.pk)


@router.post("/campaigns/{int:campaign_id}/issues/{int:issue_id}/resolve",
             response={200: IssueLogOut, **WRITE_ERRORS}, summary="Resolve an issue with its solution")
def issue_resolve(request, campaign_id: Id, issue_id: Id, payload: ResolveIn):
    issue = _row(request, Issue.objects.all(), campaign_id, issue_id, Action.EDIT)
    services.issue_resolve(issue=issue, actor=request.user, version=payload.version, solution=payload.solution)
    return selectors.issue_qs().get(pk=issue.pk)


@router.delete("/campaigns/{int:campaign_id}/issues/{int:issue_id}", response={204: None, **ERRORS},
               summary="Delete an issue")
def issue_delete(request, campaign_id: Id, issue_id: Id):
    issue = _row(request, Issue.objects.all(), campaign_id, issue_id, Action.EDIT)
    services.issue_delete(issue=issue, actor=request.user)
    return Status(204, None)


# ---- strategy adjustments -----------------------------------------------------------------------

@router.get("/campaigns/{int:campaign_id}/adjustments", response={200: list[AdjustmentOut], **ERRORS},
            summary="The strategy adjustment log, newest first")
@paginate(Pages, max_limit=500)
def adjustment_list(request, campaign_id: Id):
    return selectors.adjustment_list(campaign=_campaign(request, campaign_id))


@router.post("/campaigns/{int:campaign_id}/adjustments", response={201: AdjustmentOut, **ERRORS},
             summary="Log a strategy adjustment")
def adjustment_create(request, campaign_id: Id, payload: AdjustmentIn):
    campaign = _campaign(request, campaign_id, Action.EDIT)
    data = _refs(campaign, payload.model_dump(exclude_none=True))
    adjustment = services.adjustment_create(campaign=campaign, actor=request.user, **data)
    return Status(201, selectors.adjustment_qs().get(pk=adjustment.pk))


@router.get("/campaigns/{int:campaign_id}/adjustments/{int:adjustment_id}",
            response={200: AdjustmentOut, **ERRORS}, summary="A strategy adjustment")
def adjustment_read(request, campaign_id: Id, adjustment_id: Id):
    return _row(request, selectors.adjustment_qs(), campaign_id, adjustment_id)


@router.patch("/campaigns/{int:campaign_id}/adjustments/{int:adjustment_id}",
              response={200: AdjustmentOut, **WRITE_ERRORS},
              summary="Change an adjustment, e.g. fill in its measured effect (send the version you read)")
def adjustment_update(request, campaign_id: Id, adjustment_id: Id, payload: AdjustmentPatch):
    adjustment = _row(request, StrategyAdjustment.objects.select_related("campaign"), campaign_id, adjustment_id,
                      Action.EDIT)
    data = no_nulls(payload.model_dump(exclude_unset=True), required=("date", "trigger", "what_changed", "effect_days"),
                    text=("expected_effect", "measured_effect"))
    version = data.pop("version")
    services.adjustment_update(adjustment=adjustment, actor=request.user, version=version,
                               **_refs(adjustment.campaign, data))
    return selectors.adjustment_qs().get(pk=adjustment.pk)


@router.post("/campaigns/{int:campaign_id}/adjustments/{int:adjustment_id}/measure",
             response={200: AdjustmentOut, **WRITE_ERRORS},
             summary="Fill in the measured effect from the data: the linked KPI before and after the date")
def adjustment_measure(request, campaign_id: Id, adjustment_id: Id):
    adjustment = _row(request, StrategyAdjustment.objects.select_related("campaign", "kpi_target"), campaign_id,
                      adjustment_id, Action.EDIT)
    services.adjustment_measure(adjustment=adjustment, actor=request.user)
    return selectors.adjustment_qs().get(pk=adjustment.pk)


@router.delete("/campaigns/{int:campaign_id}/adjustments/{int:adjustment_id}", response={204: None, **ERRORS},
               summary="Delete a strategy adjustment")
def adjustment_delete(request, campaign_id: Id, adjustment_id: Id):
    adjustment = _row(request, StrategyAdjustment.objects.all(), campaign_id, adjustment_id, Action.EDIT)
    services.adjustment_delete(adjustment=adjustment, actor=request.user)
    return Status(204, None)


# ---- stand-ups ----------------------------------------------------------------------------------

@router.get("/campaigns/{int:campaign_id}/standups", response={200: list[StandupOut], **ERRORS},
            summary="Past stand-ups, newest first, with their action items")
@paginate(Pages, max_limit=200)
def standup_list(request, campaign_id: Id):
    return selectors.standup_list(campaign=_campaign(request, campaign_id))


@router.post("/campaigns/{int:campaign_id}/standups", response={201: StandupOut, **ERRORS},
             summary="Record a stand-up; its action items become tasks (all or nothing)")
def standup_create(request, campaign_id: Id, payload: StandupIn):
    campaign = _campaign(request, campaign_id, Action.EDIT)
    items = [standups.ActionItem(title=a.title, phase=_ref(Phase, campaign, a.phase, f"action_items.{n}.phase"),
                                 due=a.due, owner=_user(a.owner, f"action_items.{n}.owner"))
             for n, a in enumerate(payload.action_items)]
    standup = standups.standup_create(campaign=campaign, actor=request.user, minutes=payload.minutes,
                                      decisions=payload.decisions, attendees=_users(payload.attendees),
                                      action_items=items)
    return Status(201, selectors.standup_qs().get(pk=standup.pk))


def _users(ids: list[int]) -> list:
    found = list(get_user_model().objects.filter(pk__in=ids, is_active=True))
    if len(found) != len(set(ids)):
        raise ValidationFailed(_("Only members of the campaign can attend its stand-up."), field="attendees")
    return found


@router.get("/campaigns/{int:campaign_id}/standups/{int:standup_id}", response={200: StandupOut, **ERRORS},
            summary="A stand-up with its minutes, decisions and action items")
def standup_read(request, campaign_id: Id, standup_id: Id):
    return _row(request, selectors.standup_qs(), campaign_id, standup_id)


@router.patch("/campaigns/{int:campaign_id}/standups/{int:standup_id}", response={200: StandupOut, **WRITE_ERRORS},
              summary="Correct a stand-up's minutes, decisions or attendees (send the version you read)")
def standup_update(request, campaign_id: Id, standup_id: Id, payload: StandupPatch):
    standup = _row(request, selectors.standup_qs().select_related("campaign"), campaign_id, standup_id, Action.EDIT)
    attendees = _users(payload.attendees) if payload.attendees is not None else None
    standups.standup_update(standup=standup, actor=request.user, version=payload.version, minutes=payload.minutes,
                            decisions=payload.decisions, attendees=attendees)
    return selectors.standup_qs().get(pk=standup.pk)


@router.get("/campaigns/{int:campaign_id}/standup/summary", response={200: StandupSummaryOut, **ERRORS},
            summary="Today's stand-up: due today, overdue, blocked, changed since the last stand-up, "
                    "issues near or past their response deadline, risks triggered")
def standup_summary(request, campaign_id: Id):
    campaign = _campaign(request, campaign_id)
    s = selectors.standup_summary(campaign=campaign, now=timezone.now())
    for t in s.overdue:
        t.days_late = s.days_late[t.pk]
    for t in s.changed:
        t.new, t.updates = t.pk in s.new, s.updates.get(t.pk, [])
    return {"today": s.today, "now": s.now, "since": s.since, "last_standup": s.last.pk if s.last else None,
            "due_today": s.due_today, "overdue": s.overdue, "blocked": s.blocked, "changed": s.changed,
            "issues": s.issues, "risks_triggered": s.risks, "kpis_behind": _kpis_behind(campaign, s.today)}


def _kpis_behind(campaign, today) -> list[dict]:
    """The KPIs running behind or finished short of their targets (read through metrics.selectors)."""
    from campaignops.metrics.selectors import kpis_behind

    return [{"kpi_target": c.id, "metric": c.metric, "label": c.label, "channel": c.channel, "unit": c.unit,
             "target": str(c.target), "actual": None if c.actual is None else str(c.actual),
             "projected": None if c.projected is None else str(c.projected), "status": c.status}
            for c in kpis_behind(campaign, today=today)]
