"""Writes for the plan: phases, tasks, templates. Atomic, validated, audited, versioned."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from campaignops.campaigns.models import Campaign, Channel, Membership
from campaignops.campaigns.services import _validate, campaign_create
from campaignops.core import audit
from campaignops.core.errors import DomainError, NotAllowed
from campaignops.core.versioning import save_versioned

from . import hooks
from .domain.templating import Offsets, Window, to_offsets, to_window
from .domain.workdays import WorkCalendar
from .models import (
    Phase,
    PlanTemplate,
    Task,
    TemplatePhase,
    TemplateTask,
    WorkdayOverride,
)
from .seed import SEED_ANCHOR, SEED_COUNTRY, SEED_ROWS, SEED_TEMPLATE

TASK_FIELDS = [
    "phase", "order", "start_date", "end_date", "owner", "owner_name", "title", "completion_standard",
    "resource_needs", "risk_plan", "notes", "status", "channel", "deliverable", "deliverables_planned",
    "deliverables_done",
]
PHASE_FIELDS = ["kind", "name", "start_date", "end_date", "order"]


def calendar_for(country: str) -> WorkCalendar:
    """The working-day calendar of a country, with the override table applied."""
    overrides = dict(WorkdayOverride.objects.filter(country=country).values_list("date", "is_working_day"))
    return WorkCalendar(country=country, overrides=overrides)


def _diff(obj, changes: dict) -> dict:
    return {f: (getattr(obj, f), v) for f, v in changes.items() if getattr(obj, f) != v}


# ---- phases -------------------------------------------------------------------------------------

@transaction.atomic
def phase_create(*, campaign: Campaign, actor, name: str, start_date: dt.date, end_date: dt.date,
                 kind: str = "custom", order: int | None = None) -> Phase:
    if order is None:
        order = (campaign.phases.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    phase = Phase(campaign=campaign, name=name, start_date=start_date, end_date=end_date, kind=kind, order=order)
    _validate(phase)
    phase.save()
    audit.record(actor=actor, action="phase.create", obj=phase, summary=name)
    return phase


@transaction.atomic
def phase_update(*, phase: Phase, actor, version: int | None, **changes) -> Phase:
    unknown = set(changes) - set(PHASE_FIELDS)
    if unknown:
        raise DomainError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    diff = _diff(phase, changes)
    for field, value in changes.items():
        setattr(phase, field, value)
    _validate(phase)
    save_versioned(phase, expected_version=version, fields=list(changes) or ["name"])
    audit.record(actor=actor, action="phase.update", obj=phase, changes=diff)
    return phase


@transaction.atomic
def phase_delete(*, phase: Phase, actor) -> None:
    audit.record(actor=actor, action="phase.delete", obj=phase, summary=phase.name)
    phase.delete()


# ---- tasks --------------------------------------------------------------------------------------

def _check_task_refs(campaign_id: int, phase: Phase | None, owner) -> None:
    if phase is not None and phase.campaign_id != campaign_id:
        raise DomainError(_("The phase belongs to another campaign."), field="phase")
    if owner is not None and not owner.is_superuser and not Membership.objects.filter(
            campaign_id=campaign_id, user=owner).exists():
        raise DomainError(_("The owner must be a member of the campaign."), field="owner")


@transaction.atomic
def task_create(*, campaign: Campaign, actor, phase: Phase, title: str, start_date: dt.date | None = None,
                end_date: dt.date | None = None, **fields) -> Task:
    _check_task_refs(campaign.pk, phase, fields.get("owner"))
    if "order" not in fields:
        fields["order"] = (phase.tasks.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    task = Task(campaign=campaign, phase=phase, title=title, start_date=start_date or phase.start_date,
                end_date=end_date or start_date or phase.end_date, **fields)
    if task.owner_id and not task.owner_name:
        task.owner_name = ""
    _validate(task)
    task.save()
    audit.record(actor=actor, action="task.create", obj=task, summary=title)
    return task


@transaction.atomic
def task_update(*, task: Task, actor, version: int | None, **changes) -> Task:
    """Change a task; a stale `version` raises StaleVersion (409) and writes nothing."""
    unknown = set(changes) - set(TASK_FIELDS)
    if unknown:
        raise DomainError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    _check_task_refs(task.campaign_id, changes.get("phase"), changes.get("owner"))
    if changes.get("owner") is not None:
        changes.setdefault("owner_name", "")
    diff = _diff(task, changes)
    for field, value in changes.items():
        setattr(task, field, value)
    _validate(task)
    save_versioned(task, expected_version=version, fields=list(changes) or ["title"])
    audit.record(actor=actor, action="task.update", obj=task, changes=diff)
    return task


@transaction.atomic
def task_delete(*, task: Task, actor) -> None:
    audit.record(actor=actor, action="task.delete", obj=task, summary=task.title)
    task.delete()


@transaction.atomic
def task_move(*, task: Task, actor, direction: str) -> Task:
    """Move a task one place up or down within its phase: it swaps its order with its neighbour's
    (a phase with tied orders is renumbered 1..n first); every row whose order changed gets a new
    version. At the top (or bottom) nothing changes."""
    if direction not in ("up", "down"):
        raise DomainError(_("Unknown direction: %(direction)s") % {"direction": direction}, field="direction")
    siblings = list(Task.objects.select_for_update().filter(phase_id=task.phase_id)
                    .order_by("order", "start_date", "id").values_list("pk", "order"))
    ids = [pk for pk, _order in siblings]
    i = ids.index(task.pk)
    j = i - 1 if direction == "up" else i + 1
    if not 0 <= j < len(ids):
        return task
    old = dict(siblings)
    if len(set(old.values())) == len(ids):     # distinct orders: swap the two
        new = {ids[i]: old[ids[j]], ids[j]: old[ids[i]]}
    else:                                      # ties (e.g. after an import): renumber the phase 1..n
        ids[i], ids[j] = ids[j], ids[i]
        new = {pk: position for position, pk in enumerate(ids, start=1) if old[pk] != position}
    now = timezone.now()
    for pk, order in new.items():
        Task.objects.filter(pk=pk).update(order=order, version=F("version") + 1, updated_at=now)
    task.refresh_from_db(fields=["order", "version", "updated_at"])
    audit.record(actor=actor, action="task.move", obj=task, changes={"order": (old[task.pk], task.order)})
    return task


# ---- templates ----------------------------------------------------------------------------------

def match_owner(campaign: Campaign, name: str):
    """The member whose user name, display name or full name is `name`, else None."""
    name = (name or "").strip()
    if not name:
        return None
    for m in Membership.objects.filter(campaign=campaign).select_related("user", "user__profile"):
        u = m.user
        profile = getattr(u, "profile", None)
        if name in {u.get_username(), u.get_full_name(), getattr(profile, "display_name", "")}:
            return u
    return None


@transaction.atomic
def seed_templates_ensure() -> list[PlanTemplate]:
    """The built-in seed template, once per language (idempotent)."""
    cal = WorkCalendar(country=SEED_COUNTRY)
    made = []
    total = to_offsets(cal, SEED_ANCHOR, Window(SEED_ANCHOR, SEED_ROWS[-1]["end"]))
    for lang, meta in SEED_TEMPLATE.items():
        tpl, created = PlanTemplate.objects.get_or_create(
            name=meta["name"],
            defaults={"description": meta["description"], "language": lang, "builtin": True,
                      "kind": "product_launch", "theme": meta["theme"], "goal_statement": meta["goal"],
                      "duration_workdays": total.duration},
        )
        made.append(tpl)
        if not created:
            continue
        channels = {c.code: c for c in Channel.objects.all()}
        key = "zh" if lang.startswith("zh") else "en"
        for i, row in enumerate(SEED_ROWS, start=1):
            off = to_offsets(cal, SEED_ANCHOR, Window(row["start"], row["end"]))
            phase_name, owner, title, standard, resources, risk, notes = row[key]
            tp = TemplatePhase.objects.create(template=tpl, kind=row["kind"], name=phase_name, order=i,
                                              start_offset=off.start_offset, duration=off.duration)
            deliverable = row["deliverable"]
            TemplateTask.objects.create(
                phase=tp, order=1, start_offset=off.start_offset, duration=off.duration, owner_name=owner,
                title=title, completion_standard=standard, resource_needs=resources, risk_plan=risk, notes=notes,
                channel=channels.get(row["channel"]) if row["channel"] else None,
                deliverable=(deliverable[0] if key == "zh" else deliverable[1]) if deliverable else "",
                deliverables_planned=deliverable[2] if deliverable else None,
            )
    return made


@transaction.atomic
def campaign_create_from_template(*, template: PlanTemplate, actor, name: str, start_date: dt.date,
                                  country: str = "CN", **campaign_fields) -> Campaign:
    """A new campaign whose phases and tasks keep the template's offsets in working days of the
    campaign's country, starting on `start_date`."""
    cal = calendar_for(country)
    phases = list(template.phases.prefetch_related("tasks").order_by("order"))
    windows = {}
    for tp in phases:
        windows[tp.pk] = to_window(cal, start_date, Offsets(tp.start_offset, tp.duration))
        for tt in tp.tasks.all():
            windows[("t", tt.pk)] = to_window(cal, start_date, Offsets(tt.start_offset, tt.duration))
    end = max([w.end for w in windows.values()], default=start_date)
    campaign_fields.setdefault("kind", template.kind)
    campaign_fields.setdefault("theme", template.theme)
    campaign_fields.setdefault("goal_statement", template.goal_statement)
    campaign = campaign_create(actor=actor, name=name, start_date=start_date,
                               end_date=end, country=country, **campaign_fields)
    created = []
    for tp in phases:
        w = windows[tp.pk]
        phase = Phase.objects.create(campaign=campaign, kind=tp.kind, name=tp.name, order=tp.order,
                                     start_date=w.start, end_date=w.end)
        for tt in tp.tasks.all():
            tw = windows[("t", tt.pk)]
            created.append(Task.objects.create(
                campaign=campaign, phase=phase, order=tt.order, start_date=tw.start, end_date=tw.end,
                owner=match_owner(campaign, tt.owner_name), owner_name=tt.owner_name, title=tt.title,
                completion_standard=tt.completion_standard, resource_needs=tt.resource_needs,
                risk_plan=tt.risk_plan, notes=tt.notes, channel_id=tt.channel_id, deliverable=tt.deliverable,
                deliverables_planned=tt.deliverables_planned,
            ))
    audit.record(actor=actor, action="campaign.create_from_template", obj=campaign,
                 summary=template.name)
    hooks.rows_added(campaign=campaign, tasks=created, actor=actor)
    return campaign


