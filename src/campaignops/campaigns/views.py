"""Campaign pages: list, create, overview, settings, KPI targets and members.

Every campaign URL resolves access first (404 for non-members, also for a wrong method), then the
method (405), then the role (403). htmx requests get the named partial of the same template."""

import copy
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from campaignops.access.policy import Action, can, get_for, is_member
from campaignops.accounts.forms import COMMON_TIME_ZONES
from campaignops.accounts.models import display_name
from campaignops.core.errors import DomainError, StaleVersion
from campaignops.planning.services import (
    calendar_for,
    campaign_create_from_template,
    campaign_save_as_template,
)

from . import presenters, selectors, services
from .domain.timeline import percent
from .forms import (
    COUNTRIES,
    CampaignCreateForm,
    CampaignSettingsForm,
    ChannelAddForm,
    KpiTargetForm,
    MemberAddForm,
    MemberUpdateForm,
    SaveAsTemplateForm,
)
from .models import Campaign, CampaignStatus, Channel, KpiTarget, Role
from .smart_report import smart_report


def campaign_page(detail: bool = False, **actions: Action):
    """Decorate a view of one campaign: `@campaign_page(GET=Action.VIEW, POST=Action.MANAGE)`."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, pk: int, *args, **kwargs):
            qs = selectors.campaign_detail_qs() if detail else Campaign.objects.select_related("lead")
            campaign = get_for(request.user, Action.VIEW, qs, pk)
            method = "GET" if request.method == "HEAD" else request.method
            if method not in actions:
                return HttpResponseNotAllowed(list(actions))
            if not can(request.user, actions[method], campaign):
                raise PermissionDenied
            return view(request, campaign, *args, **kwargs)

        return wrapper

    return decorator


def _form_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


def _forget_roles(user) -> None:
    user.__dict__.pop("_campaign_roles", None)


# ---- list and create ----------------------------------------------------------------------------

@login_required
@require_GET
def campaign_list(request):
    status = request.GET.get("status", "")
    status = status if status in CampaignStatus.values else ""
    query = request.GET.get("q", "").strip()[:100]
    campaigns = list(selectors.campaign_cards(user=request.user, status=status, query=query))
    for c in campaigns:
        c.percent_done = percent(c.done_count, c.task_count)
    counts = selectors.status_counts(user=request.user)
    context = {"campaigns": campaigns, "status": status, "query": query, "total": sum(counts.values()),
               "statuses": [(v, label, counts.get(v, 0)) for v, label in CampaignStatus.choices]}
    partial = request.htmx and not request.htmx.history_restore_request
    return TemplateResponse(request, "campaigns/list.html" + ("#results" if partial else ""), context)


def _create(data: dict, actor) -> Campaign:
    fields = {"currency": data["currency"], "time_zone": data["time_zone"]}
    if data["kind"]:
        fields["kind"] = data["kind"]
    if data["template"]:
        return campaign_create_from_template(template=data["template"], actor=actor, name=data["name"],
                                             start_date=data["start_date"], country=data["country"], **fields)
    return services.campaign_create(actor=actor, name=data["name"], start_date=data["start_date"],
                                    end_date=data["end_date"], country=data["country"], **fields)


def _announce(request, campaign: Campaign, template) -> None:
    info = presenters.period(campaign, calendar_for(campaign.country))
    values = {"name": campaign.name, "window": info["label"], "workdays": info["workdays"],
              "country": dict(COUNTRIES).get(campaign.country, campaign.country),
              "phases": campaign.phases.count(), "template": template}
    if template:
        messages.success(request, _("“%(name)s” is created from “%(template)s”: %(window)s, %(workdays)s working "
                                    "days (%(country)s calendar), %(phases)s phases.") % values)
    else:
        messages.success(request, _("“%(name)s” is created: %(window)s, %(workdays)s working days (%(country)s "
                                    "calendar). Add phases and tasks on the plan page.") % values)
    if info["missing_years"]:
        messages.warning(request, _(
            "The holiday calendar has no data for %(years)s yet: only weekends were skipped in those years. "
            "Check the dates once the official holiday schedule is published.")
            % {"years": ", ".join(str(y) for y in info["missing_years"])})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    form = CampaignCreateForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            campaign = _create(form.cleaned_data, request.user)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            _announce(request, campaign, form.cleaned_data["template"])
            return redirect("campaigns:overview", campaign.pk)
    return TemplateResponse(request, "campaigns/create.html", {"form": form, "time_zones": COMMON_TIME_ZONES})


# ---- overview -----------------------------------------------------------------------------------

@campaign_page(detail=True, GET=Action.VIEW)
def campaign_overview(request, campaign: Campaign):
    return TemplateResponse(request, "campaigns/overview.html", presenters.overview(campaign, request.user))


# ---- settings, custom channel, save as template, delete ----------------------------------------

def _settings_page(request, campaign, form, *, status=200, **extra):
    channels = list(selectors.channel_catalogue())
    context = {"campaign": campaign, "form": form, "can_manage": True, "time_zones": COMMON_TIME_ZONES,
               "channel_groups": presenters.channel_groups(channels), "selected": form.selected_channel_ids(),
               "channel_form": ChannelAddForm(), "template_form": SaveAsTemplateForm(),
               "smart": smart_report(campaign, goal=form["goal_statement"].value() or ""), **extra}
    return TemplateResponse(request, "campaigns/settings.html", context, status=status)


def _stale_form(form, campaign, exc: StaleVersion):
    """The user's input, kept, now based on the stored version; and the fields stored differently."""
    data = form.data.copy()
    data["version"] = str(exc.current_version)
    fresh = CampaignSettingsForm(data, instance=copy.copy(campaign))
    fresh.is_valid()
    differing = [fresh[name].label for name in fresh.changed_data if name != "version"]
    return fresh, differing


