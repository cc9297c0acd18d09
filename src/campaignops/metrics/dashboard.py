"""The live KPI dashboard (实时数据监控看板): fetch once, compute with pure functions, present.

- `fetch(campaign, ...)` reads everything the board needs (a fixed number of queries; the sums come
  from `selectors.campaign_cells`, cached per change token).
- `compute(inputs)` is pure: KPI cards (actual vs target, % reached, expected by today on the plan's
  phase shape, forecast at the due date with a range, status by the campaign's threshold), the
  channel table (online and offline side by side), the funnel with its weakest step, the daily
  series and pace lines for the chart, spend against the budget.
- `board_for(campaign, ...)` does both.

Dates: "today" is the campaign's local date, or an `as_of` date to replay the board as it stood then;
every sum is cut at that date (and at a KPI's due date).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from campaignops.campaigns.models import Campaign

from . import selectors
from .catalogue import BUILTIN
from .domain import kpi
from .domain.pace import (
    PhaseShape,
    expected_share,
    forecast_count,
    forecast_rate,
    forecast_ratio,
    pace_status,
)

ZERO = Decimal(0)
DEFAULT_THRESHOLD = Decimal(10)  # percent: "behind" when the forecast misses the target by more than this
RESULT_METRICS = ("conversions", "leads", "orders", "store_visitors", "reviews")
FUNNEL = ("impressions", "clicks", "conversions")
FUNNEL_RATES = {"clicks": "ctr", "conversions": "cvr"}  # step → the KPI that measures it
SERIES_METRICS = ("impressions", "clicks", "conversions", "spend", "revenue")


# ---- inputs -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TargetIn:
    id: int
    metric: str            # as observations / kpi.py name it (GMV → revenue)
    label: str
    channel_id: int | None
    channel_name: str
    target: Decimal
    unit: str
    lower_is_better: bool
    due: dt.date


@dataclass(frozen=True)
class ChannelIn:
    id: int
    code: str
    name: str
    online: bool


@dataclass(frozen=True)
class BudgetIn:
    """The budget's figures when a budget exists: all lines, and the ad-spend (promotion) lines."""

    approved: Decimal | None
    planned: Decimal
    actual: Decimal
    promotion_approved: Decimal | None
    promotion_planned: Decimal


@dataclass
class Inputs:
    today: dt.date
    start: dt.date
    end: dt.date
    phases: list[PhaseShape]
    targets: list[TargetIn]
    channels: dict[int, ChannelIn]
    cells: selectors.Cells
    threshold: Decimal = DEFAULT_THRESHOLD
    result: str = ""
    budget: BudgetIn | None = None
    budget_known: bool = False    # whether the budget app is installed at all
    token: str = ""               # the change token the cells were summed for ("" when not cached)

    def key(self) -> tuple | None:
        """Everything the board depends on, hashable (None: do not cache)."""
        if not self.token:
            return None
        return (self.token, self.today, self.start, self.end, tuple(self.phases), tuple(self.targets),
                tuple(self.channels.values()), self.threshold, self.result, self.budget, self.budget_known,
                get_language())


# ---- outputs ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class KpiCard:
    id: int
    metric: str
    label: str
    channel: str
    unit: str
    kind: str                  # count | rate (a proportion, Wilson range) | ratio | none
    lower_is_better: bool
    target: Decimal
    actual: Decimal | None
    percent_reached: Decimal | None
    expected_by_now: Decimal | None
    projected: Decimal | None
    low: Decimal | None
    high: Decimal | None
    status: str                # on_track | behind | ahead | no_data | met | missed
    due: dt.date
    share_expected: Decimal | None   # share of the work due by today on the phase shape, in %


