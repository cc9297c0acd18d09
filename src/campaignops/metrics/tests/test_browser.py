"""In a real browser: upload a platform export, see the preview, apply; quick entry on a phone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from campaignops.metrics.models import Observation

DATA = Path(__file__).parent / "data"
SHOTS = os.environ.get("SCREENSHOT_DIR")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_upload_preview_apply(page_as, demo):
    Observation.objects.filter(campaign=demo, channel__code="google").delete()
    page = page_as("sales")
    page.goto(page.url_for(f"/campaigns/{demo.pk}/data/"))
    page.set_input_files("#id_file", str(DATA / "google_ads_campaign_report.csv"))
    page.click("#metrics-upload button[type=submit]")
    page.wait_for_selector("#preview-totals")
    assert page.inner_text("#platform-name") == "Google Ads"
    assert page.inner_text("[data-count=new]") == "New: 15"
    assert page.get_attribute("#preview-totals tr[data-metric=spend] td[data-total]", "data-total") == "3941.71"
    shot(page, "metrics-preview")
    assert Observation.objects.filter(campaign=demo, channel__code="google").count() == 0
    page.click("#metrics-apply")
    page.wait_for_selector(".alert-success")
    assert "Imported: 15 new numbers, 0 changed, 0 unchanged." in page.inner_text(".alert-success")
    assert "google_ads_campaign_report.csv" in page.inner_text("#batch-table")
    shot(page, "metrics-data")
    assert Observation.objects.filter(campaign=demo, channel__code="google").count() == 15


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_broken_file_is_refused_naming_the_row(page_as, demo):
    page = page_as("sales", lang="zh-hans")
    page.goto(page.url_for(f"/campaigns/{demo.pk}/data/"))
    page.set_input_files("#id_file", str(DATA / "daily_semicolon_broken.csv"))
    page.click("#metrics-upload button[type=submit]")
    page.wait_for_selector("#import-errors")
    assert page.inner_text("#import-errors tr[data-row='6'] td:nth-child(2)") == "D · Clicks"
    assert page.locator("#metrics-apply").count() == 0
    shot(page, "metrics-broken-zh")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_quick_entry_on_a_phone(page_as, demo):
    page = page_as("sales")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.url_for(f"/campaigns/{demo.pk}/data/entry/?day=2024-06-21&metric=store_visitors"))
    page.fill("#v-pop-up", "73")
    shot(page, "metrics-entry-phone")
    page.click("#entry-save")
    page.wait_for_selector(".alert-success")
    assert page.input_value("#v-pop-up") == "73"
    # Changing the day loads that day's numbers in place (htmx).
    page.fill("#entry-day", "2024-06-20")
    page.dispatch_event("#entry-day", "change")
    page.wait_for_selector("#entry-form input[name=day][value='2024-06-20']", state="attached")
    assert page.input_value("#v-pop-up") == "80"
    assert Observation.objects.get(campaign=demo, channel__code="pop-up", metric="store_visitors",
                                   day="2024-06-21").value == 73
