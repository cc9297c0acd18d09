"""Helpers for the plan import tests: files made on the fly, the state of a plan before/after."""

import csv
import io
from pathlib import Path

import openpyxl

from campaignops.core.models import AuditEntry
from campaignops.core.spreadsheets import Column, SheetSpec, write_xlsx
from campaignops.planning.models import Phase, PlanImport, Task

DATA = Path(__file__).parent / "data"
ZH_HEADERS = ["活动阶段", "时间节点", "负责人", "核心任务", "完成标准", "资源需求", "风险预案", "备注", "状态", "渠道", "交付物",
              "计划数量", "完成数量", "ID"]
EN_HEADERS = ["Phase", "Time window", "Owner", "Core task", "Completion standard", "Resource needs", "Risk plan",
              "Notes", "Status", "Channel", "Deliverable", "Planned", "Done", "ID"]


def xlsx(headers: list[str], rows: list[list]) -> bytes:
    return write_xlsx([SheetSpec("Plan", [Column(h) for h in headers], rows)])


def csv_bytes(headers: list[str], rows: list[list], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows([headers, *rows])
    return out.getvalue().encode(encoding)


def edit_xlsx(data: bytes, changes: dict[str, object]) -> bytes:
    """Set cells ({"B3": "2024-02-30 ~ 2024-03-02"}) of the first sheet, as a user would in Excel."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    for ref, value in changes.items():
        sheet[ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_values(data: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return [[c.value for c in row] for row in sheet.iter_rows()]


def plan_state(campaign) -> dict:
    """Everything an import could change: rows, versions, phases, audit entries, stored imports."""
    return {
        "tasks": list(Task.objects.filter(campaign=campaign).order_by("id").values()),
        "phases": list(Phase.objects.filter(campaign=campaign).order_by("id").values()),
        "audit": AuditEntry.objects.filter(campaign_id=campaign.pk).count(),
        "imports": PlanImport.objects.filter(campaign=campaign).count(),
    }
