"""Goal Confirmation in a real browser: the three heads sign, the campaign is confirmed; the lead changes a
KPI target, the signatures are void and the campaign is draft again. The SMART check on the settings page
follows the typing and "use this wording" fills the goal field. (Set GOAL_SHOTS=dir to keep screenshots.)"""

import os

import pytest

from campaignops.campaigns.models import Campaign, GoalSignature, KpiTarget

pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:
    folder = os.environ.get("GOAL_SHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_three_heads_sign_then_a_kpi_change_voids_the_signatures(page_as, demo):
    url = f"/campaigns/{demo.pk}/goal/"
    for i, name in enumerate(("sales", "product", "lead"), start=1):
        page = page_as(name)
        page.goto(page.url_for(url))
        assert page.locator("#sign-progress").inner_text() == f"{i - 1} of 3 signed"
        page.click("#sign-goal")
        page.wait_for_selector(".alert-success")
        assert page.locator("#sign-progress").inner_text() == f"{i} of 3 signed"
        assert page.locator(f'tr[data-signer="{name}"]').get_attribute("class") == "is-signed"
        assert page.locator("#sign-goal").count() == 0
    assert "Everyone has signed: the campaign is confirmed." in page.locator(".alert-success").inner_text()
    assert page.locator(".goal-doc .campaign-status").inner_text() == "Confirmed"
    _shot(page, "goal-confirmed")
    assert page.locator(".campaign-nav").is_visible()
    page.emulate_media(media="print")
    assert page.locator("#sign-progress").is_visible() and not page.locator(".campaign-nav").is_visible()
    assert not page.locator(".js-print").is_visible()
    _shot(page, "goal-print")
    page.emulate_media(media="screen")
    assert Campaign.objects.get(pk=demo.pk).status == "confirmed"

    # the lead changes a KPI target in place on the overview
    target = KpiTarget.objects.filter(campaign=demo).order_by("id").first()
    page.goto(page.url_for(f"/campaigns/{demo.pk}/"))
    page.locator(f'a[href="/campaigns/{demo.pk}/kpis/{target.pk}/edit/#kpis"]').click()
    page.wait_for_selector(".kpi-form")
    page.fill("#id_target_value", "800000")
    page.click("text=Save target")
    page.wait_for_selector("text=The KPI target is saved.")
    page.goto(page.url_for(url))
    assert page.locator(".goal-doc .campaign-status").inner_text() == "Draft"
    assert page.locator("#sign-progress").inner_text() == "0 of 3 signed"
    history = page.locator(".goal-history tbody tr")
    assert history.count() == 3
    assert "A KPI target changed." in history.first.inner_text()
    assert page.locator("#sign-goal").count() == 1  # the lead can sign again
    _shot(page, "goal-voided")
    assert Campaign.objects.get(pk=demo.pk).status == "draft"
    assert GoalSignature.objects.filter(campaign=demo, voided_at__isnull=True).count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_settings_page_checks_the_goal_while_typing_and_takes_the_suggestion(page_as, demo):
    page = page_as("lead")
    page.goto(page.url_for(f"/campaigns/{demo.pk}/settings/"))
    assert page.locator("#smart-check .smart-miss").count() == 0
    page.fill("#id_goal_statement", "提升品牌知名度")
    page.wait_for_selector("#smart-check .smart-rewrite")
    assert [t[0] for t in page.locator("#smart-check .smart-gap").all_inner_texts()] == ["S", "M", "R", "T"]
    assert [page.locator("#smart-check .smart-gaps li").nth(i).get_attribute("data-code") for i in range(5)] == [
        "specific_channel", "measurable_metric", "measurable_number", "time_bound", "relevant_core"]
    suggestion = page.locator("#smart-check .smart-rewrite-text").inner_text()
    assert suggestion.startswith("By June 30, 2024, through Douyin, Pop-up store and Xiaohongshu, reach 500k")
    _shot(page, "settings-smart")
    page.click("#smart-check .js-use-wording")
    assert page.locator("#id_goal_statement").input_value() == suggestion
    page.wait_for_function("() => !document.querySelector('#smart-check .smart-rewrite')")
    page.click("button[type=submit].btn-primary")
    page.wait_for_selector("text=The campaign settings are saved.")
    assert Campaign.objects.get(pk=demo.pk).goal_statement == suggestion
