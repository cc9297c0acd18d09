"""API schemas for campaigns, scope, KPI targets, members and the channel catalogue.

Inputs forbid unknown fields (a typo is a 422, never silently ignored); `XPatch` schemas carry the
`version` the client read, and only the fields actually sent are changed.
"""

import datetime as dt
from decimal import Decimal
from functools import cache
from typing import Annotated

import holidays
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict

from campaignops.accounts.models import Department, display_name

from .kpis import Metric, Unit
from .models import CampaignKind, CampaignStatus, Direction, Role

STRICT = ConfigDict(extra="forbid")


@cache
def _countries() -> frozenset[str]:
    return frozenset(code for code in holidays.list_supported_countries() if len(code) == 2)


def _known_country(code: str) -> str:
    if code not in _countries():
        raise ValueError(_("There is no working-day calendar for this country code."))
    return code


Country = Annotated[str, Field(min_length=2, max_length=2, pattern=r"^[A-Z]{2}$",
                               description="ISO 3166 country code of the working-day calendar, e.g. CN."),
                    AfterValidator(_known_country)]


# ---- people and channels ------------------------------------------------------------------------

class UserRef(Schema):
    id: int
    username: str
    name: str

    @staticmethod
    def resolve_username(obj) -> str:
        return obj.get_username()

    @staticmethod
    def resolve_name(obj) -> str:
        return display_name(obj)


class ChannelOut(Schema):
    id: int
    code: str
    name_en: str
    name_zh: str
    online: bool
    builtin: bool


class ChannelIn(Schema):
    model_config = STRICT

    code: str = Field(..., min_length=1, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")
    name_en: str = Field(..., min_length=1, max_length=80)
    name_zh: str = Field("", max_length=80)
    online: bool = True


# ---- KPI targets --------------------------------------------------------------------------------

class KpiTargetOut(Schema):
    id: int
    metric: Metric
    label: str
    channel: str | None
    target_value: Decimal
    unit: Unit
    direction: Direction
    due_date: dt.date | None
    version: int

    @staticmethod
    def resolve_channel(obj) -> str | None:
        return obj.channel.code if obj.channel_id else None


class KpiTargetIn(Schema):
    model_config = STRICT

    metric: Metric
    label: str = Field("", max_length=120)
    channel: str | None = Field(None, description="Channel code, e.g. `douyin`; empty for all channels.")
    target_value: Decimal = Field(..., max_digits=18, decimal_places=4)
    unit: Unit = Unit.COUNT
    direction: Direction = Direction.HIGHER
    due_date: dt.date | None = None


class KpiTargetPatch(Schema):
    model_config = STRICT

    version: int = Field(..., description="The version you read; a stale one gets 409 and nothing changes.")
    metric: Metric | None = None
    label: str | None = Field(None, max_length=120)
    channel: str | None = None
    target_value: Decimal | None = Field(None, max_digits=18, decimal_places=4)
    unit: Unit | None = None
    direction: Direction | None = None
    due_date: dt.date | None = None


# ---- members ------------------------------------------------------------------------------------

class MemberOut(Schema):
    id: int
    user: UserRef
    role: Role
    department: Department | None
    is_department_head: bool
    joined_at: dt.datetime

    @staticmethod
    def resolve_department(obj) -> str | None:
        return obj.department or None


class MemberIn(Schema):
    model_config = STRICT

    user: int | str = Field(..., description="A user id or a user name.")
    role: Role = Role.EXECUTION
    department: Department | None = None
    is_department_head: bool = False


class MemberPatch(Schema):
    model_config = STRICT

    role: Role | None = None
    department: Department | None = None
    is_department_head: bool | None = None


# ---- campaigns ----------------------------------------------------------------------------------

class AudienceOut(Schema):
    age_min: int | None
    age_max: int | None
    regions: str
    habits: str


class ScopeOut(Schema):
    channels: list[ChannelOut]
    audience: AudienceOut


class CampaignListOut(Schema):
    id: int
    name: str
    kind: CampaignKind
    status: CampaignStatus
    start_date: dt.date
    end_date: dt.date
    lead: UserRef | None
    task_count: int
    done_count: int
    member_count: int
    version: int


class CampaignOut(Schema):
    id: int
    name: str
    kind: CampaignKind
    theme: str
    goal_statement: str
    start_date: dt.date
    end_date: dt.date
    status: CampaignStatus
    currency: str
    time_zone: str
    country: str
    lead: UserRef | None
    scope: ScopeOut
    kpi_targets: list[KpiTargetOut]
    members: list[MemberOut]
    my_role: Role | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_scope(obj) -> dict:
        audience = {"age_min": obj.audience_age_min, "age_max": obj.audience_age_max,
                    "regions": obj.audience_regions, "habits": obj.audience_habits}
        return {"channels": list(obj.channels.all()), "audience": audience}

    @staticmethod
    def resolve_members(obj) -> list:
        return list(obj.memberships.all())

    @staticmethod
    def resolve_my_role(obj, context) -> str | None:
        from campaignops.access.policy import role_of

        return role_of(context["request"].user, obj)


class _CampaignFields(Schema):
    """Fields a client may set on a campaign (shared by create and update)."""

    model_config = STRICT

    kind: CampaignKind | None = None
    theme: str | None = Field(None, max_length=200)
    goal_statement: str | None = None
    status: CampaignStatus | None = None
    currency: str | None = Field(None, min_length=3, max_length=3, pattern=r"^[A-Z]{3}$")
    time_zone: str | None = Field(None, max_length=64)
    country: Country | None = None
    channels: list[str] | None = Field(None, description="Channel codes of the campaign's scope.")
    audience_age_min: int | None = Field(None, ge=0, le=150)
    audience_age_max: int | None = Field(None, ge=0, le=150)
    audience_regions: str | None = Field(None, max_length=300)
    audience_habits: str | None = None


class CampaignIn(_CampaignFields):
    name: str = Field(..., min_length=1, max_length=200)
    start_date: dt.date
    end_date: dt.date | None = Field(None, description="Defaults to the start date.")


class CampaignPatch(_CampaignFields):
    version: int = Field(..., description="The version you read; a stale one gets 409 and nothing changes.")
    name: str | None = Field(None, min_length=1, max_length=200)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    lead: int | None = Field(None, description="User id of the new lead; they must be a member.")
