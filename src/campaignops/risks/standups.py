"""Writes for the daily stand-up: record it (minutes, decisions, attendees) and turn its action items
into tasks of the plan — all in one transaction, or nothing at all."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaignops.campaigns.models import Campaign, Membership
from campaignops.core import audit
from campaignops.core.errors import DomainError, ValidationFailed
from campaignops.core.versioning import save_versioned
from campaignops.planning.models import Phase, Standup, StandupActionItem, Task
from campaignops.planning.services import task_create


@dataclass(frozen=True)
class ActionItem:
    """An action item typed at the stand-up: it becomes a task from today to `due`."""

    title: str
    phase: Phase
    due: dt.date
    owner: object | None = None


def _local(campaign: Campaign, now: dt.datetime) -> dt.date:
    return now.astimezone(zoneinfo.ZoneInfo(campaign.time_zone)).date()


def _check_attendees(campaign: Campaign, attendees: Sequence) -> None:
    members = set(Membership.objects.filter(campaign=campaign).values_list("user_id", flat=True))
    outsiders = [u for u in attendees if u.pk not in members and not u.is_superuser]
    if outsiders:
        raise ValidationFailed(_("Only members of the campaign can attend its stand-up."), field="attendees")


def _check_item(n: int, item: ActionItem, campaign: Campaign, today: dt.date) -> None:
    values = {"n": n, "due": item.due.isoformat(), "today": today.isoformat()}
    if not item.title.strip():
        raise ValidationFailed(_("Action item %(n)s: the task needs a title.") % values, field="action_items")
    if item.phase.campaign_id != campaign.pk:
        raise ValidationFailed(_("Action item %(n)s: the phase belongs to another campaign.") % values,
                               field="action_items")
    if item.due < today:
        raise ValidationFailed(_("Action item %(n)s: the due date %(due)s is before today (%(today)s).") % values,
                               field="action_items")


def _make_task(n: int, item: ActionItem, standup: Standup, actor, today: dt.date) -> Task:
    try:
        return task_create(
            campaign=standup.campaign, actor=actor, phase=item.phase, title=item.title.strip(), start_date=today,
            end_date=item.due, owner=item.owner,
            notes=_("Action item from the stand-up of %(date)s") % {"date": standup.held_on.isoformat()},
        )
    except DomainError as exc:  # name the row the problem is in
        raise ValidationFailed(_("Action item %(n)s: %(problem)s") % {"n": n, "problem": exc.message},
                               field="action_items") from exc


@transaction.atomic
def standup_create(*, campaign: Campaign, actor, minutes: str = "", decisions: str = "",
                   attendees: Sequence = (), action_items: Sequence[ActionItem] = (),
                   now: dt.datetime | None = None) -> Standup:
    """Record a stand-up held now (in the campaign's time zone) and create its action items as tasks."""
    now = now or timezone.now()
    today = _local(campaign, now)
    _check_attendees(campaign, attendees)
    for n, item in enumerate(action_items, start=1):
        _check_item(n, item, campaign, today)
    standup = Standup.objects.create(
        campaign=campaign, held_on=today, held_at=now, minutes=minutes.strip(), decisions=decisions.strip(),
        facilitator=actor if getattr(actor, "is_authenticated", False) else None)
    standup.attendees.set(list(attendees))
    for n, item in enumerate(action_items, start=1):
        task = _make_task(n, item, standup, actor, today)
        StandupActionItem.objects.create(standup=standup, task=task)
    audit.record(actor=actor, action="standup.create", obj=standup, summary=ngettext(
        "%(n)s action item", "%(n)s action items", len(action_items)) % {"n": len(action_items)})
    return standup


@transaction.atomic
def standup_update(*, standup: Standup, actor, version: int | None, minutes: str | None = None,
                   decisions: str | None = None, attendees: Sequence | None = None) -> Standup:
    """Correct the minutes, decisions or attendees of a stand-up (stale `version`: 409, nothing written)."""
    if attendees is not None:
        _check_attendees(standup.campaign, attendees)
    changes = {k: v.strip() for k, v in (("minutes", minutes), ("decisions", decisions)) if v is not None}
    diff = {f: (getattr(standup, f), v) for f, v in changes.items() if getattr(standup, f) != v}
    for field, value in changes.items():
        setattr(standup, field, value)
    save_versioned(standup, expected_version=version, fields=list(changes) or ["minutes"])
    if attendees is not None:
        before = sorted(standup.attendees.values_list("pk", flat=True))
        standup.attendees.set(list(attendees))
        diff["attendees"] = (before, sorted(u.pk for u in attendees))
    audit.record(actor=actor, action="standup.update", obj=standup, changes=diff)
    return standup


@transaction.atomic
def standup_delete(*, standup: Standup, actor) -> None:
    """Delete a stand-up record; the tasks its action items became stay in the plan."""
    audit.record(actor=actor, action="standup.delete", obj=standup, summary=standup.held_on.isoformat())
    standup.delete()
