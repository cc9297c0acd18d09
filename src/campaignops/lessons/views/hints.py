"""Lessons beside the plan rows: an htmx fragment the plan page asks for once loaded (so the plan
page itself runs no extra query), and the one-click actions: turn into a task, a risk or a note on
the row, or dismiss."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from campaignops.access.policy import Action, can
from campaignops.campaigns.models import Campaign
from campaignops.campaigns.views import campaign_page
from campaignops.core.errors import DomainError

from .. import selectors, services

HINTS = "lessons/hints.html"


def _context(request, campaign: Campaign) -> dict:
    rows: dict[int, list] = {}
    for s in selectors.plan_hints(user=request.user, campaign=campaign):
        rows.setdefault(s.task_id, []).append(s)
    return {"campaign": campaign, "rows": rows, "editable": can(request.user, Action.EDIT, campaign),
            "risks_url": reverse("risks:risks", args=[campaign.pk])}


@campaign_page(GET=Action.VIEW)
def hints(request, campaign: Campaign):
    """The lessons to show beside each row (rows come as <template> elements that static/js/lesson-hints.js
    places after their plan row)."""
    return TemplateResponse(request, HINTS, _context(request, campaign))


@campaign_page(POST=Action.EDIT)
def hints_refresh(request, campaign: Campaign):
    services.suggestions_refresh(campaign=campaign, actor=request.user)
    return TemplateResponse(request, HINTS, _context(request, campaign))


def _suggestion(request, campaign: Campaign, suggestion_pk: int):
    qs = selectors.plan_hints(user=request.user, campaign=campaign).select_related("task__phase", "task__campaign",
                                                                                  "task__channel")
    return get_object_or_404(qs, pk=suggestion_pk)


def _version(request) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@campaign_page(POST=Action.EDIT)
def hint_apply(request, campaign: Campaign, suggestion_pk: int):
    """One click: the lesson becomes a task, a risk or a note; the hint is replaced by what was done."""
    suggestion = _suggestion(request, campaign, suggestion_pk)
    kind = request.POST.get("as", "")
    try:
        made = services.suggestion_apply(suggestion=suggestion, as_=kind, actor=request.user,
                                         version=_version(request))
    except DomainError as exc:
        return TemplateResponse(request, HINTS + "#hint", {"s": suggestion, "campaign": campaign, "editable": True,
                                                            "error": str(exc.message)}, status=exc.status)
    link = {"task": reverse("planning:plan", args=[campaign.pk]) + f"#t{made.pk}",
            "risk": reverse("risks:risk", args=[campaign.pk, made.pk]),
            "note": reverse("planning:plan", args=[campaign.pk]) + f"#t{made.pk}"}[kind]
    response = TemplateResponse(request, HINTS + "#done", {"s": suggestion, "kind": kind, "link": link,
                                                            "campaign": campaign}, status=201)
    if kind in ("task", "note"):
        response["HX-Trigger"] = "lessons-plan-changed"   # static/js/lesson-hints.js redraws the plan table
    return response


@campaign_page(POST=Action.EDIT)
def hint_dismiss(request, campaign: Campaign, suggestion_pk: int):
    suggestion = _suggestion(request, campaign, suggestion_pk)
    try:
        services.suggestion_dismiss(suggestion=suggestion, actor=request.user, version=_version(request))
    except DomainError as exc:
        return TemplateResponse(request, HINTS + "#hint", {"s": suggestion, "campaign": campaign, "editable": True,
                                                            "error": str(exc.message)}, status=exc.status)
    return TemplateResponse(request, HINTS + "#dismissed", {"s": suggestion, "campaign": campaign})
