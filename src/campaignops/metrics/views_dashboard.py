"""The dashboard page (实时数据监控看板): server-rendered cards and tables, a chart drawn by
static/js/dashboard.js, and a live refresh: the page polls the API's "changed since" probe and, when
the numbers change, reloads its board fragment (`?fragment=board`) in place — no page reload.
Exports (.xlsx, CSV) and the behind threshold form live here too."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaignops.access.policy import Action, can
from campaignops.campaigns.views import campaign_page
from campaignops.core.errors import DomainError, StaleVersion

from . import selectors
from .dashboard import RESULT_METRICS, compute_cached, fetch, metric_name
from .exports_dashboard import TABLES, dashboard_csv, dashboard_xlsx, export_filename
from .pace_settings import PaceSettings, pace_settings_save
from .presenters_dashboard import STATUS_CLASSES, chart_data, status_label

PAGE = "metrics/dashboard.html"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ThresholdForm(forms.Form):
    behind_threshold = forms.DecimalField(
        label=gettext_lazy("Behind when the forecast misses the target by more than (%)"), min_value=0,
        max_value=100, max_digits=5, decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "0.5"}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


def _as_of(request, campaign) -> dt.date | None:
    """`?as_of=YYYY-MM-DD` replays the board at the end of that day (ignored when malformed)."""
    try:
        day = dt.date.fromisoformat(request.GET.get("as_of", "")[:10])
    except ValueError:
        return None
    return min(max(day, campaign.start_date - dt.timedelta(days=60)), campaign.end_date + dt.timedelta(days=365))


def _result(request) -> str:
    value = request.GET.get("result", "")
    return value if value in RESULT_METRICS else ""


def _board(request, campaign, settings_row=None):
    token = selectors.change_token(campaign)
    inputs = fetch(campaign, today=_as_of(request, campaign), result=_result(request), token=token,
                   threshold=settings_row.behind_threshold if settings_row else None)
    return compute_cached(inputs), inputs, token


def _cards(board) -> list[tuple]:
    """(card, status label, Bootstrap colour) for the template."""
    return [(c, status_label(c.status), STATUS_CLASSES.get(c.status, "secondary")) for c in board.kpis]


@campaign_page(GET=Action.VIEW)
def dashboard_page(request, campaign):
    settings_row = PaceSettings.objects.filter(campaign=campaign).only("version", "behind_threshold").first()
    board, inputs, token = _board(request, campaign, settings_row or PaceSettings(campaign=campaign))
    as_of = _as_of(request, campaign)
    ctx = {
        "campaign": campaign, "active": "dashboard", "board": board, "inputs": inputs, "token": token,
        "chart": chart_data(board), "cards": _cards(board), "as_of": as_of,
        "result_choices": [(m, metric_name(m)) for m in RESULT_METRICS], "result_name": metric_name(board.result),
        "can_manage": can(request.user, Action.MANAGE, campaign), "editable": can(request.user, Action.EDIT, campaign),
        "threshold_form": ThresholdForm(initial={"behind_threshold": board.threshold,
                                                 "version": settings_row.version if settings_row else None}),
        "probe_url": reverse("api-1:dashboard_changes", args=[campaign.pk]),
        "query": request.GET.urlencode(),
    }
    if request.GET.get("fragment") == "board":
        return TemplateResponse(request, PAGE + "#board", ctx)
    return TemplateResponse(request, PAGE, ctx)


@campaign_page(POST=Action.EDIT)
def dashboard_threshold(request, campaign):
    form = ThresholdForm(request.POST)
    back = HttpResponseRedirect(reverse("metrics_dashboard:dashboard", args=[campaign.pk]))
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return back
    try:
        pace_settings_save(campaign=campaign, behind_threshold=form.cleaned_data["behind_threshold"],
                           version=form.cleaned_data["version"], actor=request.user)
    except StaleVersion as exc:
        messages.warning(request, str(exc.message))
        return back
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return back
    messages.success(request, _("The threshold is saved: the KPI statuses below use it."))
    return back


@campaign_page(GET=Action.VIEW)
def dashboard_export(request, campaign, fmt: str):
    board, inputs, _token = _board(request, campaign)
    if fmt == "xlsx":
        response = HttpResponse(dashboard_xlsx(board, inputs), content_type=XLSX)
        name = export_filename(campaign, _("dashboard"), board.today, "xlsx")
    else:
        table = request.GET.get("table", "daily")
        table = table if table in TABLES else "daily"
        response = HttpResponse(dashboard_csv(board, inputs, table), content_type="text/csv; charset=utf-8")
        name = export_filename(campaign, _("dashboard") + f" {table}", board.today, "csv")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@campaign_page(GET=Action.VIEW)
def kpis_behind(request, campaign):
    """The KPIs running behind (or finished short), for the stand-up page's "KPIs behind" card."""
    cards = [(c, status_label(c.status), STATUS_CLASSES.get(c.status, "secondary"))
             for c in selectors.kpis_behind(campaign)]
    return TemplateResponse(request, "metrics/kpis_behind.html", {
        "campaign": campaign, "cards": cards, "editable": can(request.user, Action.EDIT, campaign),
        "has_targets": bool(cards) or campaign.kpi_targets.exists()})
