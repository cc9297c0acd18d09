"""Reads of the budget app: lines with their figures, revisions, materials, expenses. Querysets come
already joined; figures are computed from a fixed number of aggregate queries whatever the size."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone

from campaignops.access.policy import visible
from campaignops.campaigns.models import Campaign

from .domain import money
from .domain.resources import material_risk
from .models import (
    COMMITTED_STATUSES,
    BudgetCategory,
    BudgetLine,
    BudgetRevision,
    Expense,
    Material,
    RevisionStatus,
    SpendOverride,
)

ZERO = Decimal(0)


def campaign_zone(campaign: Campaign) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(campaign.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def campaign_today(campaign: Campaign, now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(campaign_zone(campaign)).date()


def lines_of(campaign: Campaign) -> QuerySet[BudgetLine]:
    return BudgetLine.objects.filter(campaign=campaign).order_by("order", "id")


def line_figures(campaign_id: int, currency: str, line_ids: list[int] | None = None, *,
                 loaded: list[BudgetLine] | None = None) -> dict[int, money.Figures]:
    """Figures per line id: three queries (overrides, committed materials, expenses), plus one for the
    lines unless they are `loaded` already."""
    if loaded is not None:
        base = {ln.pk: (ln.planned, ln.approved_amount) for ln in loaded}
    else:
        lines = BudgetLine.objects.filter(campaign_id=campaign_id)
        if line_ids is not None:
            lines = lines.filter(pk__in=line_ids)
        base = {pk: (planned, approved)
                for pk, planned, approved in lines.values_list("pk", "planned", "approved_amount")}
    ids = list(base)
    overrides = dict(SpendOverride.objects.filter(line_id__in=ids).values("line_id").annotate(s=Sum("amount"))
                     .values_list("line_id", "s").order_by())
    actual = dict(Expense.objects.filter(line_id__in=ids).values("line_id").annotate(s=Sum("amount"))
                  .values_list("line_id", "s").order_by())
    committed: dict[int, Decimal] = {}
    open_committed: dict[int, Decimal] = {}
    rows = (Material.objects.filter(line_id__in=ids, status__in=COMMITTED_STATUSES)
            .annotate(invoiced=Sum("expenses__amount")).values_list("line_id", "quantity", "unit_cost", "invoiced"))
    for line_id, quantity, unit_cost, invoiced in rows:
        cost = money.line_cost(quantity, unit_cost, currency)
        committed[line_id] = committed.get(line_id, ZERO) + cost
        open_committed[line_id] = open_committed.get(line_id, ZERO) + money.open_commitment(cost, invoiced or ZERO)
    m = money.to_money
    return {pk: money.Figures(planned=m(planned, currency), approved=None if approved is None else m(approved, currency),
                              overrides=m(overrides.get(pk, ZERO), currency),
                              committed=m(committed.get(pk, ZERO), currency),
                              open_committed=m(open_committed.get(pk, ZERO), currency),
                              actual=m(actual.get(pk, ZERO), currency))
            for pk, (planned, approved) in base.items()}


@dataclass
class BudgetView:
    """Everything the budget page and the API summary show."""

    lines: list[BudgetLine]
    figures: dict[int, money.Figures]
    categories: list[tuple[str, str, money.Figures]]       # (code, label, figures), every category
    totals: money.Figures
    burn: list[tuple[dt.date, Decimal]]
    in_force: BudgetRevision | None
    open_revision: BudgetRevision | None
    revisions: list[BudgetRevision] = field(default_factory=list)


def revisions_of(campaign: Campaign) -> QuerySet[BudgetRevision]:
    return (BudgetRevision.objects.filter(campaign=campaign)
            .select_related("submitted_by__profile", "decided_by__profile").order_by("-number"))


def budget_view(campaign: Campaign) -> BudgetView:
    """Lines, per-line and per-category figures, burn, revisions (six queries)."""
    lines = list(lines_of(campaign))
    figures = line_figures(campaign.pk, campaign.currency, loaded=lines)
    for line in lines:
        line.figures = figures[line.pk]
    per_category = money.roll_up((line.category, line.figures) for line in lines)
    categories = [(code, label, per_category.get(code, money.Figures())) for code, label in BudgetCategory.choices]
    totals = sum((f for _c, _l, f in categories), money.Figures())
    burn = [(day, money.to_money(amount, campaign.currency)) for day, amount in
            money.burn(Expense.objects.filter(campaign=campaign).values_list("spent_on", "amount"))]
    revisions = list(revisions_of(campaign))
    in_force = next((r for r in revisions if r.status == RevisionStatus.APPROVED), None)
    open_revision = next((r for r in revisions if r.status in (RevisionStatus.DRAFT, RevisionStatus.SUBMITTED)),
                         None)
    return BudgetView(lines, figures, categories, totals, burn, in_force, open_revision, revisions)


def revision_detail_qs() -> QuerySet[BudgetRevision]:
    return BudgetRevision.objects.select_related("campaign", "submitted_by__profile", "decided_by__profile")


def materials_of(campaign: Campaign) -> QuerySet[Material]:
    return (Material.objects.filter(campaign=campaign)
            .select_related("owner__profile", "phase", "task", "line")
            .order_by(F("needed_by").asc(nulls_last=True), "id"))


def label_materials(materials, campaign: Campaign, today: dt.date | None = None) -> list[Material]:
    """Adds `.cost` and `.risk` (late / soon / None) to each material."""
    today = today or campaign_today(campaign)
    out = list(materials)
    for m in out:
        m.cost = money.line_cost(m.quantity, m.unit_cost, campaign.currency)
        m.risk = material_risk(m.status, m.needed_by, today)
    return out


def expenses_of(campaign: Campaign) -> QuerySet[Expense]:
    return (Expense.objects.filter(campaign=campaign)
            .select_related("line", "material", "recorded_by__profile").order_by("-spent_on", "-id"))


def overrides_of(campaign: Campaign) -> QuerySet[SpendOverride]:
    return (SpendOverride.objects.filter(campaign=campaign)
            .select_related("line", "granted_by__profile").order_by("-granted_at", "-id"))


def revisions_waiting_for(user) -> list[BudgetRevision]:
    """Submitted revisions the user may decide: Finance on the campaign (or a site admin), not their
    own submission. One query plus the role check (memoised per request)."""
    if user is None or not user.is_authenticated:
        return []
    qs = (visible(user, BudgetRevision.objects.filter(status=RevisionStatus.SUBMITTED))
          .exclude(Q(submitted_by=user))
          .select_related("campaign", "submitted_by__profile").order_by("submitted_at", "id"))
    if not user.is_superuser:
        qs = qs.filter(campaign__memberships__user=user, campaign__memberships__role="finance")
    return list(qs)
