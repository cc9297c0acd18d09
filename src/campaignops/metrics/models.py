"""Metric observations (one number per campaign × channel × metric × day [× hour]), the import
batches they came from, idempotent API requests, custom metrics and saved column mappings.

Observations are facts: additive raw numbers (impressions, clicks, spend …). Ratios are never stored;
they are derived from sums (see domain/kpi.py)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from campaignops.campaigns.kpis import Unit
from campaignops.campaigns.models import Campaign, Channel

WHOLE_DAY = -1


class Source(models.TextChoices):
    MANUAL = "manual", _("Manual entry")
    FILE = "file", _("File import")
    API = "api", _("API")


class BatchState(models.TextChoices):
    PENDING = "pending", _("Waiting to be applied")
    APPLIED = "applied", _("Applied")
    DISCARDED = "discarded", _("Discarded")


class ImportBatch(models.Model):
    """One import of numbers: an uploaded file (kept between its preview and its application, then
    dropped), an API call or a manual-entry save. Totals are the Σ per metric of what was applied."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="metric_batches")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.FILE)
    platform = models.CharField(_("platform"), max_length=30, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    totals = models.JSONField(_("totals"), default=dict, blank=True,
                              help_text=_("Metric code -> sum of the imported values (as text)."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("imported by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # preview → apply
    state = models.CharField(_("state"), max_length=10, choices=BatchState.choices, default=BatchState.APPLIED)
    channel = models.ForeignKey(Channel, verbose_name=_("channel"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text=_("For rows whose file names no channel."))
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    payload = models.BinaryField(_("uploaded file"), null=True, blank=True, editable=False)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["campaign", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name or self.get_source_display()} → {self.campaign_id} ({self.state})"


class Observation(models.Model):
    """One number: a campaign's metric on a channel for a day (hour = -1) or one hour of it (0–23).
    Money is in the campaign currency's major unit. Re-importing the same key updates the value."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="observations",
                                 db_index=False)  # the unique constraint and the index start with it
    channel = models.ForeignKey(Channel, verbose_name=_("channel"), on_delete=models.PROTECT, related_name="+",
                                db_index=False)  # no own index: channels are almost never deleted
    metric = models.CharField(_("metric"), max_length=40)
    day = models.DateField(_("day"))
    hour = models.SmallIntegerField(_("hour"), default=WHOLE_DAY,
                                    validators=[MinValueValidator(WHOLE_DAY), MaxValueValidator(23)])
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    # The import that last wrote the value. No database constraint: an upsert that also sets a
    # constrained column makes SQLite check foreign keys row by row (twice as slow on a big import);
    # deleting a batch goes through the ORM, which sets its observations' batch to NULL.
    batch = models.ForeignKey(ImportBatch, verbose_name=_("import"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="observations", db_index=False,
                              db_constraint=False)
    platform = models.CharField(_("platform"), max_length=30, blank=True, default="")
    attribution = models.CharField(_("attribution"), max_length=40, blank=True, default="",
                                   help_text=_("Empty: the platform's default attribution window."))
    currency = models.CharField(_("currency"), max_length=3, blank=True, default="")

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["campaign", "day", "hour", "channel", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "channel", "metric", "day", "hour", "attribution"],
                                    name="observation_unique_key"),
            models.CheckConstraint(condition=Q(hour__gte=WHOLE_DAY, hour__lte=23), name="observation_hour_range"),
        ]
        indexes = [models.Index(fields=["campaign", "metric", "channel", "day"], name="observation_dashboard")]

    def __str__(self) -> str:
        return f"{self.day} {self.metric}={self.value}"


class IdempotencyRecord(models.Model):
    """The first answer to a write sent with an Idempotency-Key: a replay gets it back unchanged."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("idempotency key"), max_length=255)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    response = models.JSONField(_("response"), default=dict)
    status_code = models.PositiveSmallIntegerField(_("status code"), default=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["campaign", "key"], name="idempotency_key_per_campaign")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.key}"


class MetricKind(models.TextChoices):
    RAW = "raw", _("Raw (summed)")
    DERIVED = "derived", _("Derived (ratio of sums)")


class CustomMetric(models.Model):
    """A campaign's own metric: a raw number to be summed, or Σnumerator ÷ Σdenominator × scale."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="custom_metrics")
    code = models.SlugField(_("code"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=MetricKind.choices, default=MetricKind.RAW)
    numerator = models.CharField(_("numerator"), max_length=40, blank=True)
    denominator = models.CharField(_("denominator"), max_length=40, blank=True)
    scale = models.DecimalField(_("scale"), max_digits=12, decimal_places=4, default=1)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.COUNT)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)

    class Meta:
        verbose_name = _("custom metric")
        verbose_name_plural = _("custom metrics")
        ordering = ["campaign", "code"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="custom_metric_code_per_campaign")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_zh if (get_language() or "").startswith("zh") and self.name_zh else self.name_en


class HeaderMapping(models.Model):
    """A saved column mapping: file header -> metric code or field (day, hour, channel, …), with
    options (money in cents, date order, …). campaign NULL: shared by every campaign (the built-in
    platform mappings live in io/headers.json; rows here add to them)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="header_mappings")
    platform = models.CharField(_("platform"), max_length=30, default="custom")
    name = models.CharField(_("name"), max_length=120)
    columns = models.JSONField(_("columns"), default=dict, help_text=_("File header -> metric code or field."))
    options = models.JSONField(_("options"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        ordering = ["platform", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="header_mapping_name_per_campaign")]

    def __str__(self) -> str:
        return self.name


# The dashboard's per-campaign pace settings live in their own module (owned by the dashboard work).
from .pace_settings import PaceSettings  # noqa: E402, F401
