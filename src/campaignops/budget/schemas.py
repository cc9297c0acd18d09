"""API schemas of the budget app. Inputs forbid unknown fields; `XPatch` schemas carry the `version`
the client read and change only the fields sent. Amounts are decimal strings in the campaign's
currency (e.g. "12000.00"); lines, materials, phases and tasks are ids of the same campaign."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema
from pydantic import ConfigDict

from campaignops.campaigns.schemas import UserRef

from .models import BudgetCategory, MaterialStatus, RevisionStatus

STRICT = ConfigDict(extra="forbid")
VERSION_HELP = "The version you read; a stale one gets 409 and nothing changes."


def _amount(default=..., *, gt: bool = False, description: str = ""):
    limits = {"gt": 0} if gt else {"ge": 0}
    return Field(default, max_digits=14, decimal_places=2, le=Decimal("999999999999.99"),
                 description=description, **limits)


class FiguresOut(Schema):
    """planned: working budget; approved: in force (null: never approved); cap: approved + overrides;
    committed: ordered materials; open_committed: their part not invoiced yet; actual: expenses;
    forecast: actual + open_committed (forecast at completion); used_percent: forecast ÷ approved."""

    planned: Decimal
    approved: Decimal | None
    overrides: Decimal
    cap: Decimal | None
    committed: Decimal
    open_committed: Decimal
    actual: Decimal
    forecast: Decimal
    used_percent: int | None
    level: str = Field(..., description="ok, warn (≥ 90 % of approved), refuse (beyond the cap), unapproved.")


def figures_out(f) -> dict:
    return {"planned": f.planned, "approved": f.approved, "overrides": f.overrides, "cap": f.cap,
            "committed": f.committed, "open_committed": f.open_committed, "actual": f.actual,
            "forecast": f.forecast, "used_percent": f.used_percent, "level": str(f.level)}


class LineOut(Schema):
    id: int
    category: BudgetCategory
    name: str
    planned: Decimal
    approved_amount: Decimal | None = Field(None, description="In the revision in force; null: never approved.")
    note: str
    order: int
    version: int
    figures: FiguresOut | None = None


class LineIn(Schema):
    model_config = STRICT

    name: str = Field(..., min_length=1, max_length=200)
    category: BudgetCategory = BudgetCategory.OTHER
    planned: Decimal = _amount()
    note: str = Field("", max_length=500)


class LinePatch(Schema):
    model_config = STRICT

    version: int = Field(..., description=VERSION_HELP)
    name: str | None = Field(None, min_length=1, max_length=200)
    category: BudgetCategory | None = None
    planned: Decimal | None = _amount(None)
    note: str | None = Field(None, max_length=500)
    order: int | None = Field(None, ge=0, le=100000)


class RevisionLineOut(Schema):
    line: int
    category: str
    name: str
    planned: Decimal
    note: str = ""


class RevisionOut(Schema):
    id: int
    number: int
    status: RevisionStatus
    currency: str
    total: Decimal
    lines: list[RevisionLineOut] = Field(..., description="The frozen lines (empty while a draft).")
    submitted_by: UserRef | None
    submitted_at: dt.datetime | None
    submit_note: str
    decided_by: UserRef | None
    decided_at: dt.datetime | None
    comment: str


class CategoryOut(Schema):
    category: BudgetCategory
    label: str
    figures: FiguresOut


class BurnPoint(Schema):
    date: dt.date
    cumulative: Decimal


class BudgetOut(Schema):
    campaign_id: int
    currency: str
    totals: FiguresOut
    categories: list[CategoryOut]
    lines: list[LineOut]
    burn: list[BurnPoint] = Field(..., description="Cumulative actual spend by date.")
    in_force: RevisionOut | None = Field(None, description="The latest approved revision.")
    open_revision: RevisionOut | None = Field(None, description="The draft or submitted revision, if any.")


class SubmitIn(Schema):
    model_config = STRICT

    note: str = Field("", max_length=2000)


class DecisionIn(Schema):
    model_config = STRICT

    comment: str = Field("", max_length=2000, description="Required to reject.")


class OverrideIn(Schema):
    model_config = STRICT

    amount: Decimal = _amount(gt=True)
    reason: str = Field(..., min_length=1, max_length=2000)


class OverrideOut(Schema):
    id: int
    line: int
    amount: Decimal
    reason: str
    granted_by: UserRef | None
    granted_at: dt.datetime

    @staticmethod
    def resolve_line(obj) -> int:
        return obj.line_id


# ---- materials ----------------------------------------------------------------------------------

class MaterialOut(Schema):
    id: int
    name: str
    quantity: Decimal
    unit: str
    unit_cost: Decimal
    cost: Decimal = Field(..., description="quantity × unit cost, in the currency's minor unit.")
    supplier: str
    needed_by: dt.date | None
    owner: UserRef | None
    status: MaterialStatus
    at_risk: str | None = Field(None, description="late (past needed-by, not received), soon (within 3 days).")
    phase: int | None
    task: int | None
    line: int | None
    ordered_on: dt.date | None
    note: str
    version: int
    warning: str | None = Field(None, description="Set on a write that took the line to 90 % or more.")

    @staticmethod
    def resolve_phase(obj) -> int | None:
        return obj.phase_id

    @staticmethod
    def resolve_task(obj) -> int | None:
        return obj.task_id

    @staticmethod
    def resolve_line(obj) -> int | None:
        return obj.line_id

    @staticmethod
    def resolve_at_risk(obj) -> str | None:
        return str(obj.risk) if getattr(obj, "risk", None) else None

    @staticmethod
    def resolve_warning(obj) -> str | None:
        return getattr(obj, "spend_warning", None)


class _MaterialFields(Schema):
    model_config = STRICT

    quantity: Decimal | None = Field(None, gt=0, max_digits=12, decimal_places=2)
    unit: str | None = Field(None, max_length=20)
    unit_cost: Decimal | None = _amount(None)
    supplier: str | None = Field(None, max_length=200)
    needed_by: dt.date | None = None
    owner: int | None = Field(None, description="A user id of a campaign member; null for nobody.")
    status: MaterialStatus | None = None
    phase: int | None = None
    task: int | None = None
    line: int | None = Field(None, description="The budget line that pays for it (needed to order it).")
    note: str | None = Field(None, max_length=500)


class MaterialIn(_MaterialFields):
    name: str = Field(..., min_length=1, max_length=200)


class MaterialPatch(_MaterialFields):
    version: int = Field(..., description=VERSION_HELP)
    name: str | None = Field(None, min_length=1, max_length=200)


# ---- expenses -----------------------------------------------------------------------------------

class ExpenseOut(Schema):
    id: int
    line: int
    material: int | None
    amount: Decimal
    spent_on: dt.date
    vendor: str
    note: str
    receipt: str | None = Field(None, description="The receipt's file name (download it from …/receipt).")
    receipt_type: str
    recorded_by: UserRef | None
    version: int
    warning: str | None = None

    @staticmethod
    def resolve_line(obj) -> int:
        return obj.line_id

    @staticmethod
    def resolve_material(obj) -> int | None:
        return obj.material_id

    @staticmethod
    def resolve_receipt(obj) -> str | None:
        return obj.receipt_name or None if obj.receipt else None

    @staticmethod
    def resolve_warning(obj) -> str | None:
        return getattr(obj, "spend_warning", None)


class ExpenseIn(Schema):
    model_config = STRICT

    line: int
    material: int | None = None
    amount: Decimal = _amount(gt=True)
    spent_on: dt.date
    vendor: str = Field(..., min_length=1, max_length=200)
    note: str = Field("", max_length=500)


class ExpensePatch(Schema):
    model_config = STRICT

    version: int = Field(..., description=VERSION_HELP)
    line: int | None = None
    material: int | None = None
    amount: Decimal | None = _amount(None, gt=True)
    spent_on: dt.date | None = None
    vendor: str | None = Field(None, min_length=1, max_length=200)
    note: str | None = Field(None, max_length=500)


# ---- approvals ----------------------------------------------------------------------------------

class WaitingRevisionOut(Schema):
    campaign_id: int
    campaign: str
    revision: int
    number: int
    total: Decimal
    currency: str
    submitted_by: UserRef | None
    submitted_at: dt.datetime | None


class WaitingGoalOut(Schema):
    campaign_id: int
    campaign: str


class ApprovalsOut(Schema):
    budget_revisions: list[WaitingRevisionOut]
    goal_confirmations: list[WaitingGoalOut]
