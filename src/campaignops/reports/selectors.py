"""Reads of the reports app: a campaign's reports with their published versions, a version's
stored documents, and whether the campaign pages should nag about the retrospective."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet

from campaignops.campaigns.models import Campaign, CampaignStatus

from .facts import today_of
from .models import Report, ReportKind, ReportStatus, ReportVersion

NAG_DAYS = 3


def report_qs() -> QuerySet[Report]:
    return Report.objects.select_related("campaign", "generated_by__profile").prefetch_related(
        Prefetch("versions", queryset=ReportVersion.objects.select_related("published_by__profile")
                 .defer("snapshot").order_by("-number")))


def reports_of(campaign: Campaign) -> dict[str, Report]:
    return {r.kind: r for r in report_qs().filter(campaign=campaign)}


def report_of(campaign: Campaign, kind: str) -> Report | None:
    return report_qs().filter(campaign=campaign, kind=kind).first()


def version_qs() -> QuerySet[ReportVersion]:
    return ReportVersion.objects.select_related("report", "campaign", "published_by__profile")


def nag(campaign: Campaign, now: dt.datetime | None = None) -> dict | None:
    """From the campaign's end date until 3 days after, while the retrospective is not published:
    how many days are left. No query outside that window."""
    if campaign.status == CampaignStatus.CLOSED:
        return None
    today = today_of(campaign, now)
    due = campaign.end_date + dt.timedelta(days=NAG_DAYS)
    if not campaign.end_date <= today <= due:
        return None
    if ReportVersion.objects.filter(campaign=campaign, report__kind=ReportKind.RETROSPECTIVE).exists():
        return None
    return {"due": due, "days_left": (due - today).days}


def is_published(report: Report | None) -> bool:
    return report is not None and report.status == ReportStatus.PUBLISHED
