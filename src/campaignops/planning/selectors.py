"""Reads for the plan, already joined so that pages and endpoints run a fixed number of queries."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet

from campaignops.access.policy import visible
from campaignops.campaigns.models import Campaign, Channel

from .models import Phase, PlanTemplate, Task


@dataclass
class PlanFilters:
    owner: str = ""      # user id, or "none" for rows without a user owner
    status: str = ""
    channel: str = ""    # channel code
    phase: str = ""      # phase id

    @classmethod
    def from_query(cls, params) -> "PlanFilters":
        return cls(**{k: (params.get(k) or "").strip() for k in ("owner", "status", "channel", "phase")})

    @property
    def active(self) -> bool:
        return any((self.owner, self.status, self.channel, self.phase))


def tasks_qs() -> QuerySet[Task]:
    return Task.objects.select_related("phase", "owner", "owner__profile", "channel")


def task_list(*, campaign: Campaign, filters: PlanFilters | None = None) -> QuerySet[Task]:
    qs = tasks_qs().filter(campaign=campaign).order_by("phase__order", "phase__start_date", "order", "start_date", "id")
    f = filters or PlanFilters()
    if f.owner == "none":
        qs = qs.filter(owner__isnull=True)
    elif f.owner.isdigit():
        qs = qs.filter(owner_id=int(f.owner))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.channel:
        qs = qs.filter(channel__code=f.channel)
    if f.phase.isdigit():
        qs = qs.filter(phase_id=int(f.phase))
    return qs


def phase_list(*, campaign: Campaign) -> QuerySet[Phase]:
    return Phase.objects.filter(campaign=campaign).order_by("order", "start_date", "id")


def plan_grouped(*, campaign: Campaign, filters: PlanFilters | None = None) -> list[tuple[Phase, list[Task]]]:
    """Phases in order, each with its (filtered) tasks: two queries whatever the plan's size."""
    phases = list(phase_list(campaign=campaign))
    by_phase: dict[int, list[Task]] = {p.pk: [] for p in phases}
    for task in task_list(campaign=campaign, filters=filters):
        by_phase.setdefault(task.phase_id, []).append(task)
    return [(p, by_phase[p.pk]) for p in phases]


def plan_table_grouped(*, campaign: Campaign, filters: PlanFilters | None, users: dict[int, Any],
                       channels: dict[int, Channel]) -> list[tuple[Phase, list[Task]]]:
    """`plan_grouped` for the plan page: the tasks come without joins and get their phase, owner and
    channel from what the page has already loaded (an owner who left the team costs one more query)."""
    phases = list(phase_list(campaign=campaign))
    by_phase: dict[int, list[Task]] = {p.pk: [] for p in phases}
    phase_of = {p.pk: p for p in phases}
    tasks = list(task_list(campaign=campaign, filters=filters).select_related(None))
    missing = {t.owner_id for t in tasks if t.owner_id and t.owner_id not in users}
    if missing:
        users = users | {u.pk: u for u in get_user_model().objects.filter(pk__in=missing).select_related("profile")}
    cache = (Task.phase.field.set_cached_value, Task.owner.field.set_cached_value, Task.channel.field.set_cached_value)
    for t in tasks:
        cache[0](t, phase_of[t.phase_id])
        cache[1](t, users.get(t.owner_id) if t.owner_id else None)
        cache[2](t, channels.get(t.channel_id) if t.channel_id else None)
        by_phase[t.phase_id].append(t)
    return [(p, by_phase[p.pk]) for p in phases]


@dataclass
class PlanFacets:
    """Task counts of a whole plan by status, owner ("none" = no user owner), channel code and phase."""

    total: int
    status: dict[str, int]
    owner: dict[str, int]
    channel: dict[str, int]
    phase: dict[int, int]
    phase_done: dict[int, int]


def plan_facets(*, campaign: Campaign) -> PlanFacets:
    """Counts for the filter bar and the phase headers, from one grouped query."""
    rows = (Task.objects.filter(campaign=campaign).order_by()
            .values_list("phase_id", "status", "owner_id", "channel__code").annotate(n=Count("id")))
    f = PlanFacets(0, {}, {}, {}, {}, {})
    for phase_id, status, owner_id, channel, n in rows:
        f.total += n
        f.status[status] = f.status.get(status, 0) + n
        owner = str(owner_id) if owner_id else "none"
        f.owner[owner] = f.owner.get(owner, 0) + n
        if channel:
            f.channel[channel] = f.channel.get(channel, 0) + n
        f.phase[phase_id] = f.phase.get(phase_id, 0) + n
        if status == "done":
            f.phase_done[phase_id] = f.phase_done.get(phase_id, 0) + n
    return f


def phase_counts(*, phase: Phase) -> tuple[int, int]:
    """(tasks, done tasks) of one phase."""
    agg = Task.objects.filter(phase=phase).aggregate(n=Count("id"), done=Count("id", filter=Q(status="done")))
    return agg["n"], agg["done"]


def visible_tasks(user) -> QuerySet[Task]:
    return visible(user, tasks_qs())


def template_list() -> QuerySet[PlanTemplate]:
    return PlanTemplate.objects.prefetch_related(
        Prefetch("phases", queryset=PlanTemplate.phases.rel.related_model.objects.order_by("order"))
    )
