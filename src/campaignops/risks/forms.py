"""Forms of the risk register, the issue log, the adjustment log and the stand-up. They parse and
check input only; the services validate and write. Choices come from lists the view already loaded
(`Team`), so rendering or cleaning a form runs no query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from campaignops.accounts.models import display_name
from campaignops.planning.models import Phase

from .domain.rules import RESPONSE_HOURS
from .models import AdjustmentTrigger, IssueStatus, RiskCategory, RiskStatus, Severity
from .services import MAX_RESPONSE_HOURS

TEXT = {"class": "form-control form-control-sm"}
SELECT = {"class": "form-select form-select-sm"}
SCALE = [(n, str(n)) for n in range(1, 6)]


def _area(rows: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={**TEXT, "rows": rows})


def _select() -> forms.Select:
    return forms.Select(attrs=SELECT)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(attrs=TEXT, format="%Y-%m-%d")


@dataclass
class Team:
    """What the forms choose from, loaded once per request."""

    members: list[Any]
    phases: list[Phase]
    tasks: list[tuple[int, str]] = field(default_factory=list)      # (id, "phase · title")
    risks: list[tuple[int, str]] = field(default_factory=list)
    kpis: list[tuple[int, str]] = field(default_factory=list)
    channels: list[tuple[int, str]] = field(default_factory=list)

    def member_choices(self) -> list[tuple[str, str]]:
        return [("", _("— nobody yet —"))] + [(str(u.pk), display_name(u)) for u in self.members]

    def phase_choices(self, blank: str | None = None) -> list[tuple[str, str]]:
        head = [("", blank)] if blank is not None else []
        return head + [(str(p.pk), p.name) for p in self.phases]

    def user(self, pk: int | None):
        return next((u for u in self.members if u.pk == pk), None)

    def phase(self, pk: int | None) -> Phase | None:
        return next((p for p in self.phases if p.pk == pk), None)


def _owner_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=_("Owner"), coerce=int, required=False, empty_value=None, widget=_select())


def _pick(choices: list[tuple[int, str]], blank) -> list[tuple[str, str]]:
    return [("", blank)] + [(str(pk), label) for pk, label in choices]


# ---- risks --------------------------------------------------------------------------------------

class RiskForm(forms.Form):
    description = forms.CharField(label=_("Risk"), widget=_area(2), max_length=2000)
    category = forms.ChoiceField(label=_("Category"), choices=RiskCategory.choices, widget=_select())
    probability = forms.TypedChoiceField(label=_("Probability (1–5)"), choices=SCALE, coerce=int, widget=_select())
    impact = forms.TypedChoiceField(label=_("Impact (1–5)"), choices=SCALE, coerce=int, widget=_select())
    trigger = forms.CharField(label=_("Trigger"), required=False, widget=_area(2),
                              help_text=_("How we notice it is happening, e.g. “KOL cancels 48 h before”."))
    contingency_plan = forms.CharField(label=_("Contingency plan"), required=False, widget=_area(2),
                                       help_text=_("Plan B, e.g. “2 amateur back-ups”."))
    owner = _owner_field()
    phase = forms.TypedChoiceField(label=_("Phase"), coerce=int, required=False, empty_value=None, widget=_select())
    status = forms.ChoiceField(label=_("Status"), choices=RiskStatus.choices, widget=_select())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    FIELDS = ["description", "category", "probability", "impact", "trigger", "contingency_plan", "owner",
              "phase", "status"]

    def __init__(self, data=None, *, team: Team, risk=None):
        initial = {"probability": 3, "impact": 3, "category": RiskCategory.OTHER, "status": RiskStatus.OPEN}
        if risk is not None:
            initial = {f: getattr(risk, f + "_id" if f in ("owner", "phase") else f) for f in self.FIELDS}
            initial["version"] = risk.version
        super().__init__(data, initial=initial)
        self.team = team
        self.fields["owner"].choices = team.member_choices()
        self.fields["phase"].choices = team.phase_choices(str(_("— any phase —")))
        if risk is None:
            del self.fields["status"]

    def values(self) -> dict:
        data = {f: self.cleaned_data[f] for f in self.FIELDS if f in self.cleaned_data}
        data["owner"] = self.team.user(data.get("owner"))
        data["phase"] = self.team.phase(data.get("phase"))
        return data


class ContingencyTaskForm(forms.Form):
    title = forms.CharField(label=_("Core task"), max_length=300, widget=forms.TextInput(attrs=TEXT))
    phase = forms.TypedChoiceField(label=_("Phase"), coerce=int, required=False, empty_value=None, widget=_select())
    duration = forms.IntegerField(label=_("Working days"), min_value=1, max_value=60, initial=1,
                                  widget=forms.NumberInput(attrs=TEXT))
    owner = _owner_field()
    completion_standard = forms.CharField(label=_("Completion standard"), required=False, max_length=2000,
                                          widget=forms.TextInput(attrs=TEXT))

    def __init__(self, data=None, *, team: Team, prefix: str = "ct"):
        super().__init__(data, prefix=prefix)
        self.team = team
        self.fields["owner"].choices = [("", _("— the risk's owner —"))] + team.member_choices()[1:]
        self.fields["phase"].choices = team.phase_choices(str(_("— the risk's phase —")))

    def values(self) -> dict:
        d = self.cleaned_data
        return {"title": d["title"], "phase": self.team.phase(d["phase"]), "duration": d["duration"],
                "owner": self.team.user(d["owner"]), "completion_standard": d["completion_standard"]}


class ActivateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note for the adjustment log"), required=False, max_length=1000,
                           widget=_area(2))


# ---- issues -------------------------------------------------------------------------------------

def severity_help() -> str:
    return ", ".join(f"{label}: {RESPONSE_HOURS[value]} h" for value, label in Severity.choices)


class IssueForm(forms.Form):
    """A new issue (`issue=None`) or an edit of one (status, deadline and solution too)."""

    problem = forms.CharField(label=_("Problem"), widget=_area(2), max_length=4000)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.MEDIUM,
                                 widget=_select())
    response_hours = forms.IntegerField(label=_("Respond within (hours)"), min_value=1,
                                        max_value=MAX_RESPONSE_HOURS, required=False,
                                        widget=forms.NumberInput(attrs=TEXT))
    response_deadline = forms.DateTimeField(label=_("Response deadline"), input_formats=["%Y-%m-%dT%H:%M"],
                                            widget=forms.DateTimeInput(attrs={**TEXT, "type": "datetime-local"},
                                                                       format="%Y-%m-%dT%H:%M"))
    owner = _owner_field()
    status = forms.ChoiceField(label=_("Status"), choices=IssueStatus.choices, widget=_select())
    task = forms.TypedChoiceField(label=_("Plan row"), coerce=int, required=False, empty_value=None,
                                  widget=_select())
    risk = forms.TypedChoiceField(label=_("Risk"), coerce=int, required=False, empty_value=None, widget=_select())
    solution = forms.CharField(label=_("Solution"), required=False, widget=_area(2), max_length=4000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, *, team: Team, issue=None, tz: dt.tzinfo | None = None):
        initial = {}
        if issue is not None:
            initial = {"problem": issue.problem, "severity": issue.severity, "owner": issue.owner_id,
                       "status": issue.status, "task": issue.task_id, "risk": issue.risk_id,
                       "solution": issue.solution, "version": issue.version,
                       "response_deadline": issue.response_deadline.astimezone(tz)}
        super().__init__(data, initial=initial)
        self.team, self.issue, self.tz = team, issue, tz
        self.fields["owner"].choices = team.member_choices()
        self.fields["task"].choices = _pick(team.tasks, _("— none —"))
        self.fields["risk"].choices = _pick(team.risks, _("— none —"))
        self.fields["response_hours"].help_text = _("Empty: the default for the severity (%(list)s).") % {
            "list": severity_help()}
        if issue is None:
            for name in ("status", "solution", "response_deadline", "version"):
                del self.fields[name]
        else:
            del self.fields["response_hours"]
            self.fields["response_deadline"].help_text = _("In the campaign's time zone (%(zone)s).") % {
                "zone": str(tz)}

    def clean_response_deadline(self):
        value = self.cleaned_data["response_deadline"]
        return value.replace(tzinfo=None).replace(tzinfo=self.tz) if value and self.tz else value

    def values(self, *, tasks: dict, risks: dict) -> dict:
        d = dict(self.cleaned_data)
        d.pop("version", None)
        d["owner"] = self.team.user(d.get("owner"))
        d["task"] = tasks.get(d.get("task"))
        d["risk"] = risks.get(d.get("risk"))
        return d


class ResolveForm(forms.Form):
    solution = forms.CharField(label=_("Solution"), widget=_area(3), max_length=4000)
    version = forms.IntegerField(widget=forms.HiddenInput)


# ---- strategy adjustments -----------------------------------------------------------------------

class AdjustmentForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    trigger = forms.ChoiceField(label=_("Trigger"), choices=AdjustmentTrigger.choices, widget=_select())
    kpi_target = forms.TypedChoiceField(label=_("KPI"), coerce=int, required=False, empty_value=None,
                                        widget=_select())
    channel = forms.TypedChoiceField(label=_("Channel"), coerce=int, required=False, empty_value=None,
                                     widget=_select())
    what_changed = forms.CharField(label=_("What changed"), widget=_area(2), max_length=4000)
    expected_effect = forms.CharField(label=_("Expected effect"), required=False, widget=_area(2),
                                      max_length=4000)
    measured_effect = forms.CharField(label=_("Measured effect"), required=False, widget=_area(2),
                                      max_length=4000, help_text=_("Fill in later, once the numbers are in."))
    effect_days = forms.IntegerField(label=_("Days compared"), min_value=1, max_value=90, initial=7, required=False,
                                     widget=forms.NumberInput(attrs=TEXT), help_text=_(
                                         "The KPI over this many days before the date against as many days "
                                         "from the date on."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    FIELDS = ["date", "trigger", "what_changed", "expected_effect", "kpi_target", "channel", "measured_effect",
              "effect_days"]

    def __init__(self, data=None, *, team: Team, adjustment=None, today: dt.date | None = None):
        initial = {"date": today, "trigger": AdjustmentTrigger.METRIC_SHORTFALL, "effect_days": 7}
        if adjustment is not None:
            initial = {f: getattr(adjustment, f + "_id" if f in ("kpi_target", "channel") else f)
                       for f in self.FIELDS}
            initial["version"] = adjustment.version
        super().__init__(data, initial=initial)
        self.fields["kpi_target"].choices = _pick(team.kpis, _("— none —"))
        self.fields["channel"].choices = _pick(team.channels, _("— none —"))

    def values(self, *, kpis: dict, channels: dict) -> dict:
        d = {f: self.cleaned_data[f] for f in self.FIELDS}
        d["kpi_target"] = kpis.get(d["kpi_target"])
        d["channel"] = channels.get(d["channel"])
        if d["effect_days"] is None:  # left empty: the default (7) for a new one, unchanged for an edit
            del d["effect_days"]
        return d


# ---- stand-up -----------------------------------------------------------------------------------

class StandupForm(forms.Form):
    attendees = forms.TypedMultipleChoiceField(label=_("Attendees"), coerce=int, required=False,
                                               widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=_area(4), max_length=20000)
    decisions = forms.CharField(label=_("Decisions"), required=False, widget=_area(4), max_length=20000)

    def __init__(self, data=None, *, team: Team):
        super().__init__(data, initial={"attendees": [u.pk for u in team.members]})
        self.team = team
        self.fields["attendees"].choices = [(u.pk, display_name(u)) for u in team.members]

    def attendee_options(self) -> list[tuple[int, str, bool]]:
        """(user id, name, ticked) for each member: the checkboxes drawn without a widget template each."""
        chosen = {str(v) for v in (self["attendees"].value() or [])}
        return [(pk, label, str(pk) in chosen) for pk, label in self.fields["attendees"].choices]

    def attendee_users(self) -> list:
        return [u for u in self.team.members if u.pk in set(self.cleaned_data["attendees"])]


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("Action item"), max_length=300, widget=forms.TextInput(attrs=TEXT))
    phase = forms.TypedChoiceField(label=_("Phase"), coerce=int, widget=_select())
    owner = _owner_field()
    due = forms.DateField(label=_("Due"), widget=DateInput())

    def __init__(self, *args, team: Team, phase: Phase | None = None, today: dt.date | None = None, **kwargs):
        kwargs.setdefault("initial", {"phase": phase.pk if phase else None, "due": today})
        super().__init__(*args, **kwargs)
        self.team = team
        self.fields["phase"].choices = team.phase_choices()
        self.fields["owner"].choices = team.member_choices()


# One empty row on the page (JavaScript adds more from the formset's empty form).
ActionItemFormSet = forms.formset_factory(ActionItemForm, extra=1, max_num=30, validate_max=True)
