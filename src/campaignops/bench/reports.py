"""The Effect Summary of a 500-task campaign with 1,000,000 observations: the summary page (Client,
signed in: facts from every app, the drafted text, three charts) and its PDF, against the raw SQL
aggregate the facts start from (the GROUP BY over the observations alone), measured in the same run.

"Cold" empties the metrics app's cell cache and the chart cache before each request (what the first
view after new numbers costs: the GROUP BY over all observations runs again); "data unchanged" is a
page viewed again while no numbers were written (the cells come from the metrics app's cache, keyed
by its change token). The page's charts are images of their own, drawn after the page (cached per data);
"page + chart images" adds them, fetched one after the other (no target: a browser fetches them in
parallel while the page shows). Targets: the page below 3 s, the PDF below 10 s."""

from __future__ import annotations

import datetime as dt
import random
import time

from django.db import connection
from django.test import Client

from . import Result, median_time

TASKS = 500
CHANNELS = 10
METRICS = ("impressions", "clicks", "conversions", "spend", "revenue", "live_views", "store_visitors", "orders",
           "reviews", "complaints")
DAYS = 417          # 10 channels × 10 metrics × 417 days × 24 hours ≈ 1,000,000 rows
START = dt.date(2024, 1, 1)


def build_campaign():
    from campaignops.campaigns.models import Campaign, Channel, KpiTarget
    from campaignops.planning.demo import load_demo
    from campaignops.planning.models import Phase, Task
    from campaignops.reports import services

    demo, _ = load_demo()
    lead = demo.memberships.get(user__username="lead").user
    end = START + dt.timedelta(days=DAYS - 1)
    Campaign.objects.filter(pk=demo.pk).update(start_date=START, end_date=end)
    demo.refresh_from_db()
    demo.phases.all().delete()
    phases = [Phase.objects.create(campaign=demo, name=f"阶段 {p + 1}", kind="custom", order=p + 1,
                                   start_date=START + dt.timedelta(days=42 * p),
                                   end_date=min(end, START + dt.timedelta(days=42 * p + 41))) for p in range(10)]
    rnd = random.Random(6)
    Task.objects.bulk_create([Task(campaign=demo, phase=phases[n % 10], order=n, title=f"任务 {n}",
                                   start_date=phases[n % 10].start_date, end_date=phases[n % 10].end_date,
                                   status=rnd.choice(["done", "done", "done", "delayed", "in_progress"]))
                              for n in range(TASKS)])
    channels = list(Channel.objects.order_by("id")[:CHANNELS])
    KpiTarget.objects.create(campaign=demo, metric="clicks", target_value=10**8, label="点击")
    rows = ((demo.pk, c.pk, m, (START + dt.timedelta(days=d)).isoformat(), h, rnd.randint(1, 1000), "file", "", "",
             "CNY") for c in channels for m in METRICS for d in range(DAYS) for h in range(24))
    sql = ("INSERT INTO metrics_observation (campaign_id, channel_id, metric, day, hour, value, source, platform, "
           "attribution, currency) VALUES ({})")
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":      # the driver's own executemany: no per-row wrapper work
            connection.connection.executemany(sql.format(", ".join("?" * 10)), rows)
        else:
            cur.executemany(sql.format(", ".join(["%s"] * 10)), list(rows))
    services.report_generate(campaign=demo, kind="summary", actor=lead)
    return demo, lead


def raw_aggregate(campaign_id: int) -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT channel_id, metric, day, SUM(CASE WHEN hour = -1 THEN value END), "
                    "SUM(CASE WHEN hour >= 0 THEN value END) FROM metrics_observation "
                    "WHERE campaign_id = %s AND attribution = '' GROUP BY channel_id, metric, day", [campaign_id])
        return len(cur.fetchall())


def run() -> list[Result]:
    from campaignops.metrics.selectors import forget_cells
    from campaignops.reports.renderers import charts

    t0 = time.perf_counter()
    campaign, lead = build_campaign()
    n = connection.cursor().execute("SELECT COUNT(*) FROM metrics_observation").fetchone()[0]
    print(f"   built: {n:,} observations, {TASKS} tasks in {time.perf_counter() - t0:.0f} s", flush=True)
    client = Client()
    client.force_login(lead)
    page_url = f"/campaigns/{campaign.pk}/reports/summary/"
    pdf_url = f"/campaigns/{campaign.pk}/reports/summary/draft.pdf"
    for url in (page_url, pdf_url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    assert raw_aggregate(campaign.pk) == CHANNELS * len(METRICS) * DAYS
    def cold(url):
        """As after new numbers arrive: the metrics app's cells and the drawn charts forgotten."""
        forget_cells()
        charts._png_cached.cache_clear()
        return client.get(url)

    chart_urls = [f"/campaigns/{campaign.pk}/reports/summary/charts/{key}.png" for key in ("kpis", "channels")]
    html = client.get(page_url).content.decode()
    assert all(url in html for url in chart_urls), "the page links its charts"

    def with_charts():
        """The page and its chart images, one after the other (a browser fetches the images in parallel)."""
        cold(page_url)
        for url in chart_urls:
            assert client.get(url).status_code == 200

    base = median_time(lambda: raw_aggregate(campaign.pk), repeat=3)
    page_cold = median_time(lambda: cold(page_url), repeat=3)
    page = median_time(lambda: client.get(page_url), repeat=5)
    full = median_time(with_charts, repeat=3)
    pdf = median_time(lambda: cold(pdf_url), repeat=3)
    label = f"{TASKS} tasks, {n // 1000:,}k obs."
    what = "raw SQL GROUP BY of the observations"
    return [Result(f"summary page, cold ({label})", page_cold, what, base, max_seconds=3.0),
            Result(f"summary page, data unchanged ({label})", page, what, base, max_seconds=3.0),
            Result(f"summary page + chart images, cold ({label})", full, what, base),
            Result(f"summary PDF, cold ({label})", pdf, what, base, max_seconds=10.0)]
