"""Approvals waiting for me: budget revisions I may decide (Finance, not my own submission) and Goal
Confirmations I have yet to sign, across every campaign I belong to."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from campaignops.campaigns.selectors import goal_signatures_waiting_for

from .. import selectors


@login_required
@require_GET
def approvals_page(request):
    return TemplateResponse(request, "budget/approvals.html", {
        "revisions": selectors.revisions_waiting_for(request.user),
        "goals": goal_signatures_waiting_for(request.user)})
