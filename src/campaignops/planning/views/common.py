"""What every plan view shares: loading rows the user may act on (404/403 through the access
policy), the table's context, and the htmx responses that redraw a row, a phase or the table."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import wraps
from urllib.parse import parse_qs, urlsplit

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django_htmx.http import reswap, retarget

from campaignops.access.policy import Action, can, get_for
from campaignops.accounts.models import display_name
from campaignops.campaigns.models import Campaign
from campaignops.campaigns.selectors import channel_catalogue, members_of

from .. import selectors, services
from ..forms import PlanChoices
from ..models import Phase, Task, TaskStatus
from .rows import RowTexts, row_html

PLAN = "planning/plan.html"


def plan_view(*methods: str):
    """Sign-in required, then access before the method: a non-member gets 404 whatever the method
    (a member using the wrong method gets 405)."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, pk: int, *args, **kwargs):
            if request.method not in methods:
                get_for(request.user, Action.VIEW, Campaign, pk)
                return HttpResponseNotAllowed(methods)
            return view(request, pk, *args, **kwargs)
        return wrapped
    return decorate


def _campaign(request, pk: int, action: Action = Action.VIEW) -> Campaign:
    return get_for(request.user, action, Campaign, pk)


def _task(campaign: Campaign, task_pk: int) -> Task:
    return get_object_or_404(selectors.tasks_qs(), campaign=campaign, pk=task_pk)


def _phase(campaign: Campaign, phase_pk: int) -> Phase:
    return get_object_or_404(Phase, campaign=campaign, pk=phase_pk)


def _choices(campaign: Campaign) -> PlanChoices:
    return PlanChoices(phases=list(selectors.phase_list(campaign=campaign)),
                       members=[m.user for m in members_of(campaign)], channels=list(channel_catalogue()))


def _is_partial(request) -> bool:
    return bool(request.htmx) and not request.htmx.boosted and not request.htmx.history_restore_request


def _filters(request) -> selectors.PlanFilters:
    """Filters of the page the htmx request came from (rows keep the table's filters)."""
    if request.htmx and request.htmx.current_url:
        query = parse_qs(urlsplit(request.htmx.current_url).query)
        return selectors.PlanFilters.from_query({k: v[-1] for k, v in query.items()})
    return selectors.PlanFilters.from_query(request.GET)


def _optional_url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


# ---- context ------------------------------------------------------------------------------------

@dataclass
class Group:
    phase: Phase
    tasks: list[Task]
    total: int = 0
    done: int = 0
    workdays: int = 0


@dataclass
class PlanUrls:
    plan: str
    tasks: str            # prefix: + "<task id>/", "<task id>/edit/", …
    phases: str           # prefix: + "<phase id>/", "new/", …
    export: str = ""
    import_: str = ""
    calendar: str = ""
    extra: dict = field(default_factory=dict)


def _task_base(campaign: Campaign) -> str:
    """The prefix of a task's URLs: + "<task id>/", "<task id>/edit/", … (see urls.py)."""
    return reverse("planning:plan", args=[campaign.pk]) + "tasks/"


def _urls(campaign: Campaign) -> PlanUrls:
    plan = reverse("planning:plan", args=[campaign.pk])
    return PlanUrls(plan=plan, tasks=plan + "tasks/", phases=plan + "phases/",
                    export=_optional_url("planning_io:export", campaign.pk),
                    import_=_optional_url("planning_io:import", campaign.pk),
                    calendar=reverse("planning:calendar") + f"?country={campaign.country}&year={campaign.start_date.year}",
                    extra={"lesson_hints": _optional_url("lessons:hints", campaign.pk)})


