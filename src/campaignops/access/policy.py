"""The one access policy: who may see and do what on which campaign.

Everything else asks here: pages, htmx fragments, exports and API operations.
- `visible(user, qs)` narrows any queryset of campaign-scoped rows to the campaigns the user belongs to
  (plus, for a model declaring `ACCESS_SHARED_FIELD`, the rows marked shared: lessons).
- `get_for(user, action, Model, pk)` fetches one row or raises Http404 (missing or not a member);
  a member whose role does not allow the action gets PermissionDenied (403).
- `can(user, action, obj)` answers yes/no for templates and menus.
"""

from enum import StrEnum

import rules
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from campaignops.campaigns.models import Campaign, Membership, Role


class Action(StrEnum):
    VIEW = "view"          # read pages, fragments, exports, API reads
    EDIT = "edit"          # change the plan and its content
    MANAGE = "manage"      # campaign settings, members, delete, save as template
    APPROVE = "approve"    # decide on a budget revision, record a spend override (Finance only)


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.LEAD: frozenset({Action.VIEW, Action.EDIT, Action.MANAGE}),
    Role.PLANNING: frozenset({Action.VIEW, Action.EDIT}),
    Role.EXECUTION: frozenset({Action.VIEW, Action.EDIT}),
    Role.LOGISTICS: frozenset({Action.VIEW, Action.EDIT}),
    Role.FINANCE: frozenset({Action.VIEW, Action.EDIT, Action.APPROVE}),
    Role.VIEWER: frozenset({Action.VIEW}),
}


def _campaign_id(obj) -> int:
    if isinstance(obj, Campaign):
        return obj.pk
    if isinstance(obj, int):
        return obj
    return obj.campaign_id


def role_of(user, campaign) -> str | None:
    """The user's role on a campaign (memoised on the user object for the request)."""
    if user is None or not user.is_authenticated:
        return None
    cid = _campaign_id(campaign)
    cache = user.__dict__.setdefault("_campaign_roles", {})
    if cid not in cache:
        cache[cid] = Membership.objects.filter(campaign_id=cid, user=user).values_list("role", flat=True).first()
    return cache[cid]


def remember_roles(user, memberships) -> None:
    """Prime the role cache from already-loaded memberships (saves a query per campaign on lists)."""
    cache = user.__dict__.setdefault("_campaign_roles", {})
    for m in memberships:
        if m.user_id == user.pk:
            cache[m.campaign_id] = m.role


@rules.predicate
def is_site_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_superuser)


def _allows(action: Action):
    @rules.predicate(name=f"role_allows_{action}")
    def pred(user, obj) -> bool:
        role = role_of(user, obj)
        return role is not None and action in ROLE_ACTIONS.get(role, frozenset())
    return pred


RULES = {action: is_site_admin | _allows(action) for action in Action}
for _action, _pred in RULES.items():
    rules.add_perm(f"campaigns.{_action}_campaign", _pred)


def is_shared(obj) -> bool:
    """Rows of a model that declares `ACCESS_SHARED_FIELD` (e.g. lessons) are readable by every
    signed-in user once that field is true; writes still need a role on the row's campaign."""
    field = getattr(type(obj), "ACCESS_SHARED_FIELD", None)
    return bool(field and getattr(obj, field, False))


def can(user, action: Action | str, obj) -> bool:
    if (Action(action) is Action.VIEW and user is not None and user.is_authenticated
            and not isinstance(obj, (Campaign, int)) and is_shared(obj)):
        return True
    return RULES[Action(action)].test(user, obj)


def is_member(user, obj) -> bool:
    return is_site_admin(user) or role_of(user, obj) is not None


def visible(user, qs: models.QuerySet) -> models.QuerySet:
    """Only rows of campaigns the user belongs to (all for site admins, none for anonymous)."""
    if user is None or not user.is_authenticated:
        return qs.none()
    if user.is_superuser:
        return qs
    mine = Membership.objects.filter(user=user).values("campaign_id")
    if qs.model is Campaign:
        return qs.filter(pk__in=mine)
    shared = getattr(qs.model, "ACCESS_SHARED_FIELD", None)
    if shared:
        return qs.filter(models.Q(campaign_id__in=mine) | models.Q(**{shared: True}))
    return qs.filter(campaign_id__in=mine)


def get_for(user, action: Action | str, model: type[models.Model] | models.QuerySet, pk) -> models.Model:
    """One row the user may act on: 404 when missing or not visible, 403 when the role forbids."""
    qs = model if isinstance(model, models.QuerySet) else model._default_manager.all()
    try:
        obj = visible(user, qs).get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can(user, action, obj):
        raise PermissionDenied
    return obj
