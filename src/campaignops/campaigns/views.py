"""Campaign pages: list and overview."""

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse

from campaignops.access.policy import Action, get_for

from . import selectors


@login_required
def campaign_list(request):
    campaigns = list(selectors.campaign_list(user=request.user))
    return TemplateResponse(request, "campaigns/list.html", {"campaigns": campaigns})


@login_required
def campaign_overview(request, pk: int):
    campaign = get_for(request.user, Action.VIEW, selectors.campaign_detail_qs(), pk)
    return TemplateResponse(request, "campaigns/overview.html", {"campaign": campaign})
