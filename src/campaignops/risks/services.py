"""Writes for risks, contingencies, issues and strategy adjustments. Atomic, audited, versioned."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaignops.campaigns.models import Campaign, Membership
from campaignops.campaigns.services import _validate
from campaignops.core import audit
from campaignops.core.errors import DomainError, StaleVersion
from campaignops.core.versioning import save_versioned
from campaignops.planning.models import Phase, Task
from campaignops.planning.services import calendar_for, task_create

from .domain.parse import parse_risk_plan
from .domain.rules import response_deadline
from .models import (
    AdjustmentTrigger,
    ContingencyTask,
    Issue,
    IssueStatus,
    Risk,
    RiskStatus,
    StrategyAdjustment,
)

RISK_FIELDS = ["description", "category", "probability", "impact", "trigger", "contingency_plan", "owner",
               "status", "phase"]
ISSUE_FIELDS = ["problem", "owner", "severity", "response_deadline", "status", "solution", "task", "risk"]
MAX_RESPONSE_HOURS = 720
ADJUSTMENT_FIELDS = ["date", "trigger", "what_changed", "expected_effect", "kpi_target", "channel",
                     "measured_effect", "effect_days"]


def campaign_today(campaign: Campaign) -> dt.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(campaign.time_zone)).date()


def _same_campaign(campaign_id: int, **refs) -> None:
    for name, obj in refs.items():
        if obj is not None and getattr(obj, "campaign_id", campaign_id) != campaign_id:
            raise DomainError(_("The %(item)s belongs to another campaign.") % {"item": obj._meta.verbose_name},
                              field=name)


def _check_owner(campaign_id: int, owner, field: str = "owner") -> None:
    """Owners are people of the team (a site administrator may be named too)."""
    if owner is not None and not owner.is_superuser and not Membership.objects.filter(
            campaign_id=campaign_id, user=owner).exists():
        raise DomainError(_("The owner must be a member of the campaign."), field=field)


def _update(obj, *, actor, version, allowed, action, **changes):
    unknown = set(changes) - set(allowed)
    if unknown:
        raise DomainError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    diff = {f: (getattr(obj, f), v) for f, v in changes.items() if getattr(obj, f) != v}
    for field, value in changes.items():
        setattr(obj, field, value)
    _validate(obj)
    save_versioned(obj, expected_version=version, fields=list(changes) or [allowed[0]])
    audit.record(actor=actor, action=action, obj=obj, changes=diff)
    return obj


# ---- risks --------------------------------------------------------------------------------------

@transaction.atomic
def risk_create(*, campaign: Campaign, actor, description: str, **fields) -> Risk:
    _same_campaign(campaign.pk, phase=fields.get("phase"), source_task=fields.get("source_task"))
    if not fields.get("source_task"):
        _check_owner(campaign.pk, fields.get("owner"))
    risk = Risk(campaign=campaign, description=description, **fields)
    _validate(risk)
    risk.save()
    audit.record(actor=actor, action="risk.create", obj=risk, summary=description[:200])
    return risk


@transaction.atomic
def risk_update(*, risk: Risk, actor, version: int | None, **changes) -> Risk:
    _same_campaign(risk.campaign_id, phase=changes.get("phase"))
    if "owner" in changes:
        _check_owner(risk.campaign_id, changes["owner"])
    return _update(risk, actor=actor, version=version, allowed=RISK_FIELDS, action="risk.update", **changes)


@transaction.atomic
def risk_delete(*, risk: Risk, actor) -> None:
    audit.record(actor=actor, action="risk.delete", obj=risk, summary=risk.description[:200])
    risk.delete()


@transaction.atomic
def contingency_task_add(*, risk: Risk, actor, title: str, **fields) -> ContingencyTask:
    _same_campaign(risk.campaign_id, phase=fields.get("phase"))
    _check_owner(risk.campaign_id, fields.get("owner"))
    if "order" not in fields:
        fields["order"] = (risk.contingency_tasks.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    item = ContingencyTask(risk=risk, title=title, **fields)
    _validate(item)
    item.save()
    audit.record(actor=actor, action="contingency_task.add", obj=item, campaign_id=risk.campaign_id,
                 summary=title[:200])
    return item


@transaction.atomic
def contingency_task_delete(*, item: ContingencyTask, actor) -> None:
    audit.record(actor=actor, action="contingency_task.delete", obj=item, campaign_id=item.risk.campaign_id,
                 summary=item.title[:200])
    item.delete()


@transaction.atomic
def risks_from_plan(*, campaign: Campaign, actor, tasks: list[Task] | None = None) -> list[Risk]:
    """The plan's free-text risk plans become risks (once per row; '无'/'None' is skipped)."""
    rows = tasks if tasks is not None else list(campaign.tasks.select_related("phase"))
    done = set(Risk.objects.filter(campaign=campaign, source_task__in=[t.pk for t in rows])
               .values_list("source_task_id", flat=True))
    made = []
    for task in rows:
        parsed = parse_risk_plan(task.risk_plan)
        if parsed is None or task.pk in done:
            continue
        made.append(risk_create(campaign=campaign, actor=actor, description=parsed.description,
                                contingency_plan=parsed.contingency_plan, category=parsed.category,
                                phase=task.phase, source_task=task, owner=task.owner))
    return made


