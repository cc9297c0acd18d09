"""Reads of the metrics for the dashboard, the stand-up and the strategy adjustment log.

Sums are taken in SQL, once per (channel, metric, day); every other total (per channel, per day, the
whole campaign, up to a date) is added up from those cells in Python, and ratios are computed from the
sums by `domain/kpi.py` — never by averaging ratios.

Rules of the sums:
- Only the default attribution (`attribution = ""`) counts: the other variants restate the same
  numbers under another attribution window and would count them twice.
- A day's value is its whole-day row (hour = -1) when there is one, else the sum of its hourly rows
  (hour 0–23): a day sent both ways is never counted twice.

The cells of a campaign (and the boards and API answers made from them) are kept in small
in-process caches keyed by the campaign's change token (see `change_token`): a dashboard polled every
few seconds sums the observations only when something was written. Every write of observations goes
through an import batch (file, API call, manual entry) in `metrics.services`, which moves the token;
a script that writes observations another way calls `forget_cells()`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db import connection
from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum

from campaignops.campaigns.models import Campaign, Channel, KpiTarget

from .catalogue import TARGET_ALIASES
from .domain import kpi
from .models import WHOLE_DAY, ImportBatch, Observation

Cell = tuple[int, str, dt.date]  # (channel id, metric, day)


@dataclass(frozen=True)
class Cells:
    """Σ per (channel id, metric, day) of one campaign, indexed the ways the board reads them: per
    (metric, channel) day by day, and per (channel, metric) in total. Built once per change token."""

    values: dict[Cell, Decimal]
    by_series: dict[tuple[str, int], dict[dt.date, Decimal]] = field(default_factory=dict)  # (metric, channel)
    by_channel: dict[tuple[int, str], Decimal] = field(default_factory=dict)   # (channel, metric) → Σ
    last_day: dt.date | None = None
    _memo: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, values: dict[Cell, Decimal]) -> Cells:
        by_series: dict[tuple[str, int], dict[dt.date, Decimal]] = {}
        by_channel: dict[tuple[int, str], Decimal] = {}
        for (channel, metric, day), v in values.items():
            by_series.setdefault((metric, channel), {})[day] = v
            by_channel[channel, metric] = by_channel.get((channel, metric), Decimal(0)) + v
        return cls(values, by_series, by_channel, max((d for _c, _m, d in values), default=None))

    def channel_sums(self, until: dt.date | None = None) -> dict[int, dict[str, Decimal]]:
        """{channel id: {metric: Σ}} over the days up to `until` (all days when None)."""
        out: dict[int, dict[str, Decimal]] = {}
        if until is None or self.last_day is None or until >= self.last_day:
            for (channel, metric), v in self.by_channel.items():
                out.setdefault(channel, {})[metric] = v
            return out
        for (metric, channel), days in self.by_series.items():
            total = sum((v for d, v in days.items() if d <= until), Decimal(0))
            if any(d <= until for d in days):
                out.setdefault(channel, {})[metric] = total
        return out

    def daily(self, metric: str, channel: int | None = None) -> dict[dt.date, Decimal]:
        """{day: Σ} of one metric, on one channel or on all (do not change the answer: it is shared)."""
        if channel is not None:
            return self.by_series.get((metric, channel), {})
        key = ("daily", metric)
        if key not in self._memo:
            out: dict[dt.date, Decimal] = {}
            for (m, _ch), days in self.by_series.items():
                if m == metric:
                    for d, v in days.items():
                        out[d] = out.get(d, Decimal(0)) + v
            self._memo[key] = out
        return self._memo[key]

    def sums(self, metrics: Iterable[str], until: dt.date, channel: int | None = None) -> dict[str, Decimal]:
        """{metric: Σ} of some metrics over the days up to `until`, on one channel or on all."""
        return self.window(metrics, dt.date.min, until, channel)

    def window(self, metrics: Iterable[str], start: dt.date, end: dt.date,
               channel: int | None = None) -> dict[str, Decimal]:
        """{metric: Σ} over the days start..end (inclusive), on one channel or on all."""
        out: dict[str, Decimal] = {}
        for metric in dict.fromkeys(metrics):
            days = self.daily(metric, channel)
            picked = [v for d, v in days.items() if start <= d <= end]
            if picked:
                out[metric] = sum(picked, Decimal(0))
        return out


def observation_cells(campaign_id: int, *, metrics: Iterable[str] | None = None,
                      start: dt.date | None = None, end: dt.date | None = None) -> dict[Cell, Decimal]:
    """Σ per (channel, metric, day): one GROUP BY query (see the module docstring for the rules)."""
    qs = Observation.objects.filter(campaign_id=campaign_id, attribution="")
    if metrics is not None:
        qs = qs.filter(metric__in=list(metrics))
    if start is not None:
        qs = qs.filter(day__gte=start)
    if end is not None:
        qs = qs.filter(day__lte=end)
    rows = (qs.values_list("channel_id", "metric", "day")
            .annotate(whole=Sum("value", filter=Q(hour=WHOLE_DAY)), hours=Sum("value", filter=Q(hour__gte=0)))
            .order_by())
    return {(channel, metric, day): whole if whole is not None else hours
            for channel, metric, day, whole, hours in rows}


def plain(value: Decimal) -> Decimal:
    """The same number without trailing zeros (250000.0000 → 250000, 9000.50 → 9000.5): the board's
    numbers read the same on every database (PostgreSQL sums keep the column's four decimals)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


# ---- the change token and the cache --------------------------------------------------------------

def _token_parts() -> list[tuple[str, object, object]]:
    """(name, rows of a campaign, aggregate) for everything a board is computed from."""
    from campaignops.planning.models import Phase

    from .pace_settings import PaceSettings

    parts = [("batches", ImportBatch.objects, Count("id")), ("batch", ImportBatch.objects, Max("id")),
             ("applied", ImportBatch.objects, Max("applied_at")),
             ("targets", KpiTarget.objects, Count("id")), ("target", KpiTarget.objects, Max("updated_at")),
             ("phases", Phase.objects, Count("id")), ("phase", Phase.objects, Max("updated_at")),
             ("pace", PaceSettings.objects, Max("updated_at"))]
    if apps.is_installed("campaignops.budget"):
        from campaignops.budget.models import BudgetLine, Expense, Material, SpendOverride

        for name, model, field_name in (("lines", BudgetLine, "updated_at"), ("materials", Material, "updated_at"),
                                        ("expenses", Expense, "updated_at"), ("overrides", SpendOverride, "id")):
            parts += [(name, model.objects, Count("id")), (name + "_at", model.objects, Max(field_name))]
    return parts


_TOKEN_SQL: dict[str, tuple[str, list]] = {}
_SENTINEL = -987654321


def _token_sql() -> tuple[str, list]:
    """The token's SQL, compiled once per database vendor (compiling sixteen subqueries costs more than
    running them)."""
    vendor = connection.vendor
    if vendor not in _TOKEN_SQL:
        subqueries = {f"t_{name}": Subquery(rows.filter(campaign_id=OuterRef("pk")).order_by()
                                            .values("campaign_id").annotate(v=agg).values("v")[:1])
                      for name, rows, agg in _token_parts()}
        qs = Campaign.objects.filter(pk=_SENTINEL).annotate(**subqueries).values_list(*subqueries).order_by()
        _TOKEN_SQL[vendor] = qs.query.sql_with_params()
    return _TOKEN_SQL[vendor]


def change_token(campaign: Campaign) -> str:
    """Changes whenever anything the board shows changes: numbers written (an import batch created or
    applied), KPI targets, phases, the pace settings, the budget. One query of small indexed
    aggregates, whatever the number of observations."""
    sql, params = _token_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [campaign.pk if p == _SENTINEL else p for p in params])
        values = cursor.fetchone() or ()
    created = campaign.created_at.timestamp() if campaign.created_at else 0
    raw = f"{campaign.pk}.{created:.6f}." + ".".join("" if v is None else str(v) for v in values)
    # Short and URL-safe whatever the database prints for timestamps (PostgreSQL's are long).
    return f"{campaign.pk}-{hashlib.sha256(raw.encode()).hexdigest()[:32]}"


