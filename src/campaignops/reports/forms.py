"""Forms of the report pages: the narrative and the review meeting, an action item, a lesson."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NARRATIVE_KEYS, ReportKind
from .presenters import NARRATIVE_TITLES
from .services import MAX_TEXT


class NarrativeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, kind: str, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        for key in NARRATIVE_KEYS[kind]:
            self.fields[key] = forms.CharField(label=NARRATIVE_TITLES[key], required=False, max_length=MAX_TEXT,
                                               widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}))
        if kind == ReportKind.RETROSPECTIVE:
            self.fields["meeting_date"] = forms.DateField(
                label=_("Review meeting date"), required=False,
                widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}))
            self.fields["attendees"] = forms.TypedMultipleChoiceField(
                label=_("Attendees"), required=False, coerce=int, choices=[(u.pk, str(u.pk)) for u in members],
                widget=forms.CheckboxSelectMultiple)

    def narrative(self) -> dict:
        return {k: self.cleaned_data[k] for k in NARRATIVE_KEYS[self.kind]}


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("Action item"), max_length=300,
                            widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None,
                                   widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    due = forms.DateField(label=_("Due"), required=False,
                          widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}))

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—")] + [(u.pk, u.display) for u in members]


class LessonForm(forms.Form):
    kind = forms.ChoiceField(choices=[("keep", "keep"), ("improve", "improve")])
    text = forms.CharField(max_length=2000)
