"""A finished campaign with known numbers: the demo campaign (June 2024) with its plan done (the
warm-up two days late), its observations replaced by a constructed set, both issues resolved (one
late), and the weather risk triggered.

Observations (default attribution):
  xiaohongshu: impressions 300,000 (+ one hourly row the whole-day row overrides), clicks 6,000 (hourly
               only), conversions 240, spend 12,000          → cost per conversion 50
  douyin:      impressions 300,000, clicks 9,000 (1,500 a day 06-13..06-18), conversions 300
               (45 a day before the 06-16 adjustment, 55 a day from it), spend 30,000, live views 120,000
                                                              → cost per conversion 100
  pop-up:      conversions 60, spend 9,000, store visitors 450 → cost per conversion 150
  all:         reviews 210, orders 500, complaints 4
Totals: impressions 600,000 (120 % of 500,000), CTR 15,000 / 600,000 = 2.5 %, CVR 600 / 15,000 = 4 %
(80 % of 5 %: the weakest step is clicks → conversions, 1 percentage point short); live views 120 %;
store visitors 90 % (nearly met); reviews 105 %; complaint rate 0.8 % against ≤ 1 % (125 %).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest

CST = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2024, 7, 2, 10, 0, tzinfo=CST)     # two days after the end: the nag window
D = dt.date


def _obs(campaign, channel, metric, day, value, hour=-1):
    from campaignops.metrics.models import Observation

    return Observation(campaign=campaign, channel=channel, metric=metric, day=day, hour=hour,
                       value=Decimal(value), currency="CNY")


@pytest.fixture
def finished(demo, users):
    from campaignops.campaigns.models import Channel
    from campaignops.metrics.models import Observation
    from campaignops.metrics.selectors import forget_cells
    from campaignops.planning.models import BaselineTask, Task
    from campaignops.reports.models import Report
    from campaignops.risks.models import Issue, Risk

    Report.objects.filter(campaign=demo).delete()      # the demo's drafts: each test generates its own
    ch = {c.code: c for c in Channel.objects.filter(code__in=["xiaohongshu", "douyin", "pop-up"])}
    xhs, dy, pop = ch["xiaohongshu"], ch["douyin"], ch["pop-up"]
    Observation.objects.filter(campaign=demo).delete()
    day = D(2024, 6, 15)
    rows = [
        _obs(demo, xhs, "impressions", day, 300000), _obs(demo, xhs, "impressions", day, 1000, hour=10),
        _obs(demo, xhs, "clicks", D(2024, 6, 16), 2000, hour=10), _obs(demo, xhs, "clicks", D(2024, 6, 16), 4000, hour=11),
        _obs(demo, xhs, "conversions", day, 240), _obs(demo, xhs, "spend", day, 12000),
        _obs(demo, dy, "impressions", day, 300000), _obs(demo, dy, "spend", day, 30000),
        _obs(demo, dy, "live_views", day, 120000),
        _obs(demo, pop, "conversions", day, 60), _obs(demo, pop, "spend", day, 9000),
        _obs(demo, pop, "store_visitors", day, 450),
        _obs(demo, xhs, "reviews", D(2024, 6, 20), 210), _obs(demo, xhs, "orders", day, 500),
        _obs(demo, xhs, "complaints", D(2024, 6, 20), 4),
    ]
    for i, d in enumerate(D(2024, 6, 13) + dt.timedelta(days=k) for k in range(6)):
        rows.append(_obs(demo, dy, "clicks", d, 1500))
        rows.append(_obs(demo, dy, "conversions", d, 45 if i < 3 else 55))
    Observation.objects.bulk_create(rows)
    forget_cells()     # written without an import batch: the metrics cache would not notice
    # The plan: everything done; the warm-up row ended two days after its baseline.
    Task.objects.filter(campaign=demo).update(status="done", percent_complete=100)
    warm = Task.objects.get(campaign=demo, phase__kind="warm_up")
    base = BaselineTask.objects.get(task=warm)
    Task.objects.filter(pk=warm.pk).update(end_date=base.end_date + dt.timedelta(days=2))
    # Issues: the network one solved in 6.5 h (deadline 4 h after → late? see below), the shelf one.
    issues = list(Issue.objects.filter(campaign=demo).order_by("reported_at"))
    first, second = issues
    Issue.objects.filter(pk=first.pk).update(response_deadline=first.reported_at + dt.timedelta(hours=8),
                                             resolved_at=first.reported_at + dt.timedelta(hours=6, minutes=30),
                                             status="resolved")
    Issue.objects.filter(pk=second.pk).update(response_deadline=second.reported_at + dt.timedelta(hours=4),
                                              resolved_at=second.reported_at + dt.timedelta(hours=10),
                                              status="resolved", solution="先用备用展架")
    weather = Risk.objects.get(campaign=demo, category="weather")
    Risk.objects.filter(pk=weather.pk).update(status="triggered", triggered_at=dt.datetime(2024, 6, 16, 8, 0, tzinfo=CST))
    demo.refresh_from_db()
    return demo
