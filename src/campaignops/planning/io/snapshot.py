"""Reads for plan export and import: one query per kind of row, plain values, no model instances
(a 10,000-task plan loads in a few queries, whatever its size)."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import CharField, F, QuerySet
from django.db.models.functions import Cast

from campaignops.campaigns.models import Campaign, Channel, Membership

from ..models import Phase, Task
from .columns import normalise_word
from .diff import MemberSnap, PhaseSnap, PlanSnapshot, TaskSnap, member_names

EXPORT_ORDER = ("phase__order", "phase__start_date", "phase_id", "order", "start_date", "id")
# The export's rows: everything shown, joined (phase name, owner's names).
EXPORT_VALUES = (
    "id", "phase__name", "start_day", "end_day", "owner_id", "owner__username", "owner__first_name",
    "owner__last_name", "owner__profile__display_name", "owner_name", "title", "completion_standard",
    "resource_needs", "risk_plan", "notes", "status", "channel_id", "deliverable", "deliverables_planned",
    "deliverables_done",
)
# The import's snapshot: the task table alone (phases and owners come from their own small queries).
SNAPSHOT_VALUES = (
    "id", "version", "phase_id", "order", "start_day", "end_day", "owner_id", "owner_name", "title",
    "completion_standard", "resource_needs", "risk_plan", "notes", "status", "channel_id", "deliverable",
    "deliverables_planned", "deliverables_done",
)


def person_label(username: str | None, first: str | None, last: str | None, display: str | None) -> str:
    """Same rule as accounts.display_name(): profile name, else full name, else user name."""
    if display:
        return display
    full = f"{first or ''} {last or ''}".strip()
    return full or username or ""


def _with_days(qs: QuerySet) -> QuerySet:
    """On SQLite the dates come as ISO text (CAST), not through a Python converter per value;
    other databases hand back dates directly. `_day` accepts either."""
    if connections[qs.db].vendor == "sqlite":
        return qs.annotate(start_day=Cast("start_date", CharField()), end_day=Cast("end_date", CharField()))
    return qs.annotate(start_day=F("start_date"), end_day=F("end_date"))


def raw_rows(qs: QuerySet) -> list[tuple]:
    """The rows of a values_list() queryset straight from the database cursor, without the ORM's
    per-value converters (10,000 plan rows load about twice as fast); dates are fixed by `_day`."""
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _day(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def export_values(campaign: Campaign) -> list[tuple]:
    """The plan's rows as tuples of EXPORT_VALUES (dates as dates), in phase order then row order."""
    qs = _with_days(Task.objects.filter(campaign=campaign)).order_by(*EXPORT_ORDER).values_list(*EXPORT_VALUES)
    return [(r[0], r[1], _day(r[2]), _day(r[3]), *r[4:]) for r in raw_rows(qs)]


def members(campaign: Campaign) -> list[MemberSnap]:
    rows = Membership.objects.filter(campaign=campaign).values_list(
        "user_id", "user__username", "user__first_name", "user__last_name", "user__profile__display_name")
    made = []
    for user_id, username, first, last, display in rows:
        full = f"{first or ''} {last or ''}".strip()
        made.append(MemberSnap(user_id, person_label(username, first, last, display),
                               member_names(username, display or "", full)))
    return made


def _labels_of(user_ids: set[int]) -> dict[int, str]:
    """Names of owners who are no longer members (one query, and only when there are any)."""
    if not user_ids:
        return {}
    rows = get_user_model().objects.filter(pk__in=user_ids).values_list(
        "pk", "username", "first_name", "last_name", "profile__display_name")
    return {pk: person_label(u, f, last, d) for pk, u, f, last, d in rows}


_new_task_snap = partial(tuple.__new__, TaskSnap)   # TaskSnap._make without its Python-level checks


def _tasks(rows: list[tuple], phase_names: dict[int, str], labels: dict[int, str]) -> list[TaskSnap]:
    make = _new_task_snap
    if rows and type(rows[0][4]) is str:                       # SQLite: ISO text, see _with_days()
        # A plan has a few hundred distinct dates: each ISO text is parsed once.
        days = {text: dt.date.fromisoformat(text) for text in {r[4] for r in rows} | {r[5] for r in rows}}
        return [make((r[0], r[1], r[2], r[3], days[r[4]], days[r[5]], *r[6:], phase_names.get(r[2], ""),
                      labels[r[6]] if r[6] else r[7])) for r in rows]
    return [make((*r, phase_names.get(r[2], ""), labels[r[6]] if r[6] else r[7])) for r in rows]


def load_snapshot(campaign: Campaign, *, lock: bool = False) -> PlanSnapshot:
    """The plan as plain values: tasks, phases and members, three queries (a fourth only when a
    task's owner has left the team). `lock` holds the rows until the transaction ends."""
    tasks_qs = Task.objects.filter(campaign=campaign)
    phases_qs = Phase.objects.filter(campaign=campaign)
    if lock:
        tasks_qs, phases_qs = tasks_qs.select_for_update(), phases_qs.select_for_update()
    rows = raw_rows(_with_days(tasks_qs).order_by("id").values_list(*SNAPSHOT_VALUES))
    phases = [PhaseSnap(*r) for r in phases_qs.order_by("order", "start_date", "id").values_list(
        "id", "name", "version", "order", "start_date", "end_date")]
    team = members(campaign)
    labels = {m.user_id: m.label for m in team}
    labels |= _labels_of({r[6] for r in rows if r[6] and r[6] not in labels})
    tasks = _tasks(rows, {p.id: p.name for p in phases}, labels)
    return PlanSnapshot(tasks=tasks, phases=phases, members=team)


def channel_lookup() -> tuple[dict[str, int], dict[int, tuple[str, str]]]:
    """(normalised code / English / Chinese name -> id, id -> (English, Chinese) names) in one query."""
    lookup: dict[str, int] = {}
    names: dict[int, tuple[str, str]] = {}
    for cid, code, en, zh in Channel.objects.values_list("id", "code", "name_en", "name_zh"):
        names[cid] = (en, zh)
        for word in (code, en, zh):
            lookup.setdefault(normalise_word(word), cid)
    return lookup, names