@campaign_page(GET=Action.MANAGE, POST=Action.MANAGE)
def campaign_settings(request, campaign: Campaign):
    bound = request.method == "POST"
    form = CampaignSettingsForm(request.POST if bound else None, instance=copy.copy(campaign))
    if bound and form.is_valid():
        data = form.cleaned_data
        changes = {f: data[f] for f in services.CAMPAIGN_FIELDS if f in data}
        try:
            with transaction.atomic():  # a custom channel typed in the form is created only if the save works
                services.campaign_update(campaign=campaign, actor=request.user, version=data["version"],
                                         channels=_channels_with_typed(request, data["channels"]), **changes)
        except StaleVersion as exc:
            campaign.refresh_from_db()
            fresh, differing = _stale_form(form, campaign, exc)
            return _settings_page(request, campaign, fresh, status=409, stale=True, differing=differing)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The campaign settings are saved."))
            return redirect("campaigns:settings", campaign.pk)
    return _settings_page(request, campaign, form)


def _custom_channel(name: str, online: bool, actor) -> Channel:
    existing = Channel.objects.filter(Q(name_en__iexact=name) | Q(name_zh=name)).first()
    if existing is not None:
        return existing
    base = ("custom-" + slugify(name))[:34].rstrip("-")
    taken = set(Channel.objects.filter(code__startswith=base).values_list("code", flat=True))
    code = next(c for c in [base, *(f"{base}-{i}" for i in range(2, 10_000))] if c not in taken)
    return services.channel_create(code=code, name_en=name, name_zh=name, online=online, actor=actor)


def _channels_with_typed(request, channels) -> list[Channel]:
    """The ticked channels, plus a custom one typed but not added with its own button."""
    typed = ChannelAddForm(request.POST)
    if not typed.is_valid() or not typed.cleaned_data["new_channel_name"]:
        return list(channels)
    extra = _custom_channel(typed.cleaned_data["new_channel_name"],
                            typed.cleaned_data["new_channel_online"], request.user)
    return [*channels, extra]


