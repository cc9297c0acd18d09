"""What the progress pages are made of: their forms, the context of each page (filters, the month
grid, the daily window) and the .xlsx of the daily table. Reads go through `planning.progress`."""

from __future__ import annotations

import calendar as pycal
import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from campaignops.access.policy import Action, can
from campaignops.accounts.models import display_name
from campaignops.campaigns.models import Campaign
from campaignops.core.spreadsheets import Column, SheetSpec, write_xlsx

from .. import progress, selectors, services
from ..domain.progress import Segment, default_window, week_segments
from ..models import Task, TaskStatus
from .calendar import WEEKDAYS, _classify, _holiday_names
from .common import Lookups
from .plan import _filter_options

SHORT_STATUS = {
    TaskStatus.NOT_STARTED: pgettext_lazy("status, short", "To do"),
    TaskStatus.IN_PROGRESS: pgettext_lazy("status, short", "Doing"),
    TaskStatus.DONE: pgettext_lazy("status, short", "Done"),
    TaskStatus.DELAYED: pgettext_lazy("status, short", "Late"),
    TaskStatus.BLOCKED: pgettext_lazy("status, short", "Blocked"),
    TaskStatus.CANCELLED: pgettext_lazy("status, short", "Cancelled"),
}
STATUS_ICONS = {"not_started": "bi-circle", "in_progress": "bi-play-circle-fill", "done": "bi-check-circle-fill",
                "delayed": "bi-clock-history", "blocked": "bi-slash-circle-fill", "cancelled": "bi-x-circle"}
MAX_LANES = 10


# ---- forms --------------------------------------------------------------------------------------

class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=TaskStatus.choices)
    percent_complete = forms.IntegerField(label=gettext_lazy("Complete (%)"), min_value=0, max_value=100,
                                          widget=forms.NumberInput(attrs={"step": 5}))
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=progress.NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @classmethod
    def for_task(cls, task: Task, data=None) -> ProgressForm:
        """The form opened on a task; with `data` (after a conflict): the user's input on the
        version now stored."""
        if data is None:
            return cls(initial={"status": task.status, "percent_complete": task.percent_complete,
                                "version": task.version})
        data = data.copy()
        data["version"] = str(task.version)
        form = cls(data)
        form.is_valid()
        return form


class BoardMoveForm(forms.Form):
    status = forms.ChoiceField(choices=TaskStatus.choices)
    version = forms.IntegerField(min_value=1)


# ---- shared -------------------------------------------------------------------------------------

def _base(request, campaign: Campaign, filters: selectors.PlanFilters) -> dict:
    """Header, role and filter bar (owner, phase, channel: the plan table's filters)."""
    lookups = Lookups.load(campaign)
    facets = selectors.plan_facets(campaign=campaign)
    options = _filter_options(campaign, list(selectors.phase_list(campaign=campaign)), facets, lookups)
    return {"campaign": campaign, "can_manage": can(request.user, Action.MANAGE, campaign),
            "editable": can(request.user, Action.EDIT, campaign), "filters": filters, "options": options,
            "facets": facets, "short_status": SHORT_STATUS, "icons": STATUS_ICONS,
            "statuses": TaskStatus.choices}


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


def board_context(request, campaign: Campaign, filters: selectors.PlanFilters) -> dict:
    ctx = _base(request, campaign, filters)
    ctx["page_url"] = reverse("planning_progress:board", args=[campaign.pk])
    return {**ctx, "board": progress.board(campaign=campaign, filters=filters), "filter_q": _filter_q(filters)}


# ---- the month calendar -------------------------------------------------------------------------

@dataclass
class CalDay:
    date: dt.date
    in_month: bool
    kind: str
    label: str
    today: bool
    in_campaign: bool


@dataclass
class CalWeek:
    days: list[CalDay]
    phases: list[tuple[Segment, object]] = field(default_factory=list)
    bars: list[tuple[Segment, Task]] = field(default_factory=list)
    hidden: int = 0


def _month(value: str | None, campaign: Campaign, today: dt.date) -> dt.date:
    """The first day of the month asked for (YYYY-MM), else of today's month within the
    campaign, else of the campaign's first month."""
    asked = _parse_date(f"{value}-01") if value else None
    if asked and 1900 < asked.year < 2200:
        return asked
    anchor = today if campaign.start_date <= today <= campaign.end_date else campaign.start_date
    return anchor.replace(day=1)


