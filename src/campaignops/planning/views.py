"""Plan pages: the 8-column plan table grouped by phase."""

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse

from campaignops.access.policy import Action, get_for
from campaignops.campaigns.models import Campaign

from . import selectors


@login_required
def plan_table(request, pk: int):
    campaign = get_for(request.user, Action.VIEW, Campaign, pk)
    filters = selectors.PlanFilters.from_query(request.GET)
    groups = selectors.plan_grouped(campaign=campaign, filters=filters)
    return TemplateResponse(request, "planning/plan.html", {"campaign": campaign, "groups": groups,
                                                            "filters": filters})
