"""Goal Confirmation (活动目标确认书): its content, fingerprint, required signers and signatures.

The content is the goal statement, the KPI targets and the scope (channels, online/offline, audience).
A signature records who, when, the sha256 fingerprint of the canonical JSON of the content and the content
itself. Every service that changes the content runs inside `content_guard`, which voids the live signatures
when the fingerprint moved (kept as history with the reason) and drops a confirmed campaign back to draft.
The campaign is confirmed when every required signer has a live signature.
"""

import hashlib
import json
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from campaignops.accounts.models import display_name
from campaignops.core import audit
from campaignops.core.errors import DomainError, NotAllowed, StaleVersion, ValidationFailed

from .models import (
    GOAL_SIGNER_DEPARTMENTS,
    Campaign,
    CampaignStatus,
    GoalSignature,
    GoalSigner,
    Membership,
    Role,
    VoidReason,
)

SIGNING_ROLES = (Role.LEAD, Role.PLANNING, Role.EXECUTION, Role.LOGISTICS, Role.FINANCE)


class ContentChanged(DomainError):
    """The client signs content that is no longer current: 409, nothing written."""

    status = 409


# ---- content and fingerprint --------------------------------------------------------------------

def _number(value) -> str:
    return format(value.normalize(), "f") if value is not None else ""


def goal_content(campaign: Campaign) -> dict:
    """The document's content as plain JSON data (two queries: channels, KPI targets)."""
    channels = list(campaign.channels.order_by("code").values("code", "name_en", "name_zh", "online"))
    targets = campaign.kpi_targets.select_related("channel").order_by("id")
    return {
        "goal": campaign.goal_statement.strip(),
        "kpi_targets": [{
            "metric": t.metric, "label": t.label, "channel": t.channel.code if t.channel_id else None,
            "target_value": _number(t.target_value), "unit": t.unit, "direction": t.direction,
            "due_date": t.due_date.isoformat() if t.due_date else None,
        } for t in targets],
        "scope": {
            "channels": [c["code"] for c in channels],
            "online": [c["code"] for c in channels if c["online"]],
            "offline": [c["code"] for c in channels if not c["online"]],
            "channel_names": {c["code"]: [c["name_en"], c["name_zh"]] for c in channels},
            "audience": {"age_min": campaign.audience_age_min, "age_max": campaign.audience_age_max,
                         "regions": campaign.audience_regions.strip(), "habits": campaign.audience_habits.strip()},
        },
    }


def canonical_json(content: dict) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def fingerprint(content: dict) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def _reason(before: dict, after: dict) -> str:
    if before["goal"] != after["goal"]:
        return VoidReason.GOAL
    if before["kpi_targets"] != after["kpi_targets"]:
        return VoidReason.KPI
    return VoidReason.SCOPE


# ---- signers ------------------------------------------------------------------------------------

def default_signers(campaign: Campaign) -> list:
    """The members who head Marketing, Sales and Product, in that order."""
    order = {d: i for i, d in enumerate(GOAL_SIGNER_DEPARTMENTS)}
    heads = (Membership.objects.filter(campaign=campaign, is_department_head=True, role__in=SIGNING_ROLES,
                                       department__in=GOAL_SIGNER_DEPARTMENTS)
             .select_related("user", "user__profile"))
    return [m.user for m in sorted(heads, key=lambda m: (order[m.department], m.pk))]


def required_signers(campaign: Campaign) -> tuple[list, bool]:
    """(signers, explicit?): the list the lead set, else the default heads."""
    rows = list(GoalSigner.objects.filter(campaign=campaign).select_related("user", "user__profile").order_by("id"))
    if rows:
        return [r.user for r in rows], True
    return default_signers(campaign), False


def live_signatures(campaign: Campaign) -> list[GoalSignature]:
    return list(GoalSignature.objects.filter(campaign=campaign, voided_at__isnull=True)
                .select_related("user", "user__profile").order_by("signed_at", "id"))


def _all_signed(campaign: Campaign) -> bool:
    signers, _explicit = required_signers(campaign)
    signed = set(GoalSignature.objects.filter(campaign=campaign, voided_at__isnull=True)
                 .values_list("user_id", flat=True))
    return bool(signers) and all(u.pk in signed for u in signers)


