"""Import a plan file: parse -> validated rows -> preview against the plan -> apply.

`preview_upload()` reads and compares without writing (4 queries whatever the file's size);
`plan_import_apply()` writes everything or nothing in one transaction, with audit entries and
bumped task versions, and refuses (409) when the plan changed since the preview.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from campaignops.campaigns.models import Campaign
from campaignops.core import audit
from campaignops.core.errors import DomainError, ValidationFailed
from campaignops.core.models import AuditEntry
from campaignops.core.spreadsheets import Upload, gc_paused, read_rows

from .. import hooks
from ..models import Phase, PlanImport, PlanImportState, Task, TaskStatus
from .columns import Field, HeaderMap, column_letter, normalise_word, status_table
from .diff import PhaseSnap, PlanSnapshot, Preview, RowPlan, TaskSnap, diff
from .parse import Issue, ParseContext, ParsedRow, ParseResult, parse_rows
from .snapshot import channel_lookup, load_snapshot
from .windows import YearHint


class PlanChanged(DomainError):
    """The plan was edited between the preview and the apply: 409, nothing written."""

    status = 409


@dataclass
class ImportResult:
    parsed: ParseResult
    preview: Preview | None

    @property
    def errors(self) -> list[Issue]:
        return self.parsed.errors + (self.preview.errors if self.preview else [])

    @property
    def warnings(self) -> list[Issue]:
        return self.parsed.warnings + (self.preview.warnings if self.preview else [])

    @property
    def ok(self) -> bool:
        return self.preview is not None and not self.errors

    def refusal(self) -> ValidationFailed:
        return ValidationFailed(_("The file was not imported: correct the rows listed and upload it again."),
                                field="file", details=[i.as_dict() for i in self.errors])


@dataclass
class ApplySummary:
    created: int
    updated: int
    unchanged: int
    phases_created: int

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "phases_created": self.phases_created}


# ---- preview ------------------------------------------------------------------------------------


def _app_status_labels() -> dict[str, list[str]]:
    labels: dict[str, list[str]] = defaultdict(list)
    for code in ("en", "zh-hans"):
        with translation.override(code):
            for value, label in TaskStatus.choices:
                labels[value].append(str(label))
    return labels


def parse_context(campaign: Campaign, lang: str) -> ParseContext:
    try:
        tz = zoneinfo.ZoneInfo(campaign.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = None
    channels, _names = channel_lookup()
    return ParseContext(hint=YearHint(campaign.start_date, campaign.end_date),
                        statuses=status_table(_app_status_labels()), channels=channels, lang=lang, tz=tz)


def column_names(header: HeaderMap | None) -> dict[str, list[str]]:
    """Field -> [header as written, column letter], to name columns in messages."""
    if header is None:
        return {}
    names = {str(f): [header.headers[i], column_letter(i)] for f, i in header.columns.items()}
    for f in (Field.WINDOW, Field.START):
        if str(Field.WINDOW) not in names and str(f) in names:
            names[str(Field.WINDOW)] = names[str(f)]
    return names


def preview_table(*, campaign: Campaign, rows: list[list[Any]], lang: str,
                  context: ParseContext | None = None, snapshot: PlanSnapshot | None = None) -> ImportResult:
    parsed = parse_rows(rows, context or parse_context(campaign, lang))
    if parsed.errors:
        return ImportResult(parsed, None)
    preview = diff(parsed.rows, snapshot or load_snapshot(campaign), columns=_columns(column_names(parsed.header)))
    return ImportResult(parsed, preview)


def preview_upload(*, campaign: Campaign, upload: Upload, lang: str) -> ImportResult:
    """Read a guarded upload and compare it with the plan; nothing is written.

    The file is read (python-calamine, in Rust, mostly without the GIL) on a helper thread while
    this thread loads the plan from the database; only this thread touches the database."""
    with gc_paused():
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="plan-read") as pool:
            reading = pool.submit(read_rows, upload)
            context, snapshot = parse_context(campaign, lang), load_snapshot(campaign)
            rows = reading.result()
        return preview_table(campaign=campaign, rows=rows, lang=lang, context=context, snapshot=snapshot)


def preview_saved(*, plan_import: PlanImport) -> Preview:
    """The preview of a stored import against the plan as it is now."""
    rows = [ParsedRow.from_json(r) for r in plan_import.rows]
    return diff(rows, load_snapshot(plan_import.campaign), columns=_columns(plan_import.columns))


def _columns(names: dict[str, list[str]]) -> dict[str, tuple[str, str]]:
    return {k: (v[0], v[1]) for k, v in names.items()}


# ---- apply --------------------------------------------------------------------------------------


def _create_phases(campaign: Campaign, preview: Preview, snap_phases: list[PhaseSnap]) -> dict[str, int]:
    made = Phase.objects.bulk_create([
        Phase(campaign=campaign, name=p.name, kind=p.kind, start_date=p.start_date, end_date=p.end_date,
              order=p.order) for p in preview.new_phases])
    ids = {normalise_word(p.name): p.id for p in snap_phases}
    ids.update({normalise_word(p.name): p.pk for p in made})
    return ids


def _owner_attrs(row: RowPlan) -> dict[str, Any]:
    text = row.values.get(Field.OWNER, "")
    if row.owner_id is not None:
        return {"owner_id": row.owner_id, "owner_name": ""}
    return {"owner_id": None, "owner_name": text}


def _attrs(row: RowPlan, fields: set[str], phase_ids: dict[str, int]) -> dict[str, Any]:
    """Model attributes for the given fields of a row."""
    attrs: dict[str, Any] = {}
    v = row.values
    for f in fields:
        if f == Field.PHASE:
            attrs["phase_id"] = phase_ids[normalise_word(v[f])]
        elif f == Field.OWNER:
            attrs.update(_owner_attrs(row))
        elif f == Field.CHANNEL:
            attrs["channel_id"] = v[f]
        else:
            attrs[f] = v[f]
    return attrs


def _check(task: Task, row: int) -> None:
    try:
        task.clean_fields(exclude=["campaign", "phase", "owner", "channel"])
        task.clean()
    except ValidationError as exc:
        detail = "; ".join(f"{k}: {' '.join(m)}" for k, m in exc.message_dict.items())
        raise ValidationFailed(_("Row %(row)s cannot be saved: %(detail)s") % {"row": row, "detail": detail},
                               details=[{"row": row, "column": "", "message": detail}]) from exc


def _new_tasks(campaign: Campaign, rows: list[RowPlan], phase_ids: dict[str, int],
               orders: dict[int, int]) -> list[Task]:
    tasks = []
    for r in rows:
        attrs = _attrs(r, set(r.values) & {str(f) for f in Field} - {str(Field.ID)}, phase_ids)
        attrs.setdefault("status", TaskStatus.NOT_STARTED)
        orders[attrs["phase_id"]] = orders.get(attrs["phase_id"], 0) + 1
        task = Task(campaign=campaign, order=orders[attrs["phase_id"]], **attrs)
        _check(task, r.row)
        tasks.append(task)
    return Task.objects.bulk_create(tasks, batch_size=500)


def _updated_tasks(rows: list[RowPlan], snaps: dict[int, TaskSnap], phase_ids: dict[str, int]) -> list[Task]:
    now, tasks, fields = timezone.now(), [], {"version", "updated_at"}
    for r in rows:
        snap = snaps[r.task_id]
        task = Task(id=snap.id, campaign_id=None, phase_id=snap.phase_id, start_date=snap.start_date,
                    end_date=snap.end_date, owner_id=snap.owner_id, owner_name=snap.owner_name, title=snap.title,
                    completion_standard=snap.completion_standard, resource_needs=snap.resource_needs,
                    risk_plan=snap.risk_plan, notes=snap.notes, status=snap.status, channel_id=snap.channel,
                    deliverable=snap.deliverable, deliverables_planned=snap.deliverables_planned,
                    deliverables_done=snap.deliverables_done, version=snap.version + 1, updated_at=now)
        for attr, value in _attrs(r, set(r.changes), phase_ids).items():
            setattr(task, attr, value)
            fields.add(attr.removesuffix("_id") if attr in ("phase_id", "channel_id", "owner_id") else attr)
        _check(task, r.row)
        tasks.append(task)
    if tasks:
        Task.objects.bulk_update(tasks, sorted(fields), batch_size=500)
    return tasks


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _audit(campaign: Campaign, actor, created: list[Task], changed: list[RowPlan], summary: ApplySummary,
           file_name: str) -> None:
    who = actor if getattr(actor, "is_authenticated", False) else None
    entries = [AuditEntry(campaign_id=campaign.pk, actor=who, action="task.create", object_type="planning.task",
                          object_id=t.pk, summary=t.title[:300]) for t in created]
    entries += [AuditEntry(campaign_id=campaign.pk, actor=who, action="task.update", object_type="planning.task",
                           object_id=r.task_id, summary=r.title[:300],
                           changes={k: [_plain(a), _plain(b)] for k, (a, b) in r.changes.items()})
                for r in changed]
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    audit.record(actor=actor, action="plan.import", obj=campaign, campaign_id=campaign.pk,
                 summary=_("%(file)s: %(created)s new, %(updated)s changed, %(unchanged)s unchanged") % {
                     "file": file_name or "-", **summary.as_dict()})


@transaction.atomic
def plan_import_apply(*, campaign: Campaign, actor, rows: list[ParsedRow], columns: dict[str, list[str]] | None = None,
                      expected_fingerprint: str | None = None, file_name: str = "") -> ApplySummary:
    """Apply validated rows: everything or nothing. With `expected_fingerprint` (from the preview the
    user saw), refuses with PlanChanged when a task or phase was added, removed or saved since."""
    snap = load_snapshot(campaign, lock=True)
    if expected_fingerprint is not None and snap.fingerprint() != expected_fingerprint:
        raise PlanChanged(_("The plan changed since this preview (someone edited it). Nothing was imported: "
                            "review the updated preview and apply again."))
    preview = diff(rows, snap, columns=_columns(columns or {}))
    if preview.errors:
        raise ImportResult(ParseResult(None), preview).refusal()
    phase_ids = _create_phases(campaign, preview, snap.phases)
    orders: dict[int, int] = {}
    for t in snap.tasks:
        orders[t.phase_id] = max(orders.get(t.phase_id, 0), t.order)
    created = _new_tasks(campaign, [r for r in preview.rows if r.action == "new"], phase_ids, orders)
    changed = [r for r in preview.rows if r.action == "changed"]
    _updated_tasks(changed, {t.id: t for t in snap.tasks}, phase_ids)
    summary = ApplySummary(len(created), len(changed), preview.counts["unchanged"], len(preview.new_phases))
    _audit(campaign, actor, created, changed, summary, file_name)
    hooks.rows_added(campaign=campaign, tasks=created, actor=actor)
    return summary


# ---- stored imports (the page's preview -> apply) -------------------------------------------------


def plan_import_save(*, campaign: Campaign, actor, file_name: str, result: ImportResult) -> PlanImport:
    """Keep a previewed file's rows until the user applies them (older pending ones of this user
    on this campaign are dropped)."""
    assert result.preview is not None
    PlanImport.objects.filter(campaign=campaign, created_by=actor, state=PlanImportState.PENDING).delete()
    return PlanImport.objects.create(
        campaign=campaign, created_by=actor, file_name=file_name[:255],
        rows=[r.to_json() for r in result.parsed.rows], columns=column_names(result.parsed.header),
        fingerprint=result.preview.fingerprint, summary=result.preview.counts,
    )


@transaction.atomic
def plan_import_apply_saved(*, plan_import: PlanImport, actor, fingerprint: str) -> ApplySummary:
    locked = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    if locked.state != PlanImportState.PENDING:
        raise DomainError(_("This import was already applied."))
    summary = plan_import_apply(campaign=plan_import.campaign, actor=actor,
                                rows=[ParsedRow.from_json(r) for r in locked.rows], columns=locked.columns,
                                expected_fingerprint=fingerprint, file_name=locked.file_name)
    locked.state, locked.applied_at, locked.summary = PlanImportState.APPLIED, timezone.now(), summary.as_dict()
    locked.save(update_fields=["state", "applied_at", "summary"])
    return summary
