"""The lesson form (library page). It parses and checks input; the services validate and write.
Choices come from lists the view loaded (campaigns the user may edit, the channel catalogue)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from campaignops.campaigns.models import CampaignKind
from campaignops.planning.models import PhaseKind

from .models import LessonKind

TEXT = {"class": "form-control form-control-sm"}
SELECT = {"class": "form-select form-select-sm"}


class LessonForm(forms.Form):
    campaign = forms.TypedChoiceField(label=_("Campaign"), coerce=int, widget=forms.Select(attrs=SELECT),
                                      help_text=_("Where it was learned: its members see the lesson."))
    kind = forms.ChoiceField(label=_("Keep doing or improve"), choices=LessonKind.choices, widget=forms.Select(attrs=SELECT))
    text = forms.CharField(label=_("Lesson"), max_length=4000, widget=forms.Textarea(attrs={**TEXT, "rows": 3}))
    evidence = forms.CharField(label=_("Evidence"), max_length=300, required=False, widget=forms.TextInput(attrs=TEXT),
                               help_text=_("The figure that shows it, e.g. “cost per lead ¥18 vs ¥42”."))
    evidence_value = forms.DecimalField(label=_("Evidence figure"), max_digits=18, decimal_places=4, required=False,
                                        widget=forms.NumberInput(attrs={**TEXT, "step": "any"}))
    channel = forms.TypedChoiceField(label=_("Channel"), coerce=int, empty_value=None, required=False,
                                     widget=forms.Select(attrs=SELECT))
    phase_kind = forms.ChoiceField(label=_("Phase"), required=False, widget=forms.Select(attrs=SELECT),
                                   choices=[("", _("— any phase —"))] + list(PhaseKind.choices))
    campaign_kind = forms.ChoiceField(label=_("Campaign type"), required=False, widget=forms.Select(attrs=SELECT),
                                      choices=[("", _("— any type —"))] + list(CampaignKind.choices))
    tags = forms.CharField(label=_("Tags"), max_length=300, required=False, widget=forms.TextInput(attrs=TEXT),
                           help_text=_("Separated by commas."))
    shared = forms.BooleanField(label=_("Share with everyone"), required=False,
                                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                                help_text=_("Shared lessons are visible to every user, not only to the campaign's team."))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, campaigns: list, channels: list, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [(c.pk, c.name) for c in campaigns]
        self.fields["channel"].choices = [("", _("— any channel —"))] + [(c.pk, c.name) for c in channels]
        self._channels = {c.pk: c for c in channels}
        if editing:
            del self.fields["campaign"]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("campaign", None)
        data["channel"] = self._channels.get(data["channel"]) if data.get("channel") else None
        return data