def _set_status(campaign: Campaign, status: str) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(status=status, version=F("version") + 1,
                                                   updated_at=timezone.now())
    campaign.status = status
    campaign.version = Campaign.objects.filter(pk=campaign.pk).values_list("version", flat=True).get()


def _recompute_status(campaign: Campaign, actor) -> None:
    """Draft ⇄ confirmed as the signatures say; later statuses (running, …) are left alone."""
    complete = _all_signed(campaign)
    if campaign.status == CampaignStatus.DRAFT and complete:
        _set_status(campaign, CampaignStatus.CONFIRMED)
        audit.record(actor=actor, action="campaign.confirm", obj=campaign, campaign_id=campaign.pk,
                     changes={"status": ("draft", "confirmed")})
    elif campaign.status == CampaignStatus.CONFIRMED and not complete:
        _set_status(campaign, CampaignStatus.DRAFT)
        audit.record(actor=actor, action="campaign.unconfirm", obj=campaign, campaign_id=campaign.pk,
                     changes={"status": ("confirmed", "draft")})


def confirmation_missing_reason(campaign: Campaign) -> str | None:
    """Why the campaign may not be set to confirmed now (None when it may)."""
    signers, _explicit = required_signers(campaign)
    if not signers:
        return _("The campaign can only be confirmed through its Goal Confirmation, and it has no signers: "
                 "add the heads of Marketing, Sales and Product as signers first.")
    signed = set(GoalSignature.objects.filter(campaign=campaign, voided_at__isnull=True)
                 .values_list("user_id", flat=True))
    missing = [display_name(u) for u in signers if u.pk not in signed]
    if missing:
        return _("The campaign becomes confirmed when every signer has signed the Goal Confirmation. "
                 "Still missing: %(names)s.") % {"names": ", ".join(missing)}
    return None


@transaction.atomic
def goal_signers_set(*, campaign: Campaign, actor, users: list, expected: list[int] | None = None) -> list:
    """Replace the required signers (members who may edit; at least one). Status follows the signatures.
    `expected`: the ids of the signers the user saw; when someone changed them since, nothing is
    saved (409) rather than overwriting their choice unseen."""
    unique = list(dict.fromkeys(users))
    if not unique:
        raise ValidationFailed(_("The Goal Confirmation needs at least one signer."), field="signers")
    roles = dict(Membership.objects.filter(campaign=campaign, user__in=unique).values_list("user_id", "role"))
    for user in unique:
        if roles.get(user.pk) not in SIGNING_ROLES:
            raise ValidationFailed(
                _("%(name)s cannot sign: only team members who may edit the campaign can be signers.")
                % {"name": display_name(user)}, field="signers")
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    campaign.status = locked.status
    if expected is not None:
        current, _explicit = required_signers(campaign)
        if sorted(u.pk for u in current) != sorted(set(expected)):
            raise StaleVersion(_("Someone changed the signers while you were choosing; they are now: %(names)s. "
                                 "Nothing was saved: choose again.") % {
                "names": ", ".join(display_name(u) for u in current) or "-"}, current_version=locked.version)
    before = list(GoalSigner.objects.filter(campaign=campaign).order_by("id").values_list("user_id", flat=True))
    GoalSigner.objects.filter(campaign=campaign).exclude(user__in=unique).delete()
    for user in unique:
        GoalSigner.objects.get_or_create(campaign=campaign, user=user)
    audit.record(actor=actor, action="goal.signers", obj=campaign, campaign_id=campaign.pk,
                 summary=", ".join(display_name(u) for u in unique),
                 changes={"signers": (",".join(map(str, before)), ",".join(str(u.pk) for u in unique))})
    _recompute_status(campaign, actor)
    return unique


def goal_signer_leaves(*, campaign: Campaign, user, actor) -> None:
    """Someone left the team or may no longer edit: they are no longer asked to sign, and the status
    follows the remaining signers. (A signature they gave stays on record.)"""
    removed, _n = GoalSigner.objects.filter(campaign=campaign, user=user).delete()
    if removed:
        campaign.status = Campaign.objects.filter(pk=campaign.pk).values_list("status", flat=True).get()
        _recompute_status(campaign, actor)


# ---- signing and voiding ------------------------------------------------------------------------

