"""The demo's reports: the seed campaign's Effect Summary and Retrospective drafted from its data (plan,
budget, metrics, issues, risks, adjustments loaded by the earlier parts), unpublished, so the Reports
tab opens on a draft to edit and publish. Idempotent; seed data leaves no audit trail."""

from django.utils import timezone

from . import facts
from .models import Report, ReportKind
from .services import draft_for


def extend_demo(campaign, users) -> None:
    if Report.objects.filter(campaign=campaign).exists():
        return
    now = timezone.now()
    snapshot = facts.collect(campaign, now=now)
    Report.objects.bulk_create([
        Report(campaign=campaign, kind=kind, narrative=draft_for(kind, snapshot), generated_at=now,
               generated_by=users.get("lead"))
        for kind in (ReportKind.SUMMARY, ReportKind.RETROSPECTIVE)])
