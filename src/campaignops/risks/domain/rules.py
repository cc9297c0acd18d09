"""Pure rules of the risk register and the issue log (no Django)."""

from __future__ import annotations

import datetime as dt

# Default response windows per issue severity (hours). The seed: "a replacement must be found
# within 24 hours"; complaints "respond within 24 hours".
RESPONSE_HOURS = {"critical": 4, "high": 24, "medium": 24, "low": 72}


def response_deadline(reported_at: dt.datetime, severity: str, hours: int | None = None) -> dt.datetime:
    """When the first answer is due: `hours` if given, else the severity's default window."""
    return reported_at + dt.timedelta(hours=hours if hours is not None else RESPONSE_HOURS.get(severity, 24))


def risk_score(probability: int, impact: int) -> int:
    """Probability × impact on 1–5 scales (1–25)."""
    if not (1 <= probability <= 5 and 1 <= impact <= 5):
        raise ValueError("probability and impact are on a 1–5 scale")
    return probability * impact


def risk_level(score: int) -> str:
    """low (1–4), medium (5–9), high (10–16), critical (17–25)."""
    if score >= 17:
        return "critical"
    if score >= 10:
        return "high"
    if score >= 5:
        return "medium"
    return "low"


def clock_state(now: dt.datetime, deadline: dt.datetime, resolved_at: dt.datetime | None,
                warn_within: dt.timedelta = dt.timedelta(hours=4)) -> str:
    """The response clock: 'met' / 'missed' once resolved; otherwise 'overdue', 'due_soon' or 'running'."""
    if resolved_at is not None:
        return "met" if resolved_at <= deadline else "missed"
    if now > deadline:
        return "overdue"
    if deadline - now <= warn_within:
        return "due_soon"
    return "running"
