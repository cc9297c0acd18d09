"""Report endpoints: generate, read, edit the narrative, publish, download; action items.

Access first (VIEW for reads, EDIT for writes, MANAGE to publish), then a selector or a service,
then a schema. Writes carry the `version` the client read (409 when stale)."""

from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from campaignops.access.policy import Action, get_for
from campaignops.campaigns.models import Campaign, Membership
from campaignops.core.errors import ValidationFailed
from campaignops.core.schemas import ERRORS, WRITE_ERRORS, Id

from . import facts, selectors, services
from .models import Report, ReportVersion
from .schemas import (
    ActionItemIn,
    ActionItemOut,
    Format,
    GenerateIn,
    Kind,
    PublishIn,
    ReportDetailOut,
    ReportOut,
    ReportPatch,
    VersionOut,
)
from .views import CONTENT_TYPES, _attachment, _filename

router = Router(tags=["reports"])


def _campaign(request, campaign_id: int, action: Action = Action.VIEW) -> Campaign:
    return get_for(request.user, action, Campaign, campaign_id)


def _report(campaign: Campaign, kind: str) -> Report:
    report = selectors.report_qs().prefetch_related("attendees", "action_items").filter(
        campaign=campaign, kind=kind).first()
    if report is None:
        raise Http404
    return report


def _members(campaign: Campaign, ids: list[int], field: str):
    users = {u.pk: u for u in get_user_model().objects.filter(
        pk__in=Membership.objects.filter(campaign=campaign, user_id__in=ids).values("user_id"))}
    missing = [i for i in ids if i not in users]
    if missing:
        raise ValidationFailed(_("User %(user)s is not a member of the campaign.") % {"user": missing[0]}, field=field)
    return [users[i] for i in ids]


@router.get("/campaigns/{int:campaign_id}/reports", response={200: list[ReportOut], **ERRORS},
            summary="The campaign's reports (effect summary, retrospective) and their published versions")
def report_list(request, campaign_id: Id):
    campaign = _campaign(request, campaign_id)
    return list(selectors.report_qs().prefetch_related("attendees", "action_items").filter(campaign=campaign)
                .order_by("kind"))


@router.post("/campaigns/{int:campaign_id}/reports/{kind}/generate", response={201: ReportOut, **WRITE_ERRORS},
             summary="Create the report, or re-draft its narrative from the data (send the version you read)")
def report_generate(request, campaign_id: Id, kind: Kind, payload: GenerateIn):
    campaign = _campaign(request, campaign_id, Action.EDIT)
    services.report_generate(campaign=campaign, kind=kind, actor=request.user, version=payload.version)
    return Status(201, _report(campaign, kind))


@router.get("/campaigns/{int:campaign_id}/reports/{kind}", response={200: ReportDetailOut, **ERRORS},
            summary="A report with its figures as of now")
def report_read(request, campaign_id: Id, kind: Kind):
    campaign = _campaign(request, campaign_id)
    report = _report(campaign, kind)
    report.facts = facts.collect(campaign)
    return report


@router.patch("/campaigns/{int:campaign_id}/reports/{kind}", response={200: ReportOut, **WRITE_ERRORS},
              summary="Edit narrative parts, the review meeting date and attendees (send the version you read)")
def report_update(request, campaign_id: Id, kind: Kind, payload: ReportPatch):
    campaign = _campaign(request, campaign_id, Action.EDIT)
    report = _report(campaign, kind)
    data = payload.model_dump(exclude_unset=True)
    extra = {}
    if "meeting_date" in data:
        extra["meeting_date"] = data["meeting_date"]
    if data.get("attendees") is not None:
        extra["attendees"] = _members(campaign, data["attendees"], "attendees")
    services.report_update(report=report, actor=request.user, version=payload.version,
                           narrative=data.get("narrative"), **extra)
    return _report(campaign, kind)


@router.post("/campaigns/{int:campaign_id}/reports/{kind}/publish", response={201: VersionOut, **WRITE_ERRORS},
             summary="Publish a frozen, dated version with its documents (the retrospective closes the campaign)")
def report_publish(request, campaign_id: Id, kind: Kind, payload: PublishIn):
    campaign = _campaign(request, campaign_id, Action.MANAGE)
    report = _report(campaign, kind)
    version = services.report_publish(report=report, actor=request.user, version=payload.version)
    return Status(201, selectors.version_qs().get(pk=version.pk))


@router.post("/campaigns/{int:campaign_id}/reports/retrospective/action-items",
             response={201: ActionItemOut, **ERRORS}, summary="Add an action item (it becomes a plan task)")
def action_item_add(request, campaign_id: Id, payload: ActionItemIn):
    campaign = _campaign(request, campaign_id, Action.EDIT)
    report = _report(campaign, "retrospective")
    owner = _members(campaign, [payload.owner], "owner")[0] if payload.owner is not None else None
    item = services.action_item_add(report=report, actor=request.user, title=payload.title, owner=owner,
                                    due=payload.due)
    t = item.task
    return Status(201, {"id": item.pk, "task_id": t.pk, "title": t.title, "owner": t.owner_id, "due": t.end_date})


def _version(campaign: Campaign, version_id: int) -> ReportVersion:
    version = selectors.version_qs().filter(campaign=campaign, pk=version_id).first()
    if version is None:
        raise Http404
    return version


@router.get("/campaigns/{int:campaign_id}/reports/versions/{int:version_id}", response={200: VersionOut, **ERRORS},
            summary="A published version with its frozen snapshot")
def version_read(request, campaign_id: Id, version_id: Id):
    return _version(_campaign(request, campaign_id), version_id)


class DownloadQuery(Schema):
    format: Format = "pdf"


@router.get("/campaigns/{int:campaign_id}/reports/versions/{int:version_id}/download",
            response={200: None, **ERRORS}, summary="A published version as PDF, Word or Excel")
def version_download(request, campaign_id: Id, version_id: Id, query: Query[DownloadQuery]):
    campaign = _campaign(request, campaign_id)
    version = _version(campaign, version_id)
    content = services.document_get(version=version, fmt=query.format)
    return _attachment(content, query.format, _filename(campaign, version.report.kind, query.format, version))


__all__ = ["router", "CONTENT_TYPES"]
