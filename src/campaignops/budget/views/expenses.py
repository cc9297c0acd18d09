"""Expenses: the list (newest first) with the add form and its receipt upload, delete, and the
members-only receipt download (always as an attachment)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from campaignops.access.policy import Action
from campaignops.core.errors import DomainError

from .. import selectors, services
from ..api import receipt_response
from ..forms import ExpenseForm
from ..models import COMMITTED_STATUSES, Expense, Material
from .common import base_context, campaign_page, form_error, warn

PAGE = "budget/expenses.html"


def _choices(campaign) -> dict:
    return {"lines": list(selectors.lines_of(campaign).select_related("campaign")),
            "materials": list(Material.objects.filter(campaign=campaign, status__in=COMMITTED_STATUSES)
                              .order_by("name", "id"))}


def _context(request, campaign, form=None, choices=None) -> dict:
    ctx = base_context(request, campaign, "budget")
    choices = choices or _choices(campaign)
    expenses = list(selectors.expenses_of(campaign))
    return {**ctx, "expenses": expenses, "total": sum((e.amount for e in expenses), start=0),
            "form": form or ExpenseForm(initial={"spent_on": ctx["today"]}, **choices),
            "approved_lines": [ln for ln in choices["lines"] if ln.approved_amount is not None]}


@campaign_page(GET=Action.VIEW)
def expenses_page(request, campaign):
    return TemplateResponse(request, PAGE, _context(request, campaign))


@campaign_page(POST=Action.EDIT)
def expense_new(request, campaign):
    choices = _choices(campaign)
    form = ExpenseForm(request.POST, request.FILES, **choices)
    if form.is_valid():
        d = form.cleaned_data
        lines = {ln.pk: ln for ln in choices["lines"]}
        materials = {m.pk: m for m in choices["materials"]}
        try:
            receipt = services.read_upload(d["receipt"]) if d.get("receipt") else None
            expense = services.expense_create(
                campaign=campaign, actor=request.user, line=lines[d["line"]], material=materials.get(d["material"]),
                amount=d["amount"], spent_on=d["spent_on"], vendor=d["vendor"], note=d["note"], receipt=receipt)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The expense of %(amount)s is recorded.") % {
                "amount": services.fmt(expense.amount, campaign.currency)})
            warn(request, expense)
            return HttpResponseRedirect(reverse("budget:expenses", args=[campaign.pk]) + f"#e{expense.pk}")
    return TemplateResponse(request, PAGE, _context(request, campaign, form, choices), status=422)


@campaign_page(POST=Action.EDIT)
def expense_delete(request, campaign, expense_pk: int):
    expense = get_object_or_404(Expense.objects.select_related("campaign"), campaign=campaign, pk=expense_pk)
    services.expense_delete(expense=expense, actor=request.user)
    messages.success(request, _("The expense is deleted."))
    return HttpResponseRedirect(reverse("budget:expenses", args=[campaign.pk]))


@campaign_page(GET=Action.VIEW)
def receipt_download(request, campaign, expense_pk: int):
    expense = get_object_or_404(Expense, campaign=campaign, pk=expense_pk)
    return receipt_response(expense)