@campaign_page(POST=Action.MANAGE)
def channel_add(request, campaign: Campaign):
    form = ChannelAddForm(request.POST)
    selected = set(request.POST.getlist("channels"))
    added = None
    if form.is_valid() and not form.cleaned_data["new_channel_name"]:
        form.add_error("new_channel_name", _("Type the channel's name first."))
    elif form.is_valid():
        try:
            added = _custom_channel(form.cleaned_data["new_channel_name"],
                                    form.cleaned_data["new_channel_online"], request.user)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            selected.add(str(added.pk))
            form = ChannelAddForm()
    if not request.htmx:
        if added is not None:
            services.campaign_channel_add(campaign=campaign, channel=added, actor=request.user)
        return redirect("campaigns:settings", campaign.pk)
    context = {"campaign": campaign, "channel_form": form, "selected": selected, "added": added,
               "channel_groups": presenters.channel_groups(list(selectors.channel_catalogue()))}
    return TemplateResponse(request, "campaigns/settings.html#channels", context)


@campaign_page(POST=Action.MANAGE)
def save_as_template(request, campaign: Campaign):
    form = SaveAsTemplateForm(request.POST)
    saved = None
    if form.is_valid():
        try:
            saved = campaign_save_as_template(campaign=campaign, actor=request.user,
                                              name=form.cleaned_data["template_name"].strip())
        except DomainError as exc:
            form.add_error("template_name", str(exc.message))
    if not request.htmx:
        if saved is not None:
            messages.success(request, _("Saved as the template “%(name)s”.") % {"name": saved.name})
        else:
            messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return redirect("campaigns:settings", campaign.pk)
    context = {"campaign": campaign, "template_form": SaveAsTemplateForm() if saved else form, "saved": saved}
    return TemplateResponse(request, "campaigns/settings.html#save_template", context)


@campaign_page(GET=Action.MANAGE, POST=Action.MANAGE)
def campaign_delete(request, campaign: Campaign):
    if request.method == "POST":
        name = campaign.name
        services.campaign_delete(campaign=campaign, actor=request.user)
        messages.success(request, _("The campaign “%(name)s” and its plan are deleted.") % {"name": name})
        return redirect("campaigns:list")
    counts = {"phases": campaign.phases.count(), "tasks": campaign.tasks.count(),
              "targets": campaign.kpi_targets.count(), "members": campaign.memberships.count()}
    return TemplateResponse(request, "campaigns/delete.html",
                            {"campaign": campaign, "counts": counts, "can_manage": True})


# ---- KPI targets (in place on the overview) -----------------------------------------------------

def _kpi_response(request, campaign: Campaign, *, form=None, editing=None, notice="", stale=False):
    state = {"kpi_form": form, "kpi_editing": editing, "kpi_notice": notice, "kpi_stale": stale}
    if request.htmx:
        context = {"campaign": campaign, "can_manage": can(request.user, Action.MANAGE, campaign),
                   "kpi_rows": presenters.kpi_rows(selectors.kpi_targets_of(campaign), campaign.currency),
                   **state}
        return TemplateResponse(request, "campaigns/overview.html#kpis", context)
    detail = selectors.campaign_detail_qs().get(pk=campaign.pk)
    return TemplateResponse(request, "campaigns/overview.html",
                            {**presenters.overview(detail, request.user), **state})


def _kpi_done(request, campaign: Campaign, notice: str):
    if request.htmx:
        return _kpi_response(request, campaign, notice=notice)
    messages.success(request, notice)
    return redirect(reverse("campaigns:overview", args=[campaign.pk]) + "#kpis")


def _kpi_fields(form) -> dict:
    return {f: form.cleaned_data[f] for f in KpiTargetForm.Meta.fields}


@campaign_page(GET=Action.VIEW)
def kpi_section(request, campaign: Campaign):
    return _kpi_response(request, campaign)


@campaign_page(GET=Action.MANAGE, POST=Action.MANAGE)
def kpi_create(request, campaign: Campaign):
    bound = request.method == "POST"
    form = KpiTargetForm(request.POST if bound else None, instance=KpiTarget(campaign=campaign))
    if bound and form.is_valid():
        try:
            services.kpi_target_create(campaign=campaign, actor=request.user, **_kpi_fields(form))
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return _kpi_done(request, campaign, _("The KPI target is added."))
    return _kpi_response(request, campaign, form=form, editing="new")