def _weeks(campaign: Campaign, first: dt.date, phases, tasks, today: dt.date) -> list[CalWeek]:
    cal = services.calendar_for(campaign.country)
    names, makeup = _holiday_names(campaign.country, first.year)
    weeks = []
    for dates in pycal.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        days = []
        for d in dates:
            kind, label = _classify(d, cal, names, makeup) if d.year == first.year else ("", "")
            days.append(CalDay(d, d.month == first.month, kind, label, d == today,
                               campaign.start_date <= d <= campaign.end_date))
        week = CalWeek(days)
        phase_of, task_of = {p.pk: p for p in phases}, {t.pk: t for t in tasks}
        week.phases = [(s, phase_of[s.key]) for s in week_segments(
            [(p.pk, p.start_date, p.end_date) for p in phases], dates[0]) if s.lane == 0]
        segments = week_segments([(t.pk, t.start_date, t.end_date) for t in tasks], dates[0])
        week.bars = [(s, task_of[s.key]) for s in segments if s.lane < MAX_LANES]
        week.hidden = len(segments) - len(week.bars)
        weeks.append(week)
    return weeks


def calendar_context(request, campaign: Campaign, filters: selectors.PlanFilters) -> dict:
    ctx = _base(request, campaign, filters)
    ctx["page_url"] = reverse("planning_progress:calendar", args=[campaign.pk])
    today = progress.local_today(campaign)
    first = _month(request.GET.get("month"), campaign, today)
    last = first.replace(day=pycal.monthrange(first.year, first.month)[1])
    phases, tasks = progress.month_items(campaign=campaign, first=first, last=last, filters=filters)
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    return {**ctx, "first": first,
            "weeks": _weeks(campaign, first, phases, tasks, today), "weekdays": WEEKDAYS, "shown": len(tasks),
            "prev_month": f"{prev_month:%Y-%m}", "next_month": f"{last + dt.timedelta(days=1):%Y-%m}",
            "today_month": f"{today:%Y-%m}", "campaign_month": f"{campaign.start_date:%Y-%m}",
            "keep": [("month", f"{first:%Y-%m}")], "filter_q": _filter_q(filters)}


# ---- the daily table ----------------------------------------------------------------------------

def daily_window(params, campaign: Campaign, today: dt.date) -> tuple[dt.date, dt.date, str]:
    """The days asked for (start, end), else the default window; at most MAX_WINDOW_DAYS. The
    third value is a message when the request was corrected."""
    start, end = _parse_date(params.get("start")), _parse_date(params.get("end"))
    if start is None and end is None:
        return (*default_window(campaign.start_date, campaign.end_date, today), "")
    if start is None or end is None:
        return (*default_window(campaign.start_date, campaign.end_date, today),
                _("Choose both a first and a last day; showing the default days instead."))
    if end < start:
        start, end = end, start
    if (end - start).days + 1 > progress.MAX_WINDOW_DAYS:
        end = start + dt.timedelta(days=progress.MAX_WINDOW_DAYS - 1)
        return start, end, _("At most %(n)s days fit in the table; showing the first %(n)s.") % {
            "n": progress.MAX_WINDOW_DAYS}
    return start, end, ""


def _shift(start: dt.date, end: dt.date, days: int) -> str:
    delta = dt.timedelta(days=days)
    return f"start={start + delta:%Y-%m-%d}&end={end + delta:%Y-%m-%d}"


@dataclass
class DayHead:
    date: dt.date
    off: bool
    today: bool
    in_campaign: bool


@dataclass
class CellView:
    """One cell of the daily table as drawn: colour (status), short label, and the tooltip with
    the full status, the % complete and the day's notes."""

    date: dt.date
    status: str
    short: str
    title: str
    fresh: bool
    planned: bool
    has_note: bool


def _cell_view(cell, task: Task) -> CellView:
    planned = task.start_date <= cell.date <= task.end_date
    if cell.mark is None:
        return CellView(cell.date, "", "", f"{cell.date:%Y-%m-%d}", False, planned, False)
    m = cell.mark
    parts = [f"{cell.date:%Y-%m-%d}", str(TaskStatus(m.status).label), f"{m.percent}%"]
    if not cell.fresh:
        parts.append(_("no update this day: as on %(date)s") % {"date": f"{m.date:%Y-%m-%d}"})
    for n in cell.notes:
        who = _("automatic") if n.automatic else n.author
        if n.note or n.automatic:
            parts.append(f"{who}: {n.note or _('past its end date and not done')}")
    return CellView(cell.date, m.status, str(SHORT_STATUS[m.status]), " · ".join(parts), cell.fresh, planned,
                    any(n.note for n in cell.notes))


