"""Writes of the reports app: generate (draft the narrative from the data), edit the narrative and
the review meeting (versioned: a stale version is a 409 and writes nothing), add action items (plan
tasks), make lessons, publish (a frozen, dated version with its snapshot and documents; publishing
the retrospective closes the campaign). Atomic and audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from campaignops.campaigns.models import Campaign, CampaignStatus, Membership
from campaignops.core import audit
from campaignops.core.errors import DomainError, StaleVersion
from campaignops.core.versioning import save_versioned
from campaignops.planning.models import Phase, Task

from . import facts, narrative
from .domain.draft import missing_departments
from .models import (
    NARRATIVE_KEYS,
    ActionItem,
    DocumentFormat,
    Report,
    ReportDocument,
    ReportKind,
    ReportStatus,
    ReportVersion,
)

MAX_TEXT = 20_000


def _stale(current: int) -> StaleVersion:
    return StaleVersion(_("Someone else changed this report in the meantime. Reload to see their changes, then "
                          "edit again."), current_version=current)


def _check_version(report: Report, version: int | None) -> None:
    if version is not None and version != report.version:
        raise _stale(report.version)


def draft_for(kind: str, snapshot: dict) -> dict[str, str]:
    return narrative.summary_draft(snapshot) if kind == ReportKind.SUMMARY else narrative.retrospective_draft(snapshot)


@transaction.atomic
def report_generate(*, campaign: Campaign, kind: str, actor, version: int | None = None,
                    now: dt.datetime | None = None) -> Report:
    """Create the report (or re-draft an existing one): the narrative parts are drafted from the data
    in the actor's language. Re-drafting replaces the narrative, so it needs the version read."""
    if kind not in ReportKind.values:
        raise DomainError(_("Unknown report kind."), field="kind")
    now = now or timezone.now()
    snapshot = facts.collect(campaign, now=now)
    text = draft_for(kind, snapshot)
    report = Report.objects.select_for_update().filter(campaign=campaign, kind=kind).first()
    if report is None:
        report = Report.objects.create(campaign=campaign, kind=kind, narrative=text, generated_at=now,
                                       generated_by=actor if getattr(actor, "is_authenticated", False) else None)
        audit.record(actor=actor, action="report.generate", obj=report, summary=report.get_kind_display())
        return report
    _check_version(report, version)
    report.narrative, report.generated_at, report.status = text, now, ReportStatus.DRAFT
    report.generated_by = actor if getattr(actor, "is_authenticated", False) else None
    save_versioned(report, expected_version=version,
                   fields=["narrative", "generated_at", "generated_by", "status"])
    audit.record(actor=actor, action="report.redraft", obj=report, summary=report.get_kind_display())
    return report


def _clean_narrative(kind: str, values: dict) -> dict[str, str]:
    allowed = NARRATIVE_KEYS[kind]
    unknown = set(values) - set(allowed)
    if unknown:
        raise DomainError(_("Unknown part: %(part)s") % {"part": ", ".join(sorted(unknown))}, field="narrative")
    out = {}
    for key, value in values.items():
        text = (value or "").replace("\r\n", "\n").strip()
        if len(text) > MAX_TEXT:
            raise DomainError(_("A part may have at most %(max)s characters.") % {"max": MAX_TEXT}, field=key)
        out[key] = text
    return out


def _team_attendees(campaign: Campaign, attendees) -> list:
    ids = [u.pk for u in attendees]
    members = set(Membership.objects.filter(campaign=campaign, user_id__in=ids).values_list("user_id", flat=True))
    strangers = [u for u in attendees if u.pk not in members]
    if strangers:
        raise DomainError(_("Attendees must be members of the campaign."), field="attendees")
    return list(attendees)


