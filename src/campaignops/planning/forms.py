"""Forms of the plan pages. They parse and check input only; the services validate and write.

Choices come from lists the view already loaded (members, phases, channels), so rendering or
cleaning a form runs no query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from campaignops.accounts.models import display_name
from campaignops.campaigns.models import Channel

from .models import Phase, PhaseKind, Task, TaskStatus


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _text(rows: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


@dataclass
class Cell:
    """One field of a form laid out in the grid: the bound field, its column class, the rendered
    widget and, after a conflict, the value now stored."""

    name: str
    bf: forms.BoundField
    cls: str
    widget: str
    current: str | None = None


class GridForm(forms.Form):
    """A form rendered as a Bootstrap grid of labelled fields (see `cells`)."""

    LAYOUT: list[tuple[str, str]] = []

    def cells(self, *, focus: str = "", conflict: dict[str, str] | None = None) -> list[Cell]:
        out = []
        for name, cls in self.LAYOUT:
            bf = self[name]
            widget = bf.field.widget
            base = "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
            attrs = {"class": base + (" is-invalid" if bf.errors else "")}
            if name == focus:
                attrs["autofocus"] = True
            out.append(Cell(name, bf, cls, bf.as_widget(attrs=attrs),
                            (conflict or {}).get(name) if conflict and name in conflict else None))
        return out


@dataclass
class PlanChoices:
    """What the plan's forms choose from, loaded once per request."""

    phases: list[Phase]
    members: list[Any]          # users, in team order
    channels: list[Channel]

    def member_choices(self, extra=None) -> list[tuple[str, str]]:
        users = list(self.members)
        if extra is not None and all(u.pk != extra.pk for u in users):
            users.append(extra)
        return [("", _("— not a user —"))] + [(str(u.pk), display_name(u)) for u in users]


class TaskForm(GridForm):
    """One row of the plan. Fields missing from the submitted data keep the task's current value,
    so a form may send only the cells it edits."""

    LAYOUT = [
        ("phase", "col-6 col-md-4 col-xl-2"), ("start_date", "col-6 col-md-4 col-xl-2"),
        ("end_date", "col-6 col-md-4 col-xl-2"), ("owner", "col-6 col-md-4 col-xl-2"),
        ("owner_name", "col-6 col-md-4 col-xl-2"), ("status", "col-6 col-md-4 col-xl-2"),
        ("title", "col-md-6 col-xl-4"), ("completion_standard", "col-md-6 col-xl-4"),
        ("resource_needs", "col-md-6 col-xl-4"), ("risk_plan", "col-md-6 col-xl-3"), ("notes", "col-md-6 col-xl-3"),
        ("channel", "col-6 col-md-3 col-xl-2"), ("deliverable", "col-6 col-md-3 col-xl-2"),
        ("deliverables_done", "col-3 col-md-3 col-xl-1"), ("deliverables_planned", "col-3 col-md-3 col-xl-1"),
    ]

    FIELDS = ["phase", "start_date", "end_date", "owner", "owner_name", "title", "completion_standard",
              "resource_needs", "risk_plan", "notes", "status", "channel", "deliverable",
              "deliverables_done", "deliverables_planned"]

    phase = forms.TypedChoiceField(label=_("Phase"), coerce=int)
    start_date = forms.DateField(label=_("Start"), widget=DateInput())
    end_date = forms.DateField(label=_("End"), widget=DateInput())
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, required=False, empty_value=None)
    owner_name = forms.CharField(label=_("Owner (not a user)"), max_length=100, required=False)
    title = forms.CharField(label=_("Core task"), max_length=300, widget=_text())
    completion_standard = forms.CharField(label=_("Completion standard"), required=False, widget=_text())
    resource_needs = forms.CharField(label=_("Resource needs"), required=False, widget=_text())
    risk_plan = forms.CharField(label=_("Risk plan"), required=False, widget=_text())
    notes = forms.CharField(label=_("Notes"), required=False, widget=_text())
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    deliverable = forms.CharField(label=_("Deliverable"), max_length=120, required=False,
                                  help_text=_("e.g. “amateur notes”"))
    deliverables_done = forms.IntegerField(label=_("Done"), min_value=0, required=False)
    deliverables_planned = forms.IntegerField(label=_("Planned"), min_value=0, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, *, choices: PlanChoices, task: Task | None = None, phase: Phase | None = None):
        self.task = task
        initial = task_initial(task) if task is not None else {"phase": phase.pk if phase else None,
                                                                "start_date": phase and phase.start_date,
                                                                "end_date": phase and phase.end_date,
                                                                "status": TaskStatus.NOT_STARTED}
        if data is not None and task is not None:
            merged = {k: v for k, v in initial.items() if v is not None and k != "version"}
            merged.update({k: data.get(k) for k in data})
            data = merged
        prefix = f"t{task.pk}" if task is not None else f"new{phase.pk if phase else ''}"
        super().__init__(data, initial=initial, auto_id=prefix + "-%s")
        self._phases = {p.pk: p for p in choices.phases}
        self._members = {u.pk: u for u in choices.members}
        self._channels = {c.code: c for c in choices.channels}
        if task is not None and task.owner_id and task.owner_id not in self._members:
            self._members[task.owner_id] = task.owner
        self.fields["phase"].choices = [(p.pk, p.name) for p in choices.phases]
        self.fields["owner"].choices = choices.member_choices(task.owner if task and task.owner_id else None)
        self.fields["channel"].choices = [("", "—")] + [(c.code, c.name) for c in choices.channels]

    @property
    def unmatched_owner(self) -> str:
        """The owner's name when the task names someone who is not a user yet."""
        return self.task.owner_name if self.task is not None and self.task.owner_unmatched else ""

    @property
    def suggested_owner(self):
        """A member whose name matches the unmatched owner's, to link the row to."""
        name = self.unmatched_owner.strip().lower()
        if not name:
            return None
        for user in self._members.values():
            names = {user.get_username().lower(), display_name(user).lower(), user.get_full_name().lower()}
            if name in names or any(name in n.split() for n in names if n):
                return user
        return None

    def clean_owner(self):
        pk = self.cleaned_data.get("owner")
        if pk is not None and pk not in self._members:
            raise forms.ValidationError(_("Choose a member of the campaign."))
        return self._members.get(pk) if pk is not None else None

    def clean_phase(self):
        pk = self.cleaned_data.get("phase")
        if pk not in self._phases:
            raise forms.ValidationError(_("Choose a phase of this campaign."))
        return self._phases[pk]

    def clean_channel(self):
        code = self.cleaned_data.get("channel") or ""
        return self._channels.get(code) if code else None

    def clean(self):
        data = super().clean()
        if data.get("owner") is not None:
            data["owner_name"] = ""
        if self.task is not None and data.get("version") is None:
            raise forms.ValidationError(_("This form has no version: reload the page and edit the row again."))
        return data

    def values(self) -> dict[str, Any]:
        """Cleaned values for the service (model field names)."""
        return {f: self.cleaned_data[f] for f in self.FIELDS if f in self.cleaned_data}

    def changes(self) -> dict[str, Any]:
        """Only what differs from the task as loaded."""
        assert self.task is not None
        return {f: v for f, v in self.values().items() if getattr(self.task, f) != v}


