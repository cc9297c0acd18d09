"""API schemas for the plan: phases, tasks, plan templates and creating a campaign from a template.

Inputs forbid unknown fields; `XPatch` schemas carry the `version` the client read and change only
the fields actually sent. A task's owner is given as a user id or as a name: a name that matches no
member is kept in `owner_name` and flagged `owner_unmatched`.
"""

import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict

from campaignops.campaigns.models import CampaignKind
from campaignops.campaigns.schemas import CampaignOut, Country, UserRef

from .models import PhaseKind, TaskStatus

STRICT = ConfigDict(extra="forbid")
VERSION_HELP = "The version you read; a stale one gets 409 and nothing changes."
OWNER_HELP = ("A user id, or a name: a member's user name or display name links the user, any other "
              "name is kept as written and flagged `owner_unmatched`. null clears the owner.")


# ---- phases -------------------------------------------------------------------------------------

class PhaseOut(Schema):
    id: int
    campaign_id: int
    kind: PhaseKind
    name: str
    start_date: dt.date
    end_date: dt.date
    order: int
    version: int


class PhaseIn(Schema):
    model_config = STRICT

    name: str = Field(..., min_length=1, max_length=120)
    kind: PhaseKind = PhaseKind.CUSTOM
    start_date: dt.date
    end_date: dt.date
    order: int | None = Field(None, ge=0, description="Defaults to after the last phase.")


class PhasePatch(Schema):
    model_config = STRICT

    version: int = Field(..., description=VERSION_HELP)
    name: str | None = Field(None, min_length=1, max_length=120)
    kind: PhaseKind | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    order: int | None = Field(None, ge=0)


# ---- tasks --------------------------------------------------------------------------------------

class TaskOut(Schema):
    id: int
    campaign_id: int
    phase: int = Field(..., description="Phase id.")
    phase_name: str
    order: int
    start_date: dt.date
    end_date: dt.date
    owner: UserRef | None
    owner_name: str
    owner_unmatched: bool
    title: str
    completion_standard: str
    resource_needs: str
    risk_plan: str
    notes: str
    status: TaskStatus
    channel: str | None = Field(None, description="Channel code.")
    deliverable: str
    deliverables_planned: int | None
    deliverables_done: int | None
    version: int
    updated_at: dt.datetime

    @staticmethod
    def resolve_phase(obj) -> int:
        return obj.phase_id

    @staticmethod
    def resolve_phase_name(obj) -> str:
        return obj.phase.name

    @staticmethod
    def resolve_channel(obj) -> str | None:
        return obj.channel.code if obj.channel_id else None


class _TaskFields(Schema):
    model_config = STRICT

    order: int | None = Field(None, ge=0)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    owner: int | str | None = Field(None, description=OWNER_HELP)
    completion_standard: str | None = None
    resource_needs: str | None = None
    risk_plan: str | None = None
    notes: str | None = None
    status: TaskStatus | None = None
    channel: str | None = Field(None, description="Channel code; null for none.")
    deliverable: str | None = Field(None, max_length=120)
    deliverables_planned: int | None = Field(None, ge=0)
    deliverables_done: int | None = Field(None, ge=0)


class TaskIn(_TaskFields):
    phase: int = Field(..., description="Phase id (of the same campaign).")
    title: str = Field(..., min_length=1, max_length=300)


class TaskPatch(_TaskFields):
    version: int = Field(..., description=VERSION_HELP)
    phase: int | None = None
    title: str | None = Field(None, min_length=1, max_length=300)


class TaskFilters(Schema):
    owner: str = Field("", description="A user id, or `none` for tasks without a user owner.",
                       pattern=r"^(|none|\d+)$")
    status: TaskStatus | None = None
    channel: str = Field("", description="Channel code.")
    phase: int | None = Field(None, description="Phase id.")


# ---- plan and templates -------------------------------------------------------------------------

class PhasePlanOut(PhaseOut):
    tasks: list[TaskOut]

    @staticmethod
    def resolve_tasks(obj) -> list:
        return obj.plan_tasks


class CampaignPlanOut(CampaignOut):
    phases: list[PhasePlanOut]

    @staticmethod
    def resolve_phases(obj) -> list:
        return obj.plan_phases


class TemplatePhaseOut(Schema):
    name: str
    kind: PhaseKind
    order: int
    start_offset: int = Field(..., description="Working days after the campaign start.")
    duration: int = Field(..., description="Length in working days.")


class TemplateOut(Schema):
    id: int
    name: str
    description: str
    language: str
    kind: CampaignKind
    builtin: bool
    duration_workdays: int
    source_campaign_id: int | None
    phases: list[TemplatePhaseOut]


class FromTemplateIn(Schema):
    model_config = STRICT

    template: int = Field(..., description="Template id (see GET /templates).")
    name: str = Field(..., min_length=1, max_length=200)
    start_date: dt.date
    country: Country = "CN"
    currency: str | None = Field(None, min_length=3, max_length=3, pattern=r"^[A-Z]{3}$")
    time_zone: str | None = Field(None, max_length=64)


class SaveAsTemplateIn(Schema):
    model_config = STRICT

    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""