@dataclass
class SignResult:
    signature: GoalSignature
    created: bool


def goal_sign(*, campaign: Campaign, actor, expected_fingerprint: str | None = None) -> SignResult:
    """Sign the current content. Idempotent: signing again returns the live signature; of two concurrent
    signs by the same person one creates the row and the other returns it.

    The campaign row is locked while signing (PostgreSQL); SQLite serialises writers itself, and a writer
    that finds the database locked beyond its busy timeout retries a few times when it owns the transaction.
    """
    attempts = 1 if transaction.get_connection().in_atomic_block else 6
    for attempt in range(attempts):
        try:
            return _goal_sign(campaign=campaign, actor=actor, expected_fingerprint=expected_fingerprint)
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


@transaction.atomic
def _goal_sign(*, campaign: Campaign, actor, expected_fingerprint: str | None) -> SignResult:
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    campaign.status, campaign.version = locked.status, locked.version
    signers, explicit = required_signers(campaign)
    if actor.pk not in {u.pk for u in signers}:
        raise NotAllowed(_("You are not one of the people who sign this Goal Confirmation."))
    content = goal_content(campaign)
    current = fingerprint(content)
    if expected_fingerprint and expected_fingerprint != current:
        raise ContentChanged(_("The goal, a KPI target or the scope changed after you opened the document. "
                               "Read the current version, then sign again."))
    _void_outdated(campaign, content=content, current=current, actor=actor)
    existing = GoalSignature.objects.filter(campaign=campaign, user=actor, voided_at__isnull=True).first()
    if existing is not None:
        return SignResult(existing, False)
    if not explicit:  # the signers asked for become the fixed list once signing starts
        for user in signers:
            GoalSigner.objects.get_or_create(campaign=campaign, user=user)
    try:
        with transaction.atomic():
            signature = GoalSignature.objects.create(
                campaign=campaign, user=actor, signer_name=display_name(actor)[:150], signed_at=timezone.now(),
                fingerprint=current, snapshot=content)
    except IntegrityError:
        return SignResult(GoalSignature.objects.get(campaign=campaign, user=actor, voided_at__isnull=True), False)
    audit.record(actor=actor, action="goal.sign", obj=signature, campaign_id=campaign.pk,
                 summary=current[:16])
    _recompute_status(campaign, actor)
    return SignResult(signature, True)


def _void(campaign: Campaign, *, actor, reason: str, detail: str) -> int:
    now = timezone.now()
    voided = GoalSignature.objects.filter(campaign=campaign, voided_at__isnull=True).update(
        voided_at=now, void_reason=reason, void_detail=detail[:300],
        voided_by=actor if actor is not None and actor.is_authenticated else None)
    if voided:
        audit.record(actor=actor, action="goal.void", obj=campaign, campaign_id=campaign.pk,
                     summary=f"{reason}: {detail}"[:300], changes={"voided": (0, voided)})
        _recompute_status(campaign, actor)
    return voided


def _void_outdated(campaign: Campaign, *, content: dict, current: str, actor) -> None:
    """Live signatures of other content (changed outside the services, e.g. in the admin) are voided
    before anyone signs, with the reason read from their snapshot."""
    for sig in GoalSignature.objects.filter(campaign=campaign, voided_at__isnull=True).exclude(fingerprint=current):
        GoalSignature.objects.filter(pk=sig.pk).update(
            voided_at=timezone.now(), void_reason=_reason(sig.snapshot, content), voided_by=None)


@contextmanager
def content_guard(campaign: Campaign, *, actor, detail: str | Callable[[], str] = ""):
    """Wrap a change to the goal, a KPI target or the scope (inside the caller's transaction): when the
    content's fingerprint moved, void the live signatures and let the status follow."""
    locked = Campaign.objects.select_for_update().filter(pk=campaign.pk).values_list("pk", flat=True)
    if not GoalSignature.objects.filter(campaign_id__in=list(locked), voided_at__isnull=True).exists():
        yield
        return
    before = goal_content(campaign)
    yield
    after = goal_content(campaign)
    if fingerprint(before) != fingerprint(after):
        _void(campaign, actor=actor, reason=_reason(before, after), detail=detail() if callable(detail) else detail)
