"""Writes for lessons and lesson suggestions. Atomic, validated, audited, versioned; every write
keeps the full-text index in step (search.py)."""

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from campaignops.campaigns.models import Campaign, Channel
from campaignops.campaigns.services import _validate
from campaignops.core import audit
from campaignops.core.errors import DomainError, ValidationFailed
from campaignops.core.versioning import save_versioned
from campaignops.planning.models import Task
from campaignops.planning.services import task_create, task_update
from campaignops.risks.domain.parse import guess_category
from campaignops.risks.services import risk_create

from . import search
from .domain.matching import LessonFacts, Row, suggest
from .models import Lesson, LessonKind, LessonSuggestion, SuggestionState

LESSON_FIELDS = ["kind", "text", "evidence", "evidence_value", "channel", "phase_kind", "campaign_kind", "tags",
                 "shared"]
MAX_TAGS = 12


def _no_nul(**texts) -> None:
    """A NUL character is refused with the field named (PostgreSQL cannot store it)."""
    for field, value in texts.items():
        if isinstance(value, str) and "\x00" in value:
            raise ValidationFailed(_("Null characters are not allowed."), field=field)


def tags_string(tags: Iterable[str] | str) -> str:
    """Tags as stored: ",a,b," (trimmed, commas removed, English lower-cased, no repeats, kept order)."""
    if isinstance(tags, str):
        tags = tags.replace("，", ",").split(",")
    clean: list[str] = []
    for tag in tags:
        t = " ".join(str(tag).replace(",", " ").split()).lower()[:40]
        if t and t not in clean:
            clean.append(t)
    if len(clean) > MAX_TAGS:
        raise DomainError(_("A lesson has at most %(n)s tags.") % {"n": MAX_TAGS}, field="tags")
    return "," + ",".join(clean) + "," if clean else ""


def channel_named_in(text: str) -> Channel | None:
    """The channel a text names first ("小红书素人笔记…" → Xiaohongshu), if any: lessons drafted from a
    retrospective then sit beside that channel's rows in the next plan."""
    low = text.lower()
    hits = [(low.find(name), c) for c in Channel.objects.all() for name in _names(c) if name in low]
    return min(hits, key=lambda hit: (hit[0], hit[1].sort))[1] if hits else None


