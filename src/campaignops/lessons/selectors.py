"""Reads for the lessons library, "similar lessons" and the lessons beside plan rows. Every list goes
through `access.policy.visible` (members of the lesson's campaign, or everyone once shared)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from campaignops.access.policy import visible
from campaignops.campaigns.models import Campaign, CampaignKind
from campaignops.planning.models import PhaseKind

from . import search
from .domain.similarity import SIMILAR_AT, most_similar
from .models import Lesson, LessonKind, LessonSuggestion, SuggestionState

SIMILAR_POOL = 200


@dataclass
class LessonFilters:
    q: str = ""
    kind: str = ""
    channel: str = ""       # channel code
    phase: str = ""         # phase kind
    campaign_kind: str = ""
    tag: str = ""
    campaign: str = ""      # campaign id

    @classmethod
    def from_query(cls, params) -> LessonFilters:
        def value(key: str, size: int) -> str:     # NUL never reaches a query (PostgreSQL refuses it)
            return (params.get(key) or "").replace("\x00", "").strip()[:size]

        return cls(q=value("q", 200), **{k: value(k, 40) for k in ("kind", "channel", "phase", "campaign_kind", "tag",
                                                                       "campaign")})

    @property
    def active(self) -> bool:
        return any((self.q, self.kind, self.channel, self.phase, self.campaign_kind, self.tag, self.campaign))

    def apply(self, qs: QuerySet[Lesson]) -> QuerySet[Lesson]:
        if self.kind in LessonKind.values:
            qs = qs.filter(kind=self.kind)
        if self.channel:
            qs = qs.filter(channel__code=self.channel)
        if self.phase in PhaseKind.values:
            qs = qs.filter(phase_kind=self.phase)
        if self.campaign_kind in CampaignKind.values:
            qs = qs.filter(campaign_kind=self.campaign_kind)
        if self.tag:
            qs = qs.filter(tags__contains="," + self.tag.lower().replace(",", " ") + ",")
        if self.campaign.isdigit() and len(self.campaign) < 19:
            qs = qs.filter(campaign_id=int(self.campaign))
        if self.q:
            qs = search.matching(qs, self.q)
        return qs


LIST_FIELDS = ("campaign__name", "channel__code", "channel__name_en", "channel__name_zh", "channel__online")


def lesson_qs() -> QuerySet[Lesson]:
    """Lessons with their campaign's name and their channel joined; the indexed tokens and the
    campaign's other columns stay in the database (sorting a search's hits carries whole rows)."""
    return Lesson.objects.select_related("campaign", "channel").defer("search_tokens").only(
        *[f.name for f in Lesson._meta.concrete_fields if f.name != "search_tokens"], *LIST_FIELDS)


def lesson_list(*, user, filters: LessonFilters | None = None) -> QuerySet[Lesson]:
    """The lessons `user` may see, filtered, newest first."""
    qs = visible(user, lesson_qs())
    return (filters or LessonFilters()).apply(qs).order_by("-id")     # newest first; ids only grow


def similar_lessons(*, user, lesson: Lesson, limit: int = 5) -> list[tuple[Lesson, float]]:
    """Visible lessons whose text is close to `lesson`'s (rapidfuzz on jieba words), best first.
    Candidates come from the index (a shared word; on PostgreSQL also pg_trgm), at most SIMILAR_POOL."""
    pool = search.similar_candidates(visible(user, Lesson.objects.exclude(pk=lesson.pk)), lesson.text)
    candidates = list(pool.order_by("-id").values_list("id", "text")[:SIMILAR_POOL])
    found = most_similar(lesson.text, candidates, limit=limit, at_least=SIMILAR_AT)
    rows = lesson_qs().in_bulk([m.key for m in found])
    return [(rows[m.key], m.score) for m in found if m.key in rows]


def tag_counts(qs: QuerySet[Lesson], limit: int = 30) -> list[tuple[str, int]]:
    """The most used tags among `qs` (one query over the tag strings)."""
    counts: dict[str, int] = {}
    for tags in qs.order_by().values_list("tags", flat=True)[:5000]:
        for tag in tags.split(","):
            if tag:
                counts[tag] = counts.get(tag, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


# ---- lessons beside plan rows ---------------------------------------------------------------

def plan_hints(*, user, campaign: Campaign) -> QuerySet[LessonSuggestion]:
    """Open suggestions on `campaign`'s rows whose lesson `user` may see, best first per row
    (one query, lessons and their source campaign joined)."""
    lessons = visible(user, Lesson.objects.all()).values("pk")
    return (LessonSuggestion.objects.filter(campaign=campaign, state=SuggestionState.OPEN, lesson__in=lessons)
            .select_related("lesson__campaign", "lesson__channel", "task")
            .order_by("task__phase__order", "task__order", "task_id", "-score", "id"))


def suggestions_of(*, campaign: Campaign) -> QuerySet[LessonSuggestion]:
    return LessonSuggestion.objects.filter(campaign=campaign).select_related("lesson", "task")

