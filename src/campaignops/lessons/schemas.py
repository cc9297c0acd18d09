"""API schemas of the lessons library and of the lessons suggested beside plan rows.

Inputs forbid unknown fields; `LessonPatch` carries the `version` the client read and changes only
the fields sent. Channels are given by code, phases by kind, campaign types by their value.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from campaignops.campaigns.models import CampaignKind
from campaignops.planning.models import PhaseKind

from .models import LessonKind, SuggestionState

STRICT = ConfigDict(extra="forbid")
VERSION_HELP = "The version you read; a stale one gets 409 and nothing changes."


class CampaignRef(Schema):
    id: int
    name: str


class LessonOut(Schema):
    id: int
    campaign: CampaignRef
    kind: LessonKind
    text: str
    evidence: str
    evidence_value: Decimal | None
    channel: str | None = Field(None, description="Channel code.")
    phase_kind: PhaseKind | Literal[""]
    campaign_kind: CampaignKind | Literal[""]
    tags: list[str]
    shared: bool = Field(..., description="Visible to everyone; otherwise to the campaign's members only.")
    source_report_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    @staticmethod
    def resolve_channel(obj) -> str | None:
        return obj.channel.code if obj.channel_id else None

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return obj.tag_list


class _LessonFields(Schema):
    model_config = STRICT

    kind: LessonKind | None = None
    text: str | None = Field(None, min_length=1, max_length=4000)
    evidence: str | None = Field(None, max_length=300)
    evidence_value: Decimal | None = Field(None, max_digits=18, decimal_places=4)
    channel: str | None = Field(None, description="Channel code; null for none.")
    phase_kind: PhaseKind | Literal[""] | None = None
    campaign_kind: CampaignKind | Literal[""] | None = Field(None, description="Default: the campaign's type.")
    tags: list[str] | None = Field(None, max_length=12)
    shared: bool | None = None


class LessonIn(_LessonFields):
    campaign: int = Field(..., ge=1, description="The campaign it was learned on (you need edit rights there).")
    kind: LessonKind = LessonKind.KEEP
    text: str = Field(..., min_length=1, max_length=4000)


class LessonPatch(_LessonFields):
    version: int = Field(..., description=VERSION_HELP)


class LessonFilters(Schema):
    q: str | None = Field(None, max_length=200, description="Full text, Chinese or English: all words must match.")
    kind: LessonKind | None = None
    channel: str | None = Field(None, max_length=40, description="Channel code.")
    phase: PhaseKind | None = None
    campaign_kind: CampaignKind | None = None
    tag: str | None = Field(None, max_length=40)
    campaign: int | None = Field(None, ge=1)


class SimilarOut(Schema):
    score: float = Field(..., description="0–100 (rapidfuzz token-set and token-sort ratios on jieba words).")
    lesson: LessonOut


class SuggestionOut(Schema):
    id: int
    task: int
    lesson: LessonOut
    score: int
    reasons: list[str] = Field(..., description="channel, phase, kind (campaign type), text (similar text).")
    state: SuggestionState
    result_id: int | None
    version: int

    @staticmethod
    def resolve_task(obj) -> int:
        return obj.task_id

    @staticmethod
    def resolve_reasons(obj) -> list[str]:
        return [r for r in obj.reasons.split(",") if r]


class ApplyIn(Schema):
    model_config = STRICT

    as_: Literal["task", "risk", "note"] = Field(..., alias="as",
                                                   description="Turn the lesson into a task, a risk or a note.")
    version: int = Field(..., description=VERSION_HELP)


class DismissIn(Schema):
    model_config = STRICT

    version: int = Field(..., description=VERSION_HELP)


class ApplyOut(Schema):
    suggestion: SuggestionOut
    kind: Literal["task", "risk", "note"]
    created_id: int = Field(..., description="The task or risk made, or the row that got the note.")