def task_initial(task: Task) -> dict[str, Any]:
    return {
        "phase": task.phase_id, "start_date": task.start_date, "end_date": task.end_date,
        "owner": task.owner_id, "owner_name": task.owner_name, "title": task.title,
        "completion_standard": task.completion_standard, "resource_needs": task.resource_needs,
        "risk_plan": task.risk_plan, "notes": task.notes, "status": task.status,
        "channel": task.channel.code if task.channel_id else "", "deliverable": task.deliverable,
        "deliverables_done": task.deliverables_done, "deliverables_planned": task.deliverables_planned,
        "version": task.version,
    }


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])


class PhaseForm(GridForm):
    name = forms.CharField(label=_("Phase"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=PhaseKind.choices)
    start_date = forms.DateField(label=_("Start"), widget=DateInput())
    end_date = forms.DateField(label=_("End"), widget=DateInput())
    order = forms.IntegerField(label=_("Order"), min_value=0, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    FIELDS = ["name", "kind", "start_date", "end_date", "order"]
    LAYOUT = [("name", "col-md-4 col-xl-3"), ("kind", "col-6 col-md-3 col-xl-2"),
              ("start_date", "col-6 col-md-3 col-xl-2"), ("end_date", "col-6 col-md-3 col-xl-2"),
              ("order", "col-6 col-md-2 col-xl-1")]

    @classmethod
    def for_phase(cls, phase: Phase | None, data=None) -> PhaseForm:
        if phase is None:
            return cls(data, initial={"kind": PhaseKind.CUSTOM}, auto_id="phase-new-%s")
        return cls(data, initial={f: getattr(phase, f) for f in cls.FIELDS} | {"version": phase.version},
                   auto_id=f"phase{phase.pk}-%s")

    def clean(self):
        data = super().clean()
        if "version" in self.initial and data.get("version") is None:
            raise forms.ValidationError(_("This form has no version: reload the page and edit the phase again."))
        return data

    def values(self) -> dict[str, Any]:
        values = {f: self.cleaned_data[f] for f in self.FIELDS}
        if values["order"] is None:
            values.pop("order")
        return values


class OverrideForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    is_working_day = forms.TypedChoiceField(
        label=_("The day is"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
        choices=[("0", _("a day off")), ("1", _("a working day"))], initial="0",
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class CalendarQuery(forms.Form):
    country = forms.ChoiceField(label=_("Country"), required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2200, required=False)

    def __init__(self, data, *, countries: list[tuple[str, str]]):
        super().__init__(data)
        self.fields["country"].choices = countries

    def value(self) -> tuple[str, int]:
        """(country, year): China and this year where the query says nothing usable."""
        self.is_valid()
        return self.cleaned_data.get("country") or "CN", self.cleaned_data.get("year") or dt.date.today().year
