"""The working-day calendar: a country's days off, make-up working days and overrides; site
admins edit the overrides here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import services
from ..domain.workdays import WorkCalendar
from ..forms import CalendarQuery, OverrideForm
from ..models import WorkdayOverride

COUNTRIES = [
    ("CN", pgettext_lazy("country", "China (mainland)")), ("HK", pgettext_lazy("country", "Hong Kong")),
    ("MO", pgettext_lazy("country", "Macao")), ("TW", pgettext_lazy("country", "Taiwan")),
    ("SG", pgettext_lazy("country", "Singapore")), ("JP", pgettext_lazy("country", "Japan")),
    ("KR", pgettext_lazy("country", "South Korea")), ("US", pgettext_lazy("country", "United States")),
    ("GB", pgettext_lazy("country", "United Kingdom")), ("DE", pgettext_lazy("country", "Germany")),
    ("FR", pgettext_lazy("country", "France")),
]
WEEKDAYS = [pgettext_lazy("weekday", "Mon"), pgettext_lazy("weekday", "Tue"), pgettext_lazy("weekday", "Wed"),
            pgettext_lazy("weekday", "Thu"), pgettext_lazy("weekday", "Fri"), pgettext_lazy("weekday", "Sat"),
            pgettext_lazy("weekday", "Sun")]


@dataclass
class Day:
    date: dt.date
    in_month: bool
    kind: str = "work"        # work | weekend | holiday | makeup | override-work | override-off
    label: str = ""


@dataclass
class Month:
    number: int
    name: str
    weeks: list[list[Day]]
    notes: list[Day]


def _holiday_names(country: str, year: int) -> tuple[dict[dt.date, str], set[dt.date]]:
    """Holiday names in the user's language where the package has it, and the make-up working days."""
    import holidays

    lang = "zh_CN" if (get_language() or "").startswith("zh") else "en_US"
    probe = holidays.country_holidays(country)
    supported = getattr(probe, "supported_languages", ()) or ()
    cal = holidays.country_holidays(country, years=[year], language=lang if lang in supported else None)
    makeup = {d for d in getattr(cal, "weekend_workdays", set()) if d.year == year}
    return {d: name for d, name in cal.items() if d.year == year}, makeup


def _classify(day: dt.date, cal, names: dict, makeup: set) -> tuple[str, str]:
    if day in cal.overrides:
        return ("override-work" if cal.overrides[day] else "override-off"), ""
    if cal.is_covered(day) and day in makeup:
        return "makeup", _("Make-up working day")
    if cal.is_covered(day) and day in names and not cal.is_working_day(day):
        return "holiday", names[day]
    return ("weekend" if day.weekday() >= 5 else "work"), ""


def year_grid(country: str, year: int) -> list[Month]:
    """Twelve month grids (Monday first) with every day classified and the named days listed."""
    import calendar as pycal

    from django.utils.dates import MONTHS

    cal = services.calendar_for(country)
    names, makeup = _holiday_names(country, year)
    months = []
    for number in range(1, 13):
        weeks, notes = [], []
        for week in pycal.Calendar(firstweekday=0).monthdatescalendar(year, number):
            row = []
            for day in week:
                kind, label = _classify(day, cal, names, makeup) if day.month == number else ("", "")
                row.append(Day(day, day.month == number, kind, label))
                if day.month == number and kind not in ("work", "weekend"):
                    notes.append(row[-1])
            weeks.append(row)
        months.append(Month(number, str(MONTHS[number]), weeks, notes))
    return months


@login_required
@require_http_methods(["GET", "POST"])
def calendar_page(request):
    """A country's working days for a year: days off, make-up working days and overrides; site
    admins add or change overrides here."""
    country, year = CalendarQuery(request.GET, countries=COUNTRIES).value()
    form = OverrideForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not request.user.is_staff:
            raise PermissionDenied
        if form.is_valid():
            services.workday_override_set(country=country, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The working-day calendar was updated."))
            return HttpResponseRedirect(_calendar_url(country, form.cleaned_data["date"].year))
    overrides = WorkdayOverride.objects.filter(country=country, date__year=year).order_by("date")
    ctx = {"country": country, "year": year, "countries": COUNTRIES, "months": year_grid(country, year),
           "weekdays": WEEKDAYS, "form": form, "overrides": list(overrides), "can_edit": request.user.is_staff,
           "missing": WorkCalendar(country=country).missing_years([dt.date(year, 1, 1)]),
           "prev_url": _calendar_url(country, year - 1), "next_url": _calendar_url(country, year + 1)}
    return TemplateResponse(request, "planning/calendar.html", ctx, status=422 if form.errors else 200)


def _calendar_url(country: str, year: int) -> str:
    return reverse("planning:calendar") + f"?country={country}&year={year}"


@login_required
@require_POST
def override_delete(request, override_pk: int):
    if not request.user.is_staff:
        raise PermissionDenied
    override = get_object_or_404(WorkdayOverride, pk=override_pk)
    services.workday_override_delete(override=override, actor=request.user)
    messages.success(request, _("The override was removed."))
    return HttpResponseRedirect(_calendar_url(override.country, override.date.year))