def _phase_for(risk: Risk, item: ContingencyTask, today: dt.date) -> Phase:
    if item.phase_id:
        return item.phase
    if risk.phase_id:
        return risk.phase
    phases = list(risk.campaign.phases.order_by("order", "start_date"))
    if not phases:
        raise DomainError(_("The campaign has no phase to put the contingency tasks in."))
    current = [p for p in phases if p.start_date <= today <= p.end_date]
    return current[0] if current else phases[-1]


@dataclass(frozen=True)
class PlannedTask:
    """A contingency task as it will be created: its phase and working-day window."""

    item: ContingencyTask
    phase: Phase
    start: dt.date
    end: dt.date
    owner: object | None


def contingency_plan_tasks(*, risk: Risk, now: dt.datetime | None = None) -> list[PlannedTask]:
    """Where and when each contingency task of `risk` would land if switched on at `now`: in its own
    phase, else the risk's, else the phase running today (else the last); from the first working
    day on or after today (or the phase start), for its duration in working days. Writes nothing."""
    now = now or timezone.now()
    today = now.astimezone(zoneinfo.ZoneInfo(risk.campaign.time_zone)).date()
    cal = calendar_for(risk.campaign.country)
    out = []
    for item in risk.contingency_tasks.select_related("phase", "owner__profile").order_by("order", "id"):
        phase = _phase_for(risk, item, today)
        start = cal.next_working_day(max(today, phase.start_date))
        end = cal.add_working_days(start, max(item.duration, 1) - 1)
        out.append(PlannedTask(item, phase, start, end, item.owner or risk.owner))
    return out


@transaction.atomic
def contingency_activate(*, risk: Risk, actor, version: int | None, note: str = "",
                         now: dt.datetime | None = None) -> tuple[list[Task], Issue, StrategyAdjustment]:
    """Switch plan B on: create its tasks, open an issue with a response clock, log the adjustment,
    mark the risk triggered — all in one transaction, or nothing at all."""
    stored = Risk.objects.select_for_update().filter(pk=risk.pk).values_list("version", "status").first()
    if stored is None:
        raise DomainError(_("This risk no longer exists."))
    if version is not None and stored[0] != version:
        raise StaleVersion(_("Someone else changed this item in the meantime. Reload to see their changes, "
                             "then edit again."), current_version=stored[0])
    risk.status = stored[1]
    if risk.status == RiskStatus.TRIGGERED:
        raise DomainError(_("This contingency is already switched on."))
    if risk.status == RiskStatus.CLOSED:
        raise DomainError(_("This risk is closed; reopen it before switching its contingency on."))
    now = now or timezone.now()
    campaign = risk.campaign
    today = now.astimezone(zoneinfo.ZoneInfo(campaign.time_zone)).date()
    created = []
    for plan in contingency_plan_tasks(risk=risk, now=now):
        created.append(task_create(
            campaign=campaign, actor=actor, phase=plan.phase, title=plan.item.title, start_date=plan.start,
            end_date=plan.end, owner=plan.owner, completion_standard=plan.item.completion_standard,
            notes=_("Contingency for: %(risk)s") % {"risk": risk.description[:200]}, status="in_progress",
        ))
    issue = issue_create(campaign=campaign, actor=actor, problem=risk.description, severity="high",
                         owner=risk.owner, risk=risk, reported_at=now)
    adjustment = adjustment_create(
        campaign=campaign, actor=actor, date=today, trigger=AdjustmentTrigger.RISK, risk=risk, issue=issue,
        what_changed=(_("Contingency switched on: %(plan)s") % {"plan": risk.contingency_plan or risk.description})
        + (f"\n{note}" if note else ""),
        expected_effect=risk.contingency_plan,
    )
    risk.triggered_at = now
    _update(risk, actor=actor, version=version, allowed=RISK_FIELDS + ["triggered_at"], action="risk.activate",
            status=RiskStatus.TRIGGERED, triggered_at=now)
    return created, issue, adjustment


