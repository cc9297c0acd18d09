"""Turn a plan row's free-text risk plan ("达人档期冲突：备选2名素人") into a risk (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass

NONE_WORDS = {"", "无", "none", "n/a", "na", "-", "—", "暂无", "没有"}

CATEGORY_WORDS = [
    ("weather", ("天气", "下雨", "暴雨", "台风", "高温", "weather", "rain", "storm", "typhoon")),
    ("kol_schedule", ("达人", "网红", "博主", "主播", "kol", "koc", "influencer", "档期")),
    ("supply_chain", ("物料", "供应", "到货", "库存", "发货", "material", "supply", "stock", "delivery")),
    ("traffic", ("人流", "客流", "流量", "到访", "foot traffic", "traffic", "visitors")),
    ("technical", ("网络", "设备", "直播卡", "系统", "network", "equipment", "outage", "technical")),
    ("policy", ("政策", "合规", "广告法", "违规", "审核", "policy", "compliance", "regulation")),
    ("competitor", ("竞品", "竞争", "对手", "降价", "competitor", "price cut")),
]


@dataclass(frozen=True)
class ParsedRisk:
    description: str
    contingency_plan: str
    category: str


def guess_category(text: str) -> str:
    low = text.lower()
    for category, words in CATEGORY_WORDS:
        if any(w in low for w in words):
            return category
    return "other"


def parse_risk_plan(text: str) -> ParsedRisk | None:
    """'<risk>：<response>' (full-width or ASCII colon, or ' - ') → a risk; '无' / 'None' → None."""
    cleaned = (text or "").strip()
    if cleaned.lower() in NONE_WORDS:
        return None
    parts = re.split(r"\s*[:：]\s*|\s+[-–—]\s+", cleaned, maxsplit=1)
    if len(parts) == 2 and parts[0] and parts[1]:
        description, plan = parts
    else:
        description, plan = cleaned, ""
    return ParsedRisk(description=description, contingency_plan=plan, category=guess_category(cleaned))
