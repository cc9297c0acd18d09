"""Daily progress (每日进度跟踪表): the owners' updates, the job that marks overdue tasks delayed, and
the reads behind the board, the month calendar, the tasks × days table and "my tasks".

Writes:
- `task_progress_update` sets a task's status and % complete (versioned: a stale version is a 409
  and nothing is written) and records the day's `DailyUpdate`, dated in the campaign's time zone.
- `mark_overdue_delayed` runs from the background job: in every campaign, in its own time zone,
  each task past its end date that is not done, cancelled or delayed yet — and that nobody has
  updated today — becomes "delayed", with an automatic update. Idempotent, a fixed number of
  queries whatever the number of tasks.
Reads are already joined; each runs a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from campaignops.access.policy import Action, can, remember_roles, visible
from campaignops.accounts.models import display_name
from campaignops.campaigns.models import Campaign, Membership
from campaignops.core import audit
from campaignops.core.errors import ValidationFailed
from campaignops.core.models import AuditEntry
from campaignops.core.versioning import save_versioned

from . import selectors
from .domain.progress import (
    CLOSED,
    DayCell,
    Mark,
    day_states,
    days_between,
    due_bucket,
    is_overdue,
    local_date,
)
from .models import DailyUpdate, Phase, Task, TaskStatus

BOARD_COLUMNS = [TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.DELAYED, TaskStatus.BLOCKED,
                 TaskStatus.DONE]
MAX_WINDOW_DAYS = 62
NOTE_MAX = 2000


def local_today(campaign: Campaign, now: dt.datetime | None = None) -> dt.date:
    """Today in the campaign's time zone."""
    return local_date(now or timezone.now(), campaign.time_zone)


# ---- writes -------------------------------------------------------------------------------------

def _check_progress(status: str, percent: int | None, note: str) -> None:
    if status not in TaskStatus.values:
        raise ValidationFailed(_("This is not one of the allowed values."), field="status")
    if percent is not None and not 0 <= percent <= 100:
        raise ValidationFailed(_("Completion must be a whole number from 0 to 100."), field="percent_complete")
    if len(note) > NOTE_MAX:
        raise ValidationFailed(_("The note is too long (at most %(n)s characters).") % {"n": NOTE_MAX},
                               field="note")


@transaction.atomic
def task_progress_update(*, task: Task, status: str, percent_complete: int | None = None, note: str = "",
                         actor, version: int | None, today: dt.date | None = None) -> DailyUpdate:
    """Set the task's status and % complete and record the day's update (with the note).

    `percent_complete=None` keeps the current figure; "done" means 100 %. `today` defaults to the
    campaign's local date. A stale `version` raises StaleVersion (409) and writes nothing."""
    note = (note or "").strip()
    _check_progress(status, percent_complete, note)
    percent = 100 if status == TaskStatus.DONE else (
        task.percent_complete if percent_complete is None else percent_complete)
    before = {"status": task.status, "percent_complete": task.percent_complete}
    task.status, task.percent_complete = status, percent
    save_versioned(task, expected_version=version, fields=["status", "percent_complete"])
    if today is None:
        today = local_today(Campaign.objects.only("time_zone").get(pk=task.campaign_id))
    update = DailyUpdate.objects.create(campaign_id=task.campaign_id, task=task, date=today, status=status,
                                        percent_complete=percent, note=note,
                                        author=actor if getattr(actor, "is_authenticated", False) else None)
    changes = {k: (v, getattr(task, k)) for k, v in before.items() if v != getattr(task, k)}
    audit.record(actor=actor, action="task.progress", obj=task, changes=changes, summary=note)
    return update


def _overdue_filter(now: dt.datetime) -> tuple[Q, dict[str, dt.date]]:
    """Tasks past their end date in their campaign's time zone, not closed or delayed yet and not
    updated by anyone today (an owner's word for today stands until tomorrow)."""
    zones = Campaign.objects.order_by().values_list("time_zone", flat=True).distinct()
    todays = {tz: local_date(now, tz) for tz in zones}
    cond = Q(pk__in=[])
    for tz, today in todays.items():
        spoken = DailyUpdate.objects.filter(task=OuterRef("pk"), date=today)
        cond |= Q(campaign__time_zone=tz, end_date__lt=today) & ~Exists(spoken)
    return cond & ~Q(status__in=[*CLOSED, TaskStatus.DELAYED]), todays


@transaction.atomic
def mark_overdue_delayed(*, now: dt.datetime) -> list[int]:
    """Mark every overdue task "delayed" (see the module docstring); returns the ids marked."""
    cond, todays = _overdue_filter(now)
    rows = list(Task.objects.select_for_update(of=("self",)).filter(cond).order_by("pk")
                .values_list("pk", "campaign_id", "campaign__time_zone", "percent_complete", "status"))
    if not rows:
        return []
    Task.objects.filter(cond).update(
        status=TaskStatus.DELAYED, version=F("version") + 1, updated_at=now)
    DailyUpdate.objects.bulk_create([
        DailyUpdate(campaign_id=cid, task_id=pk, date=todays[tz], status=TaskStatus.DELAYED,
                    percent_complete=percent, automatic=True)
        for pk, cid, tz, percent, _status in rows])
    AuditEntry.objects.bulk_create([
        AuditEntry(campaign_id=cid, actor=None, action="task.auto_delayed", object_type="planning.task",
                   object_id=pk, changes={"status": [status, TaskStatus.DELAYED]})
        for pk, cid, _tz, _percent, status in rows])
    return [row[0] for row in rows]


