"""The dashboard endpoint over 1,000,000 observations against the raw SQL of the same aggregates.

One campaign of 400 days holds every observation: 10 channels × 10 metrics × 400 days, each day sent
both as a whole-day row and as 24 hourly rows (the sums must pick the whole-day row), so 25 rows per
(channel, metric, day) and 1,000,000 in all, written with executemany. The campaign has the seed's
KPI targets (counts, rates, a channel-scoped one) and five phases.

Measured, all through Django's test Client signed in (so both pay for the middleware and the JSON):
- raw SQL: the one GROUP BY (channel, metric, day) the board needs, through a cursor, fetchall();
- cold: GET /api/v1/campaigns/{id}/dashboard after new numbers arrived (the cells cache is emptied
  before each call): SQL + KPI math + channels + funnel + series + JSON. Target ≤ 1.5× the raw SQL;
- warm: the same GET while nothing changed (what the 5-second polls and page loads hit): p95 < 50 ms;
- the "changed since" probe the open pages poll: p95 < 50 ms.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from decimal import Decimal

from django.db import connection, transaction
from django.test import Client

from . import Result, median_time

CHANNELS = 10
METRICS = ("impressions", "clicks", "conversions", "orders", "revenue", "spend", "store_visitors", "live_views",
           "reviews", "complaints")
DAYS = 400
START = dt.date(2024, 1, 1)
RAW_SQL = ("SELECT channel_id, metric, day, SUM(CASE WHEN hour = -1 THEN value END), "
           "SUM(CASE WHEN hour >= 0 THEN value END) FROM metrics_observation "
           "WHERE campaign_id = %s AND attribution = '' GROUP BY channel_id, metric, day")


def build():
    from campaignops.campaigns.models import Campaign, Channel, KpiTarget, Membership
    from campaignops.campaigns.services import channels_ensure_builtin
    from campaignops.metrics.models import ImportBatch
    from campaignops.planning.demo import load_demo
    from campaignops.planning.models import Phase

    demo, _ = load_demo()
    lead = demo.lead
    channels_ensure_builtin()
    channels = list(Channel.objects.order_by("id")[:CHANNELS])
    end = START + dt.timedelta(days=DAYS - 1)
    campaign = Campaign.objects.create(name="Bench dashboard", start_date=START, end_date=end, lead=lead)
    campaign.channels.set(channels)
    Membership.objects.create(campaign=campaign, user=lead, role="lead")
    step = DAYS // 5
    for i, kind in enumerate(("preparation", "warm_up", "burst", "continuation", "review")):
        Phase.objects.create(campaign=campaign, kind=kind, name=kind, order=i + 1,
                             start_date=START + dt.timedelta(days=i * step),
                             end_date=min(START + dt.timedelta(days=(i + 1) * step - 1), end))
    pop_up = next((c for c in channels if not c.online), None)
    for metric, value, unit, direction, channel in (
            ("impressions", 500_000_000, "count", "higher", None), ("cvr", 5, "percent", "higher", None),
            ("live_views", 100_000_000, "count", "higher", channels[1]),
            ("store_visitors", 500_000, "count", "higher", pop_up), ("reviews", 200_000, "count", "higher", None),
            ("complaint_rate", 1, "percent", "lower", None)):
        KpiTarget.objects.create(campaign=campaign, metric=metric, target_value=Decimal(value), unit=unit,
                                 direction=direction, channel=channel, due_date=end - dt.timedelta(days=step))
    ImportBatch.objects.create(campaign=campaign, source="api", state="applied")
    _observations(campaign.pk, [c.pk for c in channels])
    return campaign, lead


def _observations(campaign_id: int, channel_ids: list[int]) -> None:
    sql = ("INSERT INTO metrics_observation (campaign_id, channel_id, metric, day, hour, value, source, batch_id, "
           "platform, attribution, currency) VALUES (%s, %s, %s, %s, %s, %s, 'api', NULL, '', '', '')")
    with transaction.atomic(), connection.cursor() as cursor:
        raw = connection.connection if connection.vendor == "sqlite" else None  # the driver's own executemany
        for n in range(DAYS):
            day = (START + dt.timedelta(days=n)).isoformat()
            rows = []
            for ch in channel_ids:
                for m, metric in enumerate(METRICS):
                    hourly = 1 + (n * 7 + ch * 3 + m) % 50
                    rows.append((campaign_id, ch, metric, day, -1, hourly * 24))
                    rows.extend((campaign_id, ch, metric, day, h, hourly) for h in range(24))
            if raw is not None:
                raw.executemany(sql.replace("%s", "?"), rows)
            else:
                cursor.executemany(sql, rows)


def _p95(fn, repeat: int = 40, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.quantiles(samples, n=20)[-1]


def run() -> list[Result]:
    from campaignops.metrics import selectors
    from campaignops.metrics.models import Observation

    campaign, lead = build()
    assert Observation.objects.filter(campaign=campaign).count() == CHANNELS * len(METRICS) * DAYS * 25
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client()
    client.force_login(lead)
    url = f"/api/v1/campaigns/{campaign.pk}/dashboard"
    probe = f"/api/v1/campaigns/{campaign.pk}/dashboard/changes"

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(RAW_SQL, [campaign.pk])
            return cursor.fetchall()

    def cold():
        selectors.forget_cells()
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        return response

    body = cold().json()
    assert len(raw()) == CHANNELS * len(METRICS) * DAYS
    # the whole-day rows win: 24 × the hourly value, never 48 ×
    assert Decimal(body["channels"][-1]["spend"]) == sum(
        24 * (1 + (n * 7 + ch * 3 + 5) % 50) for n in range(DAYS)
        for ch in [c.pk for c in campaign.channels.order_by("id")])
    raw_s = median_time(raw, repeat=7, warmup=1)
    cold_s = median_time(cold, repeat=7, warmup=1)
    client.get(url)
    warm_p95 = _p95(lambda: client.get(url))
    token = body["token"]
    probe_p95 = _p95(lambda: client.get(probe, {"since": token}))
    return [
        Result("dashboard endpoint, 1M obs., cold (median)", cold_s, "raw SQL of the same aggregates", raw_s,
               max_ratio=1.5),
        Result("dashboard endpoint, 1M obs., warm (p95)", warm_p95, "raw SQL of the same aggregates", raw_s,
               max_seconds=0.050),
        Result("dashboard change probe (p95)", probe_p95, "raw SQL of the same aggregates", raw_s,
               max_seconds=0.050),
    ]
