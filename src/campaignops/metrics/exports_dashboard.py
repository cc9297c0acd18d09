"""The dashboard's data as .xlsx (KPIs, channels, funnel, daily numbers) and CSV (one table), through
`core.spreadsheets`: text that starts with = + - @ is never taken for a formula."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from decimal import Decimal

from django.utils.translation import gettext as _

from campaignops.core.spreadsheets import Cell, Column, SheetSpec, neutralise_for_csv, write_xlsx

from .dashboard import Board, Inputs, metric_name
from .presenters_dashboard import status_label

TABLES = ("kpis", "channels", "daily")


def _n(value: Decimal | None) -> Cell:
    """Numbers as numbers (exact for the spreadsheet's 15 digits), blanks as blanks."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def kpi_columns() -> list[Column]:
    return [Column(_("KPI"), 30, "wrap"), Column(_("Metric"), 18), Column(_("Channel"), 14), Column(_("Unit"), 8),
            Column(_("Target"), 12, "number"), Column(_("Actual"), 12, "number"),
            Column(_("Reached (%%)") % {}, 10, "number"), Column(_("Expected by today"), 14, "number"),
            Column(_("Forecast"), 12, "number"), Column(_("Forecast low"), 12, "number"),
            Column(_("Forecast high"), 12, "number"), Column(_("Status"), 12), Column(_("Due"), 12, "date")]


def kpi_rows(board: Board) -> Iterator[list[Cell]]:
    for c in board.kpis:
        yield [c.label, metric_name(c.metric), c.channel, c.unit, _n(c.target), _n(c.actual), _n(c.percent_reached),
               _n(c.expected_by_now), _n(c.projected), _n(c.low), _n(c.high), status_label(c.status), c.due]


def channel_columns(board: Board) -> list[Column]:
    return [Column(_("Channel"), 18), Column(_("Online"), 8), Column(_("Spend"), 12, "number"),
            Column(_("Impressions"), 12, "number"), Column(_("Clicks"), 10, "number"), Column(_("CTR %"), 8, "number"),
            Column(metric_name(board.result), 12, "number"), Column(_("CVR %"), 8, "number"),
            Column(_("Cost per result"), 12, "number"), Column(_("Revenue"), 12, "number"),
            Column(_("ROAS"), 8, "number"), Column(_("Store visitors"), 10, "number")]


def channel_rows(board: Board) -> Iterator[list[Cell]]:
    for r in board.channels:
        online = "" if r.online is None else (_("yes") if r.online else _("no"))
        yield [r.name, online, _n(r.spend), _n(r.impressions), _n(r.clicks), _n(r.ctr), _n(r.results), _n(r.cvr),
               _n(r.cost_per_result), _n(r.revenue), _n(r.roas), _n(r.visitors)]


def daily_columns() -> list[Column]:
    return [Column(_("Day"), 12, "date"), Column(_("Channel"), 18), Column(_("Online"), 8),
            Column(_("Metric"), 20), Column(_("Metric code"), 16), Column(_("Value"), 14, "number")]


def daily_rows(inputs: Inputs) -> Iterator[list[Cell]]:
    """Every (day, channel, metric) sum up to the board's date, in order."""
    names = {ch.id: (ch.name, ch.online) for ch in inputs.channels.values()}
    for (channel, metric, day), value in sorted(inputs.cells.values.items(), key=lambda kv: (kv[0][2], kv[0][0],
                                                                                               kv[0][1])):
        if day <= inputs.today:
            name, online = names.get(channel, (str(channel), True))
            yield [day, name, _("yes") if online else _("no"), metric_name(metric), metric, _n(value)]


def funnel_rows(board: Board) -> Iterator[list[Cell]]:
    for s in board.funnel:
        yield [metric_name(s.metric), _n(s.value), _n(s.rate), _n(s.reference), _("yes") if s.weakest else ""]


def dashboard_xlsx(board: Board, inputs: Inputs) -> bytes:
    funnel_cols = [Column(_("Step"), 18), Column(_("Value"), 14, "number"), Column(_("Of previous step (%%)") % {}, 12, "number"),
                   Column(_("Target rate"), 12, "number"), Column(_("Weakest step"), 10)]
    return write_xlsx([SheetSpec(_("KPIs"), kpi_columns(), kpi_rows(board)),
                       SheetSpec(_("Channels"), channel_columns(board), channel_rows(board)),
                       SheetSpec(_("Funnel"), funnel_cols, funnel_rows(board)),
                       SheetSpec(_("Daily"), daily_columns(), daily_rows(inputs))])


def dashboard_csv(board: Board, inputs: Inputs, table: str) -> bytes:
    """One table as CSV (UTF-8 with a BOM, so Excel opens Chinese text right)."""
    columns, rows = {"kpis": (kpi_columns(), kpi_rows(board)),
                     "channels": (channel_columns(board), channel_rows(board)),
                     "daily": (daily_columns(), daily_rows(inputs))}[table]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise_for_csv(c.header) for c in columns])
    for row in rows:
        writer.writerow([neutralise_for_csv(v) if isinstance(v, str) else "" if v is None else
                         v.isoformat() if hasattr(v, "isoformat") else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_filename(campaign, what: str, day, suffix: str) -> str:
    name = re.sub(r'[\\/:*?"<>|\r\n\t]+', " ", campaign.name).strip()[:60].strip() or f"campaign-{campaign.pk}"
    return f"{name} - {what} {day.isoformat()}.{suffix}"
