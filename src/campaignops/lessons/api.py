"""Lessons library endpoints (CRUD, full-text search, similar lessons) and the lessons suggested
beside a campaign's plan rows (list, turn into a task / risk / note, dismiss, look again).

A lesson is readable by the members of its campaign and, once shared, by everyone signed in
(access.policy.visible / get_for); writes need edit rights on its campaign.
"""

from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.pagination import paginate

from campaignops.access.policy import Action, get_for
from campaignops.campaigns.api import channels_by_code, no_nulls
from campaignops.campaigns.models import Campaign
from campaignops.core.schemas import ERRORS, WRITE_ERRORS, Id, Pages

from . import selectors, services
from .models import Lesson, LessonSuggestion
from .schemas import (
    ApplyIn,
    ApplyOut,
    DismissIn,
    LessonFilters,
    LessonIn,
    LessonOut,
    LessonPatch,
    SimilarOut,
    SuggestionOut,
)

router = Router(tags=["lessons"])
LESSON_TEXT = ("evidence", "phase_kind", "campaign_kind")
LESSON_REQUIRED = ("kind", "text", "shared")


def _refs(data: dict) -> dict:
    if "channel" in data:
        data["channel"] = channels_by_code([data["channel"]], field="channel")[0] if data["channel"] else None
    if data.get("tags") is None and "tags" in data:
        data["tags"] = ()
    return data


def _out(pk: int) -> Lesson:
    return selectors.lesson_qs().get(pk=pk)


@router.get("/lessons", response={200: list[LessonOut], **ERRORS},
            summary="Lessons you may see (your campaigns' and the shared ones), searched and filtered")
@paginate(Pages, max_limit=200)
def lesson_list(request, filters: Query[LessonFilters]):
    f = selectors.LessonFilters(**{k: "" if v is None else str(v) for k, v in filters.model_dump().items()})
    return selectors.lesson_list(user=request.user, filters=f)


@router.post("/lessons", response={201: LessonOut, **ERRORS}, summary="Write a lesson on a campaign")
def lesson_create(request, payload: LessonIn):
    data = _refs(payload.model_dump(exclude_none=True))
    campaign = get_for(request.user, Action.EDIT, Campaign, data.pop("campaign"))
    lesson = services.lesson_create(campaign=campaign, actor=request.user, **data)
    return Status(201, _out(lesson.pk))


@router.get("/lessons/{int:lesson_id}", response={200: LessonOut, **ERRORS}, summary="A lesson")
def lesson_read(request, lesson_id: Id):
    return get_for(request.user, Action.VIEW, selectors.lesson_qs(), lesson_id)


@router.patch("/lessons/{int:lesson_id}", response={200: LessonOut, **WRITE_ERRORS},
              summary="Change a lesson (send the version you read)")
def lesson_update(request, lesson_id: Id, payload: LessonPatch):
    lesson = get_for(request.user, Action.EDIT, Lesson.objects.all(), lesson_id)
    data = no_nulls(payload.model_dump(exclude_unset=True), required=LESSON_REQUIRED, text=LESSON_TEXT)
    version = data.pop("version")
    services.lesson_update(lesson=lesson, actor=request.user, version=version, **_refs(data))
    return _out(lesson.pk)


@router.delete("/lessons/{int:lesson_id}", response={204: None, **ERRORS}, summary="Delete a lesson")
def lesson_delete(request, lesson_id: Id):
    lesson = get_for(request.user, Action.EDIT, Lesson.objects.all(), lesson_id)
    services.lesson_delete(lesson=lesson, actor=request.user)
    return Status(204, None)


@router.get("/lessons/{int:lesson_id}/similar", response={200: list[SimilarOut], **ERRORS},
            summary="Lessons you may see whose text is close to this one, best first")
def lesson_similar(request, lesson_id: Id):
    lesson = get_for(request.user, Action.VIEW, Lesson.objects.all(), lesson_id)
    return [{"score": round(score, 1), "lesson": other}
            for other, score in selectors.similar_lessons(user=request.user, lesson=lesson)]


# ---- lessons beside plan rows ---------------------------------------------------------------

def _suggestion(request, campaign_id: int, suggestion_id: int, action: Action) -> LessonSuggestion:
    """An open suggestion of the campaign whose lesson the caller may see (else 404)."""
    campaign = get_for(request.user, action, Campaign, campaign_id)
    qs = selectors.plan_hints(user=request.user, campaign=campaign)
    return get_object_or_404(qs.select_related("task__phase", "task__campaign", "task__channel"), pk=suggestion_id)


@router.get("/campaigns/{int:campaign_id}/lesson-suggestions", response={200: list[SuggestionOut], **ERRORS},
            summary="Lessons suggested beside the plan's rows (open ones you may see)")
def suggestion_list(request, campaign_id: Id):
    campaign = get_for(request.user, Action.VIEW, Campaign, campaign_id)
    return list(selectors.plan_hints(user=request.user, campaign=campaign))


@router.post("/campaigns/{int:campaign_id}/lesson-suggestions/refresh",
             response={201: list[SuggestionOut], **ERRORS},
             summary="Look for lessons for every row of the plan again")
def suggestion_refresh(request, campaign_id: Id):
    campaign = get_for(request.user, Action.EDIT, Campaign, campaign_id)
    made = services.suggestions_refresh(campaign=campaign, actor=request.user)
    return Status(201, list(selectors.plan_hints(user=request.user, campaign=campaign)
                            .filter(pk__in=[s.pk for s in made])))


@router.post("/campaigns/{int:campaign_id}/lesson-suggestions/{int:suggestion_id}/apply",
             response={201: ApplyOut, **WRITE_ERRORS},
             summary="Turn a suggested lesson into a task, a risk or a note on its row, in one step")
def suggestion_apply(request, campaign_id: Id, suggestion_id: Id, payload: ApplyIn):
    suggestion = _suggestion(request, campaign_id, suggestion_id, Action.EDIT)
    with transaction.atomic():
        made = services.suggestion_apply(suggestion=suggestion, as_=payload.as_, actor=request.user,
                                         version=payload.version)
    suggestion = selectors.suggestions_of(campaign=suggestion.campaign).select_related(
        "lesson__campaign", "lesson__channel").get(pk=suggestion.pk)
    return Status(201, {"suggestion": suggestion, "kind": payload.as_, "created_id": made.pk})


@router.post("/campaigns/{int:campaign_id}/lesson-suggestions/{int:suggestion_id}/dismiss",
             response={200: SuggestionOut, **WRITE_ERRORS}, summary="Hide a suggested lesson from this row")
def suggestion_dismiss(request, campaign_id: Id, suggestion_id: Id, payload: DismissIn):
    suggestion = _suggestion(request, campaign_id, suggestion_id, Action.EDIT)
    services.suggestion_dismiss(suggestion=suggestion, actor=request.user, version=payload.version)
    return selectors.suggestions_of(campaign=suggestion.campaign).select_related(
        "lesson__campaign", "lesson__channel").get(pk=suggestion.pk)
