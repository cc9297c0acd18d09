"""How risks, issues and stand-up rows are shown: the response clock component, labels, the heat
map grid. Texts in the user's language; times in the campaign's time zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .domain.rules import risk_level
from .domain.standup import Clock, clock, split_minutes

CLOCK_ICONS = {"running": "bi-stopwatch", "due_soon": "bi-hourglass-split", "overdue": "bi-alarm",
               "met": "bi-check-circle", "missed": "bi-exclamation-circle"}
LEVELS = {"low": gettext_lazy("Low"), "medium": gettext_lazy("Medium"), "high": gettext_lazy("High"),
          "critical": gettext_lazy("Critical")}


def zone(campaign) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(campaign.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local_text(moment: dt.datetime | None, tz: dt.tzinfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else ""


def duration_text(minutes: int) -> str:
    """"2 d 3 h" (from 48 hours on), "26 h 20 min", "45 min" (in the user's language)."""
    days, hours, mins = split_minutes(minutes)
    if minutes >= 48 * 60:
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if days or hours:
        return _("%(hours)s h %(minutes)s min") % {"hours": days * 24 + hours, "minutes": mins}
    return _("%(minutes)s min") % {"minutes": mins}


def clock_text(c: Clock) -> str:
    time = duration_text(c.minutes)
    if c.state in ("running", "due_soon"):
        return _("%(time)s left") % {"time": time}
    if c.state == "overdue":
        return _("overdue by %(time)s") % {"time": time}
    if c.state == "met":
        return _("resolved in time")
    return _("resolved %(time)s late") % {"time": time}


@dataclass(frozen=True)
class ClockView:
    """The response clock of one issue, ready to show."""

    state: str
    text: str
    deadline: str     # local "YYYY-MM-DD HH:MM"
    html: SafeString


def clock_view(issue, now: dt.datetime, tz: dt.tzinfo) -> ClockView:
    """The compact clock: time left / overdue by, coloured by state, the deadline in its tooltip."""
    c = clock(now, issue.response_deadline, issue.resolved_at)
    text, deadline = clock_text(c), local_text(issue.response_deadline, tz)
    title = escape(_("Response deadline: %(when)s") % {"when": deadline})
    html = mark_safe(f'<span class="rclock rclock-{c.state}" title="{title}" data-clock="{c.state}">'
                     f'<i class="bi {CLOCK_ICONS[c.state]}" aria-hidden="true"></i> {escape(text)}</span>')
    return ClockView(c.state, text, deadline, html)


def label_issues(issues, now: dt.datetime, tz: dt.tzinfo) -> list:
    """Attach `.clock` (ClockView), `.overdue` and local times to each issue."""
    out = list(issues)
    for i in out:
        i.clock = clock_view(i, now, tz)
        i.overdue = i.clock.state == "overdue"
        i.reported_local = local_text(i.reported_at, tz)
        i.resolved_local = local_text(i.resolved_at, tz)
    return out


@dataclass(frozen=True)
class HeatCell:
    probability: int
    impact: int
    count: int
    level: str
    active: bool


def heat_rows(counts: dict[tuple[int, int], int], probability: str = "", impact: str = "") -> list[list[HeatCell]]:
    """The 5×5 grid, probability 5 on top, impact 1..5 left to right."""
    return [[HeatCell(p, i, counts.get((p, i), 0), risk_level(p * i), str(p) == probability and str(i) == impact)
             for i in range(1, 6)] for p in range(5, 0, -1)]


def level_label(level: str) -> str:
    return str(LEVELS.get(level, level))


def label_tasks(tasks, *, plan_url: str, statuses: dict[str, str]) -> None:
    """Owner, status labels and the plan link of each task (no query: owner and profile are joined)."""
    from campaignops.accounts.models import display_name

    for t in tasks:
        if getattr(t, "plan_url", None):
            continue
        t.owner_label = display_name(t.owner) if t.owner_id else t.owner_name
        t.status_label = statuses.get(t.status, t.status)
        t.plan_url = f"{plan_url}#t{t.pk}"


def kpi_label(target) -> str:
    """A KPI target as people name it: its label, else its metric (with the channel when it has one)."""
    if target is None:
        return ""
    name = target.label or str(target.get_metric_display())
    return f"{name} · {target.channel.name}" if target.channel_id and not target.label else name
