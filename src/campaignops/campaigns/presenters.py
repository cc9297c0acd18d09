"""What the campaign pages show, computed once per request from already-loaded rows.

The overview composes the plan's figures (phases, task counts, working days) with the campaign's own
data; it reads through selectors and pure domain code, and writes nothing."""

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from campaignops.access.policy import Action, can
from campaignops.planning.models import TaskStatus
from campaignops.planning.services import calendar_for

from . import selectors
from .domain.timeline import Span, percent, phase_strip, window_label
from .models import Campaign, Channel, KpiTarget, Role


def local_today(campaign: Campaign) -> dt.date:
    try:
        tz = zoneinfo.ZoneInfo(campaign.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = timezone.get_current_timezone()
    return timezone.localdate(timezone=tz)


def format_number(value: Decimal | int) -> str:
    """500000.0000 -> "500,000"; 4.5000 -> "4.5" (grouped by thousands in every language)."""
    value = Decimal(value).normalize()
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,f}"


@dataclass
class KpiRow:
    target: KpiTarget
    value: str
    unit: str


def kpi_rows(targets, currency: str) -> list[KpiRow]:
    rows = []
    for t in targets:
        unit = currency if t.unit == "money" else t.get_unit_display()
        rows.append(KpiRow(target=t, value=format_number(t.target_value), unit=unit))
    return rows


def team(memberships) -> list[tuple[str, list]]:
    """Members grouped by role, in the order of the roles."""
    by_role = defaultdict(list)
    for m in memberships:
        by_role[m.role].append(m)
    return [(label, by_role[value]) for value, label in Role.choices if by_role[value]]


def channel_groups(channels) -> list[tuple[bool, list[Channel]]]:
    online = [c for c in channels if c.online]
    offline = [c for c in channels if not c.online]
    return [(True, online), (False, offline)]


def period(campaign: Campaign, cal) -> dict:
    years = [dt.date(y, 1, 1) for y in range(campaign.start_date.year, campaign.end_date.year + 1)]
    return {"days": campaign.duration_days, "workdays": cal.working_days_in(campaign.start_date, campaign.end_date),
            "missing_years": cal.missing_years(years),
            "label": window_label(campaign.start_date, campaign.end_date)}


def phases(campaign: Campaign, cal, today: dt.date) -> dict:
    rows = list(selectors.phases_of(campaign))
    strip = phase_strip(Span(campaign.start_date, campaign.end_date),
                        [Span(p.start_date, p.end_date) for p in rows], today)
    items = [{"phase": p, "segment": seg, "window": window_label(p.start_date, p.end_date),
              "workdays": cal.working_days_in(p.start_date, p.end_date)}
             for p, seg in zip(rows, strip.segments, strict=True)]
    current = next((i for i in items if i["segment"].state == "current"), None)
    return {"items": items, "today": strip.today, "state": strip.state, "current": current}


def progress(campaign: Campaign, today: dt.date) -> dict:
    counts, overdue = selectors.task_status_counts(campaign, today=today)
    total = sum(counts.values())
    done = counts.get(TaskStatus.DONE, 0)
    return {"total": total, "done": done, "percent": percent(done, total), "overdue": overdue,
            "by_status": [(value, label, counts.get(value, 0)) for value, label in TaskStatus.choices]}


def overview(campaign: Campaign, user) -> dict:
    """Everything the overview shows: a fixed number of queries whatever the campaign's size."""
    today = local_today(campaign)
    cal = calendar_for(campaign.country)
    members = list(campaign.memberships.all())
    return {
        "campaign": campaign, "today": today, "period": period(campaign, cal),
        "phases": phases(campaign, cal, today), "progress": progress(campaign, today),
        "channel_groups": channel_groups(campaign.channels.all()), "team": team(members),
        "member_count": len(members), "kpi_rows": kpi_rows(campaign.kpi_targets.all(), campaign.currency),
        "can_manage": can(user, Action.MANAGE, campaign), "can_edit": can(user, Action.EDIT, campaign),
    }
