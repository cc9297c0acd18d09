"""Forms of the campaign pages: create, settings, custom channel, KPI targets, members.

Forms validate the interface (types, required fields, friendly messages); services execute."""

from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from campaignops.accounts.forms import BootstrapMixin, validate_time_zone
from campaignops.accounts.models import Department, display_name
from campaignops.planning.models import PlanTemplate

from .kpis import Metric
from .models import Campaign, CampaignKind, Channel, KpiTarget, Membership, Role

COUNTRIES = [
    ("CN", _("China (mainland)")), ("HK", _("Hong Kong")), ("MO", _("Macau")), ("TW", _("Taiwan")),
    ("SG", _("Singapore")), ("MY", _("Malaysia")), ("JP", _("Japan")), ("KR", _("South Korea")),
    ("US", _("United States")), ("GB", _("United Kingdom")), ("DE", _("Germany")), ("FR", _("France")),
    ("AU", _("Australia")),
]
CURRENCIES = ["CNY", "HKD", "TWD", "SGD", "MYR", "JPY", "KRW", "USD", "EUR", "GBP", "AUD"]
DATE = {"type": "date"}


def _with_current(choices: list, value: str) -> list:
    """Keep a stored value selectable even when it is not in the short list."""
    if value and value not in {c[0] for c in choices}:
        return [*choices, (value, value)]
    return choices


class TimeZoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Time zone"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}))
        super().__init__(max_length=64, validators=[validate_time_zone], **kwargs)


def default_template() -> PlanTemplate | None:
    """The built-in seed template in the current language (else any built-in one)."""
    lang = (get_language() or "en").lower()
    builtin = list(PlanTemplate.objects.filter(builtin=True).order_by("name"))
    return next((t for t in builtin if t.language.lower() == lang), builtin[0] if builtin else None)


class CampaignCreateForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Campaign name"), max_length=200,
                           widget=forms.TextInput(attrs={"autofocus": True}))
    start_date = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs=DATE))
    template = forms.ModelChoiceField(
        label=_("Plan template"), queryset=PlanTemplate.objects.order_by("-builtin", "name"), required=False,
        empty_label=_("Blank campaign (no plan yet)"),
        help_text=_("Every phase and task keeps its offset in working days from the start date."))
    end_date = forms.DateField(label=_("End date"), required=False, widget=forms.DateInput(attrs=DATE),
                               help_text=_("Only for a blank campaign: a template sets the end from its plan."))
    kind = forms.ChoiceField(label=_("Type"), required=False,
                             choices=[("", _("From the template"))] + list(CampaignKind.choices))
    country = forms.ChoiceField(label=_("Working-day country"), choices=COUNTRIES, initial="CN")
    currency = forms.ChoiceField(label=_("Currency"), choices=[(c, c) for c in CURRENCIES], initial="CNY")
    time_zone = TimeZoneField(initial="Asia/Shanghai")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("template", default_template())

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if not data.get("template") and start and not end:
            self.add_error("end_date", _("A blank campaign needs an end date."))
        if start and end and end < start:
            self.add_error("end_date", _("The end date must be on or after the start date."))
        return data


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return display_name(obj)


