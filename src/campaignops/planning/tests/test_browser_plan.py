"""The plan table in a real browser: in-place edits with htmx, the status menu, filters, and the
viewer's read-only page."""

import pytest
from playwright.sync_api import expect

from campaignops.planning.models import Task

pytestmark = pytest.mark.browser


def _plan(page, demo):
    page.goto(page.url_for(f"/campaigns/{demo.pk}/plan/"))
    page.wait_for_selector("tr.task-row")


@pytest.mark.django_db(transaction=True)
def test_lead_edits_a_cell_in_place_changes_a_status_and_sees_both_after_reload(page_as, demo):
    page = page_as("lead")
    _plan(page, demo)
    task = Task.objects.get(campaign=demo, title="直播带货、线下快闪店")
    row = page.locator(f"#t{task.pk}")

    # Click the risk-plan cell: the row turns into its edit form with that field focused.
    row.locator("td[data-f=risk_plan]").click()
    form = page.locator(f"tr#t{task.pk}.task-edit")
    form.wait_for()
    field = form.locator("textarea[name=risk_plan]")
    assert field.evaluate("el => el === document.activeElement")
    field.fill("人流不足：联合周边商场发券，并加开一场直播")
    form.locator("button[type=submit]").click()
    page.locator(f"tr#t{task.pk}.task-row").wait_for()
    assert page.locator(f"#t{task.pk} td[data-f=risk_plan]").inner_text() == "人流不足：联合周边商场发券，并加开一场直播"

    # One-click status change from the badge's menu; the phase counts follow.
    page.locator(f"#t{task.pk} .js-st").click()
    page.locator(".plan-menu [data-status=done]").click()
    page.locator(f"#t{task.pk} .st.st-done").wait_for()
    expect(page.locator(f"#pc-{task.phase_id}")).to_have_text("1/1 done")

    page.reload()
    page.wait_for_selector("tr.task-row")
    assert page.locator(f"#t{task.pk} td[data-f=risk_plan]").inner_text() == "人流不足：联合周边商场发券，并加开一场直播"
    assert page.locator(f"#t{task.pk} .st").inner_text().strip() == "Done"
    task.refresh_from_db()
    assert (task.status, task.version) == ("done", 3)


@pytest.mark.django_db(transaction=True)
def test_validation_error_and_conflict_come_back_in_place(page_as, demo, users):
    from campaignops.planning import services

    page = page_as("lead")
    _plan(page, demo)
    task = Task.objects.get(campaign=demo, title="确认目标、细化方案")
    page.locator(f"#t{task.pk} .js-edit").click()
    form = page.locator(f"tr#t{task.pk}.task-edit")
    form.wait_for()
    form.locator("input[name=end_date]").fill("2024-05-30")
    form.locator("button[type=submit]").click()
    page.locator(f"tr#t{task.pk}.task-edit .invalid-feedback").wait_for()
    assert form.locator(".invalid-feedback").inner_text() == "The end date must be on or after the start date."

    # Meanwhile someone else saves the row: saving now shows the conflict, keeping the input.
    services.task_update(task=Task.objects.get(pk=task.pk), actor=users["sales"], version=1, notes="李明改过")
    form.locator("input[name=end_date]").fill("2024-06-06")
    form.locator("textarea[name=title]").fill("确认目标（王芳）")
    form.locator("button[type=submit]").click()
    page.locator(f"tr#t{task.pk}.task-edit .alert-warning").wait_for()
    assert form.locator("textarea[name=title]").input_value() == "确认目标（王芳）"
    assert "李明改过" in form.locator(".conflict-now").all_inner_texts()[-1]
    form.locator("button[type=submit]").click()     # save again: the user's input wins, knowingly
    page.locator(f"tr#t{task.pk}.task-row").wait_for()
    task.refresh_from_db()
    assert (task.title, task.end_date.isoformat(), task.version) == ("确认目标（王芳）", "2024-06-06", 3)


@pytest.mark.django_db(transaction=True)
def test_filters_update_the_table_and_the_address(page_as, demo, users):
    page = page_as("lead")
    _plan(page, demo)
    page.select_option("#f-owner", str(users["sales"].pk))
    expect(page.locator("tr.task-row")).to_have_count(1)
    assert f"owner={users['sales'].pk}" in page.url
    assert page.locator("tr.task-row td.c-title").all_inner_texts() == ["直播带货、线下快闪店"]
    page.click(".js-clear-filters")
    expect(page.locator("tr.task-row")).to_have_count(5)


@pytest.mark.django_db(transaction=True)
def test_viewer_sees_no_edit_controls(page_as, demo):
    page = page_as("viewer")
    _plan(page, demo)
    assert page.locator("tr.task-row").count() == 5
    for selector in (".js-st", ".js-edit", ".js-more", ".phase-actions", "[hx-post]", "text=Add phase"):
        assert page.locator(selector).count() == 0, selector
    page.locator("tr.task-row td[data-f=title]").first.click()
    assert page.locator("tr.task-edit").count() == 0
