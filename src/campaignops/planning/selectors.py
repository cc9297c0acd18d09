"""Reads for the plan, already joined so that pages and endpoints run a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from campaignops.access.policy import visible
from campaignops.campaigns.models import Campaign

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


def visible_tasks(user) -> QuerySet[Task]:
    return visible(user, tasks_qs())


def template_list() -> QuerySet[PlanTemplate]:
    return PlanTemplate.objects.prefetch_related(
        Prefetch("phases", queryset=PlanTemplate.phases.rel.related_model.objects.order_by("order"))
    )