@dataclass(frozen=True)
class ChannelRow:
    id: int | None             # None: a subtotal or the total
    name: str
    online: bool | None
    sums: dict[str, Decimal]
    spend: Decimal | None
    impressions: Decimal | None
    clicks: Decimal | None
    results: Decimal | None
    revenue: Decimal | None
    visitors: Decimal | None
    ctr: Decimal | None
    cvr: Decimal | None
    cost_per_result: Decimal | None
    roas: Decimal | None


@dataclass(frozen=True)
class FunnelStep:
    metric: str
    value: Decimal | None
    rate: Decimal | None       # % of the previous step that made it here
    reference: Decimal | None  # the campaign's target for that rate, when it has one
    weakest: bool = False


@dataclass(frozen=True)
class SpendCard:
    spend: Decimal             # ad spend reported by the platforms
    budget_set: bool
    approved: Decimal | None = None
    planned: Decimal | None = None
    actual: Decimal | None = None
    promotion_budget: Decimal | None = None
    percent_of_promotion: Decimal | None = None
    percent_of_budget: Decimal | None = None


@dataclass
class Board:
    today: dt.date
    kpis: list[KpiCard]
    channels: list[ChannelRow]            # online rows, online subtotal, offline rows, offline subtotal, total
    online: ChannelRow
    offline: ChannelRow
    total: ChannelRow
    result: str
    funnel: list[FunnelStep]
    spend: SpendCard
    threshold: Decimal
    days: list[dt.date] = field(default_factory=list)
    series: dict[str, dict[str, list[float]]] = field(default_factory=dict)   # metric → online/offline
    pace: dict[int, dict[str, list[float | None]]] = field(default_factory=dict)  # KPI id → actual/expected


# ---- pure math ----------------------------------------------------------------------------------

def _kind(metric: str) -> str:
    if metric in kpi.DERIVED:
        return "rate" if kpi.DERIVED[metric].scale == 100 else "ratio"
    if metric in ("roi", "nps"):
        return "ratio"
    return "none" if metric == "other" else "count"


def _sums(cells: selectors.Cells, until: dt.date, channel: int | None, metric: str) -> dict[str, Decimal]:
    """The sums a metric is computed from, over the days up to `until`."""
    return cells.sums(selectors.raw_inputs(metric), until, channel)


def _final(f, actual: Decimal | None, t: TargetIn, finished: bool, threshold: float) -> str:
    """After its due date a KPI is met or missed; on its due date it still runs (the day's numbers are
    coming in), so it keeps a pace status; a KPI without any number says so."""
    if actual is None:
        return "no_data"
    if f.status != "done":
        return f.status
    if not finished:
        return pace_status(f.projected if f.projected is not None else actual, t.target,
                           lower_is_better=t.lower_is_better, threshold=threshold)
    return "met" if (actual <= t.target if t.lower_is_better else actual >= t.target) else "missed"


def kpi_card(t: TargetIn, inputs: Inputs) -> KpiCard:
    as_of = min(inputs.today, t.due)
    finished = inputs.today > t.due
    threshold = float(inputs.threshold) / 100
    kind = _kind(t.metric)
    share = expected_share(inputs.phases, as_of, due=t.due) if inputs.phases else None
    actual = None
    if kind == "count":
        daily = sorted(inputs.cells.daily(t.metric, t.channel_id).items())
        daily = [(d, v) for d, v in daily if d <= as_of]
        actual = sum((v for _d, v in daily), ZERO) if daily else None
        f = forecast_count(target=t.target, daily=daily, phases=inputs.phases, today=inputs.today, due=t.due,
                           threshold=threshold, lower_is_better=t.lower_is_better)
    elif kind == "none":
        f = forecast_ratio(target=t.target, current=None)
    else:
        sums = _sums(inputs.cells, as_of, t.channel_id, t.metric)
        actual = kpi.value(t.metric, sums)
        if kind == "rate":
            spec = kpi.DERIVED[t.metric]
            f = forecast_rate(target_percent=t.target, numerator=sums.get(spec.numerator, ZERO),
                              denominator=sums.get(spec.denominator, ZERO), threshold=threshold,
                              lower_is_better=t.lower_is_better, finished=finished)
        else:
            f = forecast_ratio(target=t.target, current=actual, threshold=threshold,
                               lower_is_better=t.lower_is_better, finished=finished)
    q = Decimal("0.01")
    return KpiCard(
        id=t.id, metric=t.metric, label=t.label, channel=t.channel_name, unit=t.unit, kind=kind,
        lower_is_better=t.lower_is_better, target=t.target,
        actual=None if actual is None else actual.quantize(q) if kind != "count" else selectors.plain(actual),
        percent_reached=_q(kpi.percent_reached(actual, t.target, t.lower_is_better), "0.1"),
        expected_by_now=f.expected_by_now if kind == "count" else t.target,
        projected=f.projected, low=f.low, high=f.high,
        status=_final(f, actual, t, finished, threshold), due=t.due,
        share_expected=None if share is None or kind != "count" else _q(Decimal(repr(share * 100)), "0.1"))


