"""Campaign, its scope (channels, audience, period), KPI targets and members."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from campaignops.accounts.models import Department
from campaignops.core.models import TimeStampedModel

from .kpis import Metric, Unit


class Channel(models.Model):
    """A place the campaign speaks: a platform, a shop, an offline venue. Built-in or custom."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    online = models.BooleanField(_("online"), default=True)
    builtin = models.BooleanField(_("built-in"), default=False)
    sort = models.PositiveSmallIntegerField(_("sort order"), default=100)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en


BUILTIN_CHANNELS = [
    # code, English, Chinese, online
    ("xiaohongshu", "Xiaohongshu", "小红书", True),
    ("douyin", "Douyin", "抖音", True),
    ("wechat", "WeChat", "微信", True),
    ("weibo", "Weibo", "微博", True),
    ("bilibili", "Bilibili", "哔哩哔哩", True),
    ("tmall", "Tmall", "天猫", True),
    ("jd", "JD", "京东", True),
    ("offline-store", "Offline store", "线下门店", False),
    ("pop-up", "Pop-up store", "快闪店", False),
    ("meta", "Meta", "Meta", True),
    ("google", "Google", "Google", True),
    ("tiktok", "TikTok", "TikTok", True),
    ("email", "Email", "邮件", True),
]


class CampaignKind(models.TextChoices):
    PRODUCT_LAUNCH = "product_launch", _("Product launch")
    ECOMMERCE_PROMOTION = "ecommerce_promotion", _("E-commerce promotion")
    OFFLINE_BRAND = "offline_brand", _("Offline brand experience")
    ANNIVERSARY = "anniversary", _("Anniversary")
    TRADE_SHOW = "trade_show", _("Trade show")
    OTHER = "other", _("Other")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")
    RUNNING = "running", _("Running")
    REVIEWING = "reviewing", _("Reviewing")
    CLOSED = "closed", pgettext_lazy("campaign status", "Closed")


class Campaign(TimeStampedModel):
    """One marketing campaign: goal, scope, period, team and plan."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=30, choices=CampaignKind.choices, default=CampaignKind.PRODUCT_LAUNCH)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    goal_statement = models.TextField(_("goal statement"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(_("status"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    country = models.CharField(_("working-day country"), max_length=2, default="CN")
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lead"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="led_campaigns",
    )
    channels = models.ManyToManyField(Channel, verbose_name=_("channels"), blank=True, related_name="campaigns")
    audience_age_min = models.PositiveSmallIntegerField(_("audience age from"), null=True, blank=True)
    audience_age_max = models.PositiveSmallIntegerField(_("audience age to"), null=True, blank=True)
    audience_regions = models.CharField(_("audience regions"), max_length=300, blank=True)
    audience_habits = models.TextField(_("audience consumption habits"), blank=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="campaign_end_after_start"),
            models.CheckConstraint(
                condition=Q(audience_age_min__isnull=True) | Q(audience_age_max__isnull=True)
                | Q(audience_age_max__gte=F("audience_age_min")),
                name="campaign_age_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date must be on or after the start date.")
        if (self.audience_age_min is not None and self.audience_age_max is not None
                and self.audience_age_max < self.audience_age_min):
            errors["audience_age_max"] = _("The upper age must not be below the lower age.")
        try:
            zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            errors["time_zone"] = _("Unknown time zone.")
        if errors:
            raise ValidationError(errors)

    @property
    def duration_days(self) -> int:
        return (self.end_date - self.start_date).days + 1


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class KpiTarget(TimeStampedModel):
    """A number the campaign commits to: metric, optional channel, target value, due date."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="kpi_targets")
    metric = models.CharField(_("metric"), max_length=40, choices=Metric.choices)
    label = models.CharField(_("label"), max_length=120, blank=True,
                             help_text=_("Optional wording, e.g. “online pre-sale conversion rate”."))
    channel = models.ForeignKey(Channel, verbose_name=_("channel"), null=True, blank=True, on_delete=models.PROTECT)
    target_value = models.DecimalField(_("target value"), max_digits=18, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.COUNT)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    due_date = models.DateField(_("due date"), null=True, blank=True)

    class Meta:
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        ordering = ["campaign", "id"]

    def __str__(self) -> str:
        return f"{self.label or self.get_metric_display()}: {self.target_value}"


class Role(models.TextChoices):
    LEAD = "lead", _("Lead")
    PLANNING = "planning", _("Planning group")
    EXECUTION = "execution", _("Execution group")
    LOGISTICS = "logistics", _("Logistics group")
    FINANCE = "finance", pgettext_lazy("role", "Finance")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    """A person on a campaign's team, with a role and the department they speak for."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EXECUTION)
    department = models.CharField(_("department"), max_length=20, choices=Department.choices, blank=True)
    is_department_head = models.BooleanField(_("head of department"), default=False)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["campaign", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "user"], name="one_membership_per_user")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.campaign_id} ({self.role})"


GOAL_SIGNER_DEPARTMENTS = (Department.MARKETING, Department.SALES, Department.PRODUCT)


class GoalSigner(models.Model):
    """A person who must sign the campaign's Goal Confirmation (活动目标确认书).

    Without rows, the members who head Marketing, Sales and Product are the signers (see signoff.py);
    the rows are written when the lead sets the list or when the first signature is made.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="goal_signers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("signer"), on_delete=models.CASCADE,
                             related_name="goal_signer_of")
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("goal confirmation signer")
        verbose_name_plural = _("goal confirmation signers")
        ordering = ["campaign", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "user"], name="one_goal_signer_per_user")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.campaign_id}"


class VoidReason(models.TextChoices):
    GOAL = "goal", _("The goal statement changed.")
    KPI = "kpi", _("A KPI target changed.")
    SCOPE = "scope", _("The scope changed (channels, online/offline or audience).")


class GoalSignature(models.Model):
    """One signature of the Goal Confirmation: who, when, the fingerprint and snapshot of what was signed.

    A live signature has no `voided_at`; a change to the goal, a KPI target or the scope voids every live
    signature (kept here as history with the reason). At most one live signature per person and campaign.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="goal_signatures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("signed by"), null=True,
                             on_delete=models.SET_NULL, related_name="goal_signatures")
    signer_name = models.CharField(_("signer's name"), max_length=150)
    signed_at = models.DateTimeField(_("signed at"))
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    snapshot = models.JSONField(_("content signed"))
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    void_reason = models.CharField(_("reason voided"), max_length=10, choices=VoidReason.choices, blank=True)
    void_detail = models.CharField(_("what changed"), max_length=300, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("voided by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("goal confirmation signature")
        verbose_name_plural = _("goal confirmation signatures")
        ordering = ["campaign", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], condition=Q(voided_at__isnull=True),
                                    name="one_live_goal_signature"),
            models.CheckConstraint(condition=Q(voided_at__isnull=True) | ~Q(void_reason=""),
                                   name="voided_goal_signature_has_reason"),
        ]
        indexes = [models.Index(fields=["user", "voided_at"])]

    def __str__(self) -> str:
        return f"{self.signer_name} {self.signed_at:%Y-%m-%d %H:%M} {self.fingerprint[:12]}"

    @property
    def is_live(self) -> bool:
        return self.voided_at is None
