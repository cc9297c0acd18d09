"""API schemas of the schedule: dependencies, the computed schedule with baseline variance, slip
previews and reschedules, baselines. Inputs forbid unknown fields; dates are working-day aware."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict, model_validator

from campaignops.campaigns.schemas import UserRef

from .models import DependencyType
from .scheduling import MAX_LAG, MAX_REACH

STRICT = ConfigDict(extra="forbid")


# ---- dependencies -------------------------------------------------------------------------------

class DependencyOut(Schema):
    id: int
    campaign_id: int
    predecessor: int = Field(..., description="Task id.")
    predecessor_title: str
    successor: int = Field(..., description="Task id.")
    successor_title: str
    type: DependencyType = Field(..., description="fs: finish to start; ss: start to start.")
    lag: int = Field(..., description="Working days after the predecessor finishes (fs) or starts (ss); "
                                      "negative: a lead.")
    created_at: dt.datetime

    @staticmethod
    def resolve_predecessor(obj) -> int:
        return obj.predecessor_id

    @staticmethod
    def resolve_predecessor_title(obj) -> str:
        return obj.predecessor.title

    @staticmethod
    def resolve_successor(obj) -> int:
        return obj.successor_id

    @staticmethod
    def resolve_successor_title(obj) -> str:
        return obj.successor.title


class DependencyIn(Schema):
    model_config = STRICT

    predecessor: int = Field(..., ge=1, description="Task id (of the same campaign).")
    successor: int = Field(..., ge=1, description="Task id (of the same campaign).")
    type: DependencyType = DependencyType.FINISH_TO_START
    lag: int = Field(0, ge=-MAX_LAG, le=MAX_LAG, description="Working days; negative: a lead.")


# ---- the schedule -------------------------------------------------------------------------------

class ScheduleTaskOut(Schema):
    id: int
    title: str
    phase: int = Field(..., description="Phase id.")
    start_date: dt.date = Field(..., description="As planned.")
    end_date: dt.date = Field(..., description="As planned.")
    early_start: dt.date
    early_finish: dt.date
    late_start: dt.date
    late_finish: dt.date
    slack: int = Field(..., description="Working days the task can slip without moving the project end.")
    critical: bool
    duration: int = Field(..., description="Working days.")
    conflict: bool = Field(..., description="Planned to start before its dependencies allow.")
    baseline_start: dt.date | None
    baseline_end: dt.date | None
    start_variance: int | None = Field(..., description="Working days later (+) or earlier (−) than the baseline.")
    finish_variance: int | None = Field(..., description="Working days later (+) or earlier (−) than the baseline.")
    version: int

    @staticmethod
    def resolve_id(obj) -> int:
        return obj.row.id

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.row.title

    @staticmethod
    def resolve_phase(obj) -> int:
        return obj.row.phase_id

    @staticmethod
    def resolve_start_date(obj) -> dt.date:
        return obj.row.start

    @staticmethod
    def resolve_end_date(obj) -> dt.date:
        return obj.row.end

    @staticmethod
    def resolve_version(obj) -> int:
        return obj.row.version


class BaselineOut(Schema):
    id: int
    label: str
    taken_at: dt.datetime
    taken_by: UserRef | None
    task_count: int | None = None


class ScheduleOut(Schema):
    campaign_id: int
    project_end: dt.date | None = Field(..., description="The earliest finish of the last task.")
    critical_path: list[int] = Field(..., description="Task ids with no slack, in schedule order.")
    holiday_data_missing: list[int] = Field(..., description="Years counted with weekends only (no holiday data).")
    baseline: BaselineOut | None = Field(..., description="The latest baseline, that variances are measured against.")
    tasks: list[ScheduleTaskOut]

    @staticmethod
    def resolve_campaign_id(obj) -> int:
        return obj.plan.campaign.pk

    @staticmethod
    def resolve_holiday_data_missing(obj) -> list[int]:
        days = [d for t in obj.tasks for d in (t.early_start, t.early_finish)]
        return obj.plan.cal.missing_years(days)


# ---- moves --------------------------------------------------------------------------------------

class _Move(Schema):
    model_config = STRICT

    new_start: dt.date | None = Field(None, description="Alone: move the task, keeping its length in working days.")
    new_end: dt.date | None = Field(None, description="With or without new_start: the new window (a resize).")
    days: int | None = Field(None, ge=-MAX_REACH, le=MAX_REACH,
                             description="Instead of dates: slip by this many working days (negative: earlier).")

    @model_validator(mode="after")
    def one_way(self):
        if self.days is not None and (self.new_start or self.new_end):
            raise ValueError(_("Give either a number of working days or dates, not both."))
        if self.days is None and self.new_start is None and self.new_end is None:
            raise ValueError(_("Give the new start date, the new end date or a number of working days."))
        return self


class SlipIn(_Move):
    pass


class RescheduleIn(_Move):
    version: int = Field(..., description="The task's version you read; a stale one gets 409 and nothing changes.")
    cascade: bool = Field(True, description="Also move the tasks the move pushes (its successors). Without it "
                                            "they keep their dates and are flagged as starting too early.")
    expected: str = Field("", max_length=64,
                          description="The preview's fingerprint: 409 if the outcome differs from what was previewed.")


class TaskMoveOut(Schema):
    task: int
    title: str
    phase: int
    old_start: dt.date
    old_end: dt.date
    new_start: dt.date
    new_end: dt.date
    shift: int = Field(..., description="Working days the task moves.")

    @staticmethod
    def resolve_task(obj) -> int:
        return obj.task_id

    @staticmethod
    def resolve_phase(obj) -> int:
        return obj.phase_id


class PhaseMoveOut(Schema):
    phase: int
    name: str
    old_start: dt.date
    old_end: dt.date
    new_start: dt.date
    new_end: dt.date

    @staticmethod
    def resolve_phase(obj) -> int:
        return obj.phase_id


class PreviewOut(Schema):
    task: int
    moves: list[TaskMoveOut] = Field(..., description="The task first (if it moves), then the tasks it pushes.")
    phase_moves: list[PhaseMoveOut]
    campaign_start: list[dt.date] = Field(..., description="[before, after]")
    campaign_end: list[dt.date] = Field(..., description="[before, after]")
    campaign_end_moves: bool
    earliest_start: dt.date | None = Field(..., description="Set when the task cannot start as early as asked.")
    fingerprint: str = Field(..., description="Send it back as `expected` when saving the move.")

    @staticmethod
    def resolve_task(obj) -> int:
        return obj.task_id

    @staticmethod
    def resolve_campaign_start(obj) -> list[dt.date]:
        return [obj.campaign_old[0], obj.campaign_new[0]]

    @staticmethod
    def resolve_campaign_end(obj) -> list[dt.date]:
        return [obj.campaign_old[1], obj.campaign_new[1]]


class BaselineIn(Schema):
    model_config = STRICT

    label: str = Field("", max_length=120)
