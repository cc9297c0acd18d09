"""API schemas for the risk register, contingency tasks and their activation, the issue log, the
strategy adjustment log and the daily stand-up.

Inputs forbid unknown fields; `XPatch` schemas carry the `version` the client read and change only
the fields actually sent. People are given as user ids (members of the campaign); phases, tasks,
risks and KPI targets as ids of the same campaign; channels by code.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict

from campaignops.campaigns.schemas import UserRef
from campaignops.planning.models import TaskStatus
from campaignops.planning.schemas import TaskOut

from .domain.standup import clock
from .models import AdjustmentTrigger, IssueStatus, RiskCategory, RiskStatus, Severity
from .presenters import clock_text
from .services import MAX_RESPONSE_HOURS

STRICT = ConfigDict(extra="forbid")
VERSION_HELP = "The version you read; a stale one gets 409 and nothing changes."
OWNER_HELP = "A user id of a campaign member; null for nobody."


def _text():
    return Field(None, max_length=4000)


# ---- risks --------------------------------------------------------------------------------------

class ContingencyTaskOut(Schema):
    id: int
    title: str
    phase: int | None = Field(None, description="Phase id; null: the risk's phase.")
    duration: int = Field(..., description="Working days.")
    owner: UserRef | None = Field(None, description="Null: the risk's owner.")
    completion_standard: str
    order: int

    @staticmethod
    def resolve_phase(obj) -> int | None:
        return obj.phase_id


class ContingencyTaskIn(Schema):
    model_config = STRICT

    title: str = Field(..., min_length=1, max_length=300)
    phase: int | None = Field(None, description="Phase id; null: the risk's phase, else the phase running then.")
    duration: int = Field(1, ge=1, le=60, description="Working days.")
    owner: int | None = Field(None, description=OWNER_HELP)
    completion_standard: str = Field("", max_length=2000)


class RiskOut(Schema):
    id: int
    campaign_id: int
    description: str
    category: RiskCategory
    probability: int
    impact: int
    score: int = Field(..., description="probability × impact (1–25).")
    level: str = Field(..., description="low (1–4), medium (5–9), high (10–16), critical (17–25).")
    trigger: str
    contingency_plan: str
    owner: UserRef | None
    status: RiskStatus
    phase: int | None
    source_task: int | None = Field(None, description="The plan row whose risk plan this came from.")
    triggered_at: dt.datetime | None
    contingency_tasks: list[ContingencyTaskOut]
    version: int
    updated_at: dt.datetime

    @staticmethod
    def resolve_phase(obj) -> int | None:
        return obj.phase_id

    @staticmethod
    def resolve_source_task(obj) -> int | None:
        return obj.source_task_id

    @staticmethod
    def resolve_contingency_tasks(obj) -> list:
        return list(obj.contingency_tasks.all())


class _RiskFields(Schema):
    model_config = STRICT

    category: RiskCategory | None = None
    probability: int | None = Field(None, ge=1, le=5)
    impact: int | None = Field(None, ge=1, le=5)
    trigger: str | None = _text()
    contingency_plan: str | None = _text()
    owner: int | None = Field(None, description=OWNER_HELP)
    phase: int | None = Field(None, description="Phase id of the same campaign; null for none.")


class RiskIn(_RiskFields):
    description: str = Field(..., min_length=1, max_length=2000)


class RiskPatch(_RiskFields):
    version: int = Field(..., description=VERSION_HELP)
    description: str | None = Field(None, min_length=1, max_length=2000)
    status: RiskStatus | None = None


class RiskFilters(Schema):
    category: RiskCategory | None = None
    status: RiskStatus | None = None


class ActivateIn(Schema):
    model_config = STRICT

    version: int = Field(..., description=VERSION_HELP)
    note: str = Field("", max_length=1000, description="Added to the strategy adjustment entry.")


# ---- issues -------------------------------------------------------------------------------------

class ClockOut(Schema):
    state: str = Field(..., description="running, due_soon (≤ 4 h left), overdue, met or missed.")
    minutes: int = Field(..., description="Minutes left, overdue by, or resolved before/after the deadline.")
    text: str


class IssueLogOut(Schema):
    id: int
    campaign_id: int
    problem: str
    severity: Severity
    status: IssueStatus
    reported_by: UserRef | None
    reported_at: dt.datetime
    response_deadline: dt.datetime
    clock: ClockOut
    owner: UserRef | None
    solution: str
    resolved_at: dt.datetime | None
    task: int | None = Field(None, description="Linked plan row.")
    task_title: str
    risk: int | None = Field(None, description="Linked risk.")
    version: int
    updated_at: dt.datetime

    @staticmethod
    def resolve_clock(obj) -> dict:
        c = clock(timezone.now(), obj.response_deadline, obj.resolved_at)
        return {"state": c.state, "minutes": c.minutes, "text": clock_text(c)}

    @staticmethod
    def resolve_task(obj) -> int | None:
        return obj.task_id

    @staticmethod
    def resolve_task_title(obj) -> str:
        return obj.task.title if obj.task_id else ""

    @staticmethod
    def resolve_risk(obj) -> int | None:
        return obj.risk_id


class IssueLogIn(Schema):
    model_config = STRICT

    problem: str = Field(..., min_length=1, max_length=4000)
    severity: Severity = Severity.MEDIUM
    response_hours: int | None = Field(None, ge=1, le=MAX_RESPONSE_HOURS,
                                       description="Hours to the response deadline; default per severity "
                                                   "(critical 4, high 24, medium 24, low 72).")
    reported_at: dt.datetime | None = Field(None, description="Default: now.")
    owner: int | None = Field(None, description=OWNER_HELP)
    task: int | None = Field(None, description="Plan row id of the same campaign.")
    risk: int | None = Field(None, description="Risk id of the same campaign.")


class IssueLogPatch(Schema):
    model_config = STRICT

    version: int = Field(..., description=VERSION_HELP)
    problem: str | None = Field(None, min_length=1, max_length=4000)
    severity: Severity | None = None
    status: IssueStatus | None = Field(None, description="resolved/closed needs a solution; stamps resolved_at.")
    response_deadline: dt.datetime | None = None
    owner: int | None = Field(None, description=OWNER_HELP)
    solution: str | None = _text()
    task: int | None = None
    risk: int | None = None


class ResolveIn(Schema):
    model_config = STRICT

    version: int = Field(..., description=VERSION_HELP)
    solution: str = Field(..., min_length=1, max_length=4000)


class IssueFilters(Schema):
    status: str = Field("", pattern=r"^(|unresolved|open|in_progress|resolved|closed)$",
                        description="A status, or `unresolved` (open and in progress).")
    severity: Severity | None = None
    owner: str = Field("", pattern=r"^(|none|\d{1,9})$", description="A user id, or `none`.")


class ActivationOut(Schema):
    risk: RiskOut
    tasks: list[TaskOut]
    issue: IssueLogOut
    adjustment: AdjustmentOut


# ---- strategy adjustments -----------------------------------------------------------------------

class AdjustmentOut(Schema):
    id: int
    campaign_id: int
    date: dt.date
    trigger: AdjustmentTrigger
    what_changed: str
    expected_effect: str
    kpi_target: int | None = Field(None, description="KPI target id.")
    channel: str | None = Field(None, description="Channel code.")
    measured_effect: str
    effect_days: int = Field(..., description="Days compared before and after the date.")
    effect_before: Decimal | None = Field(..., description="The KPI's metric before (a daily average for counts).")
    effect_after: Decimal | None = Field(..., description="The same from the date on, up to the measurement.")
    effect_measured_at: dt.datetime | None
    risk: int | None
    issue: int | None
    created_by: UserRef | None
    version: int
    updated_at: dt.datetime

    @staticmethod
    def resolve_kpi_target(obj) -> int | None:
        return obj.kpi_target_id

    @staticmethod
    def resolve_channel(obj) -> str | None:
        return obj.channel.code if obj.channel_id else None

    @staticmethod
    def resolve_risk(obj) -> int | None:
        return obj.risk_id

    @staticmethod
    def resolve_issue(obj) -> int | None:
        return obj.issue_id


class _AdjustmentFields(Schema):
    model_config = STRICT

    date: dt.date | None = None
    trigger: AdjustmentTrigger | None = None
    expected_effect: str | None = _text()
    kpi_target: int | None = Field(None, description="KPI target id of the same campaign.")
    channel: str | None = Field(None, description="Channel code; null for none.")
    measured_effect: str | None = _text()
    effect_days: int | None = Field(None, ge=1, le=90, description="Days compared before and after the date "
                                                                 "when the effect is measured (default 7).")


class AdjustmentIn(_AdjustmentFields):
    what_changed: str = Field(..., min_length=1, max_length=4000)


class AdjustmentPatch(_AdjustmentFields):
    version: int = Field(..., description=VERSION_HELP)
    what_changed: str | None = Field(None, min_length=1, max_length=4000)


# ---- stand-ups ----------------------------------------------------------------------------------

class StandupTaskOut(Schema):
    id: int
    title: str
    phase: int
    phase_name: str
    owner: UserRef | None
    owner_name: str
    start_date: dt.date
    end_date: dt.date
    status: TaskStatus

    @staticmethod
    def resolve_phase(obj) -> int:
        return obj.phase_id

    @staticmethod
    def resolve_phase_name(obj) -> str:
        return obj.phase.name


class ActionItemIn(Schema):
    model_config = STRICT

    title: str = Field(..., min_length=1, max_length=300)
    phase: int = Field(..., description="Phase id of the same campaign.")
    owner: int | None = Field(None, description=OWNER_HELP)
    due: dt.date = Field(..., description="The task runs from today (campaign time zone) to this date.")


class StandupIn(Schema):
    model_config = STRICT

    minutes: str = Field("", max_length=20000)
    decisions: str = Field("", max_length=20000)
    attendees: list[int] = Field(default_factory=list, description="User ids of members.")
    action_items: list[ActionItemIn] = Field(default_factory=list, max_length=30)


class StandupPatch(Schema):
    model_config = STRICT

    version: int = Field(..., description=VERSION_HELP)
    minutes: str | None = Field(None, max_length=20000)
    decisions: str | None = Field(None, max_length=20000)
    attendees: list[int] | None = None


class StandupOut(Schema):
    id: int
    campaign_id: int
    held_on: dt.date
    held_at: dt.datetime
    facilitator: UserRef | None
    attendees: list[UserRef]
    minutes: str
    decisions: str
    action_items: list[StandupTaskOut] = Field(..., description="The tasks the action items became.")
    version: int

    @staticmethod
    def resolve_attendees(obj) -> list:
        return list(obj.attendees.all())

    @staticmethod
    def resolve_action_items(obj) -> list:
        return [a.task for a in obj.action_items.all()]


class LateTaskOut(StandupTaskOut):
    days_late: int = Field(..., description="Calendar days past its end (0: marked delayed before its end).")


class UpdateNoteOut(Schema):
    date: dt.date
    status: TaskStatus
    percent_complete: int
    note: str
    author: UserRef | None
    automatic: bool = Field(..., description="Written by the nightly job that marks overdue tasks delayed.")
    created_at: dt.datetime


class ChangedTaskOut(StandupTaskOut):
    new: bool = Field(..., description="Created since the last stand-up.")
    updates: list[UpdateNoteOut]


class TriggeredRiskOut(Schema):
    id: int
    description: str
    category: RiskCategory
    score: int
    contingency_plan: str
    triggered_at: dt.datetime | None


class StandupSummaryOut(Schema):
    today: dt.date = Field(..., description="Today in the campaign's time zone.")
    now: dt.datetime
    since: dt.datetime = Field(..., description="The previous stand-up, or 24 hours ago before the first one.")
    last_standup: int | None
    due_today: list[StandupTaskOut]
    overdue: list[LateTaskOut]
    blocked: list[StandupTaskOut]
    changed: list[ChangedTaskOut]
    issues: list[IssueLogOut] = Field(..., description="Unresolved, response deadline past or ≤ 4 h away.")
    risks_triggered: list[TriggeredRiskOut]
    kpis_behind: list[dict] | None = Field(None, description="KPIs behind or finished short of their target: "
                                           "kpi_target, metric, label, channel, unit, target, actual, projected, "
                                           "status (behind / missed).")


ActivationOut.model_rebuild()
