"""The plan: phases and tasks (one task = one row of the seed's 8-column template), plan templates
and the working-day override table."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from campaignops.campaigns.models import Campaign, CampaignKind, Channel
from campaignops.core.models import TimeStampedModel


class PhaseKind(models.TextChoices):
    PREPARATION = "preparation", _("Preparation")
    WARM_UP = "warm_up", _("Warm-up")
    BURST = "burst", _("Burst")
    CONTINUATION = "continuation", _("Continuation / wrap-up")
    REVIEW = "review", _("Review")
    CUSTOM = "custom", _("Custom")


class Phase(TimeStampedModel):
    """A stretch of the campaign (warm-up, burst, …) that groups tasks."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("kind"), max_length=20, choices=PhaseKind.choices, default=PhaseKind.CUSTOM)
    name = models.CharField(_("phase"), max_length=120)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["campaign", "order", "start_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="phase_end_after_start"),
            models.UniqueConstraint(fields=["campaign", "name"], name="phase_name_unique_in_campaign"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date must be on or after the start date.")})


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DELAYED = "delayed", _("Delayed")
    BLOCKED = "blocked", _("Blocked")
    CANCELLED = "cancelled", _("Cancelled")


class Task(TimeStampedModel):
    """One row of the plan: phase, time window, owner, core task, completion standard,
    resource needs, risk plan, notes — plus status, channel and deliverables."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    phase = models.ForeignKey(Phase, verbose_name=_("phase"), on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveIntegerField(_("order"), default=0)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="tasks",
    )
    owner_name = models.CharField(
        _("owner name"), max_length=100, blank=True,
        help_text=_("Kept as written when the owner is not a user yet."),
    )
    title = models.CharField(_("core task"), max_length=300)
    completion_standard = models.TextField(_("completion standard"), blank=True)
    resource_needs = models.TextField(_("resource needs"), blank=True)
    risk_plan = models.TextField(_("risk plan"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)
    channel = models.ForeignKey(Channel, verbose_name=_("channel"), null=True, blank=True, on_delete=models.SET_NULL)
    deliverable = models.CharField(_("deliverable"), max_length=120, blank=True,
                                   help_text=_("What is delivered, e.g. “amateur notes”."))
    deliverables_planned = models.PositiveIntegerField(_("deliverables planned"), null=True, blank=True)
    deliverables_done = models.PositiveIntegerField(_("deliverables done"), null=True, blank=True)
    percent_complete = models.PositiveSmallIntegerField(_("Complete (%)"), default=0)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["campaign", "phase__order", "order", "start_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="task_end_after_start"),
            models.CheckConstraint(condition=Q(percent_complete__lte=100), name="task_percent_max_100"),
        ]
        indexes = [models.Index(fields=["campaign", "status"]), models.Index(fields=["campaign", "owner"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date must be on or after the start date.")})

    @property
    def owner_unmatched(self) -> bool:
        """An owner named (e.g. in an imported file) who is not a user of the system yet."""
        return self.owner_id is None and bool(self.owner_name)


class WorkdayOverride(models.Model):
    """An editable exception to a country's working-day calendar (a company day off, an extra
    make-up day, or a year the holiday data does not cover yet)."""

    country = models.CharField(_("country"), max_length=2, default="CN")
    date = models.DateField(_("date"))
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("working-day override")
        verbose_name_plural = _("working-day overrides")
        ordering = ["country", "date"]
        constraints = [models.UniqueConstraint(fields=["country", "date"], name="one_override_per_day")]

    def __str__(self) -> str:
        return f"{self.country} {self.date}: {'work' if self.is_working_day else 'off'}"


class PlanTemplate(models.Model):
    """A reusable plan: rows with offsets and durations in working days from the campaign start."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    kind = models.CharField(_("campaign type"), max_length=30, choices=CampaignKind.choices,
                            default=CampaignKind.PRODUCT_LAUNCH)
    builtin = models.BooleanField(_("built-in"), default=False)
    goal_statement = models.TextField(_("goal statement"), blank=True)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    duration_workdays = models.PositiveIntegerField(_("length in working days"), default=1)
    source_campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", verbose_name=_("saved from"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan template")
        verbose_name_plural = _("plan templates")
        ordering = ["-builtin", "name"]

    def __str__(self) -> str:
        return self.name


class TemplatePhase(models.Model):
    template = models.ForeignKey(PlanTemplate, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("kind"), max_length=20, choices=PhaseKind.choices, default=PhaseKind.CUSTOM)
    name = models.CharField(_("phase"), max_length=120)
    order = models.PositiveIntegerField(_("order"), default=0)
    start_offset = models.PositiveIntegerField(_("start offset (working days)"))
    duration = models.PositiveIntegerField(_("duration (working days)"))

    class Meta:
        verbose_name = _("template phase")
        verbose_name_plural = _("template phases")
        ordering = ["template", "order"]

    def __str__(self) -> str:
        return self.name