@transaction.atomic
def lesson_create(*, campaign: Campaign, kind: str, text: str, evidence: str = "",
                  evidence_value: Decimal | None = None, channel: Channel | None = None, phase_kind: str = "",
                  campaign_kind: str | None = None, tags: Iterable[str] | str = (), shared: bool = False,
                  source_report=None, actor) -> Lesson:
    """A lesson learned on `campaign` (`campaign_kind` defaults to the campaign's type).

    `source_report` (a report object or its id) marks lessons made from a retrospective: the same
    text from the same report is made once, so a second click returns the first lesson."""
    _no_nul(text=text, evidence=evidence, tags=tags if isinstance(tags, str) else "".join(map(str, tags)))
    source_id = getattr(source_report, "pk", source_report)
    text = (text or "").strip()
    if source_id is not None:
        existing = Lesson.objects.filter(campaign=campaign, source_report_id=source_id, text=text).first()
        if existing is not None:
            return existing
        if channel is None:
            channel = channel_named_in(text)
    lesson = Lesson(
        campaign=campaign, kind=kind or LessonKind.KEEP, text=text, evidence=(evidence or "").strip(),
        evidence_value=evidence_value, channel=channel, phase_kind=phase_kind or "",
        campaign_kind=campaign.kind if campaign_kind is None else campaign_kind, tags=tags_string(tags),
        shared=bool(shared), source_report_id=source_id,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _validate(lesson)
    lesson.search_tokens = search.tokens_for(lesson)
    lesson.save()
    search.index(lesson)
    audit.record(actor=actor, action="lesson.create", obj=lesson, summary=text[:200])
    return lesson


@transaction.atomic
def lesson_update(*, lesson: Lesson, actor, version: int | None, **changes) -> Lesson:
    unknown = set(changes) - set(LESSON_FIELDS)
    if unknown:
        raise DomainError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    _no_nul(**{f: v if isinstance(v, str) else "".join(map(str, v or ())) for f, v in changes.items()
               if f in ("text", "evidence", "tags")})
    if "tags" in changes:
        changes["tags"] = tags_string(changes["tags"])
    if "text" in changes:
        changes["text"] = (changes["text"] or "").strip()
    diff = {f: (getattr(lesson, f), v) for f, v in changes.items() if getattr(lesson, f) != v}
    for field, value in changes.items():
        setattr(lesson, field, value)
    _validate(lesson)
    lesson.search_tokens = search.tokens_for(lesson)
    save_versioned(lesson, expected_version=version, fields=[*changes, "search_tokens"])
    search.index(lesson)
    audit.record(actor=actor, action="lesson.update", obj=lesson, changes=diff)
    return lesson


@transaction.atomic
def lesson_delete(*, lesson: Lesson, actor) -> None:
    audit.record(actor=actor, action="lesson.delete", obj=lesson, summary=lesson.text[:200])
    pk = lesson.pk
    lesson.delete()
    search.unindex(pk)


# ---- lessons while planning -----------------------------------------------------------------

CANDIDATES_MAX = 400


def _row_text(task: Task) -> str:
    return " ".join(x for x in (task.title, task.completion_standard, task.resource_needs, task.risk_plan,
                                task.deliverable) if x)


def _candidates(campaign: Campaign, tasks: list[Task]) -> list[Lesson]:
    """Lessons of other campaigns that may concern the rows: same channel or phase kind, or sharing
    words with a row (full-text, any word). Bounded, newest first."""
    texts = " ".join(_row_text(t) for t in tasks).lower()
    channels = {t.channel_id for t in tasks if t.channel_id} | {
        c.pk for c in Channel.objects.all() if any(n and n in texts for n in _names(c))}
    kinds = {t.phase.kind for t in tasks}
    structural = Q(channel_id__in=channels) | Q(channel__isnull=True, phase_kind__in=kinds)
    base = Lesson.objects.exclude(campaign=campaign)
    ids = set(base.filter(structural).order_by("-id").values_list("id", flat=True)[:CANDIDATES_MAX])
    for task in tasks:
        ids.update(search.matching_any(base, task.title).order_by("-id").values_list("id", flat=True)[:20])
    return list(Lesson.objects.filter(pk__in=ids).select_related("channel")
                .only("id", "channel", "phase_kind", "campaign_kind", "text"))


def _names(channel: Channel | None) -> tuple[str, ...]:
    """A channel's names as a row's text would say them (lower case; 2+ characters)."""
    if channel is None:
        return ()
    return tuple(n for n in {channel.name_zh.lower(), channel.name_en.lower()} if len(n) >= 2)


def _facts(lesson: Lesson) -> LessonFacts:
    return LessonFacts(lesson.pk, lesson.channel_id, lesson.phase_kind, lesson.campaign_kind, lesson.text,
                       _names(lesson.channel))


@transaction.atomic
def suggestions_for_rows(*, campaign: Campaign, tasks: list[Task], actor) -> list[LessonSuggestion]:
    """Attach the lessons that concern each of `tasks` (rows just added from a template or an
    import). Idempotent: a row keeps the suggestions it already has."""
    if not tasks:
        return []
    tasks = list(Task.objects.filter(pk__in=[t.pk for t in tasks]).select_related("phase"))
    lessons = _candidates(campaign, tasks)
    if not lessons:
        return []
    found = suggest(
        [Row(t.pk, t.channel_id, t.phase.kind, _row_text(t)) for t in tasks],
        [_facts(le) for le in lessons],
        campaign_kind=campaign.kind,
    )
    have = set(LessonSuggestion.objects.filter(task__in=tasks).values_list("task_id", "lesson_id"))
    made = LessonSuggestion.objects.bulk_create([
        LessonSuggestion(campaign=campaign, task_id=s.row, lesson_id=s.lesson, score=s.score,
                         reasons=",".join(s.reasons))
        for s in found if (s.row, s.lesson) not in have
    ])
    if made:
        audit.record(actor=actor, action="lesson_suggestion.create", obj=campaign, campaign_id=campaign.pk,
                     summary=_("%(n)s lessons suggested beside the plan rows") % {"n": len(made)})
    return made


@transaction.atomic
def suggestions_refresh(*, campaign: Campaign, actor) -> list[LessonSuggestion]:
    """Look for lessons for every row of the plan again (new lessons may have been written since)."""
    return suggestions_for_rows(campaign=campaign, tasks=list(campaign.tasks.all()), actor=actor)


APPLY_AS = ("task", "risk", "note")


def _lesson_line(lesson: Lesson) -> str:
    if lesson.evidence:
        return _("Lesson: %(text)s (%(evidence)s)") % {"text": lesson.text, "evidence": lesson.evidence}
    return _("Lesson: %(text)s") % {"text": lesson.text}


@transaction.atomic
def suggestion_apply(*, suggestion: LessonSuggestion, as_: str, actor, version: int | None) -> object:
    """Turn a suggested lesson into a task (in the row's phase, at its end), a risk (of the row's phase)
    or a note on the row, in one step. Returns what was created or changed."""
    if as_ not in APPLY_AS:
        raise DomainError(_("Choose task, risk or note."), field="as")
    if suggestion.state != SuggestionState.OPEN:
        raise DomainError(_("This lesson has already been used or dismissed."))
    lesson, row = suggestion.lesson, suggestion.task
    campaign = row.campaign
    if as_ == "task":
        created = task_create(campaign=campaign, actor=actor, phase=row.phase, title=lesson.text[:300],
                              start_date=row.start_date, end_date=row.end_date, channel=row.channel,
                              notes=_lesson_line(lesson))
        suggestion.state = SuggestionState.TASK
    elif as_ == "risk":
        created = risk_create(campaign=campaign, actor=actor, description=lesson.text,
                              category=guess_category(lesson.text), phase=row.phase,
                              trigger=lesson.evidence)
        suggestion.state = SuggestionState.RISK
    else:
        notes = (row.notes + "\n" if row.notes else "") + _lesson_line(lesson)
        created = task_update(task=row, actor=actor, version=None, notes=notes)
        suggestion.state = SuggestionState.NOTE
    suggestion.result_id = created.pk
    save_versioned(suggestion, expected_version=version, fields=["state", "result_id"])
    audit.record(actor=actor, action=f"lesson_suggestion.{as_}", obj=suggestion, summary=lesson.text[:200])
    return created


@transaction.atomic
def suggestion_dismiss(*, suggestion: LessonSuggestion, actor, version: int | None) -> LessonSuggestion:
    if suggestion.state != SuggestionState.OPEN:
        raise DomainError(_("This lesson has already been used or dismissed."))
    suggestion.state = SuggestionState.DISMISSED
    save_versioned(suggestion, expected_version=version, fields=["state"])
    audit.record(actor=actor, action="lesson_suggestion.dismiss", obj=suggestion)
    return suggestion


# ---- save as template with the lessons applied ----------------------------------------------

@transaction.atomic
def lessons_apply_to_template(*, campaign: Campaign, template, actor) -> int:
    """A campaign saved as a template carries what it taught: each of its lessons, and each lesson
    it turned into a risk, is written into the notes of the template row it concerns most (by
    channel, phase kind or similar text); lessons no row concerns go to the template's
    description. Rows turned into tasks or notes are already in the plan. Returns how many were
    written."""
    from campaignops.planning.models import TemplateTask

    lessons = list(campaign.lessons.select_related("channel"))
    lessons += [s.lesson for s in LessonSuggestion.objects.filter(campaign=campaign, state=SuggestionState.RISK)
                .select_related("lesson__channel")]
    if not lessons:
        return 0
    rows = list(TemplateTask.objects.filter(phase__template=template).select_related("phase"))
    found = suggest(
        [Row(r.pk, r.channel_id, r.phase.kind, " ".join((r.title, r.completion_standard, r.resource_needs))) for r in rows],
        [_facts(le) for le in lessons],
        campaign_kind=campaign.kind, per_row=len(lessons),
    )
    best: dict[int, tuple[int, int]] = {}
    for s in found:
        if s.lesson not in best or s.score > best[s.lesson][1]:
            best[s.lesson] = (s.row, s.score)
    by_pk = {r.pk: r for r in rows}
    written, leftover, seen = 0, [], set()
    for lesson in lessons:
        if lesson.pk in seen:
            continue
        seen.add(lesson.pk)
        line = _lesson_line(lesson)
        row = by_pk.get(best[lesson.pk][0]) if lesson.pk in best else None
        if row is None:
            if line not in template.description:
                leftover.append(line)
            continue
        if line not in row.notes:
            row.notes = (row.notes + "\n" if row.notes else "") + line
            row.save(update_fields=["notes"])
            written += 1
    if leftover:
        template.description = "\n".join([template.description, *leftover]).strip()
        template.save(update_fields=["description"])
        written += len(leftover)
    if written:
        audit.record(actor=actor, action="lessons.apply_to_template", obj=template, campaign_id=campaign.pk,
                     summary=_("%(n)s lessons written into the template") % {"n": written})
    return written
