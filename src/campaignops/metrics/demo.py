"""The seed campaign's numbers, 8–20 June 2024: two platform exports (Douyin through 巨量引擎,
Xiaohongshu through 聚光) and the pop-up store's daily counts typed in by Sales.

The story they tell: exposure runs well ahead of the 500k target, but conversion lags (clicks come,
purchases do not: click → purchase is the weak step, about 2.4 % against the 5 % target); Douyin's
live-stream burst carries the live views past 100k and the pop-up store's 500 visitors come in the three
burst days (15–17 June); reviews follow the first orders and pass 200 by the end of the wrap-up, and
complaints stay under 1 % of orders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

START, END = dt.date(2024, 6, 8), dt.date(2024, 6, 20)
BURST = (dt.date(2024, 6, 15), dt.date(2024, 6, 17))
POP_UP_VISITORS = [168, 182, 175, 71, 66, 80]          # 15–20 June
LIVE_VIEWS = [31_400, 36_150, 39_020, 2_100, 1_850, 1_640]
REVIEWS = [12, 31, 44, 52, 38, 29]
COMPLAINTS = [0, 1, 1, 2, 0, 1]


def _phase(day: dt.date) -> str:
    if day < BURST[0]:
        return "warm_up"
    return "burst" if day <= BURST[1] else "continuation"


def daily_numbers() -> dict[tuple[str, str, dt.date, int, str], Decimal]:
    """{(channel, metric, day, hour, attribution): value} — deterministic, no randomness."""
    out: dict[tuple[str, str, dt.date, int, str], Decimal] = {}
    day, n = START, 0
    while day <= END:
        phase, wobble = _phase(day), (n * 37) % 11 - 5          # -5 … +5, a steady little wobble
        for channel, base, ctr, cpc in (("xiaohongshu", 24_000, Decimal("0.036"), Decimal("1.85")),
                                        ("douyin", 21_000, Decimal("0.024"), Decimal("1.20"))):
            factor = {"warm_up": 1, "burst": 4 if channel == "douyin" else Decimal("1.5"),
                      "continuation": Decimal("1.2")}[phase]
            impressions = int(base * factor * (100 + wobble) / 100)
            clicks = int(impressions * ctr)
            purchases = int(clicks * Decimal("0.024") + Decimal("0.5"))
            spend = (clicks * cpc).quantize(Decimal("0.01"))
            engagements = int(impressions * Decimal("0.052" if channel == "xiaohongshu" else "0.031"))
            for metric, value in (("impressions", impressions), ("reach", int(impressions * Decimal("0.71"))),
                                  ("clicks", clicks), ("engagements", engagements), ("conversions", purchases),
                                  ("orders", purchases), ("revenue", purchases * Decimal("189.00")),
                                  ("spend", spend)):
                out[(channel, metric, day, -1, "")] = Decimal(value)
        if day >= BURST[0]:
            i = (day - BURST[0]).days
            out[("douyin", "live_views", day, -1, "")] = Decimal(LIVE_VIEWS[i])
            out[("pop-up", "store_visitors", day, -1, "")] = Decimal(POP_UP_VISITORS[i])
            out[("pop-up", "orders", day, -1, "")] = Decimal(POP_UP_VISITORS[i] // 6)
            out[("pop-up", "revenue", day, -1, "")] = Decimal(POP_UP_VISITORS[i] // 6) * Decimal("199.00")
            out[("douyin", "reviews", day, -1, "")] = Decimal(REVIEWS[i])
            out[("douyin", "complaints", day, -1, "")] = Decimal(COMPLAINTS[i])
        day += dt.timedelta(days=1)
        n += 1
    return out


def extend_demo(campaign, users) -> None:
    """Idempotent: a campaign that already has numbers is left alone."""
    from .models import Observation, Source
    from .services import observations_write

    if Observation.objects.filter(campaign=campaign).exists():
        return
    numbers = daily_numbers()
    sales = users.get("sales") or users.get("lead")
    for channel, platform, file_name, source in (
            ("douyin", "oceanengine", "巨量引擎_数据报表_20240608-20240620.xlsx", Source.FILE),
            ("xiaohongshu", "xiaohongshu", "聚光_计划数据_0608-0620.csv", Source.FILE),
            ("pop-up", "", "", Source.MANUAL)):
        part = {k: v for k, v in numbers.items() if k[0] == channel}
        observations_write(campaign=campaign, values=part, source=source, actor=sales, platform=platform,
                           file_name=file_name)
