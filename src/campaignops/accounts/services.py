"""Writes for a user's own profile and personal API tokens. Atomic and audited."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaignops.core import audit
from campaignops.core.errors import DomainError, ValidationFailed

from .models import ApiToken, Profile

PROFILE_FIELDS = ["display_name", "department", "language", "time_zone"]


def profile_of(user) -> Profile:
    """The user's profile, created with defaults on first use."""
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def profile_update(*, user, actor, **changes) -> Profile:
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise DomainError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    profile = profile_of(user)
    diff = {f: (getattr(profile, f), v) for f, v in changes.items() if getattr(profile, f) != v}
    for field, value in changes.items():
        setattr(profile, field, value)
    profile.full_clean()
    profile.save()
    audit.record(actor=actor, action="profile.update", obj=profile, changes=diff)
    return profile


@transaction.atomic
def api_token_create(*, user, actor, name: str, expires_at=None) -> tuple[ApiToken, str]:
    """A new personal token; returns the row and the clear token (shown once, never stored)."""
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed(_("The expiry must be in the future."), field="expires_at")
    token, raw = ApiToken.issue(user=user, name=name, expires_at=expires_at)
    audit.record(actor=actor, action="api_token.create", obj=token, summary=name)
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
    if token.revoked:
        return token
    token.revoked = True
    token.save(update_fields=["revoked"])
    audit.record(actor=actor, action="api_token.revoke", obj=token, summary=token.name)
    return token