@transaction.atomic
def campaign_save_as_template(*, campaign: Campaign, actor, name: str, description: str = "") -> PlanTemplate:
    """Save a campaign's plan as a template (offsets in working days from the campaign start)."""
    if PlanTemplate.objects.filter(name=name).exists():
        raise DomainError(_("A template with this name already exists."), field="name")
    cal = calendar_for(campaign.country)
    anchor = campaign.start_date
    total = to_offsets(cal, anchor, Window(anchor, campaign.end_date))
    tpl = PlanTemplate.objects.create(
        name=name, description=description, kind=campaign.kind, theme=campaign.theme,
        goal_statement=campaign.goal_statement, duration_workdays=total.duration, source_campaign=campaign,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        language=(getattr(getattr(actor, "profile", None), "language", "") or "en"),
    )
    for phase in campaign.phases.prefetch_related("tasks__owner").order_by("order", "start_date"):
        off = to_offsets(cal, anchor, Window(phase.start_date, phase.end_date))
        tp = TemplatePhase.objects.create(template=tpl, kind=phase.kind, name=phase.name, order=phase.order,
                                          start_offset=off.start_offset, duration=off.duration)
        for task in phase.tasks.all():
            toff = to_offsets(cal, anchor, Window(task.start_date, task.end_date))
            TemplateTask.objects.create(
                phase=tp, order=task.order, start_offset=toff.start_offset, duration=toff.duration,
                owner_name=task.owner_name or (task.owner.get_username() if task.owner else ""), title=task.title,
                completion_standard=task.completion_standard, resource_needs=task.resource_needs,
                risk_plan=task.risk_plan, notes=task.notes, channel_id=task.channel_id,
                deliverable=task.deliverable, deliverables_planned=task.deliverables_planned,
            )
    audit.record(actor=actor, action="campaign.save_as_template", obj=campaign, summary=name)
    hooks.template_saved(campaign=campaign, template=tpl, actor=actor)
    return tpl


