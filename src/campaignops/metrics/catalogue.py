"""The metric catalogue: built-in raw and derived metrics with their English and Chinese names,
units and direction, plus a campaign's custom metrics; the core metrics each campaign type calls
for and the warning when a board is piled with more than it needs (seed reminder 3)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from campaignops.campaigns.models import CampaignKind

from .domain.kpi import DERIVED, RAW_METRICS


@dataclass(frozen=True)
class MetricInfo:
    code: str
    name_en: str
    name_zh: str
    kind: str = "raw"            # raw (summed) | derived (ratio of sums)
    unit: str = "count"          # count | money | percent | ratio
    higher_is_better: bool = True
    formula: str = ""
    numerator: str = ""
    denominator: str = ""
    scale: Decimal = Decimal(1)
    custom: bool = False

    @property
    def name(self) -> str:
        return self.name_zh if (get_language() or "").startswith("zh") and self.name_zh else self.name_en

    @property
    def is_money(self) -> bool:
        return self.unit == "money"


_RAW = [
    # code, English, 中文, unit
    ("impressions", "Impressions", "曝光量", "count"),
    ("reach", "Reach", "覆盖人数", "count"),
    ("clicks", "Clicks", "点击量", "count"),
    ("engagements", "Engagements", "互动量", "count"),
    ("conversions", "Conversions", "转化量", "count"),
    ("orders", "Orders", "订单数", "count"),
    ("revenue", "Revenue (GMV)", "成交金额 (GMV)", "money"),
    ("spend", "Ad spend", "广告消耗", "money"),
    ("cost", "Total cost", "总成本", "money"),
    ("store_visitors", "Store visitors", "到店人数", "count"),
    ("live_views", "Live-stream views", "直播观看人次", "count"),
    ("reviews", "Reviews collected", "收集评价数", "count"),
    ("complaints", "Complaints", "投诉数", "count"),
    ("leads", "Leads", "线索数", "count"),
    ("survey_answers", "Survey answers", "问卷答复数", "count"),
    ("promoters", "Promoters (9–10)", "推荐者 (9–10分)", "count"),
    ("detractors", "Detractors (0–6)", "贬损者 (0–6分)", "count"),
    ("favourable_answers", "Favourable answers", "好评答复数", "count"),
]
_LOWER_IS_BETTER = {"cpc", "cpm", "cpa", "cpl", "complaint_rate", "complaints", "detractors"}
_DERIVED_NAMES = {
    "frequency": ("Frequency", "频次", "ratio"),
    "ctr": ("Click-through rate", "点击率", "percent"),
    "cpc": ("Cost per click", "平均点击单价", "money"),
    "cpm": ("Cost per 1,000 impressions", "千次展示费用", "money"),
    "cvr": ("Conversion rate", "转化率", "percent"),
    "cvr_impressions": ("Conversion rate (of impressions)", "转化率 (按曝光)", "percent"),
    "cpa": ("Cost per acquisition", "转化成本", "money"),
    "cpl": ("Cost per lead", "线索成本", "money"),
    "roas": ("ROAS (revenue ÷ ad spend)", "投产比 (ROAS)", "ratio"),
    "engagement_rate": ("Engagement rate", "互动率", "percent"),
    "complaint_rate": ("Complaint rate", "投诉率", "percent"),
    "favourability": ("Favourability", "好感度", "percent"),
    "roi": ("ROI ((revenue − cost) ÷ cost)", "投资回报率 (ROI)", "percent"),
    "nps": ("NPS", "净推荐值", "ratio"),
}

BUILTIN: dict[str, MetricInfo] = {code: MetricInfo(code, en, zh, "raw", unit, code not in _LOWER_IS_BETTER)
                                  for code, en, zh, unit in _RAW}
for _code, (_en, _zh, _unit) in _DERIVED_NAMES.items():
    _spec = DERIVED.get(_code)
    BUILTIN[_code] = MetricInfo(
        _code, _en, _zh, "derived", _unit, _code not in _LOWER_IS_BETTER,
        formula=_spec.formula if _spec else ("(revenue − cost) ÷ cost × 100 %" if _code == "roi"
                                             else "% promoters − % detractors"),
        numerator=_spec.numerator if _spec else "", denominator=_spec.denominator if _spec else "",
        scale=_spec.scale if _spec else Decimal(1))
assert set(RAW_METRICS) <= set(BUILTIN)

# KPI targets name revenue "gmv" (campaigns.kpis.Metric); observations store it as "revenue".
TARGET_ALIASES = {"gmv": "revenue"}

# Seed reminder 3: the goal type picks its core metrics.
CORE_METRICS: dict[str, tuple[str, ...]] = {
    CampaignKind.PRODUCT_LAUNCH: ("impressions", "clicks", "ctr", "conversions", "cvr", "revenue"),
    CampaignKind.ECOMMERCE_PROMOTION: ("revenue", "orders", "spend", "roas", "cvr"),
    CampaignKind.OFFLINE_BRAND: ("store_visitors", "leads", "engagements", "favourability"),
    CampaignKind.ANNIVERSARY: ("engagements", "engagement_rate", "favourability", "impressions"),
    CampaignKind.TRADE_SHOW: ("store_visitors", "leads", "cpl"),
    CampaignKind.OTHER: ("impressions", "clicks", "conversions"),
}
# A board with more metrics than this is "piled with more than it needs".
BOARD_LIMIT = 8


def catalogue(campaign=None, custom=None) -> dict[str, MetricInfo]:
    """Built-in metrics plus the campaign's custom ones (pass `custom` to save the query)."""
    out = dict(BUILTIN)
    if custom is None and campaign is not None:
        from .models import CustomMetric

        custom = CustomMetric.objects.filter(campaign=campaign)
    for m in custom or ():
        out[m.code] = MetricInfo(m.code, m.name_en, m.name_zh or m.name_en, m.kind, m.unit, m.higher_is_better,
                                 numerator=m.numerator, denominator=m.denominator, scale=m.scale, custom=True,
                                 formula=f"{m.numerator} ÷ {m.denominator} × {m.scale.normalize():f}"
                                 if m.kind == "derived" else "")
    return out


def raw_codes(campaign=None, custom=None) -> set[str]:
    """The metric codes an observation may carry: built-in raw metrics and custom raw metrics."""
    return {code for code, info in catalogue(campaign, custom).items() if info.kind == "raw"}


def core_metrics(kind: str) -> tuple[str, ...]:
    return CORE_METRICS.get(kind, CORE_METRICS[CampaignKind.OTHER])


def board_warning(kind: str, shown: list[str] | tuple[str, ...]) -> str | None:
    """A warning when a board shows more metrics than the campaign type needs, naming the core ones."""
    core = core_metrics(kind)
    extra = [code for code in shown if code not in core]
    if len(shown) <= BOARD_LIMIT and len(extra) <= len(core):
        return None
    names = ", ".join(BUILTIN[c].name if c in BUILTIN else c for c in core)
    return _("This board shows %(count)s metrics; a campaign of this type needs mainly these: %(core)s. "
             "Consider hiding the others.") % {"count": len(shown), "core": names}
