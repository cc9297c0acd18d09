"""API schemas for daily progress: board cards and columns, the progress update (with `version`),
the tasks × days table and "my tasks"."""

import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict

from campaignops.campaigns.schemas import UserRef

from .models import TaskStatus
from .progress import NOTE_MAX

STRICT = ConfigDict(extra="forbid")


class CardOut(Schema):
    """A task as the board shows it."""

    id: int
    campaign_id: int
    title: str
    phase: int = Field(..., description="Phase id.")
    phase_name: str
    owner: UserRef | None
    owner_name: str
    start_date: dt.date
    end_date: dt.date
    channel: str | None = Field(None, description="Channel code.")
    status: TaskStatus
    percent_complete: int
    overdue: bool = Field(..., description="Past its end date (in the campaign's time zone) and not done/cancelled.")
    version: int

    @staticmethod
    def resolve_phase(obj) -> int:
        return obj.phase_id

    @staticmethod
    def resolve_phase_name(obj) -> str:
        return obj.phase.name

    @staticmethod
    def resolve_channel(obj) -> str | None:
        return obj.channel.code if obj.channel_id else None

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return bool(getattr(obj, "overdue", False))


class ColumnOut(Schema):
    status: TaskStatus
    label: str
    tasks: list[CardOut]


class BoardOut(Schema):
    today: dt.date = Field(..., description="Today in the campaign's time zone.")
    columns: list[ColumnOut] = Field(..., description="not started, in progress, delayed, blocked, done, cancelled.")


class BoardFilters(Schema):
    owner: str = Field("", description="A user id, or `none` for tasks without a user owner.",
                       pattern=r"^(|none|\d+)$")
    channel: str = Field("", description="Channel code.")
    phase: int | None = Field(None, description="Phase id.")


class ProgressIn(Schema):
    model_config = STRICT

    version: int = Field(..., description="The task's version you read; a stale one gets 409 and nothing changes.")
    status: TaskStatus
    percent_complete: int | None = Field(None, ge=0, le=100, description="Omitted: unchanged. “done” means 100.")
    note: str = Field("", max_length=NOTE_MAX)
    date: dt.date | None = Field(None, description="The day of the update; default: today in the campaign's time zone.")


class UpdateOut(Schema):
    id: int
    task_id: int
    date: dt.date
    status: TaskStatus
    percent_complete: int
    note: str
    author: UserRef | None
    automatic: bool
    created_at: dt.datetime


class ProgressOut(Schema):
    task: CardOut
    update: UpdateOut


class DailyCellOut(Schema):
    date: dt.date
    status: TaskStatus | None = Field(None, description="The status that day (the last update of the day, "
                                                        "else carried over); null before any update and after today.")
    percent_complete: int | None
    updated: bool = Field(..., description="Whether an update was made that very day.")
    notes: list[str]


class DailyRowOut(Schema):
    task: CardOut
    cells: list[DailyCellOut]


class DailyOut(Schema):
    start: dt.date
    end: dt.date
    today: dt.date
    rows: list[DailyRowOut]


class DailyQuery(BoardFilters):
    start: dt.date | None = Field(None, description="First day; default: this week (or the whole campaign if short).")
    end: dt.date | None = Field(None, description="Last day (at most 62 days after `start`).")


class MyTaskOut(CardOut):
    campaign_name: str
    due: str = Field(..., description="overdue, today, week (the rest of this week) or later.")
    editable: bool

    @staticmethod
    def resolve_campaign_name(obj) -> str:
        return obj.campaign.name


class MyTasksOut(Schema):
    total: int
    tasks: list[MyTaskOut] = Field(..., description="Open tasks owned by the caller, by due date.")
