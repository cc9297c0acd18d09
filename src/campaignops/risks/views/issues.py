"""The Issue and Solution Log (问题与解决方案记录): the list with its filters and response clocks,
add, edit in place (version-checked), resolve with a solution, delete, and the .xlsx export."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from campaignops.access.policy import Action
from campaignops.campaigns.selectors import members_of
from campaignops.core.errors import DomainError, StaleVersion
from campaignops.planning.models import Task

from .. import selectors, services
from ..exports import export_filename, issues_xlsx
from ..forms import IssueForm, ResolveForm, Team
from ..models import Issue, IssueStatus, Risk, Severity
from ..presenters import label_issues
from .common import base_context, campaign_view, form_error, is_partial

PAGE = "risks/issues.html"


def _team(campaign, *, links: bool = False) -> Team:
    team = Team(members=[m.user for m in members_of(campaign)], phases=[])
    if links:
        team.tasks = [(pk, f"{phase} · {title}") for pk, phase, title in Task.objects.filter(campaign=campaign)
                      .order_by("phase__order", "order", "id").values_list("pk", "phase__name", "title")]
        team.risks = [(pk, text[:80]) for pk, text in Risk.objects.filter(campaign=campaign)
                      .order_by("-id").values_list("pk", "description")]
    return team


def _issue(campaign, issue_pk: int) -> Issue:
    return get_object_or_404(selectors.issue_qs().filter(campaign=campaign), pk=issue_pk)


def _refs(campaign, form: IssueForm) -> dict:
    """The form's values with the linked task and risk loaded (at most two small queries)."""
    d = form.cleaned_data
    tasks = {t.pk: t for t in Task.objects.filter(campaign=campaign, pk=d.get("task") or 0)}
    risks = {r.pk: r for r in Risk.objects.filter(campaign=campaign, pk=d.get("risk") or 0)}
    return form.values(tasks=tasks, risks=risks)


def _list_context(request, campaign, filters: selectors.IssueFilters | None = None) -> dict:
    ctx = base_context(request, campaign, "issues")
    filters = filters or selectors.IssueFilters.from_query(request.GET)
    issues = label_issues(selectors.issue_list(campaign=campaign, filters=filters), ctx["now"], ctx["tz"])
    counts = selectors.issue_counts(campaign=campaign)
    members = [m.user for m in members_of(campaign)]
    return {**ctx, "issues": issues, "filters": filters, "counts": counts, "total": sum(counts.values()),
            "members": members, "severities": Severity.choices,
            "status_options": [(v, label, counts.get(v, 0)) for v, label in IssueStatus.choices],
            "overdue_count": sum(1 for i in issues if i.overdue)}


@campaign_view(GET=Action.VIEW)
def issue_list(request, campaign):
    ctx = _list_context(request, campaign)
    if is_partial(request) and request.htmx.target == "issue-table-wrap":
        return TemplateResponse(request, PAGE + "#table", ctx)
    return TemplateResponse(request, PAGE, ctx)


def _row(request, campaign, issue: Issue, status: int = 200):
    ctx = base_context(request, campaign, "issues")
    label_issues([issue], ctx["now"], ctx["tz"])
    return TemplateResponse(request, PAGE + "#row", {**ctx, "i": issue}, status=status)


def _form(request, campaign, form, issue: Issue | None, *, status: int = 200, stale: bool = False,
          resolve: bool = False):
    ctx = {**base_context(request, campaign, "issues"), "form": form, "i": issue, "stale": stale,
           "inline": is_partial(request)}
    partial = "#resolve_form" if resolve else ("#row_form" if issue else "#new_form")
    if is_partial(request):
        return TemplateResponse(request, PAGE + partial, ctx, status=status)
    return TemplateResponse(request, "risks/issue_form.html", {**ctx, "partial": partial}, status=status)


def _back(campaign, issue: Issue | None = None) -> HttpResponseRedirect:
    anchor = f"#i{issue.pk}" if issue else ""
    return HttpResponseRedirect(reverse("risks:issues", args=[campaign.pk]) + anchor)


@campaign_view(GET=Action.EDIT, POST=Action.EDIT)
def issue_new(request, campaign):
    team = _team(campaign, links=True)
    form = IssueForm(request.POST if request.method == "POST" else None, team=team)
    if request.method == "GET" or not form.is_valid():
        return _form(request, campaign, form, None, status=200 if request.method == "GET" else 422)
    try:
        issue = services.issue_create(campaign=campaign, actor=request.user, **_refs(campaign, form))
    except DomainError as exc:
        form_error(form, exc)
        return _form(request, campaign, form, None, status=422)
    if not is_partial(request):
        return _back(campaign, issue)
    ctx = _list_context(request, campaign, _filters(request))
    response = TemplateResponse(request, PAGE + "#created", {**ctx, "created": issue})
    response["HX-Retarget"], response["HX-Reswap"] = "#issue-table-wrap", "outerHTML"
    return response


