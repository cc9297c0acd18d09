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


def channel_catalogue() -> QuerySet[Channel]:
    return Channel.objects.order_by("sort", "code")
