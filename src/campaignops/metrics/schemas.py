"""API schemas of the metrics ingest side: the bulk write, file import, catalogue and custom metrics."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

STRICT = ConfigDict(extra="forbid")


class ObservationIn(Schema):
    model_config = STRICT

    day: dt.date
    channel: str = Field(..., min_length=1, max_length=40, description="A channel code, e.g. douyin, pop-up.")
    metric: str = Field(..., min_length=1, max_length=40, description="A raw metric code (see /metrics/catalogue).")
    value: Decimal = Field(..., ge=0, max_digits=20, decimal_places=4,
                           description="Money in the campaign currency's major unit (yuan, not fen).")
    hour: int | None = Field(None, ge=0, le=23, description="0–23 for one hour; null for the whole day.")
    attribution: str = Field("", max_length=40, description="Empty: the platform's default attribution window.")


class BulkIn(Schema):
    model_config = STRICT

    observations: list[ObservationIn] = Field(..., min_length=1, max_length=10_000)
    platform: str = Field("", max_length=30, description="Where the numbers come from, e.g. oceanengine.")


class BulkOut(Schema):
    batch: int
    received: int
    created: int
    updated: int
    unchanged: int
    replayed: bool = Field(False, description="True when this is the stored answer to an earlier request "
                                              "with the same Idempotency-Key.")


class IssueOut(Schema):
    row: int
    column: str
    column_letter: str
    message: str


class ImportOut(Schema):
    applied: bool
    platform: str
    counts: dict[str, int]
    totals: dict[str, str]
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    day_count: int
    channels: list[str]
    fingerprint: str
    rows_read: int
    totals_skipped: int
    created: int | None = None
    updated: int | None = None
    unchanged: int | None = None


class MetricOut(Schema):
    code: str
    name: str
    name_en: str
    name_zh: str
    kind: str
    unit: str
    higher_is_better: bool
    formula: str
    custom: bool


class CatalogueOut(Schema):
    metrics: list[MetricOut]
    core: list[str] = Field(..., description="The core metrics of the campaign's type.")


class CustomMetricIn(Schema):
    model_config = STRICT

    code: str = Field(..., min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")
    name_en: str = Field(..., min_length=1, max_length=80)
    name_zh: str = Field("", max_length=80)
    kind: Literal["raw", "derived"] = "raw"
    numerator: str = Field("", max_length=40)
    denominator: str = Field("", max_length=40)
    scale: Decimal = Field(Decimal(1), gt=0, max_digits=12, decimal_places=4)
    unit: Literal["count", "percent", "money", "ratio"] = "count"
    higher_is_better: bool = True
