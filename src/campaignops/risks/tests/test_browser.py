"""In a real browser: switching a contingency on from the risk register (confirm dialog, result with
links), then the new task in the plan and the new issue in the issue log with its response clock;
the stand-up page in Chinese."""

import re

import pytest
from playwright.sync_api import expect

from campaignops.planning.models import Task
from campaignops.risks.models import Issue, Risk, StrategyAdjustment

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_activate_contingency_from_the_register(page_as, demo):
    risk = Risk.objects.get(campaign=demo, category="kol_schedule")
    page = page_as("lead")
    page.goto(page.url_for(f"/campaigns/{demo.pk}/risks/"))
    page.locator(f"#r{risk.pk} .js-activate").click()

    dialog = page.locator("#risk-modal[data-shown]")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".modal-title")).to_have_text(re.compile("Switch the contingency plan on"))
    expect(dialog.locator("[data-planned]")).to_contain_text("联系2名备选素人并确认档期")
    assert not Task.objects.filter(title="联系2名备选素人并确认档期").exists()   # nothing before the confirmation
    dialog.locator("textarea[name=note]").fill("达人A临时改期")
    dialog.locator(".js-activate-confirm").click()

    expect(dialog.locator(".activate-result")).to_be_visible()
    task = Task.objects.get(campaign=demo, title="联系2名备选素人并确认档期")
    issue = Issue.objects.get(risk=risk)
    assert StrategyAdjustment.objects.filter(risk=risk, issue=issue).count() == 1
    expect(dialog.locator(f".created-tasks [data-task='{task.pk}'] a")).to_have_attribute(
        "href", f"/campaigns/{demo.pk}/plan/#t{task.pk}")
    expect(dialog.locator(".created-issue .rclock-running")).to_have_text(re.compile(r"2[34] h \d+ min left"))

    dialog.locator(".modal-footer .btn-primary").click()            # Done: the register reloads
    expect(page.locator(f"#r{risk.pk} .rstatus-triggered")).to_be_visible()
    expect(page.locator(f"#r{risk.pk} .js-activate")).to_have_count(0)

    page.goto(page.url_for(f"/campaigns/{demo.pk}/plan/"))
    expect(page.locator(f"#t{task.pk} td[data-f=title]")).to_have_text("联系2名备选素人并确认档期")

    page.goto(page.url_for(f"/campaigns/{demo.pk}/issues/"))
    row = page.locator(f"#i{issue.pk}")
    expect(row).to_contain_text("达人档期冲突")
    expect(row.locator(".rclock-running")).to_have_text(re.compile(r"2[34] h \d+ min left"))
    expect(page.locator(".issue-overdue").first).to_be_visible()     # the demo's late issue stands out


@pytest.mark.django_db(transaction=True)
def test_cancel_leaves_everything_as_it_was_and_the_stand_up_speaks_chinese(page_as, demo):
    risk = Risk.objects.get(campaign=demo, category="kol_schedule")
    before = Task.objects.count()
    page = page_as("lead", lang="zh-hans")
    page.goto(page.url_for(f"/campaigns/{demo.pk}/risks/{risk.pk}/"))
    page.locator(".js-activate").click()
    expect(page.locator("#risk-modal[data-shown]")).to_be_visible()      # fully open (after its fade-in)
    page.locator("#risk-modal .modal-footer .btn-light").click()
    expect(page.locator("#risk-modal")).to_be_hidden()
    assert Task.objects.count() == before and Risk.objects.get(pk=risk.pk).status == "open"

    page.goto(page.url_for(f"/campaigns/{demo.pk}/standup/"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("[data-section=issues] .rclock-overdue")).to_have_count(1)
    page.locator(".js-su-add-item").click()
    expect(page.locator(".su-item-row")).to_have_count(2)
    assert page.locator("#id_ai-TOTAL_FORMS").input_value() == "2"