@transaction.atomic
def report_update(*, report: Report, actor, version: int | None, narrative: dict | None = None,
                  meeting_date: dt.date | None | str = "unset", attendees=None) -> Report:
    """Edit narrative parts (only those given), the meeting date and the attendees (retrospective).
    A published report becomes a draft again (its published versions stay as they were)."""
    fields, changes = ["status"], {}
    if narrative is not None:
        cleaned = _clean_narrative(report.kind, narrative)
        merged = {**report.narrative, **cleaned}
        changes["narrative"] = (report.narrative, merged)
        report.narrative = merged
        fields.append("narrative")
    if meeting_date != "unset":
        if report.kind != ReportKind.RETROSPECTIVE and meeting_date is not None:
            raise DomainError(_("Only the retrospective has a review meeting."), field="meeting_date")
        changes["meeting_date"] = (report.meeting_date, meeting_date)
        report.meeting_date = meeting_date
        fields.append("meeting_date")
    if attendees is not None and report.kind != ReportKind.RETROSPECTIVE:
        raise DomainError(_("Only the retrospective has a review meeting."), field="attendees")
    people = _team_attendees(report.campaign, attendees) if attendees is not None else None
    report.status = ReportStatus.DRAFT
    save_versioned(report, expected_version=version, fields=fields)
    if people is not None:
        report.attendees.set(people)
        changes["attendees"] = ("", ", ".join(str(u.pk) for u in people))
    audit.record(actor=actor, action="report.update", obj=report,
                 changes={k: (str(a)[:200], str(b)[:200]) for k, (a, b) in changes.items()})
    return report


def _review_phase(campaign: Campaign) -> Phase:
    phases = list(Phase.objects.filter(campaign=campaign).order_by("order", "start_date", "id"))
    if not phases:
        raise DomainError(_("The campaign has no phase to put the action item in."))
    review = [p for p in phases if p.kind == "review"]
    return review[-1] if review else phases[-1]


@transaction.atomic
def action_item_add(*, report: Report, actor, title: str, owner=None, due: dt.date | None = None) -> ActionItem:
    """An action item of the review meeting, as a task of the plan (in the review phase, else the last)."""
    from campaignops.planning.services import task_create

    if report.kind != ReportKind.RETROSPECTIVE:
        raise DomainError(_("Action items belong to the retrospective."))
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Write what is to be done."), field="title")
    phase = _review_phase(report.campaign)
    today = facts.today_of(report.campaign)
    start = min(today, due) if due else today
    task = task_create(campaign=report.campaign, actor=actor, phase=phase, title=title[:300], start_date=start,
                       end_date=due or start, owner=owner,
                       notes=_("Action item of the retrospective"))
    item = ActionItem.objects.create(report=report, campaign=report.campaign, task=task)
    audit.record(actor=actor, action="report.action_item", obj=item, campaign_id=report.campaign_id,
                 summary=title[:200])
    return item


def lessons_available() -> bool:
    try:
        from campaignops.lessons.services import lesson_create  # noqa: F401
    except ImportError:
        return False
    return True


@transaction.atomic
def lesson_from_report(*, report: Report, actor, kind: str, text: str):
    """A line of "what went well" (keep doing) or "what to improve" as a lesson of the library, once."""
    if not lessons_available():
        raise DomainError(_("The lessons library is not available in this installation yet."))
    from campaignops.lessons.services import lesson_create

    text = (text or "").strip()
    if not text:
        raise DomainError(_("The lesson has no text."), field="text")
    if kind not in ("keep", "improve"):
        raise DomainError(_("Unknown lesson kind."), field="kind")
    lesson = lesson_create(campaign=report.campaign, kind=kind, text=text, source_report=report, actor=actor)
    if text not in report.lessons_made:
        Report.objects.filter(pk=report.pk).update(lessons_made=[*report.lessons_made, text])
        report.lessons_made = [*report.lessons_made, text]
    return lesson


