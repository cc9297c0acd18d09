"""What every page of the risks app shares: access first (a non-member gets 404 whatever the method,
then 405 for a wrong method, then 403 for a role that may not write), the team the forms choose
from, and the header context of the campaign pages."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.utils import timezone

from campaignops.access.policy import Action, can, get_for
from campaignops.campaigns.models import Campaign
from campaignops.campaigns.selectors import members_of
from campaignops.planning.selectors import phase_list

from ..forms import Team
from ..presenters import zone


def campaign_view(**actions: Action):
    """`@campaign_view(GET=Action.VIEW, POST=Action.EDIT)`: the view gets the campaign."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, pk: int, *args, **kwargs):
            campaign = get_for(request.user, Action.VIEW, Campaign, pk)
            method = "GET" if request.method == "HEAD" else request.method
            if method not in actions:
                return HttpResponseNotAllowed(list(actions))
            if not can(request.user, actions[method], campaign):
                raise PermissionDenied
            return view(request, campaign, *args, **kwargs)
        return wrapped
    return decorate


def is_partial(request) -> bool:
    return bool(request.htmx) and not request.htmx.boosted and not request.htmx.history_restore_request


def team_of(campaign: Campaign) -> Team:
    """Members and phases (two queries)."""
    return Team(members=[m.user for m in members_of(campaign)], phases=list(phase_list(campaign=campaign)))


def base_context(request, campaign: Campaign, active: str) -> dict:
    """The campaign header's context plus what every page needs (no query: the role is cached)."""
    return {"campaign": campaign, "active": active, "now": timezone.now(), "tz": zone(campaign),
            "editable": can(request.user, Action.EDIT, campaign),
            "can_manage": can(request.user, Action.MANAGE, campaign)}


def form_error(form, exc) -> None:
    """A service's refusal as a form error, on its field when the form has it."""
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