# ---- issues -------------------------------------------------------------------------------------

@transaction.atomic
def issue_create(*, campaign: Campaign, actor, problem: str, severity: str = "medium",
                 reported_at: dt.datetime | None = None, response_hours: int | None = None, **fields) -> Issue:
    _same_campaign(campaign.pk, task=fields.get("task"), risk=fields.get("risk"))
    _check_owner(campaign.pk, fields.get("owner"))
    if response_hours is not None and not 1 <= response_hours <= MAX_RESPONSE_HOURS:
        raise DomainError(_("The response time must be between 1 and %(max)s hours.") % {"max": MAX_RESPONSE_HOURS},
                          field="response_hours")
    reported_at = reported_at or timezone.now()
    issue = Issue(campaign=campaign, problem=problem, severity=severity, reported_at=reported_at,
                  reported_by=actor if getattr(actor, "is_authenticated", False) else None,
                  response_deadline=fields.pop("response_deadline", None)
                  or response_deadline(reported_at, severity, response_hours), **fields)
    _validate(issue)
    issue.save()
    audit.record(actor=actor, action="issue.create", obj=issue, summary=problem[:200])
    return issue


@transaction.atomic
def issue_update(*, issue: Issue, actor, version: int | None, **changes) -> Issue:
    _same_campaign(issue.campaign_id, task=changes.get("task"), risk=changes.get("risk"))
    if "owner" in changes:
        _check_owner(issue.campaign_id, changes["owner"])
    status = changes.get("status")
    if status in (IssueStatus.RESOLVED, IssueStatus.CLOSED) and issue.resolved_at is None:
        if not (changes.get("solution") or issue.solution):
            raise DomainError(_("Write down the solution before resolving the issue."), field="solution")
        changes["resolved_at"] = timezone.now()
    elif status in (IssueStatus.OPEN, IssueStatus.IN_PROGRESS):
        changes["resolved_at"] = None
    return _update(issue, actor=actor, version=version, allowed=ISSUE_FIELDS + ["resolved_at"],
                   action="issue.update", **changes)


@transaction.atomic
def issue_resolve(*, issue: Issue, actor, version: int | None, solution: str) -> Issue:
    """Record the solution and mark the issue resolved (its resolution time is stamped)."""
    if version is not None and version != issue.version:
        raise StaleVersion(_("Someone else changed this item in the meantime. Reload to see their changes, "
                             "then edit again."), current_version=issue.version)
    if issue.status in (IssueStatus.RESOLVED, IssueStatus.CLOSED):
        raise DomainError(_("This issue is already resolved."), field="status")
    if not (solution or "").strip():
        raise DomainError(_("Write down the solution before resolving the issue."), field="solution")
    return issue_update(issue=issue, actor=actor, version=version, status=IssueStatus.RESOLVED,
                        solution=solution.strip())


@transaction.atomic
def issue_delete(*, issue: Issue, actor) -> None:
    audit.record(actor=actor, action="issue.delete", obj=issue, summary=issue.problem[:200])
    issue.delete()


# ---- strategy adjustments -----------------------------------------------------------------------