def _p(value: Decimal | None) -> Decimal | None:
    return None if value is None else selectors.plain(value)


def _q(value: Decimal | None, places: str) -> Decimal | None:
    return None if value is None else value.quantize(Decimal(places))


def choose_result(inputs: Inputs) -> str:
    """The "result" of the channel table: the one asked for, else conversions, else leads when only
    leads were counted."""
    if inputs.result in RESULT_METRICS:
        return inputs.result
    metrics = {m for (_ch, m) in inputs.cells.by_channel}
    return "leads" if "conversions" not in metrics and "leads" in metrics else "conversions"


def channel_row(sums: dict[str, Decimal], result: str, *, id: int | None, name: str,
                online: bool | None) -> ChannelRow:
    results = sums.get(result)
    return ChannelRow(
        id=id, name=name, online=online, sums=sums, spend=_p(sums.get("spend")), impressions=_p(sums.get("impressions")),
        clicks=_p(sums.get("clicks")), results=_p(results), revenue=_p(sums.get("revenue")),
        visitors=_p(sums.get("store_visitors")),
        ctr=_q(kpi.derive("ctr", sums), "0.01"), cvr=_q(kpi.ratio(results, sums.get("clicks"), Decimal(100)), "0.01"),
        cost_per_result=_q(kpi.ratio(sums.get("spend"), results), "0.01"), roas=_q(kpi.derive("roas", sums), "0.01"))


def _add(into: dict[str, Decimal], sums: dict[str, Decimal]) -> None:
    for metric, v in sums.items():
        into[metric] = into.get(metric, ZERO) + v


def channel_table(inputs: Inputs, result: str) -> tuple[list[ChannelRow], ChannelRow, ChannelRow, ChannelRow]:
    per_channel = inputs.cells.channel_sums(inputs.today)
    groups: dict[bool, list[ChannelRow]] = {True: [], False: []}
    group_sums: dict[bool, dict[str, Decimal]] = {True: {}, False: {}}
    for ch in inputs.channels.values():
        sums = per_channel.get(ch.id, {})
        groups[ch.online].append(channel_row(sums, result, id=ch.id, name=ch.name, online=ch.online))
        _add(group_sums[ch.online], sums)
    online = channel_row(group_sums[True], result, id=None, name=_("Online"), online=True)
    offline = channel_row(group_sums[False], result, id=None, name=_("Offline"), online=False)
    everything: dict[str, Decimal] = {}
    _add(everything, group_sums[True])
    _add(everything, group_sums[False])
    total = channel_row(everything, result, id=None, name=_("Total"), online=None)
    return [*groups[True], online, *groups[False], offline, total], online, offline, total


