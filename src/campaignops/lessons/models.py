"""The Lessons Learned Library (经验教训库): what a campaign taught, searchable in Chinese and
English, and the lessons suggested beside the rows of a new plan."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaignops.campaigns.models import Campaign, CampaignKind, Channel
from campaignops.core.models import TimeStampedModel
from campaignops.planning.models import PhaseKind, Task


class LessonKind(models.TextChoices):
    KEEP = "keep", _("Keep doing")
    IMPROVE = "improve", _("Improve")


class Lesson(TimeStampedModel):
    """One lesson learned. It belongs to the campaign it came from (its members see it) and is
    visible to everyone once marked shared. `search_tokens` is the indexed form of the text
    (kept by the services; the full-text index is built from it)."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="lessons")
    kind = models.CharField(_("keep doing or improve"), max_length=10, choices=LessonKind.choices, default=LessonKind.KEEP)
    text = models.TextField(_("lesson"))
    evidence = models.CharField(_("evidence"), max_length=300, blank=True,
                                help_text=_("The figure that shows it, e.g. “cost per lead ¥18 vs ¥42”."))
    evidence_value = models.DecimalField(_("evidence figure"), max_digits=18, decimal_places=4, null=True,
                                         blank=True)
    channel = models.ForeignKey(Channel, verbose_name=_("channel"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    phase_kind = models.CharField(_("phase"), max_length=20, choices=PhaseKind.choices, blank=True)
    campaign_kind = models.CharField(_("campaign type"), max_length=30, choices=CampaignKind.choices, blank=True)
    tags = models.CharField(_("tags"), max_length=300, blank=True,
                            help_text=_("Stored as “,tag,tag,” so one tag is found exactly."))
    shared = models.BooleanField(_("shared with everyone"), default=False)
    source_report_id = models.BigIntegerField(_("from report"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    search_tokens = models.TextField(_("search tokens"), blank=True, editable=False)

    # access.policy: everyone signed in may read a lesson once it is shared; writes need a role on
    # its campaign like any other row.
    ACCESS_SHARED_FIELD = "shared"

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["channel", "phase_kind"]), models.Index(fields=["shared"]),
                   models.Index(fields=["campaign_kind"])]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="lesson_text_not_empty")]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]


class SuggestionState(models.TextChoices):
    OPEN = "open", _("Suggested")
    TASK = "task", _("Turned into a task")
    RISK = "risk", _("Turned into a risk")
    NOTE = "note", _("Turned into a note")
    DISMISSED = "dismissed", _("Dismissed")


class LessonSuggestion(TimeStampedModel):
    """A lesson shown beside a plan row it concerns (same channel, phase, campaign type or similar
    text), and what the team did with it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="lesson_suggestions")
    task = models.ForeignKey(Task, verbose_name=_("plan row"), on_delete=models.CASCADE,
                             related_name="lesson_suggestions")
    lesson = models.ForeignKey(Lesson, verbose_name=_("lesson"), on_delete=models.CASCADE,
                               related_name="suggestions")
    score = models.PositiveSmallIntegerField(_("match score"), default=0)
    reasons = models.CharField(_("why"), max_length=60, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=SuggestionState.choices,
                             default=SuggestionState.OPEN)
    result_id = models.BigIntegerField(_("created item"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson suggestion")
        verbose_name_plural = _("lesson suggestions")
        ordering = ["task", "-score", "id"]
        constraints = [models.UniqueConstraint(fields=["task", "lesson"], name="one_suggestion_per_row_lesson")]

    def __str__(self) -> str:
        return f"{self.lesson_id} → {self.task_id}"
