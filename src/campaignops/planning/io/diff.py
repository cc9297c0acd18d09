"""Compare validated file rows with the campaign's plan: new / changed / unchanged rows, new
phases, owners matched to members (no database here; the importer loads the snapshot)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from operator import attrgetter, eq, itemgetter, methodcaller
from typing import Any, Literal, NamedTuple

from django.utils.translation import gettext as _

from .columns import Field, guess_phase_kind, normalise_word
from .parse import Issue, ParsedRow

Action = Literal["new", "changed", "unchanged"]
COMPARED = (Field.PHASE, Field.START, Field.END, Field.OWNER, Field.TITLE, Field.STANDARD, Field.RESOURCES,
            Field.RISK, Field.NOTES, Field.STATUS, Field.CHANNEL, Field.DELIVERABLE, Field.PLANNED, Field.DONE)


class TaskSnap(NamedTuple):
    """One task as stored, in the order of snapshot.SNAPSHOT_VALUES, then the phase's name and the
    owner's label (a tuple: 10,000 of them are built from database rows in one C call each)."""

    id: int
    version: int
    phase_id: int
    order: int
    start_date: dt.date
    end_date: dt.date
    owner_id: int | None
    owner_name: str
    title: str
    completion_standard: str
    resource_needs: str
    risk_plan: str
    notes: str
    status: str
    channel: int | None
    deliverable: str
    deliverables_planned: int | None
    deliverables_done: int | None
    phase_name: str
    owner_label: str          # the owner's display name, or the kept owner name


@dataclass
class PhaseSnap:
    id: int
    name: str
    version: int
    order: int
    start_date: dt.date
    end_date: dt.date


@dataclass
class MemberSnap:
    user_id: int
    label: str
    names: tuple[str, ...]    # user name, display name, full name (and the parts of "王芳 Wang Fang")


@dataclass
class PlanSnapshot:
    tasks: list[TaskSnap]
    phases: list[PhaseSnap]
    members: list[MemberSnap]

    def fingerprint(self) -> str:
        """Changes whenever a task or phase is added, removed or saved (sha256 of the sorted
        (id, version) pairs of tasks, then of phases)."""
        digest = hashlib.sha256()
        for rows in (self.tasks, self.phases):
            pairs = sorted((r.id, r.version) for r in rows)
            digest.update(array("q", [n for pair in pairs for n in pair]).tobytes())
            digest.update(b"|")
        return digest.hexdigest()


@dataclass(slots=True)
class RowPlan:
    row: int
    action: Action
    task_id: int | None
    phase: str
    title: str
    values: dict[str, Any]                          # what the task will hold (fields of the file)
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    owner_id: int | None = None
    owner_unmatched: bool = False


@dataclass
class NewPhase:
    name: str
    kind: str
    start_date: dt.date
    end_date: dt.date
    order: int


@dataclass
class Preview:
    rows: list[RowPlan]
    new_phases: list[NewPhase]
    errors: list[Issue]
    warnings: list[Issue]
    not_in_file: int
    fingerprint: str

    @property
    def counts(self) -> dict[str, int]:
        counts = {"new": 0, "changed": 0, "unchanged": 0}
        for r in self.rows:
            counts[r.action] += 1
        return counts

    @property
    def has_changes(self) -> bool:
        return bool(self.new_phases) or any(r.action != "unchanged" for r in self.rows)


# ---- owners -------------------------------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def member_names(username: str, display: str, full: str) -> tuple[str, ...]:
    """The names a member may be written under: "王芳 Wang Fang" also answers to 王芳 and Wang Fang."""
    names = {username, display, full}
    for name in (display, full):
        cjk = "".join(_CJK.findall(name))
        latin = _CJK.sub(" ", name).strip()
        if cjk and latin:
            names |= {cjk, latin}
    return tuple(sorted({normalise_word(n) for n in names if n and n.strip()}))


