"""Which column is which (pure Python, no Django).

The plan file's columns are data, not code: the seed's eight (活动阶段, 时间节点, 负责人, 核心任务,
完成标准, 资源需求, 风险预案, 备注 / Phase, Time window, Owner, Core task, Completion standard,
Resource needs, Risk plan, Notes), our extra ones (Status, Channel, Deliverable, Planned, Done, ID),
separate start/end columns, and the CSV shapes of ClickUp (Task Name, List Name, Status,
Assignees, Start Date, Due Date, …) and Trello (Card Name, List Name, Due Date, Members, …), where
the list becomes the phase. Headers match whatever their case, spacing, full-width punctuation,
a trailing "*" or a bracketed remark ("时间节点（起止）").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Field(StrEnum):
    PHASE = "phase"
    WINDOW = "window"
    START = "start_date"
    END = "end_date"
    OWNER = "owner"
    TITLE = "title"
    STANDARD = "completion_standard"
    RESOURCES = "resource_needs"
    RISK = "risk_plan"
    NOTES = "notes"
    STATUS = "status"
    CHANNEL = "channel"
    DELIVERABLE = "deliverable"
    PLANNED = "deliverables_planned"
    DONE = "deliverables_done"
    ID = "id"


SEED_FIELDS = (Field.PHASE, Field.WINDOW, Field.OWNER, Field.TITLE, Field.STANDARD, Field.RESOURCES,
               Field.RISK, Field.NOTES)
EXPORT_FIELDS = SEED_FIELDS + (Field.STATUS, Field.CHANNEL, Field.DELIVERABLE, Field.PLANNED, Field.DONE,
                               Field.ID)
TEXT_FIELDS = (Field.PHASE, Field.OWNER, Field.TITLE, Field.STANDARD, Field.RESOURCES, Field.RISK, Field.NOTES,
               Field.DELIVERABLE)

# The header written for each field, per file language ("zh" or "en").
HEADERS: dict[str, dict[Field, str]] = {
    "zh": {Field.PHASE: "活动阶段", Field.WINDOW: "时间节点", Field.OWNER: "负责人", Field.TITLE: "核心任务",
           Field.STANDARD: "完成标准", Field.RESOURCES: "资源需求", Field.RISK: "风险预案", Field.NOTES: "备注",
           Field.STATUS: "状态", Field.CHANNEL: "渠道", Field.DELIVERABLE: "交付物", Field.PLANNED: "计划数量",
           Field.DONE: "完成数量", Field.ID: "ID", Field.START: "开始日期", Field.END: "结束日期"},
    "en": {Field.PHASE: "Phase", Field.WINDOW: "Time window", Field.OWNER: "Owner", Field.TITLE: "Core task",
           Field.STANDARD: "Completion standard", Field.RESOURCES: "Resource needs", Field.RISK: "Risk plan",
           Field.NOTES: "Notes", Field.STATUS: "Status", Field.CHANNEL: "Channel", Field.DELIVERABLE: "Deliverable",
           Field.PLANNED: "Planned", Field.DONE: "Done", Field.ID: "ID", Field.START: "Start date",
           Field.END: "End date"},
}

# Other names people (and tools) give the same columns.
ALIASES: dict[Field, tuple[str, ...]] = {
    Field.PHASE: ("阶段", "活动阶段名称", "执行阶段", "stage", "phase name", "list", "list name", "列表"),
    Field.WINDOW: ("时间", "时间窗口", "时间范围", "时间段", "起止时间", "起止日期", "日期", "周期", "执行时间",
                   "window", "time", "timeline", "dates", "date range", "period", "time frame", "timeframe"),
    Field.START: ("开始", "开始时间", "起始日期", "起始时间", "start", "start date", "begin", "begins", "from"),
    Field.END: ("结束", "结束时间", "截止日期", "截止时间", "完成日期", "end", "end date", "due", "due date",
                "deadline", "to", "until"),
    Field.OWNER: ("责任人", "负责人员", "执行人", "owner name", "assignee", "assignees", "members", "member",
                  "responsible", "person in charge", "who"),
    Field.TITLE: ("任务", "任务名称", "核心任务名称", "工作内容", "core tasks", "task", "task name", "card name",
                  "name", "title", "what"),
    Field.STANDARD: ("交付标准", "验收标准", "完成标准要求", "completion criteria", "done criteria",
                     "acceptance criteria", "definition of done", "delivery standard"),
    Field.RESOURCES: ("所需资源", "资源", "资源需要", "resources", "resource", "resources needed", "resource need"),
    Field.RISK: ("应急预案", "风险", "风险应对", "risk", "risks", "contingency", "contingency plan", "risk plans"),
    Field.NOTES: ("说明", "备注说明", "note", "remarks", "comment", "description", "task content",
                  "card description"),
    Field.STATUS: ("任务状态", "进度状态", "progress"),
    Field.CHANNEL: ("推广渠道", "平台", "channels", "platform"),
    Field.DELIVERABLE: ("交付内容", "交付物名称", "deliverables"),
    Field.PLANNED: ("计划交付数量", "目标数量", "deliverables planned", "planned count", "target count"),
    Field.DONE: ("已完成数量", "实际数量", "deliverables done", "done count", "actual count"),
    # Only our own ID column: a sheet's own numbering (序号, 编号, Task ID) must never pick a task.
    Field.ID: ("plan id", "campaignops id"),
}

# Status words -> TaskStatus value. The app's own labels are added at run time by the importer.
STATUS_WORDS: dict[str, tuple[str, ...]] = {
    "not_started": ("未开始", "未启动", "待开始", "待办", "not started", "to do", "todo", "open", "backlog",
                    "planned", "new"),
    "in_progress": ("进行中", "执行中", "处理中", "in progress", "doing", "active", "started", "ongoing"),
    "done": ("已完成", "完成", "done", "complete", "completed", "closed", "finished"),
    "delayed": ("已延期", "延期", "延迟", "滞后", "delayed", "late", "overdue", "behind"),
    "blocked": ("受阻", "阻塞", "卡住", "blocked", "on hold", "stuck"),
    "cancelled": ("已取消", "取消", "cancelled", "canceled", "dropped"),
}
STATUS_LABELS: dict[str, dict[str, str]] = {
    "zh": {"not_started": "未开始", "in_progress": "进行中", "done": "已完成", "delayed": "已延期",
           "blocked": "受阻", "cancelled": "已取消"},
    "en": {"not_started": "Not started", "in_progress": "In progress", "done": "Done", "delayed": "Delayed",
           "blocked": "Blocked", "cancelled": "Cancelled"},
}

# Phase kind guessed from a phase's name (first match wins).
PHASE_KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("review", ("复盘", "总结", "回顾", "review", "retro", "post-mortem", "postmortem")),
    ("preparation", ("筹备", "准备", "策划", "prep", "planning", "set-up", "setup", "kick")),
    ("warm_up", ("预热", "蓄水", "种草", "warm", "teaser", "pre-launch", "prelaunch")),
    ("burst", ("爆发", "高潮", "引爆", "正式", "burst", "peak", "launch", "live")),
    ("continuation", ("收尾", "延续", "返场", "长尾", "wrap", "continu", "follow", "after", "close", "encore")),
)

_BRACKETED = re.compile(r"[(\[{【〔《<][^)\]}】〕》>]*[)\]}】〕》>]")
_DROP = re.compile(r"[\s\-_./\\:;,*#'\"`~!?|+&]+")


def _fold(text: str) -> str:
    """NFKC case folding: full-width forms become ASCII, case and compatibility forms vanish."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def normalise_header(text: object) -> str:
    """"  Time-Window（起止）* " -> "timewindow"; "核心任务" stays "核心任务"."""
    s = _fold(str(text or "")).strip()
    stripped = _BRACKETED.sub("", s)
    s = stripped if _DROP.sub("", stripped) else s
    return unicodedata.normalize("NFKC", _DROP.sub("", s))