class Memo:
    """A small thread-safe LRU of values computed from one change token (per process)."""

    def __init__(self, size: int):
        self.size, self._items, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        if key is None:
            return None
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        if key is None:
            return
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


CELLS = Memo(16)      # (campaign, token) → Cells
BOARDS = Memo(64)     # the dashboard's inputs → Board
BODIES = Memo(32)     # the dashboard's inputs → the API's JSON


def campaign_cells(campaign: Campaign, token: str | None = None) -> Cells:
    """The campaign's cells, summed once per change token (the token costs two small queries)."""
    key = (campaign.pk, token or change_token(campaign))
    cells = CELLS.get(key)
    if cells is None:
        cells = Cells.of(observation_cells(campaign.pk))
        CELLS.put(key, cells)
    return cells


def forget_cells() -> None:
    """Empty the caches of sums, boards and answers (tests and scripts that write observations
    without an import batch; the benchmark's cold runs)."""
    for memo in (CELLS, BOARDS, BODIES):
        memo.clear()


# ---- what the board reads besides the numbers ---------------------------------------------------

def kpi_targets(campaign: Campaign) -> list[KpiTarget]:
    return list(KpiTarget.objects.filter(campaign=campaign).select_related("channel").order_by("id"))


def board_channels(campaign: Campaign, ids: Iterable[int] = ()) -> dict[int, Channel]:
    """The campaign's channels plus any channel that has numbers, in display order (one query)."""
    return {c.pk: c for c in Channel.objects.filter(Q(campaigns=campaign) | Q(pk__in=list(ids)))
            .distinct().order_by("-online", "sort", "code")}