class OwnerIndex:
    def __init__(self, members: list[MemberSnap]):
        by_name: dict[str, set[int]] = defaultdict(set)
        for m in members:
            for name in m.names:
                by_name[name].add(m.user_id)
        self.by_name = by_name
        self._found: dict[str, int | None] = {}

    def find(self, text: str) -> int | None:
        """The one member written as `text` ("Zhao Liu (zhaoliu)" tries both), else None."""
        found = self._found.get(text, self)
        if found is self:     # a kept owner name is written on many rows: look each one up once
            found = self._found[text] = self._find(text)
        return found

    def _find(self, text: str) -> int | None:
        candidates = [text]
        if m := re.fullmatch(r"(.+?)\s*[(（]([^()（）]+)[)）]", text):
            candidates += [m[2], m[1]]
        for candidate in candidates:
            ids = self.by_name.get(normalise_word(candidate), set())
            if len(ids) == 1:
                return next(iter(ids))
        return None


class _Notes:
    """Errors and warnings of the comparison, naming the file's columns."""

    def __init__(self, columns: dict[str, tuple[str, str]]):
        self.columns = columns
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []

    def _issue(self, row: int, f: Field, message: str) -> Issue:
        header, letter = self.columns.get(str(f), ("", ""))
        return Issue(row, header, letter, message)

    def warn(self, row: int, f: Field, message: str) -> None:
        self.warnings.append(self._issue(row, f, message))

    def error(self, row: int, f: Field, message: str) -> None:
        self.errors.append(self._issue(row, f, message))


# ---- comparing ----------------------------------------------------------------------------------


def _same_text(a: object, b: object) -> bool:
    return str(a or "").replace("\r\n", "\n").strip() == str(b or "").replace("\r\n", "\n").strip()


def _owner_change(task: TaskSnap, text: str, owner_id: int | None) -> bool:
    if not text:
        return task.owner_id is not None or bool(task.owner_name)
    if normalise_word(text) == normalise_word(task.owner_label) and (owner_id is None or owner_id == task.owner_id):
        return False
    return owner_id != task.owner_id if owner_id is not None else (task.owner_id is not None
                                                                     or not _same_text(task.owner_name, text))


ATTRIBUTE = {Field.PHASE: "phase_name", Field.OWNER: "owner_label", Field.START: "start_date",
             Field.END: "end_date"}


class _Comparer:
    """Compares the fields a file carries with a task: one tuple comparison for an unchanged row,
    field by field (with text normalised) only when something differs."""

    def __init__(self, present: set[str]):
        self.fields = [f for f in COMPARED if f in present]
        self.of_row = itemgetter(*self.fields) if self.fields else (lambda values: ())
        self.of_task = (attrgetter(*[ATTRIBUTE.get(f, str(f)) for f in self.fields]) if self.fields
                        else (lambda task: ()))
        if len(self.fields) == 1:
            one_row, one_task = self.of_row, self.of_task
            self.of_row, self.of_task = (lambda v: (one_row(v),)), (lambda t: (one_task(t),))

    def changes(self, task: TaskSnap, values: dict[str, Any], owner_id: int | None) -> dict[str, tuple[Any, Any]]:
        news, olds = self.of_row(values), self.of_task(task)
        if news == olds and (owner_id is None or owner_id == task.owner_id):
            return {}
        changes: dict[str, tuple[Any, Any]] = {}
        for f, new, old in zip(self.fields, news, olds, strict=True):
            if f == Field.OWNER:
                differs = _owner_change(task, new, owner_id)
            elif new == old:
                continue
            elif f == Field.PHASE:
                differs = normalise_word(new) != normalise_word(old)
            elif isinstance(old, str) or isinstance(new, str):
                differs = not _same_text(old, new)
            else:
                differs = True
            if differs:
                changes[str(f)] = (old, new)
        return changes


def _key(phase: str, title: str) -> tuple[str, str]:
    return normalise_word(phase), normalise_word(title)