class CampaignSettingsForm(BootstrapMixin, forms.ModelForm):
    """General fields, period, status, money, calendar, lead, channels and audience, with `version`."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    time_zone = TimeZoneField()
    lead = UserChoiceField(label=_("Lead"), queryset=get_user_model().objects.none(), required=False)
    channels = forms.ModelMultipleChoiceField(label=_("Channels"), required=False,
                                              queryset=Channel.objects.order_by("sort", "code"))

    class Meta:
        model = Campaign
        fields = ["name", "kind", "theme", "goal_statement", "status", "start_date", "end_date", "currency",
                  "time_zone", "country", "lead", "channels", "audience_age_min", "audience_age_max",
                  "audience_regions", "audience_habits"]
        widgets = {"start_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                   "end_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                   "goal_statement": forms.Textarea(attrs={"rows": 3}),
                   "audience_habits": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"goal_statement": _("Specific, measurable, achievable, relevant and time-bound (SMART)."),
                      "end_date": _("Changing the period does not move the plan's phases and tasks.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        campaign = self.instance
        self.fields["lead"].queryset = (get_user_model().objects.filter(memberships__campaign=campaign)
                                        .select_related("profile").order_by("username"))
        self.fields["country"] = forms.ChoiceField(label=_("Working-day country"),
                                                   choices=_with_current(COUNTRIES, campaign.country))
        self.fields["currency"] = forms.ChoiceField(
            label=_("Currency"), choices=_with_current([(c, c) for c in CURRENCIES], campaign.currency))
        for name in ("country", "currency"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        self.initial.setdefault("version", campaign.version)
        if campaign.pk:  # the SMART check follows what is typed
            self.fields["goal_statement"].widget.attrs.update({
                "hx-get": reverse("campaigns:goal_check", args=[campaign.pk]),
                "hx-trigger": "input changed delay:500ms", "hx-target": "#smart-check", "hx-swap": "outerHTML",
                "hx-sync": "this:replace"})

    def selected_channel_ids(self) -> set[str]:
        if self.is_bound:
            return set(self.data.getlist("channels"))
        return {str(c.pk) for c in self.initial.get("channels") or []}


class ChannelAddForm(BootstrapMixin, forms.Form):
    new_channel_name = forms.CharField(label=_("Custom channel"), max_length=80, required=False,
                                       widget=forms.TextInput(attrs={"placeholder": _("e.g. WeChat Channels"),
                                                                     "data-enter-click": "add-channel"}))
    new_channel_online = forms.TypedChoiceField(
        label=_("Online or offline"), choices=[("1", _("Online")), ("0", _("Offline"))], initial="1",
        coerce=lambda v: v == "1", required=False)

    def clean_new_channel_name(self) -> str:
        return self.cleaned_data["new_channel_name"].strip()


class SaveAsTemplateForm(BootstrapMixin, forms.Form):
    template_name = forms.CharField(label=_("Template name"), max_length=200)


class KpiTargetForm(BootstrapMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = KpiTarget
        fields = ["metric", "label", "channel", "target_value", "unit", "direction", "due_date"]
        widgets = {"due_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                   "target_value": forms.NumberInput(attrs={"step": "any"}),
                   "metric": forms.Select(attrs={"class": "js-kpi-metric"}),
                   "unit": forms.Select(attrs={"class": "js-kpi-unit"}),
                   "direction": forms.Select(attrs={"class": "js-kpi-direction"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [("", _("Choose a metric…")), *Metric.choices]
        self.fields["channel"].queryset = Channel.objects.order_by("sort", "code")
        self.fields["channel"].empty_label = _("All channels")
        self.fields["label"].widget.attrs["placeholder"] = _("e.g. online pre-sale conversion")
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
            self.initial["target_value"] = format(self.instance.target_value.normalize(), "f")


class MemberAddForm(BootstrapMixin, forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EXECUTION)
    department = forms.ChoiceField(label=_("Department"), required=False,
                                   choices=[("", "—")] + list(Department.choices))
    is_department_head = forms.BooleanField(label=_("Head of department"), required=False)

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username__iexact=name).first()
        if user is None:
            raise forms.ValidationError(
                _("No user is called “%(name)s”. Check the spelling or ask an administrator to create the account."),
                params={"name": name})
        if Membership.objects.filter(campaign=self.campaign, user=user).exists():
            raise forms.ValidationError(_("%(name)s is already a member of this campaign."),
                                        params={"name": display_name(user)})
        return user


class MemberUpdateForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "department", "is_department_head"]
        labels = {"is_department_head": _("Head")}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_m{kwargs['instance'].pk}_%s")
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", "—")] + [c for c in self.fields["department"].choices if c[0]]
