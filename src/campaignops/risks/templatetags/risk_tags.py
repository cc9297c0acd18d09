"""`{% load risk_tags %}{% response_clock issue %}`: the response clock component anywhere an issue
is shown (time left / overdue by, coloured; the deadline in the campaign's time zone on hover)."""

from django import template
from django.utils import timezone

from ..presenters import clock_view, zone

register = template.Library()


@register.simple_tag(takes_context=True)
def response_clock(context, issue):
    """The issue's clock: the one the view prepared (`issue.clock`), else computed for now."""
    prepared = getattr(issue, "clock", None)
    if prepared is not None:
        return prepared.html
    campaign = context.get("campaign") or issue.campaign
    return clock_view(issue, context.get("now") or timezone.now(), zone(campaign)).html


@register.filter
def person(user, empty: str = "—") -> str:
    """A user's display name (profile name, full name or user name); `empty` for nobody."""
    from campaignops.accounts.models import display_name

    return display_name(user) if user is not None else empty


@register.filter
def kpi(target) -> str:
    from ..presenters import kpi_label

    return kpi_label(target)