def _match(rows: list[ParsedRow], snap: PlanSnapshot, notes: _Notes) -> dict[int, TaskSnap]:
    """File row number -> task: by ID first, then by (phase, core task) among the tasks left."""
    by_id = dict(zip(map(_ID, snap.tasks), snap.tasks, strict=True))
    found = list(map(by_id.get, map(_TASK_ID, rows)))       # by_id.get(None) is None
    matched: dict[int, TaskSnap] = {r.row: task for r, task in zip(rows, found, strict=True) if task is not None}
    used: set[int] = {task.id for task in matched.values()}
    if len(matched) < len(rows):
        for r, task in zip(rows, found, strict=True):
            if task is None and r.task_id is not None:
                notes.warn(r.row, Field.ID, _("ID %(id)s is not a task of this campaign: the row is matched by "
                                              "phase and core task instead.") % {"id": r.task_id})
    rest = [r for r in rows if r.row not in matched and Field.TITLE in r.values]
    if not rest:
        return matched
    by_key: dict[tuple[str, str], list[TaskSnap]] = defaultdict(list)
    for t in snap.tasks:
        if t.id not in used:
            by_key[_key(t.phase_name, t.title)].append(t)
    for r in rest:
        for task in by_key.get(_key(r.values.get(Field.PHASE, ""), r.values[Field.TITLE]), []):
            if task.id not in used:
                matched[r.row] = task
                used.add(task.id)
                break
    return matched


def _owner(values: dict[str, Any], owners: OwnerIndex, task: TaskSnap | None) -> tuple[int | None, bool]:
    """(member id or None, kept as a name only?) for the row's owner text."""
    text = values.get(Field.OWNER, "")
    if not text:
        return None, False
    if task is not None and task.owner_id and (text == task.owner_label
                                               or normalise_word(text) == normalise_word(task.owner_label)):
        return task.owner_id, False
    owner_id = owners.find(text)
    return owner_id, owner_id is None


@dataclass
class PhaseWindow:
    name: str
    start_date: dt.date
    end_date: dt.date


def _new_phases(rows: list[ParsedRow], snap: PlanSnapshot) -> list[NewPhase]:
    """Phases named in the file but not in the plan, each spanning the dates of its rows."""
    existing = {normalise_word(p.name) for p in snap.phases}
    if all(normalise_word(name) in existing for name in set(map(_GET_PHASE, map(_VALUES, rows)))):
        return []       # a re-import: every phase of the file is in the plan
    keys: dict[str, str] = {}
    spans: dict[str, PhaseWindow] = {}
    for r in rows:
        name = r.values.get(Field.PHASE, "")
        key = keys.get(name) or keys.setdefault(name, normalise_word(name))
        if key in existing or Field.START not in r.values:
            continue
        span = spans.setdefault(key, PhaseWindow(name, r.values[Field.START], r.values[Field.END]))
        span.start_date = min(span.start_date, r.values[Field.START])
        span.end_date = max(span.end_date, r.values[Field.END])
    order = max((p.order for p in snap.phases), default=0)
    return [NewPhase(w.name, guess_phase_kind(w.name), w.start_date, w.end_date, order + i)
            for i, w in enumerate(spans.values(), start=1)]


def _dates_for_new(r: ParsedRow, windows: dict[str, PhaseSnap | NewPhase], notes: _Notes) -> bool:
    """A new row without dates takes its phase's window; a phase without dates cannot lend one."""
    if Field.START in r.values:
        return True
    phase = windows.get(normalise_word(r.values.get(Field.PHASE, "")))
    if phase is None:
        notes.error(r.row, Field.WINDOW, _("Enter the time window: the row is new and its phase has no dates "
                                           "yet."))
        return False
    r.values[Field.START], r.values[Field.END] = phase.start_date, phase.end_date
    return True


