"""{% report_nag campaign %}: the campaign header's reminder to publish the retrospective."""

from django import template

from ..selectors import nag

register = template.Library()


@register.inclusion_tag("reports/includes/nag.html", takes_context=True)
def report_nag(context, campaign):
    return {"campaign": campaign, "nag": nag(campaign) if campaign is not None else None,
            "active": context.get("active")}