def normalise_word(text: object) -> str:
    """A value for a lookup (status, channel, owner): NFKC, case-folded, inner spaces collapsed."""
    return " ".join(_fold(str(text or "")).split())


def _header_table() -> dict[str, Field]:
    table: dict[str, Field] = {}
    for headers in HEADERS.values():
        for f, header in headers.items():
            table.setdefault(normalise_header(header), f)
    for f, names in ALIASES.items():
        for name in names:
            table.setdefault(normalise_header(name), f)
    return table


HEADER_TABLE = _header_table()


def field_for(header: object) -> Field | None:
    return HEADER_TABLE.get(normalise_header(header))


class Shape(StrEnum):
    PLAN = "plan"
    CLICKUP = "clickup"
    TRELLO = "trello"


@dataclass(frozen=True)
class HeaderMap:
    """Where the header row is and which column holds which field."""

    row_index: int                      # 0-based index of the header row in the sheet
    columns: dict[Field, int]           # field -> 0-based column index
    headers: list[str]                  # the header texts as written in the file
    ignored: list[str] = field(default_factory=list)
    shape: Shape = Shape.PLAN

    def header(self, f: Field) -> str:
        i = self.columns.get(f)
        return self.headers[i] if i is not None and i < len(self.headers) else ""

    def has(self, f: Field) -> bool:
        return f in self.columns


