"""What the budget pages share: the header context and helpers for refusals and downloads."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from campaignops.access.policy import Action, can
from campaignops.campaigns.views import campaign_page

from ..selectors import campaign_today

__all__ = ["campaign_page", "base_context", "form_error", "download", "warn"]


def base_context(request, campaign, active: str) -> dict:
    return {"campaign": campaign, "active": active, "today": campaign_today(campaign),
            "editable": can(request.user, Action.EDIT, campaign),
            "can_approve": can(request.user, Action.APPROVE, campaign),
            "can_manage": can(request.user, Action.MANAGE, campaign)}


def form_error(form, exc) -> None:
    """A service's refusal as a form error, on its field when the form has it."""
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


def warn(request, obj) -> None:
    """The 90 % warning a write may carry, as a message on the next page."""
    warning = getattr(obj, "spend_warning", None)
    if warning:
        messages.warning(request, warning)


def download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