@dataclass
class Lookups:
    """What rows are labelled with, loaded once per request: the team, the channel catalogue and
    the status names in the current language."""

    memberships: list
    users: dict
    channels: dict
    names: dict = field(default_factory=dict)
    statuses: dict = field(default_factory=dict)

    @classmethod
    def load(cls, campaign: Campaign) -> Lookups:
        memberships = list(members_of(campaign))
        users = {m.user_id: m.user for m in memberships}
        return cls(memberships, users, {c.pk: c for c in channel_catalogue()},
                   {pk: display_name(u) for pk, u in users.items()},
                   {v: str(label) for v, label in TaskStatus.choices})

    @classmethod
    def for_row(cls) -> Lookups:
        """For one row loaded with its owner and channel joined: no query."""
        return cls([], {}, {}, {}, {v: str(label) for v, label in TaskStatus.choices})

    def label(self, tasks, *, base_url: str, editable: bool) -> None:
        """Owner, status, channel and deliverables labels, the row's URL and its HTML on each row."""
        names, statuses, texts = self.names, self.statuses, RowTexts.current()
        for t in tasks:
            owner = t.owner_id and (names.get(t.owner_id) or display_name(t.owner))
            t.owner_label = owner or t.owner_name
            t.status_label = statuses[t.status]
            t.channel_label = t.channel.name if t.channel_id else ""
            t.progress = "" if t.deliverables_planned is None else f"{t.deliverables_done or 0}/{t.deliverables_planned}"
            t.url = f"{base_url}{t.pk}/"
            t.html = row_html(t, editable=editable, texts=texts)


def _base(request, campaign: Campaign) -> dict:
    editable = can(request.user, Action.EDIT, campaign)
    return {"campaign": campaign, "editable": editable, "cols": 12 if editable else 11, "urls": _urls(campaign),
            "statuses": TaskStatus.choices}


def _groups(campaign: Campaign, filters: selectors.PlanFilters, facets: selectors.PlanFacets,
            lookups: Lookups, editable: bool) -> list[Group]:
    cal = services.calendar_for(campaign.country)
    base_url = _task_base(campaign)
    groups = []
    for phase, tasks in selectors.plan_table_grouped(campaign=campaign, filters=filters, users=lookups.users,
                                                     channels=lookups.channels):
        if filters.active and not tasks:
            continue
        lookups.label(tasks, base_url=base_url, editable=editable)
        groups.append(Group(phase, tasks, facets.phase.get(phase.pk, 0), facets.phase_done.get(phase.pk, 0),
                            cal.working_days_in(phase.start_date, phase.end_date)))
    return groups


def _table_context(request, campaign: Campaign, filters: selectors.PlanFilters) -> dict:
    base = _base(request, campaign)
    facets = selectors.plan_facets(campaign=campaign)
    lookups = Lookups.load(campaign)
    groups = _groups(campaign, filters, facets, lookups, base["editable"])
    shown = sum(len(g.tasks) for g in groups)
    return {**base, "groups": groups, "facets": facets, "filters": filters, "shown": shown,
            "lookups": lookups}


def _group_context(request, campaign: Campaign, phase: Phase) -> dict:
    filters = _filters(request)
    filters.phase = str(phase.pk)
    ctx = _base(request, campaign)
    facets = selectors.plan_facets(campaign=campaign)
    group = _groups(campaign, filters, facets, Lookups.load(campaign), ctx["editable"])
    return {**ctx, "g": group[0] if group else Group(phase, [], facets.phase.get(phase.pk, 0),
                                                      facets.phase_done.get(phase.pk, 0))}


def _table_response(request, campaign: Campaign, status: int = 200):
    response = TemplateResponse(request, PLAN + "#table", _table_context(request, campaign, _filters(request)),
                                status=status)
    return reswap(retarget(response, "#plan-table-wrap"), "outerHTML")


def _group_response(request, campaign: Campaign, phase: Phase):
    response = TemplateResponse(request, PLAN + "#group", _group_context(request, campaign, phase))
    return reswap(retarget(response, f"#pg-{phase.pk}"), "outerHTML")


def _back(campaign: Campaign, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("planning:plan", args=[campaign.pk]) + (f"#{anchor}" if anchor else ""))
