"""The overview's phase strip and progress figures (pure Python, no Django)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Segment:
    """Where one phase sits on the strip, in percent of the whole period (as plain strings for CSS)."""

    index: int
    left: str
    width: str
    days: int
    state: str  # "past", "current" or "future"


@dataclass(frozen=True)
class Strip:
    segments: list[Segment]
    today: str | None  # position of today's marker, None when today is outside the period
    state: str          # "before", "during" or "after" the period


def _pct(value: float) -> str:
    return f"{max(0.0, min(100.0, value)):.3f}"


def phase_strip(period: Span, phases: list[Span], today: dt.date) -> Strip:
    """Lay phases out proportionally on one line covering the period (widened to fit every phase)."""
    first = min([period.start, *(p.start for p in phases)])
    last = max([period.end, *(p.end for p in phases)])
    total = (last - first).days + 1
    segments = []
    for i, span in enumerate(phases):
        state = "past" if span.end < today else "current" if span.start <= today else "future"
        segments.append(Segment(index=i, left=_pct((span.start - first).days / total * 100),
                                width=_pct(span.days / total * 100), days=span.days, state=state))
    inside = first <= today <= last
    marker = _pct(((today - first).days + 0.5) / total * 100) if inside else None
    state = "during" if inside else "before" if today < first else "after"
    return Strip(segments=segments, today=marker, state=state)


def percent(part: int, whole: int) -> int:
    """Whole percent, 0 when there is nothing to count."""
    return round(part * 100 / whole) if whole else 0


def window_label(start: dt.date, end: dt.date) -> str:
    """A time window the way the seed's plan writes it: 2026-06-01 ~ 06-05 (one day: 2026-06-12)."""
    if start == end:
        return start.isoformat()
    tail = end.strftime("%m-%d") if end.year == start.year else end.isoformat()
    return f"{start.isoformat()} ~ {tail}"
