"""Pace forecasting (pure): where a KPI should be by a date given the campaign's phase shape, where
it will land at the end, with a range, and whether it is behind.

Counts (exposures, visitors…) are forecast by scaling the actual to date by the share of the
campaign's expected activity already past (the phase shape: little in warm-up, most in the burst).
Rates (conversion, complaint rate…) are forecast as the rate of the sums so far, with a Wilson
score interval for the range.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

# Relative daily intensity of activity per phase kind (the burst does most of the work).
PHASE_WEIGHTS = {"preparation": 0.0, "warm_up": 1.0, "burst": 4.0, "continuation": 1.0, "review": 0.0,
                 "custom": 1.0}


@dataclass(frozen=True)
class PhaseShape:
    kind: str
    start: dt.date
    end: dt.date
    weight: float | None = None  # per day; default from PHASE_WEIGHTS


def _daily_weights(phases: Sequence[PhaseShape], until: dt.date) -> dict[dt.date, float]:
    weights: dict[dt.date, float] = {}
    for p in phases:
        w = p.weight if p.weight is not None else PHASE_WEIGHTS.get(p.kind, 1.0)
        day = p.start
        while day <= min(p.end, until):
            weights[day] = max(weights.get(day, 0.0), w)
            day += dt.timedelta(days=1)
    return weights


@lru_cache(maxsize=256)
def _curve(phases: tuple[PhaseShape, ...], end: dt.date) -> tuple[list[dt.date], list[float], float]:
    """The weighted days up to `end` in date order with their running sums, and the total: computed once
    per plan shape, so that a share is a binary search (a board asks for thousands of them)."""
    weights = _daily_weights(phases, end)
    days = sorted(weights)
    running, acc = [], 0.0
    for d in days:
        acc += weights[d]
        running.append(acc)
    return days, running, sum(weights.values())


def expected_share(phases: Sequence[PhaseShape], by: dt.date, *, due: dt.date | None = None) -> float:
    """Share (0–1) of the campaign's activity up to `due` that should be done by the end of `by`."""
    if not phases:
        return 1.0
    end = due or max(p.end for p in phases)
    days, running, total = _curve(tuple(phases), end)
    if total == 0:
        # No weighted days: fall back to calendar days between the first start and the due date.
        start = min(p.start for p in phases)
        span = (end - start).days + 1
        return min(max(((by - start).days + 1) / span, 0.0), 1.0) if span > 0 else 1.0
    i = bisect_right(days, by)
    done = running[i - 1] if i else 0.0
    return min(done / total, 1.0)


@dataclass(frozen=True)
class Forecast:
    expected_by_now: Decimal | None   # where the KPI should be today on the plan's shape
    projected: Decimal | None         # where it will land at the due date
    low: Decimal | None
    high: Decimal | None
    status: str                        # on_track / behind / ahead / no_data / done


def _status(projected: float, target: float, lower_is_better: bool, threshold: float) -> str:
    if lower_is_better:
        if projected > target * (1 + threshold):
            return "behind"
        return "ahead" if projected < target * (1 - threshold) else "on_track"
    if projected < target * (1 - threshold):
        return "behind"
    return "ahead" if projected > target * (1 + threshold) else "on_track"


def forecast_count(*, target: Decimal, daily: Sequence[tuple[dt.date, Decimal]], phases: Sequence[PhaseShape],
                   today: dt.date, due: dt.date | None = None, threshold: float = 0.1,
                   lower_is_better: bool = False) -> Forecast:
    """Forecast an additive KPI from its daily values so far."""
    due = due or (max(p.end for p in phases) if phases else today)
    as_of = min(today, due)
    actual = sum((v for d, v in daily if d <= as_of), Decimal(0))
    share = expected_share(phases, as_of, due=due)
    expected = target * Decimal(repr(share))
    if not daily or share <= 0:
        return Forecast(expected, None, None, None, "no_data")
    projected = float(actual) / share
    # Range: spread of the day-by-day pace, shrinking as more of the campaign is behind us.
    paces = []
    for d, v in daily:
        if d > as_of:
            continue
        s = expected_share(phases, d, due=due) - expected_share(phases, d - dt.timedelta(days=1), due=due)
        if s > 0:
            paces.append(float(v) / s)
    if len(paces) >= 2:
        mean = sum(paces) / len(paces)
        sd = math.sqrt(sum((p - mean) ** 2 for p in paces) / (len(paces) - 1))
        spread = 1.28 * sd * (1 - share)  # an 80 % band on what is still to come
    else:
        spread = projected * 0.5 * (1 - share)
    low, high = max(projected - spread, float(actual)), projected + spread
    status = "done" if as_of >= due else _status(projected, float(target), lower_is_better, threshold)
    q = Decimal("0.01")
    return Forecast(expected.quantize(q), Decimal(str(projected)).quantize(q), Decimal(str(low)).quantize(q),
                    Decimal(str(high)).quantize(q), status)


def wilson(successes: float, trials: float, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of a proportion."""
    if trials <= 0:
        return 0.0, 1.0
    p = successes / trials
    denom = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denom
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denom
    # At the edges the bound is exact (floating point would leave a 1e-17 residue).
    low = 0.0 if successes <= 0 else max(centre - half, 0.0)
    high = 1.0 if successes >= trials else min(centre + half, 1.0)
    return low, high


def forecast_rate(*, target_percent: Decimal, numerator: Decimal, denominator: Decimal, threshold: float = 0.1,
                  lower_is_better: bool = False, finished: bool = False) -> Forecast:
    """Forecast a rate KPI (in %) as the rate of the sums so far with a 95 % Wilson range."""
    if denominator <= 0:
        return Forecast(target_percent, None, None, None, "no_data")
    rate = float(numerator) / float(denominator)
    q = Decimal("0.01")
    status = "done" if finished else _status(rate * 100, float(target_percent), lower_is_better, threshold)
    if not 0 <= numerator <= denominator:
        # Not a proportion (e.g. more engagements than impressions): no interval is claimed.
        return Forecast(target_percent, Decimal(str(rate * 100)).quantize(q), None, None, status)
    lo, hi = wilson(float(numerator), float(denominator))
    return Forecast(target_percent, Decimal(str(rate * 100)).quantize(q), Decimal(str(lo * 100)).quantize(q),
                    Decimal(str(hi * 100)).quantize(q), status)


def forecast_ratio(*, target: Decimal, current: Decimal | None, threshold: float = 0.1,
                   lower_is_better: bool = False, finished: bool = False) -> Forecast:
    """Forecast a ratio KPI that is not a proportion (ROAS, CPA, ROI, NPS…): it lands where the ratio of
    the sums so far is; no interval is claimed for it."""
    if current is None:
        return Forecast(target, None, None, None, "no_data")
    q = Decimal("0.01")
    status = "done" if finished else _status(float(current), float(target), lower_is_better, threshold)
    return Forecast(target, current.quantize(q), None, None, status)


def pace_status(projected: Decimal, target: Decimal, *, lower_is_better: bool = False, threshold: float = 0.1) -> str:
    """on_track / behind / ahead of a projection against its target (the threshold is a fraction)."""
    return _status(float(projected), float(target), lower_is_better, threshold)