def _filters(request) -> selectors.IssueFilters:
    """The filters of the page an htmx request came from (the table keeps them)."""
    if request.htmx and request.htmx.current_url:
        query = parse_qs(urlsplit(request.htmx.current_url).query)
        return selectors.IssueFilters.from_query({k: v[-1] for k, v in query.items()})
    return selectors.IssueFilters.from_query(request.GET)


@campaign_view(GET=Action.VIEW, POST=Action.EDIT)
def issue_row(request, campaign, issue_pk: int):
    """GET: the row (cancel an edit); POST: save the edit form."""
    issue = _issue(campaign, issue_pk)
    if request.method == "GET":
        return _row(request, campaign, issue) if is_partial(request) else _back(campaign, issue)
    ctx = base_context(request, campaign, "issues")
    form = IssueForm(request.POST, team=_team(campaign, links=True), issue=issue, tz=ctx["tz"])
    if not form.is_valid():
        return _form(request, campaign, form, issue, status=422)
    try:
        services.issue_update(issue=issue, actor=request.user, version=form.cleaned_data["version"],
                              **_changes(issue, _refs(campaign, form)))
    except StaleVersion:
        return _stale(request, campaign, issue_pk, form)
    except DomainError as exc:
        form_error(form, exc)
        return _form(request, campaign, form, _issue(campaign, issue_pk), status=422)
    return _row(request, campaign, _issue(campaign, issue_pk)) if is_partial(request) else _back(campaign, issue)


def _changes(issue: Issue, values: dict) -> dict:
    return {k: v for k, v in values.items() if getattr(issue, k) != v}


def _stale(request, campaign, issue_pk: int, form, *, resolve: bool = False):
    """Someone saved first: the form again with the user's input and the version now stored."""
    current = _issue(campaign, issue_pk)
    data = request.POST.copy()
    data["version"] = str(current.version)
    ctx = base_context(request, campaign, "issues")
    fresh = (ResolveForm(data) if resolve else
             IssueForm(data, team=_team(campaign, links=True), issue=current, tz=ctx["tz"]))
    fresh.is_valid()
    return _form(request, campaign, fresh, current, status=409, stale=True, resolve=resolve)


@campaign_view(GET=Action.EDIT)
def issue_edit(request, campaign, issue_pk: int):
    issue = _issue(campaign, issue_pk)
    tz = base_context(request, campaign, "issues")["tz"]
    return _form(request, campaign, IssueForm(team=_team(campaign, links=True), issue=issue, tz=tz), issue)


@campaign_view(GET=Action.EDIT, POST=Action.EDIT)
def issue_resolve(request, campaign, issue_pk: int):
    issue = _issue(campaign, issue_pk)
    if request.method == "GET":
        form = ResolveForm(initial={"version": issue.version, "solution": issue.solution})
        return _form(request, campaign, form, issue, resolve=True)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return _form(request, campaign, form, issue, status=422, resolve=True)
    try:
        services.issue_resolve(issue=issue, actor=request.user, version=form.cleaned_data["version"],
                               solution=form.cleaned_data["solution"])
    except StaleVersion:
        return _stale(request, campaign, issue_pk, form, resolve=True)
    except DomainError as exc:
        form_error(form, exc)
        return _form(request, campaign, form, issue, status=422, resolve=True)
    return _row(request, campaign, _issue(campaign, issue_pk)) if is_partial(request) else _back(campaign, issue)


@campaign_view(POST=Action.EDIT)
def issue_delete(request, campaign, issue_pk: int):
    issue = _issue(campaign, issue_pk)
    services.issue_delete(issue=issue, actor=request.user)
    return HttpResponse("") if is_partial(request) else _back(campaign)


@campaign_view(GET=Action.VIEW)
def issue_export(request, campaign):
    ctx = base_context(request, campaign, "issues")
    issues = label_issues(selectors.issue_list(campaign=campaign), ctx["now"], ctx["tz"])
    response = HttpResponse(issues_xlsx(issues, tz=ctx["tz"]),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = export_filename(campaign, _("Issue log"), ctx["now"], ctx["tz"])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