def funnel(sums: dict[str, Decimal], references: dict[str, Decimal]) -> list[FunnelStep]:
    """Exposure → click → conversion. The weakest step is the one furthest below the campaign's target
    for its rate (CTR, CVR); when no step is below a target, the step that keeps the smallest share."""
    raw = []
    previous = None
    for metric in FUNNEL:
        value = sums.get(metric)
        rate = None if previous is None else _q(kpi.ratio(value, sums.get(previous), Decimal(100)), "0.01")
        raw.append((metric, value, rate, references.get(FUNNEL_RATES.get(metric, ""))))
        previous = metric
    below = [(rate / ref, m) for m, _v, rate, ref in raw if rate is not None and ref and rate < ref]
    rated = [(rate, m) for m, _v, rate, _ref in raw if rate is not None]
    weakest = min(below)[1] if below else (min(rated)[1] if rated else None)
    return [FunnelStep(m, v, rate, ref, m == weakest) for m, v, rate, ref in raw]


def spend_card(total: ChannelRow, budget: BudgetIn | None) -> SpendCard:
    spend = total.spend or Decimal(0)
    if budget is None:
        return SpendCard(spend=spend, budget_set=False)
    promotion = budget.promotion_approved if budget.promotion_approved is not None else budget.promotion_planned
    whole = budget.approved if budget.approved is not None else budget.planned
    return SpendCard(spend=spend, budget_set=True, approved=budget.approved, planned=budget.planned,
                     actual=budget.actual, promotion_budget=promotion or None,
                     percent_of_promotion=_q(kpi.ratio(spend, promotion, Decimal(100)), "0.1") if promotion else None,
                     percent_of_budget=_q(kpi.ratio(budget.actual, whole, Decimal(100)), "0.1") if whole else None)


def series(inputs: Inputs, metrics: list[str]) -> tuple[list[dt.date], dict[str, dict[str, list[float]]]]:
    """Daily values per metric, online and offline, from the campaign's start to today (or its end)."""
    last = min(max(inputs.today, inputs.start), inputs.end)
    days = [inputs.start + dt.timedelta(days=n) for n in range((last - inputs.start).days + 1)]
    index = {d: i for i, d in enumerate(days)}
    out = {m: {"online": [0.0] * len(days), "offline": [0.0] * len(days)} for m in metrics}
    for m in metrics:
        for ch in inputs.channels.values():
            line = out[m]["online" if ch.online else "offline"]
            for day, v in inputs.cells.daily(m, ch.id).items():
                i = index.get(day)
                if i is not None:
                    line[i] += float(v)
    return days, out


def pace_lines(card: KpiCard, t: TargetIn, inputs: Inputs, days: list[dt.date]) -> dict[str, list[float | None]]:
    """Cumulative actual against the expected cumulative (target × share of the phase shape)."""
    daily = inputs.cells.daily(t.metric, t.channel_id)
    actual, expected, running = [], [], 0.0
    for d in days:
        running += float(daily.get(d, 0))
        actual.append(round(running, 4) if d <= inputs.today else None)
        share = expected_share(inputs.phases, min(d, t.due), due=t.due) if inputs.phases else 1.0
        expected.append(round(float(t.target) * share, 4))
    return {"actual": actual, "expected": expected}


def compute_cached(inputs: Inputs) -> Board:
    """`compute`, remembered for the same inputs (the board is shared: never change it)."""
    key = inputs.key()
    board = selectors.BOARDS.get(key)
    if board is None:
        board = compute(inputs)
        selectors.BOARDS.put(key, board)
    return board


def compute(inputs: Inputs) -> Board:
    result = choose_result(inputs)
    cards = [kpi_card(t, inputs) for t in inputs.targets]
    rows, online, offline, total = channel_table(inputs, result)
    references = {t.metric: t.target for t in inputs.targets if t.channel_id is None and t.metric in ("ctr", "cvr")}
    metrics = list(dict.fromkeys([*[t.metric for t in inputs.targets if _kind(t.metric) == "count"],
                                  *SERIES_METRICS, result]))
    days, daily = series(inputs, metrics)
    pace = {c.id: pace_lines(c, t, inputs, days) for c, t in zip(cards, inputs.targets, strict=True)
            if c.kind == "count"}
    return Board(today=inputs.today, kpis=cards, channels=rows, online=online, offline=offline, total=total,
                 result=result, funnel=funnel(total.sums, references), spend=spend_card(total, inputs.budget),
                 threshold=inputs.threshold, days=days, series=daily, pace=pace)


