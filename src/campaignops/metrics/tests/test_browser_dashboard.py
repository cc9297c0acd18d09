"""In a real browser: the demo's dashboard (cards, chart, funnel, channels), and a number posted through
the bulk API appearing on the open page without a reload; the stand-up's "KPIs behind" card."""

import json
import os

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("DASHBOARD_SCREENSHOTS", "")


@pytest.mark.django_db(transaction=True)
def test_posted_number_appears_without_reload(page_as, demo, api_token):
    token = api_token("sales")
    page = page_as("lead")
    page.goto(page.url_for(f"/campaigns/{demo.pk}/dashboard/?as_of=2024-06-16"))
    expect(page.locator(".dash-kpi")).to_have_count(6)
    expect(page.locator("#dash-chart canvas")).to_have_count(1)            # ECharts drew the chart
    expect(page.locator("[data-step=conversions][data-weakest=true]")).to_be_visible()
    visitors = page.locator("tr[data-channel=offline] td").nth(9)
    expect(visitors).to_have_text("350")                                    # 168 + 182 by 16 June
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/dashboard-en.png", full_page=True)
    page.evaluate("window.__stillHere = true")

    response = page.request.post(
        page.url_for(f"/api/v1/campaigns/{demo.pk}/metrics"),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                 "Idempotency-Key": "browser-test-1"},
        data=json.dumps({"observations": [{"day": "2024-06-16", "channel": "pop-up", "metric": "store_visitors",
                                           "value": "1182"}]}))
    assert response.status == 201, response.text()

    expect(visitors).to_have_text("1,350", timeout=10_000)                  # within 10 s, no reload
    assert page.evaluate("window.__stillHere") is True
    expect(page.locator("#dash-updated")).to_contain_text("Updated")


@pytest.mark.django_db(transaction=True)
def test_dashboard_in_chinese_and_the_standup_card(page_as, demo):
    page = page_as("viewer", lang="zh-hans")
    page.goto(page.url_for(f"/campaigns/{demo.pk}/dashboard/?as_of=2024-06-15"))
    expect(page.locator("#dash-chart canvas")).to_have_count(1)
    page.select_option("#dash-chart-pick", index=1)
    expect(page.locator("#dash-chart canvas")).to_have_count(1)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/dashboard-zh.png", full_page=True)
    page.goto(page.url_for(f"/campaigns/{demo.pk}/standup/"))
    card = page.locator("#su-kpis-body")
    expect(card.locator(".su-item").first).to_be_visible()
    if SHOTS:
        card.locator("xpath=../..").screenshot(path=f"{SHOTS}/standup-kpis.png")


@pytest.mark.django_db(transaction=True)
def test_measure_an_adjustment_from_the_log(page_as, demo):
    from campaignops.risks.models import StrategyAdjustment

    adj = StrategyAdjustment.objects.get(campaign=demo, kpi_target__metric="cvr")   # the demo's, 16 June, Douyin
    page = page_as("lead")
    page.goto(page.url_for(f"/campaigns/{demo.pk}/adjustments/"))
    row = page.locator(f"#a{adj.pk}")
    row.locator(".js-measure").click()
    expect(row.locator(".adjustment-effect")).to_be_visible()
    expect(row).to_contain_text("Conversion rate:")
    adj.refresh_from_db()
    assert adj.effect_before is not None and adj.effect_after is not None
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/adjustments.png", full_page=True)
