"""KPI math (pure): raw additive facts are summed, ratios are computed from the sums — never by
averaging ratios. Money and ratios are Decimal; a ratio over a zero denominator is None."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

RAW_METRICS = (
    "impressions", "reach", "clicks", "engagements", "conversions", "orders", "revenue", "spend", "cost",
    "store_visitors", "live_views", "reviews", "complaints", "leads", "survey_answers", "promoters",
    "detractors", "favourable_answers",
)

Sums = Mapping[str, Decimal | int]


def _d(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value)


def ratio(num, den, scale: Decimal = Decimal(1)) -> Decimal | None:
    if num is None or den is None or _d(den) == 0:
        return None
    return _d(num) * scale / _d(den)


@dataclass(frozen=True)
class Derived:
    code: str
    numerator: str
    denominator: str
    scale: Decimal = Decimal(1)
    formula: str = ""


# The catalogue of derived metrics: each is Σnumerator ÷ Σdenominator × scale.
DERIVED: dict[str, Derived] = {d.code: d for d in [
    Derived("frequency", "impressions", "reach", formula="impressions ÷ reach"),
    Derived("ctr", "clicks", "impressions", Decimal(100), "clicks ÷ impressions × 100 %"),
    Derived("cpc", "spend", "clicks", formula="spend ÷ clicks"),
    Derived("cpm", "spend", "impressions", Decimal(1000), "spend ÷ impressions × 1000"),
    Derived("cvr", "conversions", "clicks", Decimal(100), "conversions ÷ clicks × 100 %"),
    Derived("cvr_impressions", "conversions", "impressions", Decimal(100),
            "conversions ÷ impressions × 100 % (TikTok since late 2023)"),
    Derived("cpa", "spend", "conversions", formula="spend ÷ conversions"),
    Derived("cpl", "spend", "leads", formula="spend ÷ leads"),
    Derived("roas", "revenue", "spend", formula="revenue ÷ ad spend (called ROI / 投产比 on Chinese platforms)"),
    Derived("engagement_rate", "engagements", "impressions", Decimal(100), "engagements ÷ impressions × 100 %"),
    Derived("complaint_rate", "complaints", "orders", Decimal(100), "complaints ÷ orders × 100 %"),
    Derived("favourability", "favourable_answers", "survey_answers", Decimal(100),
            "favourable answers ÷ survey answers × 100 %"),
]}


def total(rows: Iterable[Mapping[str, Decimal | int | None]]) -> dict[str, Decimal]:
    """Σ of each raw metric over rows (days × channels); missing values count as nothing."""
    out: dict[str, Decimal] = {}
    for row in rows:
        for key, value in row.items():
            if value is not None and key in RAW_METRICS:
                out[key] = out.get(key, Decimal(0)) + _d(value)
    return out


def derive(code: str, sums: Sums) -> Decimal | None:
    """A derived metric from sums (None when a denominator is zero or missing)."""
    if code == "roi":
        return finance_roi(sums)
    if code == "nps":
        return nps(sums)
    spec = DERIVED[code]
    return ratio(sums.get(spec.numerator), sums.get(spec.denominator), spec.scale)


def finance_roi(sums: Sums) -> Decimal | None:
    """(revenue − total cost) ÷ total cost × 100 %; total cost is `cost` when known, else `spend`."""
    cost = sums.get("cost") or sums.get("spend")
    revenue = sums.get("revenue")
    if revenue is None or not cost:
        return None
    return (_d(revenue) - _d(cost)) * 100 / _d(cost)


def nps(sums: Sums) -> Decimal | None:
    """% promoters (9–10) − % detractors (0–6) of all survey answers."""
    answers = sums.get("survey_answers")
    if not answers:
        return None
    return (_d(sums.get("promoters", 0)) - _d(sums.get("detractors", 0))) * 100 / _d(answers)


def value(code: str, sums: Sums) -> Decimal | None:
    """Raw (a sum) or derived metric value."""
    if code in RAW_METRICS:
        v = sums.get(code)
        return None if v is None else _d(v)
    return derive(code, sums)


def percent_reached(actual: Decimal | None, target: Decimal, lower_is_better: bool = False) -> Decimal | None:
    """How much of the target is reached, in %: actual ÷ target (inverted for lower-is-better)."""
    if actual is None or target == 0:
        return None
    if lower_is_better:
        return None if actual == 0 else target * 100 / actual
    return actual * 100 / target
