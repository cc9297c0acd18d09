"""Pure rules of the Resource Preparation List and of receipt files (no Django)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

AT_RISK_DAYS = 3          # needed within this many days and not received yet: at risk
DONE_STATUSES = ("received", "ready")


class Risk(StrEnum):
    LATE = "late"          # past its needed-by date and not received
    SOON = "soon"          # needed within AT_RISK_DAYS and not received


def material_risk(status: str, needed_by: dt.date | None, today: dt.date,
                  horizon: int = AT_RISK_DAYS) -> Risk | None:
    """Whether a material threatens the plan: None once received (or with no date)."""
    if needed_by is None or status in DONE_STATUSES:
        return None
    if needed_by < today:
        return Risk.LATE
    if (needed_by - today).days <= horizon:
        return Risk.SOON
    return None


RECEIPT_TYPES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}


def sniff_receipt(head: bytes) -> str | None:
    """The receipt's type from its first bytes (PDF, JPEG or PNG), None for anything else —
    whatever its name or declared type says."""
    for content_type, magics in RECEIPT_TYPES.items():
        if head.startswith(magics):
            return content_type
    return None
