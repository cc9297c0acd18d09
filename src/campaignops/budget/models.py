"""Budget lines and their revisions (the Budget Approval Form, 预算审批表), the Resource Preparation
List (资源筹备清单), expenses with receipts, and Finance's spend overrides."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaignops.campaigns.models import Campaign
from campaignops.core.models import TimeStampedModel
from campaignops.planning.models import Phase, Task

MONEY = {"max_digits": 14, "decimal_places": 2}


class BudgetCategory(models.TextChoices):
    MATERIALS = "materials", pgettext_lazy("budget category", "Materials")
    PROMOTION = "promotion", pgettext_lazy("budget category", "Channel promotion / ad spend")
    KOL = "kol", pgettext_lazy("budget category", "KOL fees")
    STAFF = "staff", pgettext_lazy("budget category", "Staff")
    VENUE = "venue", pgettext_lazy("budget category", "Venue")
    LOGISTICS = "logistics", pgettext_lazy("budget category", "Logistics")
    GIFTS = "gifts", pgettext_lazy("budget category", "Cash-back and gifts")
    OTHER = "other", pgettext_lazy("budget category", "Other")


class BudgetLine(TimeStampedModel):
    """One line of the working budget. `approved_amount` is its amount in the revision in force
    (null: never approved, so nothing may be ordered or spent on it yet)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory.choices,
                                default=BudgetCategory.OTHER)
    name = models.CharField(_("budget line"), max_length=200)
    planned = models.DecimalField(_("planned amount"), **MONEY)
    note = models.CharField(_("note"), max_length=500, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    approved_amount = models.DecimalField(_("approved amount"), null=True, blank=True, **MONEY)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["campaign", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(planned__gte=0), name="budget_line_planned_not_negative"),
            models.UniqueConstraint(fields=["campaign", "name"], name="budget_line_name_unique_in_campaign"),
        ]

    def __str__(self) -> str:
        return self.name


class RevisionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


OPEN_STATUSES = (RevisionStatus.DRAFT, RevisionStatus.SUBMITTED)


class BudgetRevision(TimeStampedModel):
    """A numbered revision of the budget. Submitting freezes the lines into `lines` (a snapshot:
    [{"line": id, "category", "name", "planned", "note"}]); Finance approves or rejects it. The
    latest approved revision is the one in force."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="budget_revisions")
    number = models.PositiveIntegerField(_("revision"))
    status = models.CharField(_("status"), max_length=20, choices=RevisionStatus.choices,
                              default=RevisionStatus.DRAFT)
    lines = models.JSONField(_("lines"), default=list, blank=True)
    total = models.DecimalField(_("total"), default=0, **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submit_note = models.TextField(_("note to Finance"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("Finance's comment"), blank=True)

    class Meta:
        verbose_name = _("budget revision")
        verbose_name_plural = _("budget revisions")
        ordering = ["campaign", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="budget_revision_number_unique"),
            models.UniqueConstraint(fields=["campaign"], condition=Q(status__in=["draft", "submitted"]),
                                    name="one_open_budget_revision"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} ({self.status})"


class MaterialStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    REQUESTED = "requested", _("Requested")
    ORDERED = "ordered", _("Ordered")
    RECEIVED = "received", _("Received")
    READY = "ready", _("Ready")


MATERIAL_FLOW = [s.value for s in MaterialStatus]
COMMITTED_STATUSES = ("ordered", "received", "ready")


class Material(TimeStampedModel):
    """One row of the Resource Preparation List: what, how many, at what cost, from whom, by when,
    who chases it, where it stands; linked to the plan and to the budget line that pays for it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("material"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=1)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    unit_cost = models.DecimalField(_("unit cost"), default=0, **MONEY)
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=MaterialStatus.choices,
                              default=MaterialStatus.PLANNED)
    phase = models.ForeignKey(Phase, verbose_name=_("phase"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="materials")
    task = models.ForeignKey(Task, verbose_name=_("plan row"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="materials")
    line = models.ForeignKey(BudgetLine, verbose_name=_("budget line"), null=True, blank=True,
                             on_delete=models.RESTRICT, related_name="materials")
    ordered_on = models.DateField(_("ordered on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["campaign", "needed_by", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="material_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="material_unit_cost_not_negative"),
            models.CheckConstraint(
                condition=~Q(status__in=COMMITTED_STATUSES) | Q(line__isnull=False),
                name="ordered_material_has_a_budget_line",
                violation_error_message=_("Choose the budget line that pays for this material before ordering it.")),
        ]
        indexes = [models.Index(fields=["campaign", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def committed(self) -> bool:
        return self.status in COMMITTED_STATUSES


class ReceiptStorage(FileSystemStorage):
    """Receipts live in MEDIA_ROOT/private: never under STATIC_ROOT, never given a URL (no MEDIA_URL
    is routed, whitenoise serves static files only); they are read back by the members-only view."""

    def __init__(self):
        super().__init__(base_url=None)

    @cached_property
    def base_location(self):
        return str(Path(settings.MEDIA_ROOT) / "private")

    def url(self, name):  # pragma: no cover - a receipt has no public URL by design
        raise ValueError("receipts have no public URL")


receipt_storage = ReceiptStorage()


def receipt_path(instance: Expense, filename: str) -> str:
    """receipts/<campaign>/<random>.<ext>: the user's file name is kept in `receipt_name` only."""
    ext = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(instance.receipt_type, "")
    return f"receipts/{instance.campaign_id}/{uuid4().hex}{ext}"


class Expense(TimeStampedModel):
    """Money spent: amount, date, vendor, the line it is booked on (and the material it pays, if
    any), with a receipt."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="expenses")
    line = models.ForeignKey(BudgetLine, verbose_name=_("budget line"), on_delete=models.RESTRICT,
                             related_name="expenses")
    material = models.ForeignKey(Material, verbose_name=_("material"), null=True, blank=True,
                                 on_delete=models.RESTRICT, related_name="expenses")
    amount = models.DecimalField(_("amount"), **MONEY)
    spent_on = models.DateField(_("date"))
    vendor = models.CharField(_("vendor"), max_length=200)
    note = models.CharField(_("note"), max_length=500, blank=True)
    receipt = models.FileField(_("receipt"), storage=receipt_storage, upload_to=receipt_path, blank=True,
                               max_length=200)
    receipt_name = models.CharField(_("receipt file name"), max_length=200, blank=True)
    receipt_type = models.CharField(_("receipt type"), max_length=40, blank=True)
    receipt_size = models.PositiveIntegerField(_("receipt size"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["campaign", "-spent_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive")]
        indexes = [models.Index(fields=["campaign", "spent_on"])]

    def __str__(self) -> str:
        return f"{self.spent_on} {self.vendor} {self.amount}"


class SpendOverride(models.Model):
    """Finance lets a line go beyond its approved amount by `amount`, for a stated reason."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="spend_overrides")
    line = models.ForeignKey(BudgetLine, verbose_name=_("budget line"), on_delete=models.CASCADE,
                             related_name="overrides")
    amount = models.DecimalField(pgettext_lazy("override", "amount"), **MONEY)
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("granted by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("spend override")
        verbose_name_plural = _("spend overrides")
        ordering = ["campaign", "-granted_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="override_amount_positive")]

    def __str__(self) -> str:
        return f"+{self.amount} on {self.line_id}"