def recognise(header_row: Sequence[object]) -> tuple[dict[Field, int], list[str]]:
    """Fields found in a header row (the first column of a field wins) and ignored headers."""
    found: dict[Field, int] = {}
    ignored: list[str] = []
    for i, cell in enumerate(header_row):
        text = str(cell).strip() if cell is not None else ""
        if not text:
            continue
        f = field_for(text)
        if f is None or f in found:
            ignored.append(text)
        else:
            found[f] = i
    return found, ignored


def detect_shape(header_row: Sequence[object]) -> Shape:
    names = {normalise_header(c) for c in header_row if c not in (None, "")}
    if "cardname" in names:
        return Shape.TRELLO
    if "taskname" in names and ("listname" in names or "assignees" in names):
        return Shape.CLICKUP
    return Shape.PLAN


def find_header(rows: Sequence[Sequence[object]], *, scan: int = 15) -> HeaderMap | None:
    """The header row among the first `scan` rows (title rows above it are skipped): the row that
    names the most known columns, among those naming the core task and at least one other."""
    best: tuple[int, int, dict[Field, int], list[str]] | None = None
    for index, row in enumerate(rows[:scan]):
        found, ignored = recognise(row)
        if Field.TITLE not in found or len(found) < 2:
            continue
        if best is None or len(found) > best[0]:
            best = (len(found), index, found, ignored)
    if best is None:
        return None
    _count, index, found, ignored = best
    headers = ["" if c is None else str(c).strip() for c in rows[index]]
    return HeaderMap(row_index=index, columns=found, headers=headers, ignored=ignored,
                     shape=detect_shape(rows[index]))


def status_table(extra_labels: dict[str, Sequence[str]] | None = None) -> dict[str, str]:
    """Normalised status word -> status value (our labels in both languages, tool words, extras)."""
    table: dict[str, str] = {}
    for value, words in STATUS_WORDS.items():
        for w in words:
            table[normalise_word(w)] = value
        table[normalise_word(value)] = value
        for labels in STATUS_LABELS.values():
            table[normalise_word(labels[value])] = value
    for value, labels in (extra_labels or {}).items():
        for label in labels:
            table.setdefault(normalise_word(label), value)
    return table


def guess_phase_kind(name: str) -> str:
    """筹备/准备 → preparation, 预热 → warm_up, 爆发 → burst, 收尾/延续 → continuation, 复盘 → review."""
    s = normalise_word(name)
    for kind, words in PHASE_KIND_WORDS:
        if any(w in s for w in words):
            return kind
    return "custom"


def column_letter(index: int) -> str:
    """0 -> "A", 27 -> "AB"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
