"""Risk register with contingency plans, the Issue and Solution Log (问题与解决方案记录) and the
Strategy Adjustment Log (策略调整记录)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaignops.campaigns.models import Campaign, Channel, KpiTarget
from campaignops.core.models import TimeStampedModel
from campaignops.planning.models import Phase, Task

from .domain.rules import risk_level, risk_score


class RiskCategory(models.TextChoices):
    WEATHER = "weather", _("Weather")
    SUPPLY_CHAIN = "supply_chain", _("Supply chain")
    KOL_SCHEDULE = "kol_schedule", _("KOL schedule")
    POLICY = "policy", _("Policy / compliance")
    COMPETITOR = "competitor", _("Competitor")
    TRAFFIC = "traffic", _("Traffic")
    TECHNICAL = "technical", _("Technical")
    OTHER = "other", _("Other")


class RiskStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("risk status", "Open")
    TRIGGERED = "triggered", _("Triggered")
    CLOSED = "closed", pgettext_lazy("risk status", "Closed")


SCALE = [MinValueValidator(1), MaxValueValidator(5)]


class Risk(TimeStampedModel):
    """Something that may go wrong, how we'd notice, and the prepared plan B."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="risks")
    description = models.TextField(_("risk"))
    category = models.CharField(_("category"), max_length=20, choices=RiskCategory.choices,
                                default=RiskCategory.OTHER)
    probability = models.PositiveSmallIntegerField(_("probability (1–5)"), default=3, validators=SCALE)
    impact = models.PositiveSmallIntegerField(_("impact (1–5)"), default=3, validators=SCALE)
    trigger = models.TextField(_("trigger"), blank=True)
    contingency_plan = models.TextField(_("contingency plan"), blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    phase = models.ForeignKey(Phase, verbose_name=_("phase"), null=True, blank=True, on_delete=models.SET_NULL)
    source_task = models.ForeignKey(Task, verbose_name=_("from plan row"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="risks")
    triggered_at = models.DateTimeField(_("triggered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["campaign", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(probability__gte=1, probability__lte=5), name="risk_probability_1_5"),
            models.CheckConstraint(condition=Q(impact__gte=1, impact__lte=5), name="risk_impact_1_5"),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def score(self) -> int:
        return risk_score(self.probability, self.impact)

    @property
    def level(self) -> str:
        return risk_level(self.score)


class ContingencyTask(models.Model):
    """A task prepared in advance, created in the plan when the contingency is switched on."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="contingency_tasks")
    title = models.CharField(_("core task"), max_length=300)
    phase = models.ForeignKey(Phase, verbose_name=_("phase"), null=True, blank=True, on_delete=models.SET_NULL)
    duration = models.PositiveSmallIntegerField(_("duration (working days)"), default=1)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    completion_standard = models.TextField(_("completion standard"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("contingency task")
        verbose_name_plural = _("contingency tasks")
        ordering = ["risk", "order", "id"]

    def __str__(self) -> str:
        return self.title


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class IssueStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("issue status", "Open")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", pgettext_lazy("issue status", "Closed")


class Issue(TimeStampedModel):
    """A problem met during execution and how it was solved, with its response clock."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="issues")
    problem = models.TextField(_("problem"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField(_("reported at"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    response_deadline = models.DateTimeField(_("response deadline"))
    status = models.CharField(_("status"), max_length=20, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    solution = models.TextField(_("solution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    task = models.ForeignKey(Task, verbose_name=_("plan row"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="issues")
    risk = models.ForeignKey(Risk, verbose_name=_("risk"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="issues")

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        ordering = ["campaign", "-reported_at", "-id"]
        indexes = [models.Index(fields=["campaign", "status", "response_deadline"])]

    def __str__(self) -> str:
        return self.problem[:80]


class AdjustmentTrigger(models.TextChoices):
    METRIC_SHORTFALL = "metric_shortfall", _("Metric shortfall")
    USER_FEEDBACK = "user_feedback", _("User feedback")
    MARKET_MOVE = "market_move", _("Market move")
    RISK = "risk", _("Risk")
    OTHER = "other", _("Other")


class StrategyAdjustment(TimeStampedModel):
    """A change of course: why, what changed, what we expect, and later what it did."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="adjustments")
    date = models.DateField(_("date"))
    trigger = models.CharField(_("trigger"), max_length=20, choices=AdjustmentTrigger.choices,
                               default=AdjustmentTrigger.OTHER)
    what_changed = models.TextField(_("what changed"))
    expected_effect = models.TextField(_("expected effect"), blank=True)
    kpi_target = models.ForeignKey(KpiTarget, verbose_name=_("KPI"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="adjustments")
    channel = models.ForeignKey(Channel, verbose_name=_("channel"), null=True, blank=True, on_delete=models.SET_NULL)
    measured_effect = models.TextField(_("measured effect"), blank=True)
    # Filled in from the metrics: the linked KPI's metric (on the adjustment's channel, else the KPI's) over
    # the N days before the date against the N days from the date on (daily average for counts, the rate of
    # the window's sums for rates).
    effect_days = models.PositiveSmallIntegerField(_("days compared before and after"), default=7,
                                                   validators=[MinValueValidator(1), MaxValueValidator(90)])
    effect_before = models.DecimalField(_("value before"), max_digits=20, decimal_places=4, null=True, blank=True)
    effect_after = models.DecimalField(_("value after"), max_digits=20, decimal_places=4, null=True, blank=True)
    effect_measured_at = models.DateTimeField(_("measured at"), null=True, blank=True)
    risk = models.ForeignKey(Risk, verbose_name=_("risk"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="adjustments")
    issue = models.ForeignKey(Issue, verbose_name=_("issue"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="adjustments")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("strategy adjustment")
        verbose_name_plural = _("strategy adjustments")
        ordering = ["campaign", "-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date}: {self.what_changed[:60]}"
