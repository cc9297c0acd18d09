"""The Issue and Solution Log (问题与解决方案记录) as .xlsx, through the safe writer of
`core.spreadsheets` (text that starts with = + - @ is never taken for a formula). Headers in the
user's language; times in the campaign's time zone."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from campaignops.accounts.models import display_name
from campaignops.core.spreadsheets import Cell, Column, SheetSpec, write_xlsx


def _local(moment: dt.datetime | None, tz: dt.tzinfo) -> dt.datetime | None:
    """A naive local date-time (spreadsheets have no time zones)."""
    return moment.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0) if moment else None


def issue_columns() -> list[Column]:
    return [
        Column(_("No."), 6, "number"), Column(_("Problem"), 40, "wrap"), Column(_("Severity"), 10),
        Column(_("Status"), 12), Column(_("Owner"), 14), Column(_("Reported by"), 14),
        Column(_("Reported at"), 17, "date"), Column(_("Response deadline"), 17, "date"),
        Column(_("Response clock"), 18), Column(_("Solution"), 40, "wrap"), Column(_("Resolved at"), 17, "date"),
        Column(_("Plan row"), 28, "wrap"), Column(_("Risk"), 28, "wrap"),
    ]


def issue_rows(issues: Iterable, tz: dt.tzinfo) -> Iterator[list[Cell]]:
    """One row per issue (labelled by `presenters.label_issues`: `.clock`)."""
    for i in issues:
        yield [i.pk, i.problem, i.get_severity_display(), i.get_status_display(), display_name(i.owner),
               display_name(i.reported_by), _local(i.reported_at, tz), _local(i.response_deadline, tz),
               i.clock.text, i.solution, _local(i.resolved_at, tz), i.task.title if i.task_id else "",
               i.risk.description if i.risk_id else ""]


def issues_xlsx(issues: Iterable, *, tz: dt.tzinfo) -> bytes:
    return write_xlsx([SheetSpec(_("Issue log"), issue_columns(), issue_rows(issues, tz))])


def export_filename(campaign, what: str, now: dt.datetime, tz: dt.tzinfo) -> str:
    """"<campaign name> - <what> 2024-06-16.xlsx" (characters file systems refuse are dropped)."""
    name = re.sub(r'[\\/:*?"<>|\r\n\t]+', " ", campaign.name).strip()[:60].strip() or f"campaign-{campaign.pk}"
    return f"{name} - {what} {now.astimezone(tz).date().isoformat()}.xlsx"
