"""The budget page (lines with their figures, plan vs committed vs actual chart, burn, revisions,
Finance's decision and overrides) and the Budget Approval Form (printable, .xlsx, .docx)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from campaignops.access.policy import Action
from campaignops.core.errors import DomainError, StaleVersion

from .. import selectors, services
from ..exports import DOCX, XLSX, export_filename
from ..exports import revision_docx as build_docx
from ..exports import revision_xlsx as build_xlsx
from ..forms import DecisionForm, LineForm, OverrideForm, SubmitForm
from ..models import BudgetLine, BudgetRevision, RevisionStatus
from .common import base_context, campaign_page, download, form_error

PAGE = "budget/budget.html"


def _back(campaign, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("budget:budget", args=[campaign.pk]) + anchor)


def chart_data(view, currency: str) -> dict:
    """The chart's data: per category plan (approved, else planned), committed, actual; the burn."""
    cats = [(label, f) for _code, label, f in view.categories if f.planned or f.committed or f.actual]
    return {
        "currency": currency,
        "categories": [str(label) for label, _f in cats],
        "series": [
            {"name": _("Plan (approved)"), "data": [str(f.approved if f.approved is not None else f.planned)
                                                    for _l, f in cats]},
            {"name": _("Committed (ordered)"), "data": [str(f.committed) for _l, f in cats]},
            {"name": _("Actual (spent)"), "data": [str(f.actual) for _l, f in cats]},
        ],
        "burn": {"name": _("Cumulative actual spend"), "points": [[d.isoformat(), str(v)] for d, v in view.burn]},
        "plan_total": str(view.totals.approved if view.totals.approved is not None else view.totals.planned),
        "plan_label": _("Approved budget"),
    }


def _context(request, campaign, **forms) -> dict:
    ctx = base_context(request, campaign, "budget")
    view = selectors.budget_view(campaign)
    open_rev = view.open_revision
    can_decide = (ctx["can_approve"] and open_rev is not None and open_rev.status == RevisionStatus.SUBMITTED
                  and open_rev.submitted_by_id != request.user.pk)
    ctx.update({
        "view": view, "chart": chart_data(view, campaign.currency), "can_decide": can_decide,
        "own_submission": open_rev is not None and open_rev.submitted_by_id == request.user.pk,
        "locked": open_rev is not None and open_rev.status == RevisionStatus.SUBMITTED,
        "overrides": list(selectors.overrides_of(campaign)),
        "line_form": forms.get("line_form") or LineForm(initial={"category": "other"}),
        "submit_form": forms.get("submit_form") or SubmitForm(),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "override_form": forms.get("override_form") or OverrideForm(lines=view.lines),
    })
    return ctx


@campaign_page(GET=Action.VIEW)
def budget_page(request, campaign):
    return TemplateResponse(request, PAGE, _context(request, campaign))


def _refused(request, campaign, status=422, **forms):
    return TemplateResponse(request, PAGE, _context(request, campaign, **forms), status=status)


@campaign_page(POST=Action.EDIT)
def line_new(request, campaign):
    form = LineForm(request.POST)
    if not form.is_valid():
        return _refused(request, campaign, line_form=form)
    try:
        line = services.line_create(campaign=campaign, actor=request.user, **form.values())
    except DomainError as exc:
        form_error(form, exc)
        return _refused(request, campaign, line_form=form)
    messages.success(request, _("The line “%(line)s” is added to the draft budget.") % {"line": line.name})
    return _back(campaign, f"#l{line.pk}")


@campaign_page(GET=Action.EDIT, POST=Action.EDIT)
def line_edit(request, campaign, line_pk: int):
    line = get_object_or_404(BudgetLine.objects.select_related("campaign"), campaign=campaign, pk=line_pk)
    if request.method == "GET":
        form = LineForm(initial={"version": line.version, "category": line.category, "name": line.name,
                                 "planned": line.planned, "note": line.note})
        return TemplateResponse(request, "budget/line_form.html", {**base_context(request, campaign, "budget"),
                                                                   "form": form, "line": line})
    form = LineForm(request.POST)
    status, stale = 422, False
    if form.is_valid():
        try:
            services.line_update(line=line, actor=request.user, version=form.cleaned_data["version"],
                                 **form.values())
            return _back(campaign, f"#l{line.pk}")
        except StaleVersion as exc:
            status, stale = 409, True
            data = request.POST.copy()
            data["version"] = str(exc.current_version)
            form = LineForm(data)
            form.is_valid()
        except DomainError as exc:
            form_error(form, exc)
    return TemplateResponse(request, "budget/line_form.html", {**base_context(request, campaign, "budget"),
                                                               "form": form, "line": line, "stale": stale},
                            status=status)


