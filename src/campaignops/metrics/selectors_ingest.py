"""Reads for the ingest pages (the dashboard's reads live in selectors.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q

from campaignops.campaigns.models import Channel

from . import catalogue as cat
from .models import WHOLE_DAY, BatchState, CustomMetric, ImportBatch, Observation

RECENT_BATCHES = 15


def all_channels() -> list[Channel]:
    return list(Channel.objects.order_by("sort", "code"))


def entry_channels(campaign) -> list[Channel]:
    """The campaign's channels (offline ones first: the pop-up team types its numbers), else all."""
    mine = list(campaign.channels.order_by("online", "sort", "code"))
    return mine or list(Channel.objects.order_by("online", "sort", "code"))


def raw_choices(campaign, custom=None) -> list[tuple[str, str]]:
    return [(code, info.name) for code, info in cat.catalogue(campaign, custom).items() if info.kind == "raw"]


def named_totals(totals: dict[str, Decimal], catalogue: dict) -> list[dict]:
    return [{"code": code, "name": catalogue[code].name if code in catalogue else code, "value": value,
             "money": code in catalogue and catalogue[code].is_money} for code, value in totals.items()]


def day_values(campaign, day: dt.date, metric: str) -> dict[int, Decimal]:
    """channel id -> the whole-day value (default attribution) of one metric on one day."""
    return dict(Observation.objects.filter(campaign=campaign, day=day, metric=metric, hour=WHOLE_DAY,
                                           attribution="").values_list("channel_id", "value"))


def data_page(campaign) -> dict:
    """Recent imports, how many numbers there are, custom metrics (four queries)."""
    batches = list(ImportBatch.objects.filter(campaign=campaign).exclude(state=BatchState.DISCARDED)
                   .select_related("created_by__profile").defer("payload").order_by("-created_at", "-id")
                   [:RECENT_BATCHES])
    stats = Observation.objects.filter(campaign=campaign).aggregate(
        n=Count("id"), days=Count("day", distinct=True), channels=Count("channel", distinct=True),
        manual=Count("id", filter=Q(source="manual")))
    custom = list(CustomMetric.objects.filter(campaign=campaign).order_by("code"))
    return {"batches": batches, "stats": stats, "custom_metrics": custom,
            "core_metrics": [cat.BUILTIN[c] for c in cat.core_metrics(campaign.kind)]}
