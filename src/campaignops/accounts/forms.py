"""Forms of the user's own page: profile preferences and personal API tokens."""

import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Profile

COMMON_TIME_ZONES = [
    "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Asia/Tokyo", "Asia/Seoul",
    "Asia/Kolkata", "Asia/Dubai", "Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York",
    "America/Chicago", "America/Los_Angeles", "Australia/Sydney", "UTC",
]


class BootstrapMixin:
    """Give every widget Bootstrap's classes and mark invalid fields (no per-template styling)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()

    def full_clean(self):
        super().full_clean()
        for name in getattr(self, "_errors", None) or {}:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise forms.ValidationError(_("Unknown time zone: use a name such as Asia/Shanghai.")) from None


class ProfileForm(BootstrapMixin, forms.ModelForm):
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, validators=[validate_time_zone],
                                widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}))

    class Meta:
        model = Profile
        fields = ["display_name", "department", "language", "time_zone"]
        labels = {"display_name": _("Display name"), "department": _("Department"), "language": _("Language")}
        help_texts = {
            "display_name": _("Shown on plans, team lists and reports instead of your user name."),
            "language": _("Used for the pages and exports; “automatic” follows your browser."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Automatic (browser)"))] + [
            c for c in self.fields["language"].choices if c[0]]
        self.fields["department"].choices = [("", "—")] + [c for c in self.fields["department"].choices if c[0]]


class TokenCreateForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100,
                           widget=forms.TextInput(attrs={"placeholder": _("e.g. weekly report script")}))

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the token a name so you can recognise it later."))
        return name
