"""Reads for campaigns: querysets already joined for pages and the API."""

from django.db.models import Count, Prefetch, Q, QuerySet

from campaignops.access.policy import visible

from .models import Campaign, Channel, KpiTarget, Membership


def campaign_list(*, user) -> QuerySet[Campaign]:
    """Campaigns the user may see, with task counts and the lead, in one query."""
    return (
        visible(user, Campaign.objects.all())
        .select_related("lead", "lead__profile")
        .annotate(
            task_count=Count("tasks", distinct=True),
            done_count=Count("tasks", filter=Q(tasks__status="done"), distinct=True),
            member_count=Count("memberships", distinct=True),
        )
        .order_by("-start_date", "-id")
    )


def campaign_detail_qs() -> QuerySet[Campaign]:
    return Campaign.objects.select_related("lead", "lead__profile").prefetch_related(
        Prefetch("channels", queryset=Channel.objects.order_by("sort", "code")),
        Prefetch("kpi_targets", queryset=KpiTarget.objects.select_related("channel").order_by("id")),
        Prefetch("memberships", queryset=Membership.objects.select_related("user", "user__profile").order_by("id")),
    )


def members_of(campaign: Campaign) -> QuerySet[Membership]:
    return campaign.memberships.select_related("user", "user__profile").order_by("id")


def kpi_targets_of(campaign: Campaign) -> QuerySet[KpiTarget]:
    return campaign.kpi_targets.select_related("channel").order_by("id")


def channel_catalogue() -> QuerySet[Channel]:
    return Channel.objects.order_by("sort", "code")


def campaign_cards(*, user, status: str = "", query: str = "") -> QuerySet[Campaign]:
    """The list page: visible campaigns with counts, lead and channels (two queries), filtered."""
    qs = campaign_list(user=user).prefetch_related(
        Prefetch("channels", queryset=Channel.objects.order_by("sort", "code")))
    if status:
        qs = qs.filter(status=status)
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(theme__icontains=query))
    return qs


def status_counts(*, user) -> dict[str, int]:
    """How many visible campaigns are in each status (one query)."""
    rows = visible(user, Campaign.objects.all()).values("status").annotate(n=Count("id")).order_by()
    return {row["status"]: row["n"] for row in rows}


def task_status_counts(campaign: Campaign, *, today) -> tuple[dict[str, int], int]:
    """Tasks per status and how many open tasks are past their end date (one query)."""
    rows = (campaign.tasks.values("status")
            .annotate(n=Count("id"), late=Count("id", filter=Q(end_date__lt=today))).order_by())
    counts = {row["status"]: row["n"] for row in rows}
    overdue = sum(row["late"] for row in rows if row["status"] not in ("done", "cancelled"))
    return counts, overdue


def phases_of(campaign: Campaign):
    return campaign.phases.order_by("order", "start_date", "id")
