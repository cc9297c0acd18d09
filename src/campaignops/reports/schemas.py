"""API schemas of the reports app."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

STRICT = ConfigDict(extra="forbid")
VERSION_HELP = "The version you read; a stale one gets 409 and nothing changes."
Kind = Literal["summary", "retrospective"]
Format = Literal["pdf", "docx", "xlsx"]


class VersionRef(Schema):
    id: int
    number: int
    published_at: dt.datetime
    published_by: int | None = Field(None, alias="published_by_id")


class ReportOut(Schema):
    id: int
    campaign_id: int
    kind: Kind
    status: Literal["draft", "published"]
    version: int = Field(..., description="Send it back with edits, re-drafts and publication.")
    narrative: dict[str, str]
    meeting_date: dt.date | None
    attendees: list[int]
    action_items: list[int] = Field(..., description="Plan task ids of the action items.")
    generated_at: dt.datetime | None
    versions: list[VersionRef]

    @staticmethod
    def resolve_attendees(obj) -> list[int]:
        return sorted(u.pk for u in obj.attendees.all())

    @staticmethod
    def resolve_action_items(obj) -> list[int]:
        return [a.task_id for a in obj.action_items.all()]

    @staticmethod
    def resolve_versions(obj) -> list:
        return list(obj.versions.all())


class ReportDetailOut(ReportOut):
    facts: dict[str, Any] = Field(..., description="The figures as of now (the same shape a published version keeps).")


class GenerateIn(Schema):
    model_config = STRICT
    version: int | None = Field(None, description="Needed to re-draft an existing report: " + VERSION_HELP)


class ReportPatch(Schema):
    model_config = STRICT
    version: int = Field(..., description=VERSION_HELP)
    narrative: dict[str, str] | None = Field(
        None, description="Parts to replace: conclusion, analysis, next_steps (summary); went_well, to_improve, "
                          "meeting_notes (retrospective).")
    meeting_date: dt.date | None = None
    attendees: list[int] | None = Field(None, description="User ids of the campaign's members (retrospective).")


class PublishIn(Schema):
    model_config = STRICT
    version: int = Field(..., description=VERSION_HELP)


class VersionOut(VersionRef):
    report_id: int
    kind: Kind
    snapshot: dict[str, Any]

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.report.kind


class ActionItemIn(Schema):
    model_config = STRICT
    title: str = Field(..., min_length=1, max_length=300)
    owner: int | None = Field(None, description="A user id of a campaign member.")
    due: dt.date | None = None


class ActionItemOut(Schema):
    id: int
    task_id: int
    title: str
    owner: int | None
    due: dt.date
