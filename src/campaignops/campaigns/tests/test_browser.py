"""Campaign pages in a real browser (Debian's chromium through Playwright; CSP violations fail)."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from campaignops.campaigns.models import Campaign, KpiTarget, Membership
from campaignops.planning.models import PlanTemplate

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_lead_creates_a_campaign_from_the_seed_template_in_chinese_and_sees_its_phases(page_as, demo):
    page = page_as("lead", lang="zh-hans")
    page.goto(page.url_for("/campaigns/new/"))
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    zh_template = PlanTemplate.objects.get(language="zh-hans")
    assert page.locator("#id_template").input_value() == str(zh_template.pk)
    assert page.locator(".js-blank-only").is_hidden()  # a template sets the end date
    page.fill("#id_name", "夏日清凉季 2026")
    page.fill("#id_start_date", "2026-06-01")
    page.click("button[type=submit].btn-primary")
    campaign_url = "**/campaigns/*/"
    page.wait_for_url(campaign_url)
    campaign = Campaign.objects.get(name="夏日清凉季 2026")
    assert page.url == page.url_for(f"/campaigns/{campaign.pk}/")
    legend = page.locator(".phase-legend-item")
    assert legend.locator(".phase-name").all_inner_texts() == [
        "筹备期", "预热期（线上）", "爆发期（直播+线下）", "收尾期", "复盘期"]
    assert legend.locator(".phase-window").all_inner_texts() == [
        "2026-06-01 ~ 06-05", "2026-06-08 ~ 06-11", "2026-06-12", "2026-06-15 ~ 06-18", "2026-06-22 ~ 06-26"]
    assert page.locator("svg.phase-strip rect.phase-seg").count() == 5
    assert page.locator(".alert-success").inner_text().count("2026-06-01 ~ 06-26") == 1
    assert "3天内通过小红书种草+抖音直播" in page.locator(".goal-statement").inner_text()


@pytest.mark.django_db(transaction=True)
def test_lead_adds_a_member_and_a_kpi_target_in_place(page_as, demo):
    get_user_model().objects.create_user(username="zhou", password="unused-password-1")
    page = page_as("lead")
    page.goto(page.url_for(f"/campaigns/{demo.pk}/members/"))
    page.fill("#id_username", "nobody")
    page.click("text=Add to the team")
    page.wait_for_selector("#id_username_error")
    assert "No user is called “nobody”" in page.locator("#id_username_error").inner_text()
    page.fill("#id_username", "zhou")
    page.select_option("#id_role", "planning")
    page.select_option("#id_department", "marketing")
    page.click("text=Add to the team")
    page.wait_for_selector("text=zhou joined the team as Planning group.")
    page.wait_for_load_state("networkidle")     # htmx has settled the new rows before we use them
    membership = Membership.objects.get(campaign=demo, user__username="zhou")
    assert (membership.role, membership.department) == ("planning", "marketing")
    page.select_option(f"#id_m{membership.pk}_role", "finance")
    page.wait_for_selector("text=zhou is updated.")
    membership.refresh_from_db()
    assert membership.role == "finance"

    page.goto(page.url_for(f"/campaigns/{demo.pk}/"))
    page.click("text=Add target")
    page.wait_for_selector(".kpi-form")
    page.select_option("#id_metric", "gmv")
    assert page.locator("#id_unit").input_value() == "money"  # suggested from the metric
    page.fill("#id_label", "天猫成交额 / Tmall GMV")
    page.click("text=Save target")
    page.wait_for_selector("#id_target_value_error")
    assert page.locator("#id_target_value_error").inner_text() == "This field is required."
    assert page.locator("#id_label").input_value() == "天猫成交额 / Tmall GMV"
    page.fill("#id_target_value", "1200000")
    page.select_option("#id_channel", label="Tmall")
    page.click("text=Save target")
    page.wait_for_selector("text=The KPI target is added.")
    row = page.locator("#kpis tbody tr").last
    assert row.locator("td").all_inner_texts()[:5] == ["GMV (revenue)", "天猫成交额 / Tmall GMV", "Tmall", "1,200,000", "CNY"]
    target = KpiTarget.objects.get(campaign=demo, metric="gmv")
    assert (target.target_value, target.unit, target.channel.code) == (Decimal("1200000"), "money", "tmall")
