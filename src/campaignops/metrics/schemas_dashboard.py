"""Schemas of the dashboard endpoints: numbers as exact decimals (JSON strings), chart series as floats."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema
from pydantic import ConfigDict


class KpiCardOut(Schema):
    id: int = Field(..., description="KPI target id.")
    metric: str = Field(..., description="Metric code (GMV is `revenue`).")
    label: str
    channel: str = Field(..., description="Channel name when the target is for one channel, else empty.")
    unit: str
    kind: str = Field(..., description="count | rate (a proportion in %) | ratio | none.")
    lower_is_better: bool
    target: Decimal
    actual: Decimal | None = Field(..., description="Σ (counts) or the ratio of the sums up to today / the due date.")
    percent_reached: Decimal | None
    expected_by_now: Decimal | None = Field(..., description="Where the KPI should be today on the phase shape.")
    projected: Decimal | None = Field(..., description="Forecast at the due date.")
    low: Decimal | None = Field(..., description="Low end of the forecast range.")
    high: Decimal | None = Field(..., description="High end of the forecast range.")
    status: str = Field(..., description="on_track | behind | ahead | no_data | met | missed.")
    status_label: str
    due: dt.date


class ChannelRowOut(Schema):
    id: int | None = Field(..., description="Channel id; null for the online / offline subtotals and the total.")
    name: str
    online: bool | None
    spend: Decimal | None
    impressions: Decimal | None
    clicks: Decimal | None
    results: Decimal | None
    revenue: Decimal | None
    visitors: Decimal | None
    ctr: Decimal | None = Field(..., description="clicks ÷ impressions × 100.")
    cvr: Decimal | None = Field(..., description="results ÷ clicks × 100.")
    cost_per_result: Decimal | None = Field(..., description="spend ÷ results.")
    roas: Decimal | None = Field(..., description="revenue ÷ spend.")


class FunnelStepOut(Schema):
    metric: str
    value: Decimal | None
    rate: Decimal | None = Field(..., description="% of the previous step.")
    reference: Decimal | None = Field(..., description="The campaign's target for that rate, if any.")
    weakest: bool


class SpendOut(Schema):
    spend: Decimal = Field(..., description="Ad spend reported by the platforms.")
    budget_set: bool
    approved: Decimal | None
    planned: Decimal | None
    actual: Decimal | None = Field(..., description="Expenses recorded in the budget.")
    promotion_budget: Decimal | None = Field(..., description="Budget of the channel promotion / ad spend lines.")
    percent_of_promotion: Decimal | None
    percent_of_budget: Decimal | None


class DashboardOut(Schema):
    campaign_id: int
    today: dt.date = Field(..., description="The date the board is computed for (today, or `as_of`).")
    token: str = Field(..., description="Change token: pass it to /dashboard/changes to learn of new numbers.")
    threshold: Decimal = Field(..., description="Behind when the forecast misses the target by more than this %.")
    result: str = Field(..., description="The metric counted as a result in the channel table.")
    kpis: list[KpiCardOut]
    channels: list[ChannelRowOut]
    funnel: list[FunnelStepOut]
    spend: SpendOut
    days: list[dt.date]
    series: dict[str, dict[str, list[float]]] = Field(..., description="metric → online/offline daily values.")
    pace: dict[int, dict[str, list[float | None]]] = Field(
        ..., description="KPI id → cumulative actual and expected (target × share of the phase shape) per day.")


class ChangesOut(Schema):
    token: str
    changed: bool = Field(..., description="Whether the token differs from `since`.")


class PaceSettingsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    behind_threshold: Decimal = Field(..., ge=0, le=100, max_digits=5, decimal_places=2)
    version: int | None = Field(None, description="The version you read (null: none stored yet).")


class PaceSettingsOut(Schema):
    behind_threshold: Decimal
    version: int
