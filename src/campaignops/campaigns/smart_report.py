"""The SMART check of a campaign's goal, worded in the user's language: findings and a suggested rewrite.

The rules live in domain/smart.py (pure); this module feeds them the campaign and turns codes into sentences.
"""

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from .domain import smart
from .kpis import Metric
from .models import Campaign, Direction, KpiTarget

LETTER_NAMES = {"S": _("Specific"), "M": _("Measurable"), "A": _("Achievable"), "R": _("Relevant"),
                "T": _("Time-bound")}
FAMILY_NAMES = {
    "exposure": _("exposure"), "conversion": _("conversion"), "engagement": _("engagement"),
    "favourability": _("favourability"), "gmv": _("GMV"), "roas": _("ROAS"), "visitors": _("visitors"),
    "leads": _("leads"),
}
MESSAGES = {
    "specific_channel": _("Say where it happens: name the channels (e.g. Xiaohongshu, Douyin, the pop-up store)."),
    "measurable_metric": _("Name a metric that can be counted, such as exposures, conversion rate or GMV."),
    "measurable_number": _("Give a number to reach (e.g. 500k exposures, a 5%% conversion rate)."),
    "time_bound": _("Give a deadline (e.g. “within 3 days”, “by 30 June”)."),
    "relevant_core": _("For this type of campaign the goal should also cover: %(missing)s."),
    "achievable_positive": _("The target for %(metric)s must be above zero."),
    "achievable_rate": _("The target for %(metric)s is %(value)s%%: a rate cannot exceed 100%%."),
}


def _chinese() -> bool:
    return (get_language() or "").startswith("zh")


def _value(item: smart.RewriteItem, currency: str) -> str:
    if item.value is None:
        return "___"
    if item.unit == "percent":
        return f"{item.value:g}%"
    if item.unit == "ratio":
        return f"{item.value:g}"
    number = smart.compact_number(item.value, chinese=_chinese())
    return f"{number} {currency}" if item.unit == "money" else number


def _phrase(item: smart.RewriteItem, currency: str) -> str:
    values = {"metric": str(Metric(item.metric).label).lower() if not _chinese() else Metric(item.metric).label,
              "value": _value(item, currency), "channel": item.channel or ""}
    if item.lower_is_better:
        return gettext("%(metric)s at most %(value)s") % values
    if item.channel:
        return gettext("%(value)s %(metric)s on %(channel)s") % values
    return gettext("%(value)s %(metric)s") % values


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return gettext("%(items)s and %(last)s") % {"items": gettext(", ").join(parts[:-1]), "last": parts[-1]}


def targets_of(campaign: Campaign) -> list[smart.Target]:
    """The campaign's KPI targets for the pure check (uses the prefetched rows when there are any)."""
    return [smart.Target(t.metric, float(t.target_value), channel=t.channel.name if t.channel_id else None,
                         due=t.due_date.isoformat() if t.due_date else None, unit=t.unit)
            for t in campaign.kpi_targets.all()]


def rewrite_sentence(campaign: Campaign, targets: list[smart.Target]) -> str:
    lower = [t.metric for t in campaign.kpi_targets.all() if t.direction == Direction.LOWER]
    parts = smart.rewrite(kind=campaign.kind, targets=targets, channels=[c.name for c in campaign.channels.all()],
                          end_date=campaign.end_date.isoformat() if campaign.end_date else None,
                          lower_is_better=lower)
    values = {
        "deadline": date_format(campaign.end_date, "DATE_FORMAT") if campaign.end_date else "",
        "channels": _join(parts.channels),
        "targets": _join([_phrase(item, campaign.currency) for item in parts.items]),
    }
    if not parts.items:
        return ""
    if parts.channels:
        return gettext("By %(deadline)s, through %(channels)s, reach %(targets)s.") % values
    return gettext("By %(deadline)s, reach %(targets)s.") % values


def _findings(findings: list[smart.Finding]) -> list[dict]:
    out = []
    for f in findings:
        params = dict(f.params)
        if "missing" in params:
            params["missing"] = _join([str(FAMILY_NAMES.get(m, m)) for m in params["missing"].split(",")])
        if "metric" in params and params["metric"] in Metric.values:
            params["metric"] = Metric(params["metric"]).label
        out.append({"code": f.code, "letter": f.letter, "letter_name": LETTER_NAMES[f.letter],
                    "message": MESSAGES[f.code] % params})
    return out


def smart_report(campaign: Campaign, *, goal: str | None = None) -> dict:
    """Findings and suggested rewrite for `goal` (default: the stored goal statement) of `campaign`.

    `findings`: what neither the sentence nor the KPI targets say (the SMART verdict). `wording_gaps`: what
    the KPI targets cover but the sentence itself leaves out. A rewrite is suggested when either is non-empty.
    Uses the campaign's prefetched channels and KPI targets, else loads them (two queries)."""
    prefetch_related_objects([campaign], "channels", Prefetch(
        "kpi_targets", queryset=KpiTarget.objects.select_related("channel").order_by("id")))
    text = campaign.goal_statement if goal is None else goal
    targets = targets_of(campaign)
    channels = [c.code for c in campaign.channels.all()]
    result = smart.check(text, kind=campaign.kind, targets=targets, campaign_channels=channels)
    wording = smart.check(text, kind=campaign.kind, campaign_channels=channels)
    failed = {f.code for f in result.findings}
    gaps = [f for f in wording.findings if f.code not in failed]
    suggestion = "" if result.passes and not gaps else rewrite_sentence(campaign, targets)
    if suggestion == text.strip():
        suggestion = ""
    gap_letters = {f.letter for f in gaps}
    letters = [(k, LETTER_NAMES[k], "miss" if not ok else "gap" if k in gap_letters else "ok")
               for k, ok in result.letters.items()]
    return {"passes": result.passes, "letters": letters,
            "findings": _findings(result.findings), "wording_gaps": _findings(gaps), "rewrite": suggestion,
            "rewrite_has_blanks": "___" in suggestion,
            "goal": text}
