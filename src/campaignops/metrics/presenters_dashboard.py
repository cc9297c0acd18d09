"""The board as people read it: status labels in the user's language, and the board as JSON."""

from __future__ import annotations

from dataclasses import asdict

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .dashboard import Board, metric_name

STATUS_LABELS = {
    "on_track": _("On track"),
    "ahead": _("Ahead"),
    "behind": _("Behind"),
    "no_data": _("No data yet"),
    "met": pgettext_lazy("KPI status", "Met"),
    "missed": pgettext_lazy("KPI status", "Missed"),
}
STATUS_CLASSES = {"on_track": "success", "ahead": "success", "met": "success", "behind": "danger",
                  "missed": "danger", "no_data": "secondary"}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def board_json(board: Board, *, campaign, token: str) -> dict:
    """The board for the API and the chart (decimals stay Decimal; the schema writes them as strings)."""
    return {
        "campaign_id": campaign.pk, "today": board.today, "token": token, "threshold": board.threshold,
        "result": board.result,
        "kpis": [{**asdict(c), "status_label": status_label(c.status)} for c in board.kpis],
        "channels": board.channels, "funnel": board.funnel, "spend": board.spend,
        "days": board.days, "series": board.series, "pace": board.pace,
    }


def chart_data(board: Board) -> dict:
    """What static/js/dashboard.js draws: days, daily series, pace lines, names and labels."""
    metrics = list(board.series)
    return {
        "days": [d.isoformat() for d in board.days],
        "series": board.series,
        "pace": {str(k): v for k, v in board.pace.items()},
        "names": {m: metric_name(m) for m in metrics},
        "kpis": [{"id": c.id, "label": c.label, "metric": c.metric} for c in board.kpis if c.id in board.pace],
        "today": board.today.isoformat(),
        "labels": {"online": str(_("Online")), "offline": str(_("Offline")),
                   "actual": str(_("Cumulative actual")), "expected": str(_("Expected (phase shape)")),
                   "daily": str(_("Daily"))},
    }
