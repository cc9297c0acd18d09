"""Goal Confirmation (活动目标确认书) pages: the document with its SMART check and signatures, signing,
setting the signers, taking the suggested wording, the live SMART check fragment and the .docx export."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from campaignops.access.policy import Action, can
from campaignops.accounts.models import display_name
from campaignops.core.errors import DomainError

from . import presenters, selectors, services, signoff
from .docx_goal import goal_docx
from .models import Campaign
from .smart_report import smart_report
from .views import campaign_page


class SignForm(forms.Form):
    fingerprint = forms.CharField(max_length=64, min_length=64)


class UseWordingForm(forms.Form):
    version = forms.IntegerField(min_value=1)
    goal_statement = forms.CharField(max_length=2000)


class SignersForm(forms.Form):
    signers = forms.ModelMultipleChoiceField(queryset=get_user_model().objects.none(),
                                             widget=forms.CheckboxSelectMultiple)
    # The signers shown when the page was opened (user ids, comma-separated): a change since is refused.
    signers_before = forms.RegexField(regex=r"^\d+(,\d+)*$", required=False)

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signers"].queryset = get_user_model().objects.filter(
            memberships__campaign=campaign, memberships__role__in=signoff.SIGNING_ROLES)
        self.fields["signers"].error_messages["required"] = _("The Goal Confirmation needs at least one signer.")

    def clean_signers_before(self) -> list[int] | None:
        """The ids the user saw ([] when nobody was set to sign); None when the form did not say."""
        if "signers_before" not in self.data:
            return None
        text = self.cleaned_data["signers_before"]
        return [int(pk) for pk in text.split(",")] if text else []


def _context(request, campaign: Campaign) -> dict:
    doc = selectors.goal_confirmation(campaign)
    mine = doc.row_for(request.user)
    may_edit = can(request.user, Action.EDIT, campaign)
    candidates = [m for m in campaign.memberships.all() if m.role in signoff.SIGNING_ROLES]
    return {"campaign": campaign, "doc": doc, "smart": smart_report(campaign), "my_row": mine,
            "can_sign": bool(may_edit and mine and not mine.signature),
            "can_manage": can(request.user, Action.MANAGE, campaign), "candidates": candidates,
            "signer_ids": {row.user.pk for row in doc.signers},
            "kpi_rows": presenters.kpi_rows(doc.targets, campaign.currency)}


@campaign_page(detail=True, GET=Action.VIEW)
def goal(request, campaign: Campaign):
    return TemplateResponse(request, "campaigns/goal.html", _context(request, campaign))


@campaign_page(POST=Action.EDIT)
def goal_sign(request, campaign: Campaign):
    form = SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The signature form is incomplete: reload the page and sign again."))
        return redirect("campaigns:goal", campaign.pk)
    try:
        result = signoff.goal_sign(campaign=campaign, actor=request.user,
                                   expected_fingerprint=form.cleaned_data["fingerprint"])
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("campaigns:goal", campaign.pk)
    if result.created and campaign.status == "confirmed":
        messages.success(request, _("You signed the Goal Confirmation. Everyone has signed: the campaign is "
                                    "confirmed."))
    elif result.created:
        messages.success(request, _("You signed the Goal Confirmation."))
    else:
        messages.info(request, _("You had already signed this version of the Goal Confirmation."))
    return redirect("campaigns:goal", campaign.pk)


@campaign_page(detail=True, POST=Action.MANAGE)
def goal_signers(request, campaign: Campaign):
    form = SignersForm(request.POST, campaign=campaign)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return redirect("campaigns:goal", campaign.pk)
    try:
        users = signoff.goal_signers_set(campaign=campaign, actor=request.user,
                                         users=list(form.cleaned_data["signers"].order_by("pk")),
                                         expected=form.cleaned_data["signers_before"])
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The signers are now: %(names)s.") % {
            "names": ", ".join(display_name(u) for u in users)})
    return redirect("campaigns:goal", campaign.pk)


@campaign_page(POST=Action.MANAGE)
def goal_use_wording(request, campaign: Campaign):
    form = UseWordingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The suggested wording could not be read: reload the page and try again."))
        return redirect("campaigns:goal", campaign.pk)
    had_signatures = campaign.goal_signatures.filter(voided_at__isnull=True).exists()
    try:
        services.campaign_update(campaign=campaign, actor=request.user, version=form.cleaned_data["version"],
                                 goal_statement=form.cleaned_data["goal_statement"].strip())
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The goal statement now uses the suggested wording."))
        if had_signatures:
            messages.warning(request, _("The goal changed, so the signatures are void: the signers need to sign "
                                        "again."))
    return redirect("campaigns:goal", campaign.pk)


@campaign_page(detail=True, GET=Action.VIEW)
def goal_check(request, campaign: Campaign):
    """The SMART check of the text being typed (htmx fragment on the settings page)."""
    text = request.GET.get("goal_statement", "")[:2000]
    return TemplateResponse(request, "campaigns/includes/smart_check.html",
                            {"campaign": campaign, "smart": smart_report(campaign, goal=text), "live": True})


@campaign_page(detail=True, GET=Action.VIEW)
def goal_export(request, campaign: Campaign):
    doc = selectors.goal_confirmation(campaign)
    data = goal_docx(doc, smart_report(campaign))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml"
                                                ".document")
    filename = f"goal-confirmation-{campaign.pk}.docx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