@campaign_page(POST=Action.EDIT)
def line_delete(request, campaign, line_pk: int):
    line = get_object_or_404(BudgetLine.objects.select_related("campaign"), campaign=campaign, pk=line_pk)
    try:
        services.line_delete(line=line, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _back(campaign, f"#l{line.pk}")
    messages.success(request, _("The line “%(line)s” is deleted from the draft budget.") % {"line": line.name})
    return _back(campaign)


@campaign_page(POST=Action.EDIT)
def revision_submit(request, campaign):
    form = SubmitForm(request.POST)
    if not form.is_valid():
        return _refused(request, campaign, submit_form=form)
    try:
        revision = services.revision_submit(campaign=campaign, actor=request.user, note=form.cleaned_data["note"])
    except DomainError as exc:
        form_error(form, exc)
        return _refused(request, campaign, submit_form=form)
    messages.success(request, _("Revision %(n)s is submitted: Finance will approve or reject it.") % {
        "n": revision.number})
    return _back(campaign, "#revisions")


def _revision(campaign, revision_pk: int) -> BudgetRevision:
    return get_object_or_404(selectors.revision_detail_qs(), campaign=campaign, pk=revision_pk)


@campaign_page(POST=Action.EDIT)
def revision_withdraw(request, campaign, revision_pk: int):
    revision = _revision(campaign, revision_pk)
    try:
        services.revision_withdraw(revision=revision, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Revision %(n)s is back to draft: change it, then submit it again.") % {
            "n": revision.number})
    return _back(campaign, "#revisions")


@campaign_page(POST=Action.APPROVE)
def revision_decide(request, campaign, revision_pk: int):
    revision = _revision(campaign, revision_pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _refused(request, campaign, decision_form=form)
    comment = form.cleaned_data["comment"]
    try:
        if form.cleaned_data["decision"] == "approve":
            services.revision_approve(revision=revision, actor=request.user, comment=comment)
            messages.success(request, _("Revision %(n)s is approved: its amounts are now in force.") % {
                "n": revision.number})
        else:
            services.revision_reject(revision=revision, actor=request.user, comment=comment)
            messages.info(request, _("Revision %(n)s is rejected; the team sees your comment.") % {
                "n": revision.number})
    except DomainError as exc:
        form_error(form, exc)
        return _refused(request, campaign, status=exc.status if exc.status in (403, 409) else 422,
                        decision_form=form)
    return _back(campaign, "#revisions")


@campaign_page(POST=Action.APPROVE)
def override_new(request, campaign):
    lines = list(selectors.lines_of(campaign).select_related("campaign"))
    form = OverrideForm(request.POST, lines=lines)
    if not form.is_valid():
        return _refused(request, campaign, override_form=form)
    line = next(ln for ln in lines if ln.pk == form.cleaned_data["line"])
    try:
        services.override_record(line=line, actor=request.user, amount=form.cleaned_data["amount"],
                                 reason=form.cleaned_data["reason"])
    except DomainError as exc:
        form_error(form, exc)
        return _refused(request, campaign, override_form=form)
    messages.success(request, _("The override on “%(line)s” is recorded.") % {"line": line.name})
    return _back(campaign, "#overrides")


@campaign_page(GET=Action.VIEW)
def revision_form(request, campaign, revision_pk: int):
    """The Budget Approval Form, printable."""
    revision = _revision(campaign, revision_pk)
    ctx = base_context(request, campaign, "budget")
    return TemplateResponse(request, "budget/approval_form.html", {**ctx, "revision": revision})


def _tz(campaign):
    return selectors.campaign_zone(campaign)


@campaign_page(GET=Action.VIEW)
def revision_xlsx(request, campaign, revision_pk: int):
    revision = _revision(campaign, revision_pk)
    name = export_filename(campaign, _("Budget Approval Form") + f" #{revision.number}",
                           selectors.campaign_today(campaign), "xlsx")
    return download(build_xlsx(revision, _tz(campaign)), XLSX, name)


@campaign_page(GET=Action.VIEW)
def revision_docx(request, campaign, revision_pk: int):
    revision = _revision(campaign, revision_pk)
    name = export_filename(campaign, _("Budget Approval Form") + f" #{revision.number}",
                           selectors.campaign_today(campaign), "docx")
    return download(build_docx(revision, _tz(campaign)), DOCX, name)
