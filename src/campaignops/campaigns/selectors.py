"""Reads for campaigns: querysets already joined for pages and the API."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from campaignops.access.policy import visible
from campaignops.accounts.models import display_name

from .models import (
    GOAL_SIGNER_DEPARTMENTS,
    Campaign,
    CampaignStatus,
    Channel,
    GoalSignature,
    GoalSigner,
    KpiTarget,
    Membership,
)


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


def goal_signatures_waiting_for(user) -> list[Campaign]:
    """Campaigns where `user` is a required signer of the Goal Confirmation and has not signed the current
    content (no live signature: any change to the content voids them). Closed campaigns are left out.
    Signers are the explicit list, or, while a campaign has none, its heads of Marketing, Sales and Product.
    One query; link each to `reverse("campaigns:goal", args=[campaign.pk])`."""
    if user is None or not user.is_authenticated:
        return []
    explicit = GoalSigner.objects.filter(campaign=OuterRef("pk"), user=user)
    any_explicit = GoalSigner.objects.filter(campaign=OuterRef("pk"))
    default = Membership.objects.filter(campaign=OuterRef("pk"), user=user, is_department_head=True,
                                        department__in=GOAL_SIGNER_DEPARTMENTS)
    live = GoalSignature.objects.filter(campaign=OuterRef("pk"), user=user, voided_at__isnull=True)
    member = Membership.objects.filter(campaign=OuterRef("pk"), user=user)
    qs = (Campaign.objects.filter(Exists(member))
          .filter(Exists(explicit) | (~Exists(any_explicit) & Exists(default)))
          .exclude(Exists(live)).exclude(status=CampaignStatus.CLOSED)
          .select_related("lead", "lead__profile").order_by("end_date", "id"))
    return list(qs)


@dataclass
class SignerRow:
    user: object
    name: str
    department: str
    signature: GoalSignature | None   # live and of the current content, else None


@dataclass
class GoalDocument:
    """The Goal Confirmation as shown and exported: content, fingerprint, signers with state, history."""

    campaign: Campaign
    content: dict
    fingerprint: str
    signers: list[SignerRow]
    explicit_signers: bool
    history: list[GoalSignature]      # voided signatures, newest first
    targets: list[KpiTarget]
    channels: list[Channel]

    @property
    def all_signed(self) -> bool:
        return bool(self.signers) and all(row.signature for row in self.signers)

    @property
    def signed_count(self) -> int:
        return sum(1 for row in self.signers if row.signature)

    def row_for(self, user) -> SignerRow | None:
        return next((row for row in self.signers if row.user.pk == getattr(user, "pk", None)), None)


def goal_confirmation(campaign: Campaign) -> GoalDocument:
    """Everything the Goal Confirmation page, API and .docx show, in a fixed number of queries."""
    from . import signoff

    content = signoff.goal_content(campaign)
    current = signoff.fingerprint(content)
    signers, explicit = signoff.required_signers(campaign)
    signatures = list(GoalSignature.objects.filter(campaign=campaign).select_related("voided_by", "voided_by__profile")
                      .order_by("-signed_at", "-id"))
    live = {s.user_id: s for s in signatures if s.voided_at is None and s.fingerprint == current}
    heads = {m.user_id: m.get_department_display() for m in campaign.memberships.all()}
    rows = [SignerRow(u, display_name(u), heads.get(u.pk, ""), live.get(u.pk)) for u in signers]
    history = sorted((s for s in signatures if s.voided_at is not None or s.fingerprint != current),
                     key=lambda s: (s.voided_at or s.signed_at, s.pk), reverse=True)
    return GoalDocument(campaign, content, current, rows, explicit, history,
                        list(campaign.kpi_targets.all()), list(campaign.channels.all()))
