"""A small constructed campaign for the dashboard tests: the seed's phases, three channels (two online,
the pop-up store offline), five KPI targets and a week and a half of numbers with every trap the sums
must avoid (hourly rows, a day sent both ways, another attribution variant)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from campaignops.campaigns.models import Campaign, Channel, KpiTarget, Membership
from campaignops.campaigns.services import channels_ensure_builtin
from campaignops.metrics.models import WHOLE_DAY
from campaignops.metrics.services import observations_write
from campaignops.planning.models import Phase

D = dt.date
TODAY = D(2024, 6, 16)
PHASES = [("preparation", D(2024, 6, 1), D(2024, 6, 7)), ("warm_up", D(2024, 6, 8), D(2024, 6, 14)),
          ("burst", D(2024, 6, 15), D(2024, 6, 17)), ("continuation", D(2024, 6, 18), D(2024, 6, 23)),
          ("review", D(2024, 6, 24), D(2024, 6, 30))]


def numbers() -> dict[tuple, Decimal]:
    """{(channel code, metric, day, hour, attribution): value}."""
    v: dict[tuple, Decimal] = {}
    for day in range(8, 15):  # warm-up on Xiaohongshu
        d = D(2024, 6, day)
        for metric, value in (("impressions", 20000), ("clicks", 400), ("conversions", 12), ("spend", 1000)):
            v["xiaohongshu", metric, d, WHOLE_DAY, ""] = Decimal(value)
    d15, d16 = D(2024, 6, 15), D(2024, 6, 16)
    v["douyin", "impressions", d15, 10, ""] = Decimal(30000)     # hourly only: the day is their sum
    v["douyin", "impressions", d15, 11, ""] = Decimal(30000)
    v["douyin", "impressions", d16, WHOLE_DAY, ""] = Decimal(50000)
    v["douyin", "impressions", d16, 9, ""] = Decimal(999)        # the whole-day row wins over hours
    for metric, a, b in (("clicks", 1200, 1000), ("conversions", 30, 26), ("spend", "5000.50", "3999.50"),
                         ("revenue", 9000, 7000), ("orders", 30, 26)):
        v["douyin", metric, d15, WHOLE_DAY, ""] = Decimal(a)
        v["douyin", metric, d16, WHOLE_DAY, ""] = Decimal(b)
    v["douyin", "complaints", d16, WHOLE_DAY, ""] = Decimal(1)
    v["douyin", "conversions", d15, WHOLE_DAY, "7d_click"] = Decimal(99)  # another attribution: not counted
    v["pop-up", "store_visitors", d15, WHOLE_DAY, ""] = Decimal(120)
    v["pop-up", "store_visitors", d16, WHOLE_DAY, ""] = Decimal(150)
    v["pop-up", "spend", d15, WHOLE_DAY, ""] = Decimal(2000)
    v["douyin", "impressions", D(2024, 6, 17), WHOLE_DAY, ""] = Decimal(70000)  # after "today": not counted
    return v


def build(users: dict) -> Campaign:
    channels_ensure_builtin()
    ch = {c.code: c for c in Channel.objects.all()}
    campaign = Campaign.objects.create(name="Dashboard test", start_date=D(2024, 6, 1), end_date=D(2024, 6, 30),
                                       currency="CNY", time_zone="Asia/Shanghai")
    campaign.channels.set([ch["xiaohongshu"], ch["douyin"], ch["pop-up"]])
    for name, role in (("lead", "lead"), ("sales", "execution"), ("viewer", "viewer")):
        Membership.objects.create(campaign=campaign, user=users[name], role=role)
    for i, (kind, start, end) in enumerate(PHASES, start=1):
        Phase.objects.create(campaign=campaign, kind=kind, name=kind, order=i, start_date=start, end_date=end)
    burst_end, wrap_end = D(2024, 6, 17), D(2024, 6, 23)
    for metric, label, channel, value, unit, direction, due in [
        ("impressions", "Exposures", None, 500000, "count", "higher", burst_end),
        ("cvr", "Conversion", None, 5, "percent", "higher", burst_end),
        ("store_visitors", "Store visitors", "pop-up", 500, "count", "higher", burst_end),
        ("complaint_rate", "Complaint rate", None, 1, "percent", "lower", wrap_end),
        ("gmv", "GMV", None, 50000, "money", "higher", wrap_end),
    ]:
        KpiTarget.objects.create(campaign=campaign, metric=metric, label=label, channel=ch.get(channel),
                                 target_value=Decimal(value), unit=unit, direction=direction, due_date=due)
    observations_write(campaign=campaign, values=numbers(), source="api", actor=users["lead"])
    return campaign
