"""The Reports tab: the effect summary and the retrospective of a campaign — generated from the
data, the narrative edited in place (409 on a stale version), published as frozen versions, and
downloaded as a printable page, PDF, Word and Excel. Access first (404 for non-members), then the
method (405), then the role (403): `campaign_page`."""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from campaignops.access.policy import Action, can
from campaignops.accounts.models import display_name
from campaignops.campaigns.models import Membership
from campaignops.campaigns.views import campaign_page
from campaignops.core.errors import DomainError, StaleVersion

from . import facts, selectors, services
from .forms import ActionItemForm, LessonForm, NarrativeForm
from .models import NARRATIVE_KEYS, ReportKind, ReportVersion
from .presenters import TITLES, department_name, document_of
from .renderers import charts, documents

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _kind(kind: str) -> str:
    if kind not in ReportKind.values:
        raise Http404
    return kind


def _members(campaign):
    rows = list(Membership.objects.filter(campaign=campaign).select_related("user__profile").order_by("id"))
    for m in rows:
        m.user.display = display_name(m.user)
        m.user.department_label = department_name(m.department) if m.department else ""
    return [m.user for m in rows]


def _lines(text: str) -> list[str]:
    return [line.strip(" •-\t") for line in (text or "").splitlines() if line.strip(" •-\t")]


def _context(request, campaign, kind: str, report, *, form=None, action_form=None) -> dict:
    members = _members(campaign)
    ctx = {"campaign": campaign, "active": "reports", "kind": kind, "kinds": ReportKind.choices,
           "title": TITLES[kind], "report": report, "editable": can(request.user, Action.EDIT, campaign),
           "can_manage": can(request.user, Action.MANAGE, campaign), "members": members,
           "lessons_available": services.lessons_available()}
    if report is None:
        return ctx
    snapshot = facts.collect(campaign)
    meeting = services.meeting_of(report)
    doc = document_of(kind, snapshot, report.narrative, meeting=meeting)
    if form is None:
        initial = {"version": report.version, **report.narrative}
        if kind == ReportKind.RETROSPECTIVE:
            initial.update(meeting_date=report.meeting_date, attendees=[u.pk for u in report.attendees.all()])
        form = NarrativeForm(initial=initial, kind=kind, members=members)
    # Charts load as images of their own (drawn once per data, then cached): the page does not wait.
    parts = [(s, [(c, reverse("reports:chart", args=[campaign.pk, kind, c.key])) for c in s.charts])
             for s in doc.sections]
    ctx.update(doc=doc, parts=parts, form=form, meeting=meeting,
               action_form=action_form or ActionItemForm(members=members),
               versions=list(report.versions.all()),
               lesson_lines={"went_well": ("keep", _lines(report.narrative.get("went_well", ""))),
                             "to_improve": ("improve", _lines(report.narrative.get("to_improve", "")))},
               attendee_ids=_attendee_ids(form, report), **_form_values(form, kind))
    return ctx


def _form_values(form, kind: str) -> dict:
    """The narrative text areas' and the meeting date's values: as typed (bound) or as stored."""
    source = form.data if form.is_bound else form.initial
    values = {k: source.get(k) or "" for k in NARRATIVE_KEYS[kind]}
    date = source.get("meeting_date") or ""
    return {"form_values": values, "meeting_value": date.isoformat() if hasattr(date, "isoformat") else date}


def _attendee_ids(form, report) -> set[int]:
    if not form.is_bound:
        return {u.pk for u in report.attendees.all()}
    return {int(v) for v in form.data.getlist("attendees") if str(v).isdigit()}


def _page(request, ctx, status: int = 200):
    return TemplateResponse(request, "reports/report.html", ctx, status=status)


def _back(campaign, kind: str, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("reports:report", args=[campaign.pk, kind]) + anchor)


@campaign_page(GET=Action.VIEW)
def report_index(request, campaign):
    return HttpResponseRedirect(reverse("reports:report", args=[campaign.pk, ReportKind.SUMMARY]))


@campaign_page(GET=Action.VIEW)
def report_page(request, campaign, kind: str):
    kind = _kind(kind)
    return _page(request, _context(request, campaign, kind, selectors.report_of(campaign, kind)))


@campaign_page(POST=Action.EDIT)
def report_generate(request, campaign, kind: str):
    kind = _kind(kind)
    version = request.POST.get("version")
    try:
        services.report_generate(campaign=campaign, kind=kind, actor=request.user,
                                 version=int(version) if version and version.isdigit() else None)
    except StaleVersion as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The report is drafted from the campaign's data. Check the text, then publish."))
    return _back(campaign, kind)


