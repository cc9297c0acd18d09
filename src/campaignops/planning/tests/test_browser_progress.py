"""The board drag and the one-click daily update in a real browser."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from campaignops.planning import progress, services
from campaignops.planning.models import DailyUpdate, Task

from .test_progress import PREP, WARM

pytestmark = pytest.mark.browser


def _drag(page, source, target) -> None:
    """A real mouse drag (SortableJS listens to the native drag events Chromium fires)."""
    box, goal = source.bounding_box(), target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 12)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 10, box["y"] + 30, steps=5)
    page.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + 20, steps=15)
    page.mouse.up()


@pytest.mark.django_db(transaction=True)
def test_drag_a_card_to_done_and_it_stays_done(page_as, demo):
    page = page_as("lead")
    page.goto(page.url_for(f"/campaigns/{demo.pk}/board/"))
    warm = Task.objects.get(campaign=demo, title=WARM)
    card = page.locator(f"#card-{warm.pk}")
    _drag(page, card, page.locator(".board-list[data-status=done]"))
    expect(page.locator(f".board-list[data-status=done] #card-{warm.pk}")).to_have_attribute("data-version", "2")
    expect(page.locator("[data-count-for=done]")).to_have_text("1")
    page.reload()
    expect(page.locator(f".board-list[data-status=done] #card-{warm.pk}")).to_be_visible()
    warm.refresh_from_db()
    assert (warm.status, warm.percent_complete, warm.version) == ("done", 100, 2)
    assert DailyUpdate.objects.filter(task=warm, status="done", author__username="lead").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_stale_card_goes_back_with_a_message(page_as, demo, users):
    page = page_as("lead")
    page.goto(page.url_for(f"/campaigns/{demo.pk}/board/"))
    warm = Task.objects.get(campaign=demo, title=WARM)
    services.task_update(task=Task.objects.get(pk=warm.pk), actor=users["sales"], version=1, notes="李明改过")
    _drag(page, page.locator(f"#card-{warm.pk}"), page.locator(".board-list[data-status=blocked]"))
    expect(page.locator("#progress-alert .alert-warning")).to_contain_text("Someone else changed this task")
    expect(page.locator(f".board-list[data-status=not_started] #card-{warm.pk}")).to_have_attribute("data-version", "2")
    assert page.locator(f".board-list[data-status=blocked] #card-{warm.pk}").count() == 0
    assert (Task.objects.get(pk=warm.pk).status, DailyUpdate.objects.count()) == ("not_started", 0)


@pytest.mark.django_db(transaction=True)
def test_update_from_the_daily_table_changes_todays_cell(page_as, demo):
    today = progress.local_today(demo)
    start, end = today - dt.timedelta(days=3), today + dt.timedelta(days=3)
    page = page_as("lead")
    page.goto(page.url_for(f"/campaigns/{demo.pk}/daily/?start={start}&end={end}"))
    warm = Task.objects.get(campaign=demo, title=WARM)
    cell = page.locator(f"#dr-{warm.pk} td[data-date='{today}']")
    expect(cell).to_have_text("")
    page.locator(f"#dr-{warm.pk} .js-update").click()
    dialog = page.locator("#progress-modal")
    expect(dialog).to_be_visible()
    dialog.locator("label[for=pick-blocked]").click()
    dialog.locator("input[name=percent_complete]").fill("30")
    dialog.locator("textarea[name=note]").fill("达人档期冲突，等替补")
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_be_hidden()
    cell = page.locator(f"#dr-{warm.pk} td[data-date='{today}']")
    expect(cell).to_have_text("Blocked")
    expect(cell).to_have_class("dc ps-blocked")
    assert "30% · 王芳 Wang Fang: 达人档期冲突，等替补" in cell.get_attribute("title")
    expect(page.locator(".daily-note-list")).to_contain_text("达人档期冲突，等替补")
    assert list(DailyUpdate.objects.values_list("task_id", "date", "status", "percent_complete")) == [
        (warm.pk, today, "blocked", 30)]


@pytest.mark.django_db(transaction=True)
def test_update_from_my_tasks_in_chinese(page_as, demo):
    page = page_as("lead", lang="zh-hans")
    page.goto(page.url_for("/campaigns/my-tasks/"))
    prep = Task.objects.get(campaign=demo, title=PREP)
    page.locator(f"#mt-{prep.pk} [data-progress-url]").click()
    dialog = page.locator("#progress-modal")
    dialog.locator("label[for=pick-done]").click()
    expect(dialog.locator("input[name=percent_complete]")).to_have_value("100")
    dialog.locator("button[type=submit]").click()
    expect(page.locator(f"#mt-{prep.pk}")).to_have_count(0)       # done: no longer an open task
    prep.refresh_from_db()
    assert (prep.status, prep.percent_complete) == ("done", 100)