# ---- reads: board and calendar ------------------------------------------------------------------

def _label(tasks: list[Task], today: dt.date) -> list[Task]:
    """Each task (loaded with its owner) learns whether it is overdue and its owner's name."""
    for t in tasks:
        t.overdue = is_overdue(t.end_date, t.status, today)
        t.owner_label = display_name(t.owner) if t.owner_id else t.owner_name
    return tasks


@dataclass
class BoardColumn:
    status: str
    label: str
    tasks: list[Task] = field(default_factory=list)


@dataclass
class Board:
    columns: list[BoardColumn]
    cancelled: BoardColumn
    today: dt.date

    @property
    def total(self) -> int:
        return sum(len(c.tasks) for c in self.columns) + len(self.cancelled.tasks)


def board(*, campaign: Campaign, filters: selectors.PlanFilters | None = None,
          today: dt.date | None = None) -> Board:
    """The tasks by status column (one query); the status filter does not apply (columns are statuses)."""
    f = filters or selectors.PlanFilters()
    f = selectors.PlanFilters(owner=f.owner, channel=f.channel, phase=f.phase)
    today = today or local_today(campaign)
    columns = {s: BoardColumn(s, str(TaskStatus(s).label)) for s in [*BOARD_COLUMNS, TaskStatus.CANCELLED]}
    for t in _label(list(selectors.task_list(campaign=campaign, filters=f)), today):
        columns[t.status].tasks.append(t)
    cancelled = columns.pop(TaskStatus.CANCELLED)
    return Board(list(columns.values()), cancelled, today)


def month_items(*, campaign: Campaign, first: dt.date, last: dt.date,
                filters: selectors.PlanFilters | None = None) -> tuple[list[Phase], list[Task]]:
    """Phases and (filtered) tasks that overlap first..last (two queries)."""
    phases = list(selectors.phase_list(campaign=campaign).filter(start_date__lte=last, end_date__gte=first))
    tasks = selectors.task_list(campaign=campaign, filters=filters).filter(start_date__lte=last, end_date__gte=first)
    return phases, _label(list(tasks), local_today(campaign))


# ---- reads: the tasks × days table --------------------------------------------------------------

@dataclass
class DailyRow:
    task: Task
    cells: list[DayCell]


@dataclass
class DailyTable:
    start: dt.date
    end: dt.date
    today: dt.date
    days: list[dt.date]
    rows: list[DailyRow]
    updates: list[DailyUpdate]          # the window's updates, newest first (the notes list)


def _mark(u: DailyUpdate) -> Mark:
    return Mark(u.date, u.status, u.percent_complete, u.note, u.automatic, display_name(u.author) if u.author_id else "")


def daily_table(*, campaign: Campaign, start: dt.date, end: dt.date, filters: selectors.PlanFilters | None = None,
                today: dt.date | None = None) -> DailyTable:
    """Each (filtered) task's status on each day of start..end: the last update of the day, carried
    forward (two queries: the tasks, then the window's updates plus each task's last one before)."""
    today = today or local_today(campaign)
    last_before = DailyUpdate.objects.filter(task=OuterRef("pk"), date__lt=start).order_by("-date", "-id")
    task_qs = selectors.task_list(campaign=campaign, filters=filters)
    tasks = _label(list(task_qs), today)
    priors = task_qs.order_by().annotate(prior=Subquery(last_before.values("pk")[:1])).values("prior")
    updates = list(DailyUpdate.objects.filter(
        Q(campaign=campaign, date__range=(start, end), task__in=task_qs.order_by().values("pk")) | Q(pk__in=priors))
        .select_related("author", "author__profile").order_by("date", "id"))
    by_task: dict[int, list[Mark]] = {}
    for u in updates:
        by_task.setdefault(u.task_id, []).append(_mark(u))
    days = days_between(start, end)
    rows = [DailyRow(t, day_states(days, by_task.get(t.pk, []), prior=None, today=today)) for t in tasks]
    window = [u for u in reversed(updates) if start <= u.date <= end]
    titles = {t.pk: t for t in tasks}
    for u in window:
        u.task_title = titles[u.task_id].title
    return DailyTable(start, end, today, days, rows, window)


# ---- reads: my tasks ----------------------------------------------------------------------------

DUE_GROUPS = ["overdue", "today", "week", "later"]


@dataclass
class MyTasks:
    groups: dict[str, list[Task]]
    total: int


def my_tasks(*, user, now: dt.datetime | None = None) -> MyTasks:
    """The user's open tasks in every campaign they may see, by due date in each campaign's time
    zone (two queries; each task knows whether the user may update it: `t.editable`)."""
    now = now or timezone.now()
    remember_roles(user, Membership.objects.filter(user=user))
    qs: QuerySet[Task] = visible(user, selectors.tasks_qs().select_related("campaign")).filter(
        owner=user).exclude(status__in=CLOSED).order_by("end_date", "campaign_id", "phase__order", "order", "id")
    groups: dict[str, list[Task]] = {g: [] for g in DUE_GROUPS}
    tasks = list(qs)
    for t in tasks:
        today = local_date(now, t.campaign.time_zone)
        t.overdue = is_overdue(t.end_date, t.status, today)
        t.editable = can(user, Action.EDIT, t.campaign)
        groups[due_bucket(t.end_date, today)].append(t)
    return MyTasks(groups, len(tasks))