def target_metric(code: str) -> str:
    """A KPI target's metric as observations and kpi.py name it (GMV is stored as revenue)."""
    return TARGET_ALIASES.get(code, code)


def raw_inputs(code: str) -> tuple[str, ...]:
    """The raw metrics a metric is computed from (itself when raw)."""
    code = target_metric(code)
    if code in kpi.DERIVED:
        spec = kpi.DERIVED[code]
        return (spec.numerator, spec.denominator)
    if code == "roi":
        return ("revenue", "cost", "spend")
    if code == "nps":
        return ("promoters", "detractors", "survey_answers")
    return (code,)


# ---- the stand-up and the adjustment log --------------------------------------------------------

def kpis_behind(campaign: Campaign, *, today: dt.date | None = None) -> list:
    """The KPI cards running behind (or finished short of) their targets, for the stand-up."""
    from .dashboard import board_for

    board = board_for(campaign, today=today, with_budget=False)
    return [card for card in board.kpis if card.status in ("behind", "missed")]


@dataclass(frozen=True)
class Effect:
    """A metric over N days before a date against the N days from that date on."""

    metric: str
    days: int
    before: Decimal | None
    after: Decimal | None
    before_days: int
    after_days: int

    @property
    def change(self) -> Decimal | None:
        return None if self.before is None or self.after is None else self.after - self.before

    @property
    def change_percent(self) -> Decimal | None:
        if self.change is None or not self.before:
            return None
        return self.change * 100 / abs(self.before)


def window_value(code: str, sums: dict[str, Decimal], days: int) -> Decimal | None:
    """A count as a daily average over the days passed; a ratio from the window's sums."""
    code = target_metric(code)
    if code in kpi.RAW_METRICS or code not in kpi.DERIVED and code not in ("roi", "nps"):
        if days <= 0 or code not in sums:
            return None
        return sums[code] / days
    return kpi.value(code, sums)


def effect(cells: Cells, *, metric: str, channel_id: int | None, date: dt.date, days: int,
           today: dt.date) -> Effect:
    """The effect of a change made on `date`: N days before it (date−N … date−1) against N days from
    it on (date … date+N−1), cut at `today`. Counts compare daily averages, rates the window's rates."""
    inputs = raw_inputs(metric)
    before_start, before_end = date - dt.timedelta(days=days), date - dt.timedelta(days=1)
    after_end = min(date + dt.timedelta(days=days - 1), today)
    before_days = max((min(before_end, today) - before_start).days + 1, 0)
    after_days = max((after_end - date).days + 1, 0)
    before = cells.window(inputs, before_start, before_end, channel_id)
    after = cells.window(inputs, date, after_end, channel_id) if after_days else {}
    return Effect(target_metric(metric), days, window_value(metric, before, before_days),
                  window_value(metric, after, after_days) if after_days else None, before_days, after_days)
