"""The Lessons Learned Library (经验教训库): every lesson the user may see, searched in Chinese or
English and filtered; a lesson's page with similar lessons; writing and editing by hand."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from campaignops.access.policy import Action, can, get_for, visible
from campaignops.campaigns.models import Campaign, CampaignKind, Membership, Role
from campaignops.campaigns.selectors import channel_catalogue
from campaignops.core.errors import DomainError, StaleVersion
from campaignops.planning.models import PhaseKind

from .. import selectors, services
from ..forms import LessonForm
from ..models import Lesson, LessonKind

PAGE_SIZE = 50


def lesson_page(**actions: Action):
    """`@lesson_page(GET=Action.VIEW, POST=Action.EDIT)`: the lesson first (404 when missing or not
    visible, whatever the method), then 405 for a wrong method, then 403 when the role forbids."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, lesson_pk: int):
            lesson = get_for(request.user, Action.VIEW, selectors.lesson_qs(), lesson_pk)
            method = "GET" if request.method == "HEAD" else request.method
            if method not in actions:
                return HttpResponseNotAllowed(list(actions))
            if not can(request.user, actions[method], lesson):
                raise PermissionDenied
            return view(request, lesson)
        return wrapped
    return decorate


def _is_partial(request) -> bool:
    return bool(request.htmx) and not request.htmx.boosted and not request.htmx.history_restore_request


def _editable_campaigns(user) -> list[Campaign]:
    """Campaigns the user may write lessons on (one query)."""
    qs = visible(user, Campaign.objects.all()).order_by("-start_date", "-id")
    if user.is_superuser:
        return list(qs)
    writable = Membership.objects.filter(user=user).exclude(role=Role.VIEWER).values("campaign_id")
    return list(qs.filter(pk__in=writable))


def _options(channels) -> dict:
    return {"kind": LessonKind.choices, "phase": PhaseKind.choices, "campaign_kind": CampaignKind.choices,
            "channel": [(c.code, c.name) for c in channels]}


@login_required
@require_http_methods(["GET", "HEAD"])
def library(request):
    filters = selectors.LessonFilters.from_query(request.GET)
    qs = selectors.lesson_list(user=request.user, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {"filters": filters, "page": page, "lessons": list(page.object_list)}
    if _is_partial(request) and request.htmx.target == "lesson-results":
        return TemplateResponse(request, "lessons/library.html#results", ctx)
    channels = list(channel_catalogue())
    ctx.update(options=_options(channels), tags=selectors.tag_counts(visible(request.user, Lesson.objects.all())),
               can_write=bool(request.user.is_superuser or _editable_campaigns(request.user)))
    return TemplateResponse(request, "lessons/library.html", ctx)


def _save(request, form: LessonForm, lesson: Lesson | None):
    if not form.is_valid():
        return None
    data = form.service_fields()
    try:
        if lesson is None:
            campaign = get_for(request.user, Action.EDIT, Campaign, form.cleaned_data["campaign"])
            return services.lesson_create(campaign=campaign, actor=request.user, **data)
        return services.lesson_update(lesson=lesson, actor=request.user, version=form.cleaned_data.get("version"),
                                      **data)
    except StaleVersion as exc:
        form.add_error(None, str(exc.message))
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
    return None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def lesson_new(request):
    campaigns = _editable_campaigns(request.user)
    channels = list(channel_catalogue())
    initial = {"campaign": request.GET.get("campaign"), "kind": request.GET.get("kind") or LessonKind.KEEP}
    form = LessonForm(request.POST or None, campaigns=campaigns, channels=channels, initial=initial)
    if request.method == "POST":
        saved = _save(request, form, None)
        if saved is not None:
            messages.success(request, _("The lesson is saved in the library."))
            return HttpResponseRedirect(reverse("lessons:detail", args=[saved.pk]))
    status = 422 if request.method == "POST" else 200
    return TemplateResponse(request, "lessons/form.html", {"form": form, "lesson": None, "no_campaign": not campaigns},
                            status=status)


@lesson_page(GET=Action.VIEW)
def lesson_detail(request, lesson: Lesson):
    return TemplateResponse(request, "lessons/detail.html", {
        "lesson": lesson, "editable": can(request.user, Action.EDIT, lesson.campaign),
        "similar": selectors.similar_lessons(user=request.user, lesson=lesson),
    })


@lesson_page(GET=Action.EDIT, POST=Action.EDIT)
def lesson_edit(request, lesson: Lesson):
    channels = list(channel_catalogue())
    initial = {"kind": lesson.kind, "text": lesson.text, "evidence": lesson.evidence,
               "evidence_value": lesson.evidence_value, "channel": lesson.channel_id, "phase_kind": lesson.phase_kind,
               "campaign_kind": lesson.campaign_kind, "tags": ", ".join(lesson.tag_list), "shared": lesson.shared,
               "version": lesson.version}
    form = LessonForm(request.POST or None, campaigns=[], channels=channels, editing=True, initial=initial)
    if request.method == "POST":
        saved = _save(request, form, lesson)
        if saved is not None:
            messages.success(request, _("The lesson is saved."))
            return HttpResponseRedirect(reverse("lessons:detail", args=[saved.pk]))
    status = 409 if form.non_field_errors() else (422 if request.method == "POST" else 200)
    return TemplateResponse(request, "lessons/form.html", {"form": form, "lesson": lesson}, status=status)


@lesson_page(POST=Action.EDIT)
def lesson_delete(request, lesson: Lesson):
    services.lesson_delete(lesson=lesson, actor=request.user)
    messages.success(request, _("The lesson is deleted."))
    return HttpResponseRedirect(reverse("lessons:library"))
