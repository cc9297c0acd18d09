"""Goal Confirmation endpoints: read the document, sign it, set its signers.

Reading needs VIEW; signing needs EDIT and being a required signer (signing twice answers the same
signature, 200; a new one is 201; a `fingerprint` other than the current content's is a 409);
setting the signers needs MANAGE. Domain errors are mapped to HTTP answers once, in `campaignops.api`.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from campaignops.access.policy import Action, get_for
from campaignops.core.errors import ValidationFailed
from campaignops.core.schemas import ERRORS, WRITE_ERRORS, Id

from . import selectors, signoff
from .models import Campaign
from .schemas import STRICT
from .smart_report import smart_report

router = Router(tags=["goal confirmation"])


class SmartFindingOut(Schema):
    code: str
    letter: str
    message: str


class SmartOut(Schema):
    passes: bool = Field(description="Neither the goal sentence nor the KPI targets leave a SMART point open.")
    findings: list[SmartFindingOut]
    wording_gaps: list[SmartFindingOut] = Field(description="Points the KPI targets cover but the sentence does not.")
    rewrite: str = Field(description="Suggested SMART wording in the caller's language ('' when none).")


class SignatureOut(Schema):
    id: int
    user_id: int | None
    signer_name: str
    signed_at: dt.datetime
    fingerprint: str
    voided_at: dt.datetime | None
    void_reason: str
    void_detail: str


class SignerOut(Schema):
    user_id: int
    username: str
    name: str
    department: str
    signed: bool
    signature: SignatureOut | None


class GoalConfirmationOut(Schema):
    campaign_id: int
    status: str
    version: int = Field(description="The campaign's version (send it when you change the campaign).")
    fingerprint: str = Field(description="SHA-256 of the canonical JSON of `content`.")
    content: dict
    smart: SmartOut
    explicit_signers: bool = Field(description="False while the default signers (heads of Marketing, Sales "
                                               "and Product) apply.")
    all_signed: bool
    signers: list[SignerOut]
    history: list[SignatureOut]


class SignIn(Schema):
    model_config = STRICT
    fingerprint: str | None = Field(None, min_length=64, max_length=64,
                                    description="The fingerprint of the content you read; 409 if it changed.")


class SignersIn(Schema):
    model_config = STRICT
    signers: list[int | str] = Field(min_length=1, max_length=50, description="User ids or user names.")
    expected_signers: list[int] | None = Field(None, max_length=50, description=(
        "The user ids of the signers you read (`signers`); 409 if someone changed them since."))


def _out(campaign: Campaign) -> dict:
    campaign = selectors.campaign_detail_qs().get(pk=campaign.pk)
    doc = selectors.goal_confirmation(campaign)
    smart = smart_report(campaign)
    return {
        "campaign_id": campaign.pk, "status": campaign.status, "version": campaign.version,
        "fingerprint": doc.fingerprint, "content": doc.content, "explicit_signers": doc.explicit_signers,
        "smart": {"passes": smart["passes"], "rewrite": smart["rewrite"],
                  "findings": [{k: str(f[k]) for k in ("code", "letter", "message")} for f in smart["findings"]],
                  "wording_gaps": [{k: str(f[k]) for k in ("code", "letter", "message")}
                                   for f in smart["wording_gaps"]]},
        "all_signed": doc.all_signed,
        "signers": [{"user_id": row.user.pk, "username": row.user.get_username(), "name": row.name,
                     "department": row.department, "signed": row.signature is not None,
                     "signature": row.signature} for row in doc.signers],
        "history": doc.history,
    }


@router.get("/campaigns/{int:campaign_id}/goal-confirmation", response={200: GoalConfirmationOut, **ERRORS},
            summary="The Goal Confirmation: content, fingerprint, SMART check, signers and voided signatures")
def goal_read(request, campaign_id: Id):
    return _out(get_for(request.user, Action.VIEW, Campaign, campaign_id))


@router.post("/campaigns/{int:campaign_id}/goal-confirmation/sign",
             response={200: GoalConfirmationOut, 201: GoalConfirmationOut, **WRITE_ERRORS},
             summary="Sign the current content (required signers only; idempotent)")
def goal_sign(request, campaign_id: Id, payload: SignIn):
    campaign = get_for(request.user, Action.EDIT, Campaign, campaign_id)
    result = signoff.goal_sign(campaign=campaign, actor=request.user, expected_fingerprint=payload.fingerprint)
    return Status(201 if result.created else 200, _out(campaign))


@router.put("/campaigns/{int:campaign_id}/goal-confirmation/signers",
            response={200: GoalConfirmationOut, **WRITE_ERRORS},
            summary="Set who must sign (team members who may edit; the lead decides)")
def goal_signers(request, campaign_id: Id, payload: SignersIn):
    campaign = get_for(request.user, Action.MANAGE, Campaign, campaign_id)
    User = get_user_model()
    users = []
    for ref in payload.signers:
        lookup = {"pk": ref} if isinstance(ref, int) else {User.USERNAME_FIELD: ref}
        user = User.objects.filter(is_active=True, memberships__campaign=campaign, **lookup).first()
        if user is None:
            raise ValidationFailed(_("%(user)s is not a member of this campaign.") % {"user": ref}, field="signers")
        users.append(user)
    signoff.goal_signers_set(campaign=campaign, actor=request.user, users=users, expected=payload.expected_signers)
    return _out(campaign)