def meeting_of(report: Report) -> dict:
    """The retrospective's meeting as plain data (attendees with departments, action items)."""
    from campaignops.accounts.models import display_name

    if report.kind != ReportKind.RETROSPECTIVE:
        return {}
    departments = dict(Membership.objects.filter(campaign_id=report.campaign_id).values_list("user_id", "department"))
    people = list(report.attendees.select_related("profile").order_by("id"))
    tasks = (Task.objects.filter(report_action__report=report).select_related("owner__profile").order_by("id"))
    heads = list(Membership.objects.filter(campaign_id=report.campaign_id, is_department_head=True)
                 .exclude(department="").order_by("id").values_list("department", flat=True))
    attendee_depts = [departments.get(u.pk, "") for u in people]
    return {"date": report.meeting_date.isoformat() if report.meeting_date else None,
            "attendees": [(display_name(u), departments.get(u.pk, "")) for u in people],
            "actions": [(t.title, display_name(t.owner) or t.owner_name, t.end_date.isoformat(), t.status)
                        for t in tasks],
            "missing": missing_departments(heads, attendee_depts)}


@transaction.atomic
def report_publish(*, report: Report, actor, version: int | None, now: dt.datetime | None = None) -> ReportVersion:
    """Freeze the report as a dated version: the data and the text as they are now, with its PDF,
    Word and Excel documents in the actor's language. Publishing the retrospective closes the
    campaign. A retrospective needs someone from each department at the review meeting."""
    locked = Report.objects.select_for_update().get(pk=report.pk)
    _check_version(locked, version)
    now = now or timezone.now()
    meeting = meeting_of(locked)
    if locked.kind == ReportKind.RETROSPECTIVE and meeting["missing"]:
        from .presenters import department_name

        raise DomainError(_("Add an attendee from each department before publishing: %(departments)s is missing.")
                          % {"departments": ", ".join(department_name(d) for d in meeting["missing"])},
                          field="attendees")
    snapshot = {**facts.collect(locked.campaign, now=now), "narrative": dict(locked.narrative), "meeting": meeting}
    number = (locked.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    published = ReportVersion.objects.create(report=locked, campaign=locked.campaign, number=number,
                                             published_at=now, snapshot=snapshot,
                                             published_by=actor if getattr(actor, "is_authenticated", False) else None)
    language = translation.get_language() or "en"
    for fmt in DocumentFormat.values:
        ReportDocument.objects.create(version=published, campaign=locked.campaign, format=fmt, language=language,
                                      content=render(published, fmt))
    locked.status = ReportStatus.PUBLISHED
    save_versioned(locked, expected_version=locked.version, fields=["status"])
    report.version, report.status = locked.version, locked.status
    audit.record(actor=actor, action="report.publish", obj=published, campaign_id=locked.campaign_id,
                 summary=f"{locked.get_kind_display()} v{number}")
    if locked.kind == ReportKind.RETROSPECTIVE and locked.campaign.status != CampaignStatus.CLOSED:
        from campaignops.campaigns.services import campaign_update

        campaign_update(campaign=locked.campaign, actor=actor, version=None, status=CampaignStatus.CLOSED)
    return published


def render(version: ReportVersion, fmt: str) -> bytes:
    """A published version's document in the active language, from its frozen snapshot."""
    from .presenters import document_of
    from .renderers import documents

    doc = document_of(version.report.kind, version.snapshot, version.snapshot.get("narrative", {}),
                      meeting=version.snapshot.get("meeting") or {}, version=version)
    return {"pdf": documents.pdf, "docx": documents.docx, "xlsx": documents.xlsx}[fmt](doc)


@transaction.atomic
def document_get(*, version: ReportVersion, fmt: str) -> bytes:
    """The stored document in the active language, rendered from the snapshot the first time."""
    language = translation.get_language() or "en"
    stored = ReportDocument.objects.filter(version=version, format=fmt, language=language).values_list(
        "content", flat=True).first()
    if stored is not None:
        return bytes(stored)
    content = render(version, fmt)
    ReportDocument.objects.get_or_create(version=version, format=fmt, language=language,
                                         defaults={"campaign_id": version.campaign_id, "content": content})
    return content
