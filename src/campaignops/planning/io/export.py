"""Plan -> .xlsx: the seed's eight columns (headers in the user's language), then Status, Channel,
Deliverable, Planned, Done and the ID used to match rows on import; grouped by phase order; the
time window written "YYYY-MM-DD ~ YYYY-MM-DD"."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from django.utils import timezone

from campaignops.campaigns.models import Campaign
from campaignops.core.spreadsheets import Cell, Column, SheetSpec, gc_paused, write_xlsx

from .columns import EXPORT_FIELDS, HEADERS, STATUS_LABELS, Field
from .snapshot import channel_lookup, export_values, person_label
from .windows import format_window

WIDTHS = {Field.PHASE: 16, Field.WINDOW: 25, Field.OWNER: 14, Field.TITLE: 32, Field.STANDARD: 32,
          Field.RESOURCES: 28, Field.RISK: 30, Field.NOTES: 26, Field.STATUS: 11, Field.CHANNEL: 12,
          Field.DELIVERABLE: 14, Field.PLANNED: 9, Field.DONE: 9, Field.ID: 8}
WRAPPED = {Field.TITLE, Field.STANDARD, Field.RESOURCES, Field.RISK, Field.NOTES}
NUMBERS = {Field.PLANNED, Field.DONE, Field.ID}


def file_language(lang: str | None) -> str:
    """"zh-hans", "zh-CN" -> "zh"; anything else -> "en"."""
    return "zh" if (lang or "").lower().startswith("zh") else "en"


def columns(lang: str) -> list[Column]:
    headers = HEADERS[file_language(lang)]
    return [Column(headers[f], WIDTHS[f], "wrap" if f in WRAPPED else "number" if f in NUMBERS else "text")
            for f in EXPORT_FIELDS]


def plan_rows(campaign: Campaign, lang: str) -> Iterator[list[Cell]]:
    """One list of cells per task, in EXPORT_FIELDS order (two queries in all)."""
    zh = file_language(lang) == "zh"
    statuses = STATUS_LABELS["zh" if zh else "en"]
    _lookup, channel_names = channel_lookup()
    for (tid, phase, start, end, owner_id, username, first, last, display, owner_name, title, standard, resources,
         risk, notes, status, channel_id, deliverable, planned, done) in export_values(campaign):
        owner = person_label(username, first, last, display) if owner_id else owner_name
        channel = channel_names[channel_id][1 if zh else 0] if channel_id else ""
        yield [phase, format_window(start, end), owner, title, standard, resources, risk, notes,
               statuses.get(status, status), channel, deliverable, planned, done, tid]


def export_plan(*, campaign: Campaign, lang: str) -> bytes:
    """The campaign's plan as .xlsx bytes."""
    sheet = "计划" if file_language(lang) == "zh" else "Plan"
    with gc_paused():
        return write_xlsx([SheetSpec(sheet, columns(lang), plan_rows(campaign, lang))])


def export_filename(campaign: Campaign, lang: str, today: dt.date | None = None) -> str:
    """"<campaign name> - 计划 2024-06-01.xlsx" (characters file systems refuse are dropped)."""
    today = today or timezone.localdate()
    name = re.sub(r'[\\/:*?"<>|\r\n\t]+', " ", campaign.name).strip()[:60].strip() or f"campaign-{campaign.pk}"
    word = "计划" if file_language(lang) == "zh" else "plan"
    return f"{name} - {word} {today.isoformat()}.xlsx"
