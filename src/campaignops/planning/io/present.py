"""A preview as people read it (page, command line) and as scripts read it (JSON)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ..models import PhaseKind, TaskStatus
from .columns import HEADERS, Field
from .diff import Preview, RowPlan
from .export import file_language
from .snapshot import channel_lookup

PAGE_LIMIT = 500


@dataclass
class ChangeView:
    label: str
    old: str
    new: str


@dataclass
class RowView:
    row: int
    action: str
    phase: str
    title: str
    owner: str
    window: str
    owner_unmatched: bool
    changes: list[ChangeView] = field(default_factory=list)


class Presenter:
    """Turns raw values (status codes, channel ids, dates) into the words of the user's language."""

    def __init__(self, lang: str):
        self.headers = HEADERS[file_language(lang)]
        self.zh = file_language(lang) == "zh"
        self.statuses = dict(TaskStatus.choices)
        _lookup, self.channels = channel_lookup()

    def value(self, f: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if f == Field.STATUS:
            return str(self.statuses.get(value, value))
        if f == Field.CHANNEL:
            names = self.channels.get(value)
            return (names[1] if self.zh else names[0]) if names else str(value)
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)

    def row(self, r: RowPlan) -> RowView:
        start, end = r.values.get(Field.START), r.values.get(Field.END)
        changes = [ChangeView(self.headers.get(Field(f), f), self.value(f, old), self.value(f, new))
                   for f, (old, new) in r.changes.items()]
        return RowView(row=r.row, action=r.action, phase=r.phase, title=r.title,
                       owner=r.values.get(Field.OWNER, ""), owner_unmatched=r.owner_unmatched,
                       window=f"{start.isoformat()} ~ {end.isoformat()}" if start and end else "", changes=changes)


def page_context(preview: Preview, lang: str) -> dict[str, Any]:
    """What the preview page shows: counts, new phases, the new and changed rows (up to
    PAGE_LIMIT), the unchanged ones folded away."""
    p = Presenter(lang)
    moving = [r for r in preview.rows if r.action != "unchanged"]
    still = [r for r in preview.rows if r.action == "unchanged"]
    kinds = dict(PhaseKind.choices)
    return {
        "counts": preview.counts,
        "new_phases": [{"name": n.name, "kind": kinds.get(n.kind, n.kind), "window":
                        f"{n.start_date.isoformat()} ~ {n.end_date.isoformat()}"} for n in preview.new_phases],
        "rows": [p.row(r) for r in moving[:PAGE_LIMIT]],
        "rows_hidden": max(len(moving) - PAGE_LIMIT, 0),
        "unchanged_rows": [p.row(r) for r in still[:PAGE_LIMIT]],
        "unchanged_hidden": max(len(still) - PAGE_LIMIT, 0),
        "not_in_file": preview.not_in_file,
        "fingerprint": preview.fingerprint,
        "has_changes": preview.has_changes,
    }


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def preview_json(preview: Preview, warnings: list) -> dict[str, Any]:
    """The dry-run answer of the API: raw values (ISO dates, status codes, channel ids)."""
    return {
        "applied": False,
        "counts": preview.counts,
        "fingerprint": preview.fingerprint,
        "not_in_file": preview.not_in_file,
        "new_phases": [{"name": n.name, "kind": n.kind, "start_date": n.start_date, "end_date": n.end_date}
                       for n in preview.new_phases],
        "rows": [{"row": r.row, "action": r.action, "task_id": r.task_id, "phase": r.phase, "title": r.title,
                  "owner_unmatched": r.owner_unmatched,
                  "changes": [{"field": f, "old": _plain(o), "new": _plain(n)} for f, (o, n) in r.changes.items()]}
                 for r in preview.rows],
        "warnings": [w.as_dict() for w in warnings],
    }


def summary_line(counts: dict[str, int], new_phases: int) -> str:
    return _("New rows: %(new)s · changed: %(changed)s · unchanged: %(unchanged)s · new phases: %(phases)s") % {
        **counts, "phases": new_phases}