@campaign_page(POST=Action.EDIT)
def report_edit(request, campaign, kind: str):
    kind = _kind(kind)
    report = selectors.report_of(campaign, kind)
    if report is None:
        raise Http404
    members = _members(campaign)
    form = NarrativeForm(request.POST, kind=kind, members=members)
    if not form.is_valid():
        return _page(request, _context(request, campaign, kind, report, form=form), status=422)
    extra = {}
    if kind == ReportKind.RETROSPECTIVE:
        by_id = {u.pk: u for u in members}
        extra = {"meeting_date": form.cleaned_data["meeting_date"],
                 "attendees": [by_id[pk] for pk in form.cleaned_data["attendees"] if pk in by_id]}
    try:
        services.report_update(report=report, actor=request.user, version=form.cleaned_data["version"],
                               narrative=form.narrative(), **extra)
    except StaleVersion:
        fresh = selectors.report_of(campaign, kind)
        form.add_error(None, _("Someone else changed this report in the meantime. Your text is kept below; "
                               "the version is updated, so saving again replaces theirs."))
        data = request.POST.copy()
        data["version"] = str(fresh.version)
        form.data = data
        return _page(request, {**_context(request, campaign, kind, fresh, form=form), "stale": True}, status=409)
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        return _page(request, _context(request, campaign, kind, report, form=form), status=422)
    messages.success(request, _("Saved."))
    return _back(campaign, kind)


@campaign_page(POST=Action.MANAGE)
def report_publish(request, campaign, kind: str):
    kind = _kind(kind)
    report = selectors.report_of(campaign, kind)
    if report is None:
        raise Http404
    version = request.POST.get("version", "")
    try:
        published = services.report_publish(report=report, actor=request.user,
                                            version=int(version) if version.isdigit() else None)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _back(campaign, kind)
    messages.success(request, _("Version %(number)s is published.") % {"number": published.number})
    return _back(campaign, kind, "#versions")


@campaign_page(POST=Action.EDIT)
def action_add(request, campaign, kind: str):
    kind = _kind(kind)
    report = selectors.report_of(campaign, kind)
    if report is None:
        raise Http404
    members = _members(campaign)
    form = ActionItemForm(request.POST, members=members)
    if form.is_valid():
        owner = next((u for u in members if u.pk == form.cleaned_data["owner"]), None)
        try:
            services.action_item_add(report=report, actor=request.user, title=form.cleaned_data["title"],
                                     owner=owner, due=form.cleaned_data["due"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("The action item is added to the plan."))
            return _back(campaign, kind, "#actions")
    return _page(request, _context(request, campaign, kind, report, action_form=form), status=422)


@campaign_page(POST=Action.EDIT)
def lesson_make(request, campaign, kind: str):
    kind = _kind(kind)
    report = selectors.report_of(campaign, kind)
    form = LessonForm(request.POST)
    if report is None or not form.is_valid():
        messages.error(request, _("The lesson could not be made: its text is missing."))
        return _back(campaign, kind)
    try:
        services.lesson_from_report(report=report, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Saved to the lessons library."))
    return _back(campaign, kind, "#lessons")


def _filename(campaign, kind: str, ext: str, version: ReportVersion | None = None) -> str:
    name = re.sub(r'[\\/:*?"<>|\r\n\t]+', " ", campaign.name).strip()[:60].strip() or f"campaign-{campaign.pk}"
    what = str(TITLES[kind])
    suffix = f" v{version.number}" if version else " draft"
    return f"{name} - {what}{suffix}.{ext}"


def _attachment(content: bytes, fmt: str, filename: str) -> HttpResponse:
    from django.utils.http import content_disposition_header

    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _draft_document(request, campaign, kind: str):
    report = selectors.report_of(campaign, kind)
    if report is None:
        raise Http404
    return document_of(kind, facts.collect(campaign), report.narrative, meeting=services.meeting_of(report))


@campaign_page(GET=Action.VIEW)
def report_print(request, campaign, kind: str):
    """The printable page of the draft (what the PDF shows)."""
    doc = _draft_document(request, campaign, _kind(kind))
    return HttpResponse(documents.print_html(doc))


@campaign_page(GET=Action.VIEW)
def report_chart(request, campaign, kind: str, chart: str):
    """One chart of the draft as a PNG (the same image the PDF and Word files embed)."""
    doc = _draft_document(request, campaign, _kind(kind))
    found = next((c for s in doc.sections for c in s.charts if c.key == chart), None)
    if found is None:
        raise Http404
    response = HttpResponse(charts.png(found), content_type="image/png")
    response["Cache-Control"] = "private, no-cache"
    return response


@campaign_page(GET=Action.VIEW)
def report_download(request, campaign, kind: str, fmt: str):
    """The draft as a document (rendered now from the live data)."""
    kind = _kind(kind)
    if fmt not in CONTENT_TYPES:
        raise Http404
    doc = _draft_document(request, campaign, kind)
    content = {"pdf": documents.pdf, "docx": documents.docx, "xlsx": documents.xlsx}[fmt](doc)
    return _attachment(content, fmt, _filename(campaign, kind, fmt))


@campaign_page(GET=Action.VIEW)
def version_download(request, campaign, version_pk: int, fmt: str):
    """A published version's document (frozen: stored, or rendered once from its snapshot)."""
    if fmt not in CONTENT_TYPES and fmt != "html":
        raise Http404
    version = get_object_or_404(selectors.version_qs().filter(campaign=campaign), pk=version_pk)
    if fmt == "html":
        doc = document_of(version.report.kind, version.snapshot, version.snapshot.get("narrative", {}),
                          meeting=version.snapshot.get("meeting") or {}, version=version)
        return HttpResponse(documents.print_html(doc))
    content = services.document_get(version=version, fmt=fmt)
    return _attachment(content, fmt, _filename(campaign, version.report.kind, fmt, version))

