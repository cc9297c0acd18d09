"""SMART check of a campaign goal (pure Python, no Django): reads the goal statement (Chinese or
English) and the KPI targets, and says what is missing — a measurable metric, a number, a deadline,
a channel, the campaign type's core metrics — with the pieces for a suggested rewrite.

Findings are codes with parameters; the interface turns them into sentences in the user's language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

# Metric families and the words that name them in goals.
METRIC_WORDS: dict[str, tuple[str, ...]] = {
    "exposure": ("曝光", "展现", "展示量", "阅读量", "播放量", "浏览量", "触达", "覆盖", "impression", "exposure",
                 "reach", "views", "view count"),
    "conversion": ("转化", "预售", "下单", "成交率", "conversion", "convert", "pre-sale", "presale", "sign-up",
                   "signups", "sign ups"),
    "engagement": ("互动", "点赞", "评论", "转发", "收藏", "engagement", "likes", "comments", "shares",
                   "interactions"),
    "favourability": ("好感", "美誉", "满意度", "口碑", "nps", "净推荐", "favourab", "favorab", "satisfaction",
                      "sentiment"),
    "gmv": ("gmv", "成交额", "成交金额", "销售额", "销量", "营业额", "revenue", "sales", "turnover"),
    "roas": ("roas", "roi", "投产比", "投入产出", "return on ad spend", "return on investment"),
    "visitors": ("到访", "到店", "客流", "人流", "参观", "观众", "visitor", "foot traffic", "attendees", "walk-ins"),
    "leads": ("线索", "留资", "名片", "lead", "contacts"),
    "live_views": ("直播观看", "观看", "live view", "viewers"),
    "reviews": ("评价", "好评", "晒单", "review"),
    "complaints": ("投诉", "complaint"),
    "followers": ("粉丝", "关注数", "涨粉", "follower", "subscriber"),
}

# Core metric families per campaign type (seed reminder 3).
CORE_METRICS: dict[str, tuple[str, ...]] = {
    "product_launch": ("exposure", "conversion"),
    "offline_brand": ("engagement", "favourability"),
    "anniversary": ("engagement", "favourability"),
    "ecommerce_promotion": ("gmv", "roas"),
    "trade_show": ("visitors", "leads"),
    "other": (),
}

# KPI target metric codes → families.
TARGET_FAMILY = {
    "impressions": "exposure", "reach": "exposure", "clicks": "exposure", "ctr": "exposure",
    "conversions": "conversion", "cvr": "conversion", "orders": "conversion", "cpa": "conversion",
    "engagements": "engagement", "engagement_rate": "engagement", "favourability": "favourability",
    "nps": "favourability", "gmv": "gmv", "roas": "roas", "roi": "roas", "store_visitors": "visitors",
    "leads": "leads", "live_views": "live_views", "reviews": "reviews", "complaint_rate": "complaints",
}

CHANNEL_WORDS = (
    "小红书", "抖音", "微信", "公众号", "视频号", "朋友圈", "微博", "b站", "哔哩哔哩", "天猫", "淘宝", "京东", "拼多多",
    "快手", "直播", "门店", "快闪", "线下", "线上", "展会", "社群", "xiaohongshu", "red note", "rednote", "douyin",
    "wechat", "weibo", "bilibili", "tmall", "taobao", "jd", "kuaishou", "live stream", "livestream", "store",
    "pop-up", "popup", "offline", "online", "booth", "trade show", "meta", "facebook", "instagram", "google",
    "tiktok", "youtube", "email", "newsletter", "linkedin", "seo", "search ads",
)

NUMBER = re.compile(
    r"(\d[\d,，.]*\s*(%|％|万|千|百万|亿|k\b|m\b|w\b|\+|人|次|条|篇|单|元|块|场)?)|(百分之[零一二三四五六七八九十百]+)"
    r"|([一二三四五六七八九十百千万两]+\s*(万|千|百|亿))",
    re.IGNORECASE,
)
DEADLINE = re.compile(
    r"(\d+|[一二三四五六七八九十两]+)\s*(天|日|周|个月|月)内|(\d+|[一二三四五六七八九十两]+)\s*(天|周)之内"
    r"|在?\d{1,2}\s*月\s*\d{1,2}\s*(日|号)?\s*(前|之前|以前|截止)|截至|截止|到\d{1,2}月|年底前|月底前|季度末|上线前"
    r"|\bq[1-4]\b|第[一二三四1-4]季度|活动期间|期间内|大促期间|双\s*(11|十一|12|十二)|618|\d{4}[-/年]\d{1,2}"
    r"|\bwithin\s+(\d+|one|two|three|four|five|six|seven|ten|a)\s+(days?|weeks?|months?|hours?)"
    r"|\bby\s+(the\s+)?(end\s+of\s+)?(\d{1,2}\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|q[1-4]|\d{4}-\d{2}|"
    r"end|monday|tuesday|wednesday|thursday|friday|saturday|sunday|\d{1,2}/\d{1,2})"
    r"|\bbefore\s+(the\s+)?\w+|\bduring\s+(the\s+)?\w+|\bin\s+(\d+|one|two|three)\s+(days?|weeks?|months?)"
    r"|\b(over|across)\s+(the\s+)?(\d+|one|two|three)[- ](day|week|month)|\b\d{4}-\d{2}-\d{2}\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Target:
    metric: str
    value: float
    channel: str | None = None
    due: str | None = None  # ISO date
    unit: str = "count"


@dataclass(frozen=True)
class Finding:
    code: str                # specific_channel, measurable_metric, measurable_number, time_bound, relevant_core,
                             # achievable_rate, achievable_positive
    letter: str              # S, M, A, R or T
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SmartResult:
    findings: list[Finding]
    metrics_found: list[str]
    channels_found: list[str]
    numbers_found: list[str]
    deadline_found: str | None
    missing_core: list[str]

    @property
    def passes(self) -> bool:
        return not self.findings

    @property
    def letters(self) -> dict[str, bool]:
        failed = {f.letter for f in self.findings}
        return {letter: letter not in failed for letter in "SMART"}


def _families(text: str) -> list[str]:
    low = text.lower()
    return [fam for fam, words in METRIC_WORDS.items() if any(w in low for w in words)]


def check(goal: str, *, kind: str = "other", targets: Sequence[Target] = (),
          campaign_channels: Sequence[str] = ()) -> SmartResult:
    """Check a goal statement (and the campaign's KPI targets) against the SMART rule."""
    text = goal or ""
    low = text.lower()
    families = _families(text)
    target_families = [TARGET_FAMILY[t.metric] for t in targets if t.metric in TARGET_FAMILY]
    channels = [w for w in CHANNEL_WORDS if w in low]
    deadline_match = DEADLINE.search(text)
    # A number counts as a goal figure only outside the deadline words ("within 3 days").
    rest = text if deadline_match is None else text[:deadline_match.start()] + " " + text[deadline_match.end():]
    numbers = [m.group(0).strip() for m in NUMBER.finditer(rest) if m.group(0).strip()]
    findings: list[Finding] = []

    if not channels and not any(t.channel for t in targets):
        findings.append(Finding("specific_channel", "S"))
    if not families and not target_families:
        findings.append(Finding("measurable_metric", "M"))
    if not numbers and not targets:
        findings.append(Finding("measurable_number", "M"))
    if deadline_match is None and not any(t.due for t in targets):
        findings.append(Finding("time_bound", "T"))
    covered = set(families) | set(target_families)
    missing = [m for m in CORE_METRICS.get(kind, ()) if m not in covered]
    if missing:
        findings.append(Finding("relevant_core", "R", {"missing": ",".join(missing)}))
    for t in targets:
        if t.value <= 0:
            findings.append(Finding("achievable_positive", "A", {"metric": t.metric}))
        elif t.unit == "percent" and t.value > 100:
            findings.append(Finding("achievable_rate", "A", {"metric": t.metric, "value": f"{t.value:g}"}))
    return SmartResult(findings, families, channels, numbers,
                       deadline_match.group(0) if deadline_match else None, missing)


# ---- suggested rewrite --------------------------------------------------------------------------

# The KPI metric that stands for a family when the campaign has no target for it yet.
FAMILY_METRIC = {
    "exposure": "impressions", "conversion": "cvr", "engagement": "engagements", "favourability": "favourability",
    "gmv": "gmv", "roas": "roas", "visitors": "store_visitors", "leads": "leads",
}
FAMILY_UNIT = {"conversion": "percent", "favourability": "percent", "gmv": "money", "roas": "ratio"}


@dataclass(frozen=True)
class RewriteItem:
    metric: str                  # a KPI metric code (kpis.Metric)
    value: float | None          # None: no target yet, the user fills the number in
    unit: str = "count"
    channel: str | None = None   # channel name as shown to the user
    lower_is_better: bool = False


@dataclass(frozen=True)
class Rewrite:
    """The pieces of a SMART sentence; the interface words them in the user's language."""

    items: list[RewriteItem]
    channels: list[str]
    deadline: str | None         # ISO date


def rewrite(*, kind: str = "other", targets: Sequence[Target] = (), channels: Sequence[str] = (),
            end_date: str | None = None, lower_is_better: Sequence[str] = (), limit: int = 4) -> Rewrite:
    """What a SMART version of the goal names, built from what is known about the campaign.

    Items: the KPI targets (core metrics of the campaign type first, then the rest, at most `limit`), plus a
    blank item for every core metric family no target covers. Channels: the targets' channels, then the
    campaign's. Deadline: the campaign's end date, else the latest target due date.
    """
    core = CORE_METRICS.get(kind, ())

    def rank(t: Target) -> int:
        family = TARGET_FAMILY.get(t.metric)
        return core.index(family) if family in core else len(core)

    ordered = sorted(targets, key=rank)  # stable: the campaign's order within a rank
    items = [RewriteItem(t.metric, t.value, t.unit, t.channel, t.metric in lower_is_better)
             for t in ordered[:limit]]
    covered = {TARGET_FAMILY.get(t.metric) for t in targets}
    items += [RewriteItem(FAMILY_METRIC[f], None, FAMILY_UNIT.get(f, "count")) for f in core if f not in covered]
    named: list[str] = []
    for name in [t.channel for t in ordered[:limit] if t.channel] + list(channels):
        if name and name not in named:
            named.append(name)
    dues = sorted(t.due for t in targets if t.due)
    return Rewrite(items, named, end_date or (dues[-1] if dues else None))


def compact_number(value: float, *, chinese: bool) -> str:
    """500000 → "500k" (English) or "50万" (Chinese); 12000000 → "12M" / "1200万"; small numbers as they are."""
    def fmt(x: float) -> str:
        return f"{x:,.2f}".rstrip("0").rstrip(".") if x != int(x) else f"{int(x):,}"

    sign, v = ("-" if value < 0 else ""), abs(value)
    if chinese:
        if v >= 100_000_000:
            return sign + fmt(v / 100_000_000).replace(",", "") + "亿"
        if v >= 10_000:
            return sign + fmt(v / 10_000).replace(",", "") + "万"
        return sign + fmt(v)
    if v >= 1_000_000_000:
        return sign + fmt(v / 1_000_000_000) + "B"
    if v >= 1_000_000:
        return sign + fmt(v / 1_000_000) + "M"
    if v >= 10_000:
        return sign + fmt(v / 1_000) + "k"
    return sign + fmt(v)
