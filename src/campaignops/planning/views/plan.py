"""The plan page: the 8-column table grouped by phase, with its filter bar."""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from campaignops.access.policy import Action, can
from campaignops.campaigns.models import Campaign

from .. import selectors
from ..domain.workdays import WorkCalendar
from ..models import Phase
from .common import PLAN, Lookups, _campaign, _is_partial, _table_context, plan_view


@plan_view("GET")
def plan_table(request, pk: int):
    campaign = _campaign(request, pk)
    filters = selectors.PlanFilters.from_query(request.GET)
    ctx = _table_context(request, campaign, filters)
    if _is_partial(request) and request.htmx.target == "plan-table-wrap":
        return TemplateResponse(request, PLAN + "#table", ctx)
    phases = [g.phase for g in ctx["groups"]] if not filters.active else list(
        selectors.phase_list(campaign=campaign))
    ctx["options"] = _filter_options(campaign, phases, ctx["facets"], ctx["lookups"])
    ctx["can_manage"] = can(request.user, Action.MANAGE, campaign)
    ctx["holiday_gap"] = WorkCalendar(country=campaign.country).missing_years([campaign.start_date,
                                                                               campaign.end_date])
    return TemplateResponse(request, PLAN, ctx)


def _filter_options(campaign: Campaign, phases: list[Phase], facets: selectors.PlanFacets,
                    lookups: Lookups) -> dict:
    """(value, label, count) per filter: members and "no user owner", statuses, channels of the
    campaign or of its tasks, phases."""
    scope = set(campaign.channels.values_list("pk", flat=True))
    owners = [(str(m.user_id), lookups.names[m.user_id], facets.owner.get(str(m.user_id), 0))
              for m in lookups.memberships]
    owners.append(("none", _("No user owner"), facets.owner.get("none", 0)))
    return {
        "owner": owners,
        "status": [(v, label, facets.status.get(v, 0)) for v, label in lookups.statuses.items()],
        "channel": [(c.code, c.name, facets.channel.get(c.code, 0)) for c in lookups.channels.values()
                    if c.pk in scope or c.code in facets.channel],
        "phase": [(str(p.pk), p.name, facets.phase.get(p.pk, 0)) for p in phases],
    }
