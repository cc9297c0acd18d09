"""In a real browser: generate the retrospective, edit its text and the review meeting, add an action
item, publish it (the campaign is closed), in English and Chinese; no CSP violation or JS error."""

import re

import pytest
from playwright.sync_api import expect

from campaignops.reports.models import Report, ReportVersion

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_generate_edit_publish_the_retrospective(page_as, finished, lang):
    page = page_as("lead", lang=lang)
    page.goto(page.url_for(f"/campaigns/{finished.pk}/reports/retrospective/"))
    page.get_by_test_id("generate").click()
    expect(page.locator("#id_went_well")).to_have_value(re.compile(r"50\.00 CNY"), timeout=15000)
    page.locator("#id_went_well").fill("素人笔记的单条成本低于达人测评，下次多用素人。")
    page.locator("#id_meeting_notes").fill("跨部门复盘会")
    for box in page.locator("input[name=attendees]").all():
        box.check()
    page.get_by_test_id("save-meeting").click()
    expect(page.locator("#id_went_well")).to_have_value("素人笔记的单条成本低于达人测评，下次多用素人。")
    page.locator("#id_title").fill("提前签约2名备选素人")
    page.get_by_test_id("add-action").click()
    expect(page.locator("[data-section=actions]")).to_contain_text("提前签约2名备选素人")
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("status")).to_have_text("Published" if lang == "en" else re.compile(".+"))
    expect(page.locator("#versions [data-version='1']")).to_be_visible()
    report = Report.objects.get(campaign=finished, kind="retrospective")
    assert report.status == "published" and report.narrative["went_well"].startswith("素人笔记")
    version = ReportVersion.objects.get(report=report)
    assert version.snapshot["meeting"]["actions"][0][0] == "提前签约2名备选素人"
    finished.refresh_from_db()
    assert finished.status == "closed"
    with page.expect_download() as info:
        page.locator(f"#versions a[href$='/versions/{version.pk}/report.pdf']").click()
    assert info.value.suggested_filename.endswith("v1.pdf")