def _filter_q(filters: selectors.PlanFilters) -> str:
    return urlencode({k: v for k, v in (("owner", filters.owner), ("phase", filters.phase),
                                        ("channel", filters.channel)) if v})


def daily_context(request, campaign: Campaign, filters: selectors.PlanFilters) -> dict:
    ctx = _base(request, campaign, filters)
    ctx["page_url"] = reverse("planning_progress:daily", args=[campaign.pk])
    today = progress.local_today(campaign)
    start, end, notice = daily_window(request.GET, campaign, today)
    table = progress.daily_table(campaign=campaign, start=start, end=end, filters=filters, today=today)
    cal = services.calendar_for(campaign.country)
    heads = [DayHead(d, not cal.is_working_day(d), d == today, campaign.start_date <= d <= campaign.end_date)
             for d in table.days]
    rows = [(r.task, [_cell_view(c, r.task) for c in r.cells]) for r in table.rows]
    length = (end - start).days + 1
    week = default_window(campaign.start_date, campaign.end_date, today)
    whole = (campaign.end_date - campaign.start_date).days + 1 <= progress.MAX_WINDOW_DAYS
    return {**ctx, "table": table, "heads": heads, "rows": rows, "notice": notice, "length": length,
            "prev_q": _shift(start, end, -length), "next_q": _shift(start, end, length),
            "week_q": f"start={week[0]:%Y-%m-%d}&end={week[1]:%Y-%m-%d}",
            "whole_q": f"start={campaign.start_date:%Y-%m-%d}&end={campaign.end_date:%Y-%m-%d}" if whole else "",
            "keep": [("start", f"{start:%Y-%m-%d}"), ("end", f"{end:%Y-%m-%d}")], "filter_q": _filter_q(filters)}


def _cell_text(cell) -> str:
    if cell.mark is None:
        return ""
    text = f"{SHORT_STATUS[cell.mark.status]} {cell.mark.percent}%"
    return text if cell.fresh else f"({text})"


def daily_workbook(campaign: Campaign, table: progress.DailyTable) -> bytes:
    """The tasks × days table as .xlsx: a sheet of statuses (carried-forward days in brackets)
    and a sheet of the window's updates with their notes."""
    head = [Column(_("Phase"), 14), Column(_("Core task"), 36, "wrap"), Column(_("Owner"), 14),
            Column(_("Start"), 11, "date"), Column(_("End"), 11, "date")]
    days = [Column(f"{d:%m-%d}", 11) for d in table.days]
    tail = [Column(_("Status now"), 12), Column(_("Complete (%)"), 10, "number")]
    rows = ([r.task.phase.name, r.task.title, _owner(r.task), r.task.start_date, r.task.end_date,
             *[_cell_text(c) for c in r.cells], str(r.task.get_status_display()), r.task.percent_complete]
            for r in table.rows)
    updates = SheetSpec(_("Updates"), [
        Column(_("Date"), 11, "date"), Column(_("Core task"), 36, "wrap"), Column(_("Status"), 12),
        Column(_("Complete (%)"), 10, "number"), Column(_("Note"), 50, "wrap"), Column(_("By"), 16)],
        ([u.date, u.task_title, str(u.get_status_display()), u.percent_complete, u.note,
          _("automatic") if u.automatic else _author(u)] for u in table.updates))
    return write_xlsx([SheetSpec(_("Daily progress"), [*head, *days, *tail], rows), updates])


def _owner(task: Task) -> str:
    return display_name(task.owner) if task.owner_id else task.owner_name


def _author(update) -> str:
    return display_name(update.author) if update.author_id else ""


# ---- the update form ----------------------------------------------------------------------------

def update_context(request, campaign: Campaign, task: Task, form: ProgressForm, *, conflict: bool) -> dict:
    back = request.GET.get("next") or request.POST.get("next") or reverse("planning_progress:daily",
                                                                          args=[campaign.pk])
    return {"campaign": campaign, "t": task, "form": form, "conflict": conflict, "next": back,
            "action": reverse("planning_progress:task_progress", args=[campaign.pk, task.pk]),
            "today": progress.local_today(campaign), "can_manage": can(request.user, Action.MANAGE, campaign)}
