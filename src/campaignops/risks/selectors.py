"""Reads for the risk register, the issue log, the strategy adjustment log and the stand-up:
querysets already joined, so every page and endpoint runs a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, DateTimeField, F, IntegerField, Prefetch, Q, QuerySet, Value, When

from campaignops.campaigns.models import Campaign
from campaignops.planning.models import DailyUpdate, Phase, Standup, StandupActionItem, Task

from .domain import standup as rules
from .models import Issue, IssueStatus, Risk, RiskStatus, StrategyAdjustment

UNRESOLVED = (IssueStatus.OPEN, IssueStatus.IN_PROGRESS)


def _digits(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None


# ---- risks --------------------------------------------------------------------------------------

@dataclass
class RiskFilters:
    category: str = ""
    status: str = ""
    probability: str = ""
    impact: str = ""

    @classmethod
    def from_query(cls, params) -> RiskFilters:
        return cls(**{k: (params.get(k) or "").strip()[:20] for k in ("category", "status", "probability", "impact")})

    @property
    def active(self) -> bool:
        return any((self.category, self.status, self.probability, self.impact))

    def apply(self, qs: QuerySet, *, cell: bool = True) -> QuerySet:
        if self.category:
            qs = qs.filter(category=self.category)
        if self.status:
            qs = qs.filter(status=self.status)
        if cell and _digits(self.probability) is not None:
            qs = qs.filter(probability=_digits(self.probability))
        if cell and _digits(self.impact) is not None:
            qs = qs.filter(impact=_digits(self.impact))
        return qs


def risk_qs() -> QuerySet[Risk]:
    return Risk.objects.select_related("owner__profile", "phase").annotate(rank=F("probability") * F("impact"))


def risk_list(*, campaign: Campaign, filters: RiskFilters | None = None) -> QuerySet[Risk]:
    """Triggered risks first, then open, then closed; the highest score first within each."""
    order = Case(When(status=RiskStatus.TRIGGERED, then=Value(0)), When(status=RiskStatus.OPEN, then=Value(1)),
                 default=Value(2), output_field=IntegerField())
    qs = risk_qs().filter(campaign=campaign).annotate(state_order=order).annotate(
        n_contingency=Count("contingency_tasks"))
    return (filters or RiskFilters()).apply(qs).order_by("state_order", "-rank", "-id")


def risk_detail_qs() -> QuerySet[Risk]:
    from .models import ContingencyTask

    return risk_qs().prefetch_related(
        Prefetch("contingency_tasks", queryset=ContingencyTask.objects.select_related("phase", "owner__profile")
                 .order_by("order", "id")),
        Prefetch("issues", queryset=issue_qs().order_by("-reported_at", "-id")),
        Prefetch("adjustments", queryset=StrategyAdjustment.objects.order_by("-date", "-id")),
    )


def risk_heatmap(*, campaign: Campaign, filters: RiskFilters | None = None) -> dict[tuple[int, int], int]:
    """(probability, impact) -> number of risks (open and triggered ones, filtered by category/status)."""
    qs = Risk.objects.filter(campaign=campaign)
    f = filters or RiskFilters()
    qs = f.apply(qs, cell=False) if f.status else f.apply(qs, cell=False).exclude(status=RiskStatus.CLOSED)
    rows = qs.order_by().values_list("probability", "impact").annotate(n=Count("id"))
    return {(p, i): n for p, i, n in rows}


# ---- issues -------------------------------------------------------------------------------------

@dataclass
class IssueFilters:
    status: str = ""      # a status, or "unresolved"
    severity: str = ""
    owner: str = ""       # a user id, or "none"

    @classmethod
    def from_query(cls, params) -> IssueFilters:
        return cls(**{k: (params.get(k) or "").strip()[:20] for k in ("status", "severity", "owner")})

    @property
    def active(self) -> bool:
        return any((self.status, self.severity, self.owner))


def issue_qs() -> QuerySet[Issue]:
    return Issue.objects.select_related("owner__profile", "reported_by__profile", "task", "risk")


def issue_list(*, campaign: Campaign, filters: IssueFilters | None = None) -> QuerySet[Issue]:
    """Unresolved issues first, the nearest (or most overdue) response deadline first; then the
    resolved ones, the most recently resolved first."""
    f = filters or IssueFilters()
    qs = issue_qs().filter(campaign=campaign)
    if f.status == "unresolved":
        qs = qs.filter(status__in=UNRESOLVED)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.severity:
        qs = qs.filter(severity=f.severity)
    if f.owner == "none":
        qs = qs.filter(owner__isnull=True)
    elif _digits(f.owner) is not None:
        qs = qs.filter(owner_id=_digits(f.owner))
    done = Case(When(status__in=UNRESOLVED, then=Value(0)), default=Value(1), output_field=IntegerField())
    deadline = Case(When(status__in=UNRESOLVED, then=F("response_deadline")), default=Value(None),
                    output_field=DateTimeField())
    return qs.annotate(done=done, open_deadline=deadline).order_by(
        "done", "open_deadline", F("resolved_at").desc(nulls_last=True), "-id")


def issue_counts(*, campaign: Campaign) -> dict[str, int]:
    rows = Issue.objects.filter(campaign=campaign).order_by().values_list("status").annotate(n=Count("id"))
    return dict(rows)


# ---- strategy adjustments -----------------------------------------------------------------------

def adjustment_qs() -> QuerySet[StrategyAdjustment]:
    return StrategyAdjustment.objects.select_related("kpi_target__channel", "channel", "risk", "issue",
                                                     "created_by__profile")


def adjustment_list(*, campaign: Campaign, trigger: str = "") -> QuerySet[StrategyAdjustment]:
    qs = adjustment_qs().filter(campaign=campaign)
    if trigger:
        qs = qs.filter(trigger=trigger)
    return qs.order_by("-date", "-id")


# ---- stand-ups ----------------------------------------------------------------------------------

def standup_qs() -> QuerySet[Standup]:
    return Standup.objects.select_related("facilitator__profile").prefetch_related(
        Prefetch("attendees", queryset=get_user_model().objects.select_related("profile").order_by("id")),
        Prefetch("action_items", queryset=StandupActionItem.objects.select_related(
            "task__phase", "task__owner__profile").order_by("id")),
    )


def standup_list(*, campaign: Campaign, limit: int | None = None) -> QuerySet[Standup]:
    qs = standup_qs().filter(campaign=campaign).order_by("-held_at", "-id")
    return qs[:limit] if limit else qs


def standup_today(campaign: Campaign, now: dt.datetime) -> dt.date:
    """Today in the campaign's time zone."""
    return now.astimezone(zoneinfo.ZoneInfo(campaign.time_zone)).date()