@transaction.atomic
def adjustment_create(*, campaign: Campaign, actor, what_changed: str, date: dt.date | None = None,
                      **fields) -> StrategyAdjustment:
    _same_campaign(campaign.pk, kpi_target=fields.get("kpi_target"), risk=fields.get("risk"),
                   issue=fields.get("issue"))
    adj = StrategyAdjustment(campaign=campaign, what_changed=what_changed, date=date or campaign_today(campaign),
                             created_by=actor if getattr(actor, "is_authenticated", False) else None, **fields)
    _validate(adj)
    adj.save()
    audit.record(actor=actor, action="adjustment.create", obj=adj, summary=what_changed[:200])
    return adj


@transaction.atomic
def adjustment_update(*, adjustment: StrategyAdjustment, actor, version: int | None, **changes):
    _same_campaign(adjustment.campaign_id, kpi_target=changes.get("kpi_target"))
    return _update(adjustment, actor=actor, version=version, allowed=ADJUSTMENT_FIELDS,
                   action="adjustment.update", **changes)


@transaction.atomic
def adjustment_measure(*, adjustment: StrategyAdjustment, actor, today: dt.date | None = None) -> StrategyAdjustment:
    """Fill in the measured effect from the data: the linked KPI's metric over `effect_days` days before
    the adjustment's date against as many days from that date on (up to today); the measured-effect text
    is written too when it is empty. Read through metrics.selectors."""
    from campaignops.metrics import selectors as metrics

    target = adjustment.kpi_target
    if target is None:
        raise DomainError(_("Link the adjustment to a KPI first: its effect is measured on that KPI's metric."),
                          field="kpi_target")
    campaign = adjustment.campaign
    today = today or campaign_today(campaign)
    if adjustment.date > today:
        raise DomainError(_("The adjustment's date has not come yet: there is nothing to measure."), field="date")
    e = metrics.effect(metrics.campaign_cells(campaign), metric=target.metric,
                       channel_id=adjustment.channel_id or target.channel_id, date=adjustment.date,
                       days=adjustment.effect_days, today=today)
    q = Decimal("0.0001")
    adjustment.effect_before = None if e.before is None else e.before.quantize(q)
    adjustment.effect_after = None if e.after is None else e.after.quantize(q)
    adjustment.effect_measured_at = timezone.now()
    fields = ["effect_before", "effect_after", "effect_measured_at"]
    if not adjustment.measured_effect.strip():
        adjustment.measured_effect = effect_sentence(e, target)
        fields.append("measured_effect")
    save_versioned(adjustment, expected_version=None, fields=fields)
    audit.record(actor=actor, action="adjustment.measure", obj=adjustment,
                 changes={"effect_before": (None, adjustment.effect_before),
                          "effect_after": (None, adjustment.effect_after)})
    return adjustment


def effect_sentence(e, target) -> str:
    """The measured effect in words, e.g. "Impressions: 20000 a day in the 3 days before, 55000 a day in
    the 2 days from the change (+175.0 %)"."""
    from campaignops.metrics.catalogue import BUILTIN

    info = BUILTIN.get(e.metric)
    unit = " %" if info is not None and info.unit == "percent" else ""
    values = {"metric": info.name if info else e.metric, "before": _fmt(e.before) + unit,
              "after": _fmt(e.after) + unit,
              "n": e.before_days, "m": e.after_days,
              "change": "—" if e.change_percent is None else f"{e.change_percent:+.1f} %"}
    if e.before is None or e.after is None:
        return _("%(metric)s: not enough data yet (%(n)s days before, %(m)s days after).") % values
    if info is not None and info.kind == "derived" or e.metric in ("roi", "nps"):
        return _("%(metric)s: %(before)s in the %(n)s days before, %(after)s in the %(m)s days from the change "
                 "(%(change)s).") % values
    return _("%(metric)s: %(before)s a day in the %(n)s days before, %(after)s a day in the %(m)s days from "
             "the change (%(change)s).") % values


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value.quantize(Decimal('0.01')):,.2f}".rstrip("0").rstrip(".")


@transaction.atomic
def adjustment_delete(*, adjustment: StrategyAdjustment, actor) -> None:
    audit.record(actor=actor, action="adjustment.delete", obj=adjustment, summary=adjustment.what_changed[:200])
    adjustment.delete()
