"""Dashboard endpoints: the board as JSON, a cheap "changed since" probe for live pages, and the
campaign's behind threshold. Access first (VIEW for reads, EDIT for the threshold), then the
selectors / the pure board, then a schema."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils.translation import get_language
from ninja import Field as QField
from ninja import Query, Router, Schema

from campaignops.access.policy import Action, get_for
from campaignops.campaigns.models import Campaign
from campaignops.core.schemas import ERRORS, WRITE_ERRORS, Id

from . import selectors
from .dashboard import campaign_today, compute_cached, fetch
from .pace_settings import PaceSettings, pace_settings_save
from .presenters_dashboard import board_json
from .schemas_dashboard import ChangesOut, DashboardOut, PaceSettingsIn, PaceSettingsOut

router = Router(tags=["metrics dashboard"])


class BoardQuery(Schema):
    as_of: dt.date | None = QField(None, description="Show the board as it stood at the end of this day.")
    result: str = QField("", max_length=40, description="Result metric of the channel table: conversions, "
                                                         "leads, orders, store_visitors or reviews.")


class ChangesQuery(Schema):
    since: str = QField("", max_length=200, description="The token of the board you show.")


def _campaign(request, campaign_id: int, action: Action = Action.VIEW) -> Campaign:
    return get_for(request.user, action, Campaign, campaign_id)


@router.get("/campaigns/{int:campaign_id}/dashboard", response={200: DashboardOut, **ERRORS},
            summary="The live KPI dashboard: KPI cards with pace and forecast, channels, funnel, spend, daily series")
def dashboard(request, campaign_id: Id, q: Query[BoardQuery]):
    """Polled by scripts and open pages: the JSON of a board is kept while its inputs stay the same."""
    campaign = _campaign(request, campaign_id)
    token = selectors.change_token(campaign)   # covers every input of the board
    key = (token, q.as_of or campaign_today(campaign), q.result, get_language())
    body = selectors.BODIES.get(key)
    if body is None:
        board = compute_cached(fetch(campaign, today=q.as_of, result=q.result, token=token))
        body = DashboardOut.model_validate(board_json(board, campaign=campaign, token=token)).model_dump_json()
        selectors.BODIES.put(key, body)
    return HttpResponse(body, content_type="application/json")


@router.get("/campaigns/{int:campaign_id}/dashboard/changes", response={200: ChangesOut, **ERRORS},
            summary="Whether the dashboard has new numbers since a token (cheap: poll it every few seconds)")
def dashboard_changes(request, campaign_id: Id, q: Query[ChangesQuery]):
    campaign = _campaign(request, campaign_id)
    token = selectors.change_token(campaign)
    return {"token": token, "changed": token != q.since}


@router.put("/campaigns/{int:campaign_id}/dashboard/settings", response={200: PaceSettingsOut, **WRITE_ERRORS},
            summary="Set the threshold by which a KPI's forecast may miss its target before it counts as behind")
def dashboard_settings(request, campaign_id: Id, payload: PaceSettingsIn):
    campaign = _campaign(request, campaign_id, Action.EDIT)
    row = pace_settings_save(campaign=campaign, behind_threshold=payload.behind_threshold, version=payload.version,
                             actor=request.user)
    return PaceSettings.objects.get(pk=row.pk)