# ---- working-day overrides ----------------------------------------------------------------------

def _check_calendar_admin(actor) -> None:
    if not getattr(actor, "is_staff", False):
        raise NotAllowed(_("Only site administrators may change the working-day calendar."))


@transaction.atomic
def workday_override_set(*, country: str, date: dt.date, is_working_day: bool, note: str = "",
                         actor) -> WorkdayOverride:
    """Make `date` a working day (or a day off) in `country`, whatever the holiday data says."""
    _check_calendar_admin(actor)
    override = WorkdayOverride.objects.filter(country=country, date=date).first() or WorkdayOverride(
        country=country, date=date)
    before = {"is_working_day": override.is_working_day, "note": override.note} if override.pk else {}
    override.is_working_day, override.note = is_working_day, note
    _validate(override)
    override.save()
    audit.record(actor=actor, action="workday_override.set", obj=override, summary=f"{country} {date.isoformat()}",
                 changes={f: (before.get(f), getattr(override, f)) for f in ("is_working_day", "note")})
    return override


@transaction.atomic
def workday_override_delete(*, override: WorkdayOverride, actor) -> None:
    _check_calendar_admin(actor)
    audit.record(actor=actor, action="workday_override.delete", obj=override,
                 summary=f"{override.country} {override.date.isoformat()}")
    override.delete()
