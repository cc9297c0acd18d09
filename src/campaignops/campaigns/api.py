"""Campaign endpoints: campaigns CRUD, scope, KPI targets, members and the channel catalogue.

Every operation asks the access policy first: `visible` for lists, `get_for` otherwise (VIEW for
reads, MANAGE for campaign settings, KPI targets and members). Then a selector or a service, then a
schema. Domain errors are mapped to HTTP answers once, in `campaignops.api`.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from campaignops.access.policy import ROLE_ACTIONS, Action, get_for, is_site_admin
from campaignops.core.errors import NotAllowed, ValidationFailed
from campaignops.core.schemas import ERRORS, WRITE_ERRORS, Id, Pages

from . import selectors, services
from .models import Campaign, Channel, KpiTarget, Membership
from .schemas import (
    CampaignIn,
    CampaignListOut,
    CampaignOut,
    CampaignPatch,
    ChannelIn,
    ChannelOut,
    KpiTargetIn,
    KpiTargetOut,
    KpiTargetPatch,
    MemberIn,
    MemberOut,
    MemberPatch,
)

router = Router(tags=["campaigns"])


def channels_by_code(codes: list[str] | None, *, field: str = "channels") -> list[Channel] | None:
    """Channels for the given codes, in the given order; an unknown code is a 422 naming it."""
    if codes is None:
        return None
    found = {c.code: c for c in Channel.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValidationFailed(_("Unknown channel: %(codes)s") % {"codes": ", ".join(unknown)}, field=field)
    return [found[code] for code in codes]


def no_nulls(data: dict, *, required: tuple[str, ...] = (), text: tuple[str, ...] = ()) -> dict:
    """In a PATCH, null empties a text field and is refused (422 naming the field) for a required one."""
    for field in text:
        if field in data and data[field] is None:
            data[field] = ""
    for field in required:
        if field in data and data[field] is None:
            raise ValidationFailed(_("This field cannot be empty."), field=field)
    return data


CAMPAIGN_REQUIRED = ("name", "kind", "status", "currency", "time_zone", "country", "start_date", "end_date")
CAMPAIGN_TEXT = ("theme", "goal_statement", "audience_regions", "audience_habits")


def _user_by_ref(ref: int | str, *, field: str):
    User = get_user_model()
    lookup = {"pk": ref} if isinstance(ref, int) else {User.USERNAME_FIELD: ref}
    user = User.objects.filter(is_active=True, **lookup).first()
    if user is None:
        raise ValidationFailed(_("There is no user %(user)s.") % {"user": ref}, field=field)
    return user


def _detail(pk: int) -> Campaign:
    return selectors.campaign_detail_qs().get(pk=pk)


# ---- campaigns ----------------------------------------------------------------------------------

@router.get("/campaigns", response=list[CampaignListOut], summary="Campaigns I belong to")
@paginate(Pages, max_limit=500)
def campaign_list(request):
    return selectors.campaign_list(user=request.user)


@router.post("/campaigns", response={201: CampaignOut, **ERRORS},
             summary="Create a campaign (you become its lead)")
def campaign_create(request, payload: CampaignIn):
    data = payload.model_dump(exclude_none=True)
    channels = channels_by_code(data.pop("channels", None))
    campaign = services.campaign_create(actor=request.user, channels=channels, **data)
    return Status(201, _detail(campaign.pk))


@router.get("/campaigns/{int:campaign_id}", response={200: CampaignOut, **ERRORS},
            summary="A campaign with scope, targets and team")
def campaign_read(request, campaign_id: Id):
    return get_for(request.user, Action.VIEW, selectors.campaign_detail_qs(), campaign_id)


@router.patch("/campaigns/{int:campaign_id}", response={200: CampaignOut, **WRITE_ERRORS},
              summary="Change a campaign (send the version you read)")
def campaign_update(request, campaign_id: Id, payload: CampaignPatch):
    campaign = get_for(request.user, Action.MANAGE, Campaign, campaign_id)
    data = no_nulls(payload.model_dump(exclude_unset=True), required=CAMPAIGN_REQUIRED, text=CAMPAIGN_TEXT)
    version = data.pop("version")
    channels = channels_by_code(data.pop("channels", None))
    if "lead" in data:
        data["lead"] = _member_user(campaign, data["lead"])
    services.campaign_update(campaign=campaign, actor=request.user, version=version, channels=channels,
                             **data)
    return _detail(campaign.pk)


def _member_user(campaign: Campaign, user_id: int | None):
    if user_id is None:
        return None
    membership = Membership.objects.filter(campaign=campaign, user_id=user_id).select_related("user").first()
    if membership is None:
        raise ValidationFailed(_("The lead must be a member of the campaign."), field="lead")
    return membership.user


@router.delete("/campaigns/{int:campaign_id}", response={204: None, **ERRORS},
               summary="Delete a campaign and its plan")
def campaign_delete(request, campaign_id: Id):
    campaign = get_for(request.user, Action.MANAGE, Campaign, campaign_id)
    services.campaign_delete(campaign=campaign, actor=request.user)
    return Status(204, None)


# ---- channel catalogue --------------------------------------------------------------------------

@router.get("/channels", response=list[ChannelOut], summary="The channel catalogue (built-in and custom)")
def channel_list(request):
    return selectors.channel_catalogue()


def _may_extend_catalogue(user) -> bool:
    """Site admins, and people who manage at least one campaign (they set campaigns' scope)."""
    managing = [role for role, actions in ROLE_ACTIONS.items() if Action.MANAGE in actions]
    return is_site_admin(user) or Membership.objects.filter(user=user, role__in=managing).exists()


@router.post("/channels", response={201: ChannelOut, **ERRORS}, summary="Add a custom channel")
def channel_create(request, payload: ChannelIn):
    if not _may_extend_catalogue(request.user):
        raise NotAllowed(_("Only campaign leads may add channels to the catalogue."))
    return Status(201, services.channel_create(actor=request.user, **payload.model_dump()))


# ---- KPI targets --------------------------------------------------------------------------------

def _targets(campaign_id: int):
    return KpiTarget.objects.filter(campaign_id=campaign_id).select_related("channel")


def _target_fields(data: dict) -> dict:
    if "channel" in data:
        code = data.pop("channel")
        data["channel"] = channels_by_code([code], field="channel")[0] if code else None
    return data


@router.get("/campaigns/{int:campaign_id}/kpi-targets", response={200: list[KpiTargetOut], **ERRORS},
            summary="KPI targets of a campaign")
def kpi_target_list(request, campaign_id: Id):
    campaign = get_for(request.user, Action.VIEW, Campaign, campaign_id)
    return selectors.kpi_targets_of(campaign)


@router.post("/campaigns/{int:campaign_id}/kpi-targets", response={201: KpiTargetOut, **ERRORS},
             summary="Add a KPI target")
def kpi_target_create(request, campaign_id: Id, payload: KpiTargetIn):
    campaign = get_for(request.user, Action.MANAGE, Campaign, campaign_id)
    data = _target_fields(payload.model_dump())
    target = services.kpi_target_create(campaign=campaign, actor=request.user, **data)
    return Status(201, selectors.kpi_targets_of(campaign).get(pk=target.pk))


@router.patch("/campaigns/{int:campaign_id}/kpi-targets/{int:target_id}",
              response={200: KpiTargetOut, **WRITE_ERRORS}, summary="Change a KPI target")
def kpi_target_update(request, campaign_id: Id, target_id: Id, payload: KpiTargetPatch):
    target = get_for(request.user, Action.MANAGE, _targets(campaign_id), target_id)
    data = no_nulls(payload.model_dump(exclude_unset=True), text=("label",),
                    required=("metric", "target_value", "unit", "direction"))
    data = _target_fields(data)
    version = data.pop("version")
    services.kpi_target_update(target=target, actor=request.user, version=version, **data)
    return _targets(campaign_id).get(pk=target.pk)


@router.delete("/campaigns/{int:campaign_id}/kpi-targets/{int:target_id}", response={204: None, **ERRORS},
               summary="Remove a KPI target")
def kpi_target_delete(request, campaign_id: Id, target_id: Id):
    target = get_for(request.user, Action.MANAGE, _targets(campaign_id), target_id)
    services.kpi_target_delete(target=target, actor=request.user)
    return Status(204, None)


# ---- members ------------------------------------------------------------------------------------

def _members(campaign_id: int):
    return Membership.objects.filter(campaign_id=campaign_id).select_related("campaign", "user",
                                                                            "user__profile")


@router.get("/campaigns/{int:campaign_id}/members", response={200: list[MemberOut], **ERRORS},
            summary="The campaign's team")
def member_list(request, campaign_id: Id):
    campaign = get_for(request.user, Action.VIEW, Campaign, campaign_id)
    return selectors.members_of(campaign)


@router.post("/campaigns/{int:campaign_id}/members", response={201: MemberOut, **ERRORS},
             summary="Add a member")
def member_add(request, campaign_id: Id, payload: MemberIn):
    campaign = get_for(request.user, Action.MANAGE, Campaign, campaign_id)
    user = _user_by_ref(payload.user, field="user")
    membership = services.member_add(campaign=campaign, actor=request.user, user=user, role=payload.role,
                                     department=payload.department or "",
                                     is_department_head=payload.is_department_head)
    return Status(201, _members(campaign_id).get(pk=membership.pk))


@router.patch("/campaigns/{int:campaign_id}/members/{int:member_id}", response={200: MemberOut, **ERRORS},
              summary="Change a member's role or department")
def member_update(request, campaign_id: Id, member_id: Id, payload: MemberPatch):
    membership = get_for(request.user, Action.MANAGE, _members(campaign_id), member_id)
    data = no_nulls(payload.model_dump(exclude_unset=True), text=("department",),
                    required=("role", "is_department_head"))
    return services.member_update(membership=membership, actor=request.user, **data)


@router.delete("/campaigns/{int:campaign_id}/members/{int:member_id}", response={204: None, **ERRORS},
               summary="Remove a member")
def member_remove(request, campaign_id: Id, member_id: Id):
    membership = get_for(request.user, Action.MANAGE, _members(campaign_id), member_id)
    services.member_remove(membership=membership, actor=request.user)
    return Status(204, None)