class TemplateTask(models.Model):
    phase = models.ForeignKey(TemplatePhase, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveIntegerField(_("order"), default=0)
    start_offset = models.PositiveIntegerField(_("start offset (working days)"))
    duration = models.PositiveIntegerField(_("duration (working days)"))
    owner_name = models.CharField(_("owner"), max_length=100, blank=True)
    title = models.CharField(_("core task"), max_length=300)
    completion_standard = models.TextField(_("completion standard"), blank=True)
    resource_needs = models.TextField(_("resource needs"), blank=True)
    risk_plan = models.TextField(_("risk plan"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    channel = models.ForeignKey(Channel, null=True, blank=True, on_delete=models.SET_NULL)
    deliverable = models.CharField(_("deliverable"), max_length=120, blank=True)
    deliverables_planned = models.PositiveIntegerField(_("deliverables planned"), null=True, blank=True)

    class Meta:
        verbose_name = _("template task")
        verbose_name_plural = _("template tasks")
        ordering = ["phase", "order"]

    def __str__(self) -> str:
        return self.title


class PlanImportState(models.TextChoices):
    PENDING = "pending", _("Waiting to be applied")
    APPLIED = "applied", _("Applied")


class PlanImport(models.Model):
    """An uploaded plan file between its preview and its application. The parsed rows are kept
    (as JSON), never the raw file; applying refuses when the plan changed since the preview."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="plan_imports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    rows = models.JSONField(_("rows"), default=list, blank=True)
    columns = models.JSONField(_("columns"), default=dict, blank=True,
                               help_text=_("Field -> [header, column letter] as found in the file."))
    fingerprint = models.CharField(_("plan fingerprint at preview"), max_length=64, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=PlanImportState.choices,
                             default=PlanImportState.PENDING)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan import")
        verbose_name_plural = _("plan imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} → {self.campaign_id} ({self.state})"


# ---- execution: dependencies, baseline, daily progress, stand-ups --------------------------------

class DependencyType(models.TextChoices):
    FINISH_TO_START = "fs", _("Finish to start")
    START_TO_START = "ss", _("Start to start")


class TaskDependency(models.Model):
    """The successor may start only after the predecessor finishes (or starts), plus a lag in
    working days (negative: a lead)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="dependencies")
    predecessor = models.ForeignKey(Task, verbose_name=_("predecessor"), on_delete=models.CASCADE,
                                    related_name="successor_links")
    successor = models.ForeignKey(Task, verbose_name=_("successor"), on_delete=models.CASCADE,
                                  related_name="predecessor_links")
    type = models.CharField(_("type"), max_length=2, choices=DependencyType.choices,
                            default=DependencyType.FINISH_TO_START)
    lag = models.IntegerField(_("lag (working days)"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dependency")
        verbose_name_plural = _("dependencies")
        ordering = ["campaign", "id"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="one_dependency_per_pair"),
            models.CheckConstraint(condition=~Q(predecessor=F("successor")), name="dependency_not_on_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id} ({self.type}{self.lag:+d})"


class PlanBaseline(models.Model):
    """The plan as confirmed: each task's window at that moment, to measure variance against."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="baselines")
    taken_at = models.DateTimeField(_("taken at"), auto_now_add=True)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("taken by"))
    label = models.CharField(_("label"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("plan baseline")
        verbose_name_plural = _("plan baselines")
        ordering = ["campaign", "-taken_at", "-id"]

    def __str__(self) -> str:
        return self.label or f"{self.taken_at:%Y-%m-%d %H:%M}"


class BaselineTask(models.Model):
    baseline = models.ForeignKey(PlanBaseline, on_delete=models.CASCADE, related_name="tasks")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="baseline_entries")
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))

    class Meta:
        verbose_name = _("baseline task")
        verbose_name_plural = _("baseline tasks")
        constraints = [models.UniqueConstraint(fields=["baseline", "task"], name="one_baseline_entry_per_task")]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.start_date} ~ {self.end_date}"


class DailyUpdate(models.Model):
    """One owner's update of a task on a day (每日进度跟踪表): status, % complete, note. The job that
    marks overdue tasks delayed writes one too (author empty, automatic)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="daily_updates")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="daily_updates")
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices)
    percent_complete = models.PositiveSmallIntegerField(_("Complete (%)"), default=0)
    note = models.TextField(_("note"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("author"))
    automatic = models.BooleanField(_("automatic"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("daily update")
        verbose_name_plural = _("daily updates")
        ordering = ["campaign", "date", "id"]
        indexes = [models.Index(fields=["campaign", "date"]), models.Index(fields=["task", "date"])]
        constraints = [
            models.CheckConstraint(condition=Q(percent_complete__lte=100), name="daily_update_percent_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.task_id} {self.status} {self.percent_complete}%"


class Standup(TimeStampedModel):
    """A daily stand-up held by the lead: minutes, decisions, who was there."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="standups")
    held_on = models.DateField(_("date"))
    held_at = models.DateTimeField(_("held at"))
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("facilitator"))
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                       verbose_name=_("attendees"))
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)

    class Meta:
        verbose_name = _("stand-up")
        verbose_name_plural = _("stand-ups")
        ordering = ["campaign", "-held_at", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on}"


class StandupActionItem(models.Model):
    """An action item decided at a stand-up; it lives on as a task of the plan."""

    standup = models.ForeignKey(Standup, on_delete=models.CASCADE, related_name="action_items")
    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="standup_item")

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self) -> str:
        return f"{self.standup_id} → {self.task_id}"