@campaign_page(GET=Action.MANAGE, POST=Action.MANAGE)
def kpi_edit(request, campaign: Campaign, target_id: int):
    target = get_object_or_404(selectors.kpi_targets_of(campaign), pk=target_id)
    bound = request.method == "POST"
    form = KpiTargetForm(request.POST if bound else None, instance=copy.copy(target))
    if bound and form.is_valid():
        try:
            services.kpi_target_update(target=target, actor=request.user, version=form.cleaned_data["version"],
                                       **_kpi_fields(form))
        except StaleVersion as exc:
            data = form.data.copy()
            data["version"] = str(exc.current_version)
            form = KpiTargetForm(data, instance=copy.copy(target))
            return _kpi_response(request, campaign, form=form, editing=target.pk, stale=True)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return _kpi_done(request, campaign, _("The KPI target is saved."))
    return _kpi_response(request, campaign, form=form, editing=target.pk)


@campaign_page(POST=Action.MANAGE)
def kpi_delete(request, campaign: Campaign, target_id: int):
    target = get_object_or_404(selectors.kpi_targets_of(campaign), pk=target_id)
    services.kpi_target_delete(target=target, actor=request.user)
    return _kpi_done(request, campaign, _("The KPI target is deleted."))


# ---- members ------------------------------------------------------------------------------------

def _members_response(request, campaign: Campaign, *, add_form=None, notice="", error="", wrote=False):
    if wrote:  # the user may have changed or removed their own membership
        _forget_roles(request.user)
    if not is_member(request.user, campaign):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("campaigns:list")
        return response if request.htmx else redirect("campaigns:list")
    can_manage = can(request.user, Action.MANAGE, campaign)
    order = {value: i for i, value in enumerate(Role.values)}
    members = sorted(selectors.members_of(campaign), key=lambda m: (order.get(m.role, 99), m.pk))
    rows = [(m, MemberUpdateForm(instance=m) if can_manage else None) for m in members]
    context = {"campaign": campaign, "rows": rows, "can_manage": can_manage, "notice": notice, "error": error,
               "add_form": add_form or MemberAddForm(campaign=campaign), "lead_count":
               sum(m.role == Role.LEAD for m in members)}
    template = "campaigns/members.html" + ("#members" if request.htmx else "")
    return TemplateResponse(request, template, context)


def _members_done(request, campaign: Campaign, notice: str):
    if request.htmx:
        return _members_response(request, campaign, notice=notice, wrote=True)
    messages.success(request, notice)
    _forget_roles(request.user)
    return redirect("campaigns:members", campaign.pk) if is_member(request.user, campaign) else redirect("campaigns:list")


@campaign_page(GET=Action.VIEW)
def members(request, campaign: Campaign):
    return _members_response(request, campaign)


@campaign_page(POST=Action.MANAGE)
def member_add(request, campaign: Campaign):
    form = MemberAddForm(request.POST, campaign=campaign)
    if form.is_valid():
        data = dict(form.cleaned_data)
        user = data.pop("username")
        try:
            membership = services.member_add(campaign=campaign, actor=request.user, user=user, **data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return _members_done(request, campaign, _("%(name)s joined the team as %(role)s.") % {
                "name": display_name(user), "role": membership.get_role_display()})
    return _members_response(request, campaign, add_form=form)


@campaign_page(POST=Action.MANAGE)
def member_update(request, campaign: Campaign, member_id: int):
    membership = get_object_or_404(selectors.members_of(campaign), pk=member_id)
    form = MemberUpdateForm(request.POST, instance=copy.copy(membership))
    if not form.is_valid():
        error = "; ".join(e for errors in form.errors.values() for e in errors)
        return _members_response(request, campaign, error=error)
    try:
        services.member_update(membership=membership, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        return _members_response(request, campaign, error=str(exc.message))
    return _members_done(request, campaign, _("%(name)s is updated.") % {"name": display_name(membership.user)})


@campaign_page(POST=Action.MANAGE)
def member_remove(request, campaign: Campaign, member_id: int):
    membership = get_object_or_404(selectors.members_of(campaign), pk=member_id)
    try:
        services.member_remove(membership=membership, actor=request.user)
    except DomainError as exc:
        if request.htmx:
            return _members_response(request, campaign, error=str(exc.message))
        messages.error(request, str(exc.message))
        return redirect("campaigns:members", campaign.pk)
    return _members_done(request, campaign, _("%(name)s left the team.") % {"name": display_name(membership.user)})