def _same_cells(rows: list[ParsedRow], tasks: list[TaskSnap | None],
                comparers: dict[frozenset[str], _Comparer]) -> list[bool]:
    """Per row: does every cell equal its task's? One tuple comparison per row, driven from C when
    the rows share one shape and all have a task (a re-import), row by row otherwise."""
    shapes = set(map(_FIELDS, rows))
    if len(shapes) == 1 and frozenset() not in shapes and None not in tasks:
        comparer = _comparer(next(iter(shapes)), comparers)
        return list(map(eq, map(comparer.of_row, map(_VALUES, rows)), map(comparer.of_task, tasks)))
    out = []
    for r, task in zip(rows, tasks, strict=True):
        comparer = _comparer(r.fields or frozenset(r.values), comparers)
        out.append(task is not None and comparer.of_row(r.values) == comparer.of_task(task))
    return out


def _comparer(fields: frozenset[str], comparers: dict[frozenset[str], _Comparer]) -> _Comparer:
    return comparers.get(fields) or comparers.setdefault(fields, _Comparer(set(fields)))


def _unchanged(r: ParsedRow, task: TaskSnap, owners: OwnerIndex) -> RowPlan | None:
    """A row whose cells equal its task's is unchanged — unless a kept owner name has become a
    member since (None: a closer look is needed)."""
    values = r.values
    owner = values.get(Field.OWNER, "")
    kept_name = task.owner_id is None and bool(owner)
    if kept_name and owners.find(owner) is not None:
        return None
    return RowPlan(r.row, "unchanged", task.id, values.get(Field.PHASE, ""), values.get(Field.TITLE, ""), values, {},
                   task.owner_id if owner else None, kept_name)


_ID, _ROW, _TASK_ID, _FIELDS = attrgetter("id"), attrgetter("row"), attrgetter("task_id"), attrgetter("fields")
_VALUES, _GET_PHASE = attrgetter("values"), methodcaller("get", Field.PHASE, "")


def _plan_row(r: ParsedRow, task: TaskSnap | None, owners: OwnerIndex, notes: _Notes,
              comparers: dict[frozenset[str], _Comparer]) -> RowPlan:
    owner_id, unmatched = _owner(r.values, owners, task)
    changes = {}
    if task is not None:
        changes = _comparer(r.fields or frozenset(r.values), comparers).changes(task, r.values, owner_id)
    action: Action = "new" if task is None else ("changed" if changes else "unchanged")
    if unmatched and (action == "new" or Field.OWNER in changes):
        notes.warn(r.row, Field.OWNER, _("“%(name)s” is not a member of this campaign: kept as the owner's name, "
                                         "to be matched later.") % {"name": r.values[Field.OWNER]})
    return RowPlan(row=r.row, action=action, task_id=task.id if task else None,
                   phase=r.values.get(Field.PHASE, ""), title=r.values.get(Field.TITLE, ""), values=r.values,
                   changes=changes, owner_id=owner_id, owner_unmatched=unmatched)


def diff(rows: list[ParsedRow], snap: PlanSnapshot, *,
         columns: dict[str, tuple[str, str]] | None = None) -> Preview:
    """What importing `rows` into the plan would do (nothing is written). `columns` maps a field
    to its (header, column letter) in the file, to name them in messages."""
    notes = _Notes(columns or {})
    matched = _match(rows, snap, notes)
    new_phases = _new_phases(rows, snap)
    windows: dict[str, PhaseSnap | NewPhase] = {normalise_word(p.name): p for p in snap.phases}
    windows.update({normalise_word(p.name): p for p in new_phases})
    owners = OwnerIndex(snap.members)
    planned: list[RowPlan] = []
    comparers: dict[frozenset[str], _Comparer] = {}
    tasks = list(map(matched.get, map(_ROW, rows)))
    for r, task, same in zip(rows, tasks, _same_cells(rows, tasks, comparers), strict=True):
        if task is None and not _dates_for_new(r, windows, notes):
            continue
        planned.append((same and _unchanged(r, task, owners)) or _plan_row(r, task, owners, notes, comparers))
    return Preview(rows=planned, new_phases=new_phases, errors=notes.errors, warnings=notes.warnings,
                   not_in_file=len(snap.tasks) - len({t.id for t in matched.values()}),
                   fingerprint=snap.fingerprint())