@dataclass
class StandupSummary:
    """What the stand-up of `today` looks at, each list already in page order."""

    today: dt.date
    now: dt.datetime
    since: dt.datetime
    last: Standup | None
    due_today: list[Task] = field(default_factory=list)
    overdue: list[Task] = field(default_factory=list)
    blocked: list[Task] = field(default_factory=list)
    changed: list[Task] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    new: set[int] = field(default_factory=set)
    days_late: dict[int, int] = field(default_factory=dict)
    updates: dict[int, list[DailyUpdate]] = field(default_factory=dict)


LINE_FIELDS = ("id", "campaign_id", "phase_id", "owner_id", "owner_name", "title", "start_date", "end_date",
               "status", "created_at", "updated_at", "version")


@dataclass
class Lookups:
    """Phases and people the page has already loaded, by id: task rows get theirs from here instead of
    a join (a task whose owner left the team costs one more query)."""

    phases: dict[int, Phase]
    users: dict[int, object]


def _candidate_tasks(campaign: Campaign, today: dt.date, since: dt.datetime, touched: set[int],
                     lookups: Lookups | None) -> list[Task]:
    """Only the tasks some section may list (one query; phase and owner joined or looked up)."""
    open_task = ~Q(status__in=rules.CLOSED_TASK)
    wanted = (Q(status__in=("delayed", "blocked")) | (Q(end_date__lte=today) & open_task)
              | Q(updated_at__gt=since) | Q(created_at__gt=since) | Q(pk__in=touched))
    qs = Task.objects.filter(campaign=campaign).filter(wanted).order_by("end_date", "id")
    if lookups is None:
        return list(qs.select_related("phase", "owner__profile"))
    tasks = list(qs.only(*LINE_FIELDS))
    users = lookups.users
    missing = {t.owner_id for t in tasks if t.owner_id and t.owner_id not in users}
    if missing:
        users = users | {u.pk: u for u in get_user_model().objects.filter(pk__in=missing).select_related("profile")}
    set_phase, set_owner = Task.phase.field.set_cached_value, Task.owner.field.set_cached_value
    for t in tasks:
        set_phase(t, lookups.phases[t.phase_id])
        set_owner(t, users.get(t.owner_id) if t.owner_id else None)
    return tasks


def standup_summary(*, campaign: Campaign, now: dt.datetime, last: Standup | None = None,
                    look_up_last: bool = True, lookups: Lookups | None = None) -> StandupSummary:
    """The stand-up's sections for `now` (today in the campaign's time zone), counting changes since
    the previous stand-up (`last`, looked up unless given). Five queries at most."""
    if last is None and look_up_last:
        last = Standup.objects.filter(campaign=campaign, held_at__lte=now).order_by("-held_at", "-id").first()
    today = now.astimezone(zoneinfo.ZoneInfo(campaign.time_zone)).date()
    since = rules.since_when(last.held_at if last else None, now)
    updates: dict[int, list[DailyUpdate]] = {}
    for u in (DailyUpdate.objects.filter(campaign=campaign, created_at__gt=since)
              .select_related("author__profile").order_by("created_at", "id")):
        updates.setdefault(u.task_id, []).append(u)
    tasks = {t.pk: t for t in _candidate_tasks(campaign, today, since, set(updates), lookups)}
    horizon = now + rules.ATTENTION
    issues = {i.pk: i for i in issue_qs().filter(campaign=campaign, status__in=UNRESOLVED,
                                                 response_deadline__lte=horizon)}
    facts = [rules.TaskFact(t.pk, t.start_date, t.end_date, t.status, t.created_at, t.updated_at,
                            updates[t.pk][-1].created_at if t.pk in updates else None) for t in tasks.values()]
    issue_facts = [rules.IssueFact(i.pk, i.status, i.response_deadline, i.resolved_at) for i in issues.values()]
    s = rules.sections(facts, issue_facts, today=today, now=now, since=since)
    risks = list(risk_qs().filter(campaign=campaign, status=RiskStatus.TRIGGERED).order_by("-triggered_at", "-id"))
    return StandupSummary(
        today=today, now=now, since=since, last=last,
        due_today=[tasks[i] for i in s.due_today], overdue=[tasks[i] for i in s.overdue],
        blocked=[tasks[i] for i in s.blocked], changed=[tasks[i] for i in s.changed],
        issues=[issues[i] for i in s.issues], risks=risks, new=set(s.new), days_late=s.days_late,
        updates=updates,
    )
