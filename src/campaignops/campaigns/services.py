"""Writes for campaigns, scope, KPI targets and members. Each is atomic and audited."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from campaignops.core import audit
from campaignops.core.errors import DomainError, ValidationFailed
from campaignops.core.files import remove_campaign_files
from campaignops.core.versioning import save_versioned

from .models import BUILTIN_CHANNELS, Campaign, CampaignStatus, Channel, KpiTarget, Membership, Role
from .signoff import SIGNING_ROLES, confirmation_missing_reason, content_guard, goal_signer_leaves

CAMPAIGN_FIELDS = [
    "name", "kind", "theme", "goal_statement", "start_date", "end_date", "status", "currency", "time_zone",
    "country", "lead", "audience_age_min", "audience_age_max", "audience_regions", "audience_habits",
]


def _validate(obj, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ValidationFailed(messages[0], field=None if field == "__all__" else field,
                               details=[{"field": f, "messages": m} for f, m in exc.message_dict.items()]) from exc


def channels_ensure_builtin() -> None:
    """Create the built-in channel catalogue (idempotent)."""
    for sort, (code, en, zh, online) in enumerate(BUILTIN_CHANNELS):
        Channel.objects.update_or_create(
            code=code, defaults={"name_en": en, "name_zh": zh, "online": online, "builtin": True, "sort": sort}
        )


def channel_create(*, code: str, name_en: str, name_zh: str = "", online: bool = True, actor=None) -> Channel:
    channel = Channel(code=code, name_en=name_en, name_zh=name_zh or name_en, online=online, builtin=False)
    _validate(channel)
    channel.save()
    return channel


@transaction.atomic
def campaign_create(*, actor, name: str, start_date: dt.date, end_date: dt.date | None = None,
                    channels: list[Channel] | None = None, **fields) -> Campaign:
    """Create a campaign; the creator becomes its lead member."""
    campaign = Campaign(name=name, start_date=start_date, end_date=end_date or start_date, **fields)
    if campaign.lead_id is None and actor is not None and actor.is_authenticated:
        campaign.lead = actor
    _validate(campaign, exclude=["channels"])
    campaign.save()
    if channels:
        campaign.channels.set(channels)
    if campaign.lead_id:
        Membership.objects.get_or_create(campaign=campaign, user_id=campaign.lead_id,
                                         defaults={"role": Role.LEAD})
    audit.record(actor=actor, action="campaign.create", obj=campaign, campaign_id=campaign.pk, summary=name)
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, actor, version: int | None, channels: list[Channel] | None = None,
                    **changes) -> Campaign:
    """Change campaign fields; a stale `version` raises StaleVersion and writes nothing.

    Setting the status to confirmed by hand is refused until every goal signer has signed; a change to
    the goal or the scope voids the Goal Confirmation's signatures (and a confirmed campaign is draft again).
    """
    unknown = set(changes) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise DomainError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    if changes.get("status") == CampaignStatus.CONFIRMED and campaign.status != CampaignStatus.CONFIRMED:
        refusal = confirmation_missing_reason(campaign)
        if refusal:
            raise DomainError(refusal, field="status")
    before = {f: getattr(campaign, f) for f in changes}
    with content_guard(campaign, actor=actor, detail=_campaign_detail(campaign, changes, channels)):
        for field, value in changes.items():
            setattr(campaign, field, value)
        _validate(campaign, exclude=["channels"])
        save_versioned(campaign, expected_version=version, fields=list(changes) or ["name"])
        if channels is not None:
            campaign.channels.set(channels)
    audit.record(actor=actor, action="campaign.update", obj=campaign,
                 changes={f: (before[f], getattr(campaign, f)) for f in changes if before[f] != getattr(campaign, f)})
    return campaign


@transaction.atomic
def campaign_channel_add(*, campaign: Campaign, channel: Channel, actor) -> None:
    """Put one more channel in the campaign's scope (voids the goal signatures if it is new to it)."""
    name = str(Campaign._meta.get_field("channels").verbose_name)
    with content_guard(campaign, actor=actor, detail=name):
        campaign.channels.add(channel)
    audit.record(actor=actor, action="campaign.channel_add", obj=campaign, campaign_id=campaign.pk,
                 summary=channel.code)


