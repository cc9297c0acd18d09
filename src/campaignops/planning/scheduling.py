"""The schedule of a campaign: the pure engine (`domain/schedule.py`) over the stored plan.

Reads: `schedule_load` (tasks, dependencies, phases and the working-day calendar: 4 queries whatever
the plan's size), `campaign_schedule` (+ the latest baseline: 2 more), `dependency_list`,
`baseline_list`. `slip_preview` answers what a move would do, writing nothing.
Writes (atomic, audited, versions bumped): `dependency_add`, `dependency_remove`,
`task_reschedule`, `baseline_take`.

A move keeps what is planned: every other task keeps its current earliest start as a floor, so only
the successors the move pushes (directly or through a chain) move, each by what it must. Phases and
the campaign grow to hold the tasks they contain; they never shrink on their own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from campaignops.campaigns.models import Campaign
from campaignops.core import audit
from campaignops.core.errors import StaleVersion, ValidationFailed

from .domain.schedule import CycleError, Dependency, DepType, Move, Schedule, TaskSpec
from .domain.workdays import WorkCalendar
from .models import BaselineTask, DependencyType, Phase, PlanBaseline, Task, TaskDependency
from .services import calendar_for

MAX_LAG = 365          # working days, either way
MAX_REACH = 731        # calendar days a move may reach beyond the campaign's window
STALE = "Someone else changed this item in the meantime. Reload to see their changes, then edit again."


def campaign_today(campaign: Campaign, now: dt.datetime | None = None) -> dt.date:
    """Today in the campaign's time zone."""
    try:
        tz = zoneinfo.ZoneInfo(campaign.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo("UTC")
    return (now or timezone.now()).astimezone(tz).date()


# ---- loading ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TaskRow:
    id: int
    title: str
    phase_id: int
    start: dt.date
    end: dt.date
    version: int
    status: str
    percent_complete: int
    owner: str


@dataclass(frozen=True)
class DepRow:
    id: int
    predecessor_id: int
    successor_id: int
    type: str
    lag: int


@dataclass(frozen=True)
class PhaseRow:
    id: int
    name: str
    kind: str
    start: dt.date
    end: dt.date
    version: int


@dataclass
class PlanSchedule:
    """A campaign's plan as stored, and the engine run over it."""

    campaign: Campaign
    tasks: dict[int, TaskRow]      # in plan order
    deps: list[DepRow]
    phases: dict[int, PhaseRow]    # in order
    cal: WorkCalendar
    engine: Schedule


TASK_VALUES = ("id", "title", "phase_id", "start_date", "end_date", "version", "status", "percent_complete",
               "owner_name", "owner__username", "owner__first_name", "owner__last_name",
               "owner__profile__display_name")


def _owner(owner_name: str, username: str | None, first: str | None, last: str | None, shown: str | None) -> str:
    """The owner as shown: the user's display name, full name or user name, else the name as written."""
    if username is None:
        return owner_name
    return shown or f"{first} {last}".strip() or username


def _task_rows(campaign: Campaign) -> dict[int, TaskRow]:
    qs = (Task.objects.filter(campaign=campaign)
          .order_by("phase__order", "phase__start_date", "order", "start_date", "id").values_list(*TASK_VALUES))
    return {v[0]: TaskRow(*v[:8], _owner(*v[8:])) for v in qs}


def _engine(tasks: dict[int, TaskRow], deps: list[DepRow], cal: WorkCalendar) -> Schedule:
    specs = [TaskSpec(t.id, t.start, t.end, t.phase_id) for t in tasks.values()]
    links = [Dependency(d.predecessor_id, d.successor_id, DepType(d.type), d.lag) for d in deps]
    return Schedule(specs, links, cal)


def schedule_load(campaign: Campaign) -> PlanSchedule:
    """Tasks, dependencies, phases and the calendar in four queries. Stored dependencies that loop
    (the services never let that happen) are refused with the loop named."""
    tasks = _task_rows(campaign)
    deps = [DepRow(*row) for row in TaskDependency.objects.filter(campaign=campaign).order_by("id")
            .values_list("id", "predecessor_id", "successor_id", "type", "lag")
            if row[1] in tasks and row[2] in tasks]
    phases = {row[0]: PhaseRow(*row) for row in Phase.objects.filter(campaign=campaign)
              .order_by("order", "start_date", "id").values_list("id", "name", "kind", "start_date", "end_date",
                                                                   "version")}
    cal = calendar_for(campaign.country)
    try:
        engine = _engine(tasks, deps, cal)
    except CycleError as exc:    # only reachable by writing to the database behind the services' back
        names = " → ".join(f"“{tasks[i].title}”" for i in exc.cycle)
        raise ValidationFailed(_("The dependencies of this plan loop: %(cycle)s. Remove one of them.")
                               % {"cycle": names}) from exc
    return PlanSchedule(campaign, tasks, deps, phases, cal, engine)


def _to_working(cal: WorkCalendar, day: dt.date, step: int) -> dt.date:
    for _i in range(3660):
        if cal.is_working_day(day):
            return day
        day += dt.timedelta(days=step)
    return day


def workday_delta(cal: WorkCalendar, a: dt.date, b: dt.date, *, end: bool = False) -> int:
    """Working days from `a` to `b` (negative when `b` is earlier). Both are first moved to a working
    day: forward for starts, backward for ends (`end=True`)."""
    if a == b:
        return 0
    step = -1 if end else 1
    return cal.working_days_between(_to_working(cal, a, step), _to_working(cal, b, step))


# ---- the schedule with its baseline -------------------------------------------------------------

@dataclass(frozen=True)
class ScheduledTask:
    row: TaskRow
    early_start: dt.date
    early_finish: dt.date
    late_start: dt.date
    late_finish: dt.date
    slack: int
    critical: bool
    duration: int
    conflict: bool                      # the plan starts it earlier than its dependencies allow
    baseline_start: dt.date | None
    baseline_end: dt.date | None
    start_variance: int | None          # working days later (+) or earlier (−) than the baseline
    finish_variance: int | None


@dataclass
class CampaignSchedule:
    plan: PlanSchedule
    tasks: list[ScheduledTask]
    critical_path: list[int]
    project_end: dt.date | None
    baseline: PlanBaseline | None

    @property
    def by_id(self) -> dict[int, ScheduledTask]:
        return {t.row.id: t for t in self.tasks}


def latest_baseline(campaign: Campaign) -> tuple[PlanBaseline | None, dict[int, tuple[dt.date, dt.date]]]:
    baseline = (PlanBaseline.objects.filter(campaign=campaign).select_related("taken_by", "taken_by__profile")
                .order_by("-taken_at", "-id").first())
    if baseline is None:
        return None, {}
    rows = BaselineTask.objects.filter(baseline=baseline).values_list("task_id", "start_date", "end_date")
    return baseline, {task_id: (start, end) for task_id, start, end in rows}


def _variance(plan: PlanSchedule, base: dt.date, now: int, *, end: bool) -> int:
    """Working days from a baseline date to the engine's day number `now` (+: later)."""
    idx = plan.engine.idx
    if idx.first <= base <= idx.last:
        return now - (idx.index_end(base) if end else idx.index(base))
    return workday_delta(plan.cal, base, idx.date(now), end=end)


def campaign_schedule(campaign: Campaign, plan: PlanSchedule | None = None) -> CampaignSchedule:
    """Each task's earliest/latest dates, slack, criticality and variance against the latest
    baseline: six queries whatever the plan's size."""
    plan = plan or schedule_load(campaign)
    baseline, base = latest_baseline(campaign)
    engine = plan.engine
    result = engine.result()
    out = []
    for i, t in enumerate(plan.tasks.values()):    # the engine keeps the plan's order
        r = result[t.id]
        b_start, b_end = base.get(t.id, (None, None))
        out.append(ScheduledTask(
            t, r.early_start, r.early_finish, r.late_start, r.late_finish, r.slack, r.critical, r.duration,
            engine.es[i] > engine.planned_start[i], b_start, b_end,
            None if b_start is None else _variance(plan, b_start, engine.es[i], end=False),
            None if b_end is None else _variance(plan, b_end, engine.ef[i], end=True)))
    return CampaignSchedule(plan, out, list(engine.critical_path()) if plan.tasks else [],
                            engine.project_end() if plan.tasks else None, baseline)


# ---- dependencies -------------------------------------------------------------------------------

def dependency_list(campaign: Campaign) -> QuerySet[TaskDependency]:
    return (TaskDependency.objects.filter(campaign=campaign).select_related("predecessor", "successor")
            .order_by("id"))


def _cycle_message(plan: PlanSchedule, cycle: list, successor_id: int) -> str:
    """The loop named by task titles, starting at the new link's successor so that the last arrow
    is the link being added."""
    ring = list(cycle[:-1])
    if successor_id in ring:
        k = ring.index(successor_id)
        ring = ring[k:] + ring[:k]
    names = [f"“{plan.tasks[i].title}”" for i in ring + ring[:1]]
    return _("This dependency would close a loop: %(cycle)s. A task cannot wait for itself, even "
             "through other tasks.") % {"cycle": " → ".join(names)}


def _check_link(campaign: Campaign, predecessor: Task, successor: Task, type: str, lag: int) -> None:
    if predecessor.campaign_id != campaign.pk:
        raise ValidationFailed(_("The predecessor belongs to another campaign."), field="predecessor")
    if successor.campaign_id != campaign.pk:
        raise ValidationFailed(_("The successor belongs to another campaign."), field="successor")
    if predecessor.pk == successor.pk:
        raise ValidationFailed(_("A task cannot depend on itself."), field="predecessor")
    if type not in DependencyType.values:
        raise ValidationFailed(_("Unknown dependency type: %(type)s") % {"type": type}, field="type")
    if not -MAX_LAG <= lag <= MAX_LAG:
        raise ValidationFailed(_("The lag must be between −%(max)s and %(max)s working days.") % {"max": MAX_LAG},
                               field="lag")


@transaction.atomic
def dependency_add(*, campaign: Campaign, predecessor: Task, successor: Task, type: str = DependencyType.FINISH_TO_START,
                   lag: int = 0, actor) -> TaskDependency:
    """Make `successor` wait for `predecessor` (finish-to-start or start-to-start, plus a lag in
    working days). Refuses links across campaigns, duplicates and loops (naming the loop's tasks)."""
    _check_link(campaign, predecessor, successor, type, lag)
    plan = schedule_load(campaign)
    if any(d.predecessor_id == predecessor.pk and d.successor_id == successor.pk for d in plan.deps):
        raise ValidationFailed(_("“%(successor)s” already depends on “%(predecessor)s”.") % {
            "successor": successor.title, "predecessor": predecessor.title}, field="predecessor")
    try:
        _engine(plan.tasks, [*plan.deps, DepRow(0, predecessor.pk, successor.pk, type, lag)], plan.cal)
    except CycleError as exc:
        raise ValidationFailed(_cycle_message(plan, exc.cycle, successor.pk), field="predecessor") from exc
    dep = TaskDependency(campaign=campaign, predecessor=predecessor, successor=successor, type=type, lag=lag)
    try:
        with transaction.atomic():
            dep.save()
    except IntegrityError as exc:   # a concurrent request added the same link
        raise ValidationFailed(_("“%(successor)s” already depends on “%(predecessor)s”.") % {
            "successor": successor.title, "predecessor": predecessor.title}, field="predecessor") from exc
    audit.record(actor=actor, action="dependency.add", obj=dep,
                 summary=f"{predecessor.title} → {successor.title} ({type}{lag:+d})")
    return dep


@transaction.atomic
def dependency_remove(*, dependency: TaskDependency, actor) -> None:
    audit.record(actor=actor, action="dependency.remove", obj=dependency,
                 summary=f"{dependency.predecessor_id} → {dependency.successor_id} ({dependency.type}"
                         f"{dependency.lag:+d})")
    dependency.delete()


# ---- slips and moves ----------------------------------------------------------------------------

@dataclass(frozen=True)
class TaskMove:
    task_id: int
    title: str
    phase_id: int
    old_start: dt.date
    old_end: dt.date
    new_start: dt.date
    new_end: dt.date
    shift: int          # working days the start moves (the end's shift when only the end moves)
    version: int        # the version the move was computed from


@dataclass(frozen=True)
class PhaseMove:
    phase_id: int
    name: str
    old_start: dt.date
    old_end: dt.date
    new_start: dt.date
    new_end: dt.date


@dataclass
class Preview:
    """What moving one task does: the task, the successors it pushes, the phases and the campaign
    window that grow to hold them."""

    task_id: int
    title: str
    moves: list[TaskMove]            # the task itself first (if it moves), then the others in plan order
    phase_moves: list[PhaseMove]
    campaign_old: tuple[dt.date, dt.date]
    campaign_new: tuple[dt.date, dt.date]
    earliest_start: dt.date | None   # set when the task cannot start as early as asked

    @property
    def knock_on(self) -> list[TaskMove]:
        return [m for m in self.moves if m.task_id != self.task_id]

    @property
    def own(self) -> TaskMove | None:
        return next((m for m in self.moves if m.task_id == self.task_id), None)

    @property
    def shifts(self) -> tuple[int, int] | None:
        """(smallest, largest) shift of the knock-on moves."""
        values = [m.shift for m in self.knock_on]
        return (min(values), max(values)) if values else None

    @property
    def campaign_end_moves(self) -> bool:
        return self.campaign_old[1] != self.campaign_new[1]

    @property
    def campaign_start_moves(self) -> bool:
        return self.campaign_old[0] != self.campaign_new[0]

    @property
    def fingerprint(self) -> str:
        """Identifies the outcome, so that saving can refuse when the plan changed since the preview."""
        parts = [f"t{m.task_id}:{m.new_start}:{m.new_end}:{m.version}" for m in self.moves]
        parts += [f"p{m.phase_id}:{m.new_start}:{m.new_end}" for m in self.phase_moves]
        parts.append(f"c:{self.campaign_new[0]}:{self.campaign_new[1]}")
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def _replan(engine: Schedule, task_id: int, start: dt.date, end: dt.date) -> list[Move]:
    """Moves when `task_id` is given the window start..end (a drag or a resize): every other task keeps
    its current earliest start as a floor and its length, as in `Schedule.slip`."""
    d = engine.idx.date
    specs = [TaskSpec(t.id, d(engine.es[k]), d(engine.ef[k]), t.group) for k, t in enumerate(engine.tasks)]
    k = engine.pos[task_id]
    specs[k] = TaskSpec(task_id, start, end, engine.tasks[k].group)
    after = Schedule(specs, engine.deps, engine.cal)
    d2 = after.idx.date
    moves = []
    for k, t in enumerate(engine.tasks):
        old_start, old_end, new_start, new_end = d(engine.es[k]), d(engine.ef[k]), d2(after.es[k]), d2(after.ef[k])
        if (old_start, old_end) != (new_start, new_end):
            moves.append(Move(t.id, old_start, new_start, old_end, new_end,
                              workday_delta(engine.cal, old_start, new_start)))
    return moves


def _check_window(campaign: Campaign, start: dt.date | None, end: dt.date | None) -> None:
    lo = campaign.start_date - dt.timedelta(days=MAX_REACH)
    hi = campaign.end_date + dt.timedelta(days=MAX_REACH)
    for name, day in (("new_start", start), ("new_end", end)):
        if day is not None and not lo <= day <= hi:
            raise ValidationFailed(_("Choose dates within two years of the campaign."), field=name)
    if start is not None and end is not None and end < start:
        raise ValidationFailed(_("The end date must be on or after the start date."), field="new_end")


def _engine_moves(plan: PlanSchedule, task: TaskRow, new_start: dt.date | None, new_end: dt.date | None,
                  days: int | None) -> tuple[list[Move], dt.date]:
    """The engine's moves and the start asked for (as a working day)."""
    engine, cal = plan.engine, plan.cal
    i = engine.pos[task.id]
    if days is not None:
        if not -MAX_REACH <= days <= MAX_REACH:
            raise ValidationFailed(_("Choose dates within two years of the campaign."), field="days")
        return engine.slip(task.id, days).moves, engine.idx.date(engine.es[i] + days)
    if new_start is None and new_end is None:
        raise ValidationFailed(_("Give the new start date, the new end date or a number of working days."),
                               field="new_start")
    _check_window(plan.campaign, new_start, new_end)
    if new_end is None:    # a move: the task keeps its length in working days
        assert new_start is not None
        first = _to_working(cal, new_start, 1)
        return _replan(engine, task.id, first, cal.add_working_days(first, engine.duration[i] - 1)), first
    start = new_start or task.start
    if new_end < start:
        raise ValidationFailed(_("The end date must be on or after the start date."), field="new_end")
    return _replan(engine, task.id, start, new_end), _to_working(cal, start, 1)


def _task_moves(plan: PlanSchedule, moves: list[Move], task_id: int) -> list[TaskMove]:
    """Engine moves as stored windows: a start (or end) the engine does not move is kept as written."""
    out = []
    for m in moves:
        t = plan.tasks[m.id]
        start = m.new_start if m.new_start != m.old_start else t.start
        end = m.new_end if m.new_end != m.old_end else t.end
        if (start, end) == (t.start, t.end):
            continue
        shift = m.shift if m.new_start != m.old_start else workday_delta(plan.cal, m.old_end, m.new_end, end=True)
        out.append(TaskMove(t.id, t.title, t.phase_id, t.start, t.end, start, end, shift, t.version))
    order = {tid: k for k, tid in enumerate(plan.tasks)}
    out.sort(key=lambda m: (m.task_id != task_id, order[m.task_id]))
    return out


def _envelope(plan: PlanSchedule, task: TaskRow, moves: list[TaskMove], earliest: dt.date | None) -> Preview:
    """Phases and the campaign grow to hold the moved tasks."""
    grown: dict[int, tuple[dt.date, dt.date]] = {}
    for m in moves:
        p = plan.phases[m.phase_id]
        lo, hi = grown.get(p.id, (p.start, p.end))
        grown[p.id] = (min(lo, m.new_start), max(hi, m.new_end))
    phase_moves = [PhaseMove(p.id, p.name, p.start, p.end, *grown[p.id]) for p in plan.phases.values()
                   if p.id in grown and grown[p.id] != (p.start, p.end)]
    c = plan.campaign
    lo = min([c.start_date, *(m.new_start for m in moves)])
    hi = max([c.end_date, *(m.new_end for m in moves)])
    return Preview(task.id, task.title, moves, phase_moves, (c.start_date, c.end_date), (lo, hi), earliest)


def slip_preview(*, task: Task, new_start: dt.date | None = None, new_end: dt.date | None = None,
                 days: int | None = None, plan: PlanSchedule | None = None) -> Preview:
    """What moving `task` does, written nowhere: give `days` (working days later, negative for
    earlier), or `new_start` (a move: the task keeps its length), or a new window (`new_start` and/or
    `new_end`: a resize). The task never starts before its dependencies allow."""
    plan = plan or schedule_load(task.campaign)
    row = plan.tasks[task.pk]
    moves, asked = _engine_moves(plan, row, new_start, new_end, days)
    task_moves = _task_moves(plan, moves, row.id)
    i = plan.engine.pos[row.id]
    start_now = next((m.new_start for m in moves if m.id == row.id), plan.engine.idx.date(plan.engine.es[i]))
    earliest = start_now if start_now > asked else None
    return _envelope(plan, row, task_moves, earliest)


def _record_task_moves(moves: list[TaskMove], campaign_id: int, task_id: int, actor, now) -> None:
    for m in moves:
        qs = Task.objects.filter(pk=m.task_id, version=m.version)
        if not qs.update(start_date=m.new_start, end_date=m.new_end, version=F("version") + 1, updated_at=now):
            current = Task.objects.filter(pk=m.task_id).values_list("version", flat=True).first() or 0
            raise StaleVersion(_(STALE), current_version=current)
        audit.record(actor=actor, action="task.reschedule", obj=Task(pk=m.task_id, campaign_id=campaign_id),
                     changes={"start_date": (m.old_start, m.new_start), "end_date": (m.old_end, m.new_end)},
                     summary=m.title if m.task_id == task_id else f"{m.title} ← {task_id}")


def _record_envelope(preview: Preview, campaign: Campaign, actor, now) -> None:
    for p in preview.phase_moves:
        Phase.objects.filter(pk=p.phase_id).update(start_date=p.new_start, end_date=p.new_end,
                                                   version=F("version") + 1, updated_at=now)
        audit.record(actor=actor, action="phase.update", obj=Phase(pk=p.phase_id, campaign_id=campaign.pk),
                     changes={"start_date": (p.old_start, p.new_start), "end_date": (p.old_end, p.new_end)},
                     summary=p.name)
    if preview.campaign_new != preview.campaign_old:
        start, end = preview.campaign_new
        Campaign.objects.filter(pk=campaign.pk).update(start_date=start, end_date=end, version=F("version") + 1,
                                                       updated_at=now)
        audit.record(actor=actor, action="campaign.update", obj=campaign, campaign_id=campaign.pk,
                     changes={"start_date": (preview.campaign_old[0], start), "end_date": (preview.campaign_old[1], end)})
        campaign.start_date, campaign.end_date = start, end


@transaction.atomic
def task_reschedule(*, task: Task, new_start: dt.date | None = None, new_end: dt.date | None = None,
                    days: int | None = None, version: int | None, actor, cascade: bool = True,
                    expected: str = "") -> Preview:
    """Apply a move (see `slip_preview`) and, with `cascade`, the moves of the successors it pushes,
    all at once or not at all. Without `cascade` only the task moves (successors it pushes then start
    too early and are flagged). A stale `version` of the task, or a plan that changed since the preview
    whose `fingerprint` is passed as `expected`, raises StaleVersion (409) and writes nothing."""
    campaign = Campaign.objects.select_for_update().get(pk=task.campaign_id)
    plan = schedule_load(campaign)
    current = plan.tasks[task.pk].version
    if version is not None and version != current:
        raise StaleVersion(_(STALE), current_version=current)
    preview = slip_preview(task=task, new_start=new_start, new_end=new_end, days=days, plan=plan)
    if expected and expected != preview.fingerprint:
        raise StaleVersion(_("The plan changed since the preview: look at the new preview before saving."),
                           current_version=current)
    if not cascade:
        own = [m for m in preview.moves if m.task_id == task.pk]
        preview = _envelope(plan, plan.tasks[task.pk], own, preview.earliest_start)
    now = timezone.now()
    _record_task_moves(preview.moves, campaign.pk, task.pk, actor, now)
    _record_envelope(preview, campaign, actor, now)
    return preview


# ---- baselines ----------------------------------------------------------------------------------

def baseline_list(campaign: Campaign) -> QuerySet[PlanBaseline]:
    from django.db.models import Count

    return (PlanBaseline.objects.filter(campaign=campaign).select_related("taken_by", "taken_by__profile")
            .annotate(task_count=Count("tasks")).order_by("-taken_at", "-id"))


@transaction.atomic
def baseline_take(*, campaign: Campaign, actor, label: str = "") -> PlanBaseline:
    """Keep every task's window as it is now: the variance of each task is measured against the
    latest baseline."""
    if len(label) > 120:
        raise ValidationFailed(_("The label is too long (120 characters at most)."), field="label")
    baseline = PlanBaseline.objects.create(campaign=campaign, label=label,
                                           taken_by=actor if getattr(actor, "is_authenticated", False) else None)
    rows = Task.objects.filter(campaign=campaign).values_list("id", "start_date", "end_date")
    BaselineTask.objects.bulk_create([BaselineTask(baseline=baseline, task_id=pk, start_date=start, end_date=end)
                                      for pk, start, end in rows])
    audit.record(actor=actor, action="baseline.take", obj=baseline, summary=label or str(baseline))
    return baseline