# ---- fetch --------------------------------------------------------------------------------------

def campaign_today(campaign: Campaign, now: dt.datetime | None = None) -> dt.date:
    try:
        tz = zoneinfo.ZoneInfo(campaign.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo("UTC")
    return (now or timezone.now()).astimezone(tz).date()


def _phases(campaign: Campaign) -> list[PhaseShape]:
    from campaignops.planning.models import Phase

    shapes = [PhaseShape(kind, start, end) for kind, start, end in
              Phase.objects.filter(campaign=campaign).order_by("start_date", "id")
              .values_list("kind", "start_date", "end_date")]
    return shapes or [PhaseShape("custom", campaign.start_date, campaign.end_date)]


def _budget(campaign: Campaign) -> tuple[BudgetIn | None, bool]:
    """The budget's totals when the budget app is installed and the campaign has budget lines."""
    from django.apps import apps

    if not apps.is_installed("campaignops.budget"):
        return None, False
    from campaignops.budget import selectors as budget

    lines = list(budget.lines_of(campaign).values_list("pk", "category"))
    if not lines:
        return None, True
    figures = budget.line_figures(campaign.pk, campaign.currency)
    approved = [f.approved for f in figures.values() if f.approved is not None]
    promo = [figures[pk] for pk, category in lines if category == "promotion"]
    promo_approved = [f.approved for f in promo if f.approved is not None]
    return BudgetIn(approved=sum(approved, ZERO) if approved else None,
                    planned=sum((f.planned for f in figures.values()), ZERO),
                    actual=sum((f.actual for f in figures.values()), ZERO),
                    promotion_approved=sum(promo_approved, ZERO) if promo_approved else None,
                    promotion_planned=sum((f.planned for f in promo), ZERO)), True


def fetch(campaign: Campaign, *, today: dt.date | None = None, result: str = "", token: str | None = None,
          with_budget: bool = True, threshold: Decimal | None = None) -> Inputs:
    from .pace_settings import pace_threshold

    token = token or selectors.change_token(campaign)
    cells = selectors.campaign_cells(campaign, token)
    targets = selectors.kpi_targets(campaign)
    channel_ids = {ch for (ch, _m) in cells.by_channel}
    channels = selectors.board_channels(campaign, channel_ids)
    budget, known = _budget(campaign) if with_budget else (None, False)
    return Inputs(
        today=today or campaign_today(campaign), start=campaign.start_date, end=campaign.end_date,
        phases=_phases(campaign),
        targets=[TargetIn(
            id=t.pk, metric=selectors.target_metric(t.metric), label=t.label or str(t.get_metric_display()),
            channel_id=t.channel_id, channel_name=t.channel.name if t.channel_id else "", target=t.target_value,
            unit=t.unit, lower_is_better=t.direction == "lower", due=t.due_date or campaign.end_date)
            for t in targets],
        channels={pk: ChannelIn(pk, c.code, c.name, c.online) for pk, c in channels.items()},
        cells=cells, threshold=threshold if threshold is not None else pace_threshold(campaign), result=result,
        budget=budget, budget_known=known, token=token)


def board_for(campaign: Campaign, *, today: dt.date | None = None, result: str = "", token: str | None = None,
              with_budget: bool = True) -> Board:
    return compute_cached(fetch(campaign, today=today, result=result, token=token, with_budget=with_budget))


def metric_name(code: str) -> str:
    info = BUILTIN.get(code)
    return info.name if info else code
