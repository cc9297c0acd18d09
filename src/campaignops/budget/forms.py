"""Forms of the budget pages. They parse and check input; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from campaignops.accounts.models import display_name

from .models import BudgetCategory, MaterialStatus

TEXT = {"class": "form-control form-control-sm"}
SELECT = {"class": "form-select form-select-sm"}
AMOUNT = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(attrs=TEXT, format="%Y-%m-%d")


def _amount(label, **extra) -> forms.DecimalField:
    return forms.DecimalField(label=label, **{**AMOUNT, **extra},
                              widget=forms.NumberInput(attrs={**TEXT, "step": "0.01", "inputmode": "decimal"}))


class LineForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    category = forms.ChoiceField(label=_("Category"), choices=BudgetCategory.choices,
                                 widget=forms.Select(attrs=SELECT))
    name = forms.CharField(label=_("Budget line"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    planned = _amount(_("Planned amount"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.TextInput(attrs=TEXT))

    def values(self) -> dict:
        d = self.cleaned_data
        return {"category": d["category"], "name": d["name"], "planned": d["planned"], "note": d["note"]}


class SubmitForm(forms.Form):
    note = forms.CharField(label=_("Note to Finance"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={**TEXT, "rows": 2}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={**TEXT, "rows": 2}))


class OverrideForm(forms.Form):
    line = forms.TypedChoiceField(label=_("Budget line"), coerce=int, widget=forms.Select(attrs=SELECT))
    amount = _amount(_("Extra amount allowed"), min_value=None)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [(ln.pk, ln.name) for ln in lines if ln.approved_amount is not None]


def _line_choices(lines, blank):
    return [("", blank)] + [(str(ln.pk), ln.name) for ln in lines]


class MaterialForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Material"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=2, min_value=0,
                                  widget=forms.NumberInput(attrs={**TEXT, "step": "0.01"}))
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False, widget=forms.TextInput(attrs=TEXT))
    unit_cost = _amount(_("Unit cost"))
    supplier = forms.CharField(label=_("Supplier"), max_length=200, required=False,
                               widget=forms.TextInput(attrs=TEXT))
    needed_by = forms.DateField(label=_("Needed by"), required=False, widget=DateInput())
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, required=False, empty_value=None,
                                   widget=forms.Select(attrs=SELECT))
    status = forms.ChoiceField(label=_("Status"), choices=MaterialStatus.choices, widget=forms.Select(attrs=SELECT))
    line = forms.TypedChoiceField(label=_("Budget line"), coerce=int, required=False, empty_value=None,
                                  widget=forms.Select(attrs=SELECT))
    phase = forms.TypedChoiceField(label=_("Phase"), coerce=int, required=False, empty_value=None,
                                   widget=forms.Select(attrs=SELECT))
    task = forms.TypedChoiceField(label=_("Plan row"), coerce=int, required=False, empty_value=None,
                                  widget=forms.Select(attrs=SELECT))
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.TextInput(attrs=TEXT))

    def __init__(self, *args, members=(), lines=(), phases=(), tasks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {u.pk: u for u in members}
        self.fields["owner"].choices = [("", _("— nobody yet —"))] + [(str(u.pk), display_name(u)) for u in members]
        self.fields["line"].choices = _line_choices(lines, _("— not chosen yet —"))
        self.fields["phase"].choices = [("", "—")] + [(str(p.pk), p.name) for p in phases]
        self.fields["task"].choices = [("", "—")] + [(str(t.pk), f"{t.phase.name} · {t.title}") for t in tasks]

    def values(self, *, lines: dict, phases: dict, tasks: dict) -> dict:
        d = self.cleaned_data
        return {"name": d["name"], "quantity": d["quantity"], "unit": d["unit"], "unit_cost": d["unit_cost"],
                "supplier": d["supplier"], "needed_by": d["needed_by"], "owner": self.members.get(d["owner"]),
                "status": d["status"], "line": lines.get(d["line"]), "phase": phases.get(d["phase"]),
                "task": tasks.get(d["task"]), "note": d["note"]}


class StatusForm(forms.Form):
    version = forms.IntegerField()
    status = forms.ChoiceField(choices=MaterialStatus.choices)


class ExpenseForm(forms.Form):
    line = forms.TypedChoiceField(label=_("Budget line"), coerce=int, widget=forms.Select(attrs=SELECT))
    material = forms.TypedChoiceField(label=_("For material"), coerce=int, required=False, empty_value=None,
                                      widget=forms.Select(attrs=SELECT))
    amount = _amount(_("Amount"))
    spent_on = forms.DateField(label=_("Date"), widget=DateInput())
    vendor = forms.CharField(label=_("Vendor"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.TextInput(attrs=TEXT))
    receipt = forms.FileField(label=_("Receipt (PDF, JPEG or PNG)"), required=False,
                              widget=forms.ClearableFileInput(attrs={**TEXT, "accept": ".pdf,.jpg,.jpeg,.png"}))

    def __init__(self, *args, lines=(), materials=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = _line_choices(lines, _("— choose a line —"))
        self.fields["material"].choices = [("", "—")] + [(str(m.pk), m.name) for m in materials]
