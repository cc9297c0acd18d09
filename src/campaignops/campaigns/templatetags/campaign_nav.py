"""The campaign's navigation, grouped by the six steps of the process it serves (goal and scope →
plan → resources and budget → execution → metrics and adjustment → review): the steps in one row,
the pages of the current step in a second row — one short row each, not seventeen tabs that wrap."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

register = template.Library()


@dataclass(frozen=True)
class Page:
    key: str
    url_name: str
    label: str
    icon: str


@dataclass(frozen=True)
class Step:
    number: int | None
    label: str
    icon: str
    pages: tuple[Page, ...]


STEPS = (
    Step(None, _("Overview"), "speedometer2", (Page("overview", "campaigns:overview", _("Overview"), "speedometer2"),)),
    Step(1, _("Goal & scope"), "patch-check", (Page("goal", "campaigns:goal", _("Goal"), "patch-check"),)),
    Step(2, _("Plan breakdown"), "table", (
        Page("plan", "planning:plan", _("Plan"), "table"),
        Page("timeline", "planning_schedule:timeline", _("Timeline"), "bar-chart-steps"),
    )),
    Step(3, _("Resources & budget"), "cash-coin", (
        Page("budget", "budget:budget", _("Budget"), "cash-coin"),
        Page("resources", "budget:resources", _("Resources"), "box-seam"),
    )),
    Step(4, _("Execution & tracking"), "kanban", (
        Page("board", "planning_progress:board", _("Board"), "kanban"),
        Page("daily", "planning_progress:daily", _("Daily progress"), "calendar-check"),
        Page("standup", "risks:standup", _("Stand-up"), "people-fill"),
        Page("issues", "risks:issues", _("Issues"), "life-preserver"),
    )),
    Step(5, _("Metrics & adjustment"), "graph-up-arrow", (
        Page("dashboard", "metrics_dashboard:dashboard", _("Dashboard"), "graph-up-arrow"),
        Page("data", "metrics:data", _("Data"), "database-add"),
        Page("risks", "risks:risks", _("Risks"), "shield-exclamation"),
        Page("adjustments", "risks:adjustments", _("Adjustments"), "signpost-split"),
    )),
    Step(6, _("Review & lessons"), "journal-text", (Page("reports", "reports:index", _("Reports"), "journal-text"),)),
)
TEAM = Page("members", "campaigns:members", _("Members"), "people")
SETTINGS = Page("settings", "campaigns:settings", _("Settings"), "gear")


def _link(page: Page, campaign, active: str) -> dict:
    return {"key": page.key, "label": page.label, "icon": page.icon, "active": page.key == active,
            "url": reverse(page.url_name, args=[campaign.pk])}


@register.inclusion_tag("campaigns/includes/nav.html")
def campaign_nav(campaign, active: str, can_manage: bool = False) -> dict:
    """The steps (each links to its first page), the pages of the step holding `active`, and the
    team and settings pages."""
    steps, current = [], None
    for step in STEPS:
        pages = [_link(p, campaign, active) for p in step.pages]
        here = any(p["active"] for p in pages)
        steps.append({"number": step.number, "label": step.label, "icon": step.icon, "url": pages[0]["url"],
                      "active": here, "pages": pages})
        if here and len(pages) > 1:
            current = steps[-1]
    return {"steps": steps, "current": current,
            "extra": [_link(p, campaign, active) for p in ([TEAM, SETTINGS] if can_manage else [TEAM])]}