def _campaign_detail(campaign: Campaign, changes: dict, channels) -> str:
    """Which scope fields an update touches (for the voided signatures' history; a goal change speaks for
    itself)."""
    names = [str(Campaign._meta.get_field(f).verbose_name) for f in changes
             if f in ("audience_age_min", "audience_age_max", "audience_regions", "audience_habits")
             and changes[f] != getattr(campaign, f)]
    if channels is not None:
        names.append(str(Campaign._meta.get_field("channels").verbose_name))
    return ", ".join(names)


@transaction.atomic
def campaign_delete(*, campaign: Campaign, actor) -> None:
    audit.record(actor=actor, action="campaign.delete", obj=campaign, summary=campaign.name)
    campaign_id = campaign.pk
    campaign.delete()
    transaction.on_commit(lambda: remove_campaign_files(campaign_id))


def _target_summary(target: KpiTarget) -> str:
    value = format(Decimal(target.target_value).normalize(), "f")
    unit = "%" if target.unit == "percent" else ""
    due = f" ({target.due_date:%Y-%m-%d})" if target.due_date else ""
    return f"{target.label or target.get_metric_display()}: {value}{unit}{due}"


@transaction.atomic
def kpi_target_create(*, campaign: Campaign, actor, metric: str, target_value: Decimal, **fields) -> KpiTarget:
    target = KpiTarget(campaign=campaign, metric=metric, target_value=target_value, **fields)
    _validate(target)
    with content_guard(campaign, actor=actor, detail=lambda: "+ " + _target_summary(target)):
        target.save()
    audit.record(actor=actor, action="kpi_target.create", obj=target)
    return target


@transaction.atomic
def kpi_target_update(*, target: KpiTarget, actor, version: int | None, **changes) -> KpiTarget:
    before = {f: getattr(target, f) for f in changes}
    old = _target_summary(target)
    with content_guard(target.campaign, actor=actor, detail=lambda: f"{old} → {_target_summary(target)}"):
        for field, value in changes.items():
            setattr(target, field, value)
        _validate(target)
        save_versioned(target, expected_version=version, fields=list(changes) or ["metric"])
    audit.record(actor=actor, action="kpi_target.update", obj=target,
                 changes={f: (before[f], getattr(target, f)) for f in changes})
    return target


@transaction.atomic
def kpi_target_delete(*, target: KpiTarget, actor) -> None:
    audit.record(actor=actor, action="kpi_target.delete", obj=target, summary=str(target))
    with content_guard(target.campaign, actor=actor, detail=lambda: "− " + _target_summary(target)):
        target.delete()


@transaction.atomic
def member_add(*, campaign: Campaign, actor, user, role: str, department: str = "",
               is_department_head: bool = False) -> Membership:
    membership = Membership(campaign=campaign, user=user, role=role, department=department,
                            is_department_head=is_department_head)
    _validate(membership, exclude=["campaign", "user"])
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:
        raise ValidationFailed(_("%(user)s is already a member of this campaign.") % {"user": user},
                               field="user") from exc
    audit.record(actor=actor, action="member.add", obj=membership, summary=f"{user} {role}")
    return membership


def _lead_count(campaign: Campaign) -> int:
    return Membership.objects.filter(campaign=campaign, role=Role.LEAD).count()


@transaction.atomic
def member_update(*, membership: Membership, actor, **changes) -> Membership:
    if membership.role == Role.LEAD and changes.get("role", Role.LEAD) != Role.LEAD and _lead_count(
            membership.campaign) == 1:
        raise DomainError(_("A campaign needs at least one lead: make someone else lead first."), field="role")
    for field, value in changes.items():
        setattr(membership, field, value)
    _validate(membership, exclude=["campaign", "user"])
    membership.save()
    if membership.role not in SIGNING_ROLES:  # a viewer cannot sign the Goal Confirmation
        goal_signer_leaves(campaign=membership.campaign, user=membership.user, actor=actor)
    audit.record(actor=actor, action="member.update", obj=membership, changes={k: (None, v) for k, v in changes.items()})
    return membership


@transaction.atomic
def member_remove(*, membership: Membership, actor) -> None:
    if membership.role == Role.LEAD and _lead_count(membership.campaign) == 1:
        raise DomainError(_("A campaign needs at least one lead: make someone else lead first."))
    audit.record(actor=actor, action="member.remove", obj=membership, summary=str(membership.user))
    membership.delete()
    goal_signer_leaves(campaign=membership.campaign, user=membership.user, actor=actor)
