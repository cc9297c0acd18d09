"""The timeline in a real browser: drag a bar, see the knock-on moves in the preview, confirm, reload
and see the new dates; cancel restores the bars; a loop is refused on the page; viewers cannot drag."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from campaignops.campaigns.models import Campaign
from campaignops.planning.models import Task, TaskDependency
from campaignops.planning.seed import SEED_ROWS

pytestmark = pytest.mark.browser
D = dt.date
PREP, WARM, BURST, WRAP, REVIEW = (row["zh"][2] for row in SEED_ROWS)


def _timeline(page, demo):
    page.goto(page.url_for(f"/campaigns/{demo.pk}/timeline/"))
    page.wait_for_selector("#tl-gantt .bar-wrapper.tl-task")


def _drag(page, task: Task, days: int):
    """Drag the task's bar by `days` calendar days (one day is one column in the day view)."""
    bar = page.locator(f'#tl-gantt .bar-wrapper[data-id="t{task.pk}"] .bar')
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    width = float(page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.gantt-container'))"
                                ".getPropertyValue('--gv-column-width'))"))
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x + width * days * step / 10, y)
    page.mouse.up()


def _bar_x(page, task: Task) -> float:
    return page.locator(f'#tl-gantt .bar-wrapper[data-id="t{task.pk}"] .bar').evaluate("el => +el.getAttribute('x')")


@pytest.mark.django_db(transaction=True)
def test_drag_previews_the_knock_on_moves_and_saving_moves_them(page_as, demo):
    tasks = {t.title: t for t in Task.objects.filter(campaign=demo)}
    page = page_as("lead")
    _timeline(page, demo)
    review_x = _bar_x(page, tasks[REVIEW])

    _drag(page, tasks[PREP], 5)      # 06-01 → 06-06: the same 5 working days, across Dragon Boat
    panel = page.locator("#tl-confirm .tl-confirm-card")
    panel.wait_for()
    expect(panel.locator("h3")).to_have_text(f"Move “{PREP}”?")
    effects = panel.locator(".tl-effects li").all_inner_texts()
    assert effects[0] == "These 4 tasks that depend on it move by 3 working days."
    assert "The phase “爆发期（直播+线下）” now ends 06-20 (was 06-17)." in effects
    assert effects[-1] == "The campaign end moves from 06-30 to 07-03."
    rows = [r.locator("td").all_inner_texts() for r in panel.locator("tbody tr").all()]
    assert rows == [
        [PREP, "06-01 ~ 06-07", "06-06 ~ 06-13", "+3"], [WARM, "06-08 ~ 06-14", "06-14 ~ 06-19", "+3"],
        [BURST, "06-15 ~ 06-17", "06-20 ~ 06-20", "+3"], [WRAP, "06-18 ~ 06-23", "06-21 ~ 06-26", "+3"],
        [REVIEW, "06-24 ~ 06-30", "06-27 ~ 07-03", "+3"]]
    # The knock-on moves (and the phases that grow) are shown on the chart before anything is saved.
    expect(page.locator("#tl-gantt .bar-wrapper.tl-task.tl-moved")).to_have_count(5)
    expect(page.locator("#tl-gantt .bar-wrapper.tl-phase.tl-moved")).to_have_count(5)
    assert _bar_x(page, tasks[REVIEW]) > review_x
    assert Task.objects.get(pk=tasks[REVIEW].pk).version == 1

    panel.locator("[data-tl-save]").click()
    expect(page.locator("#tl-body .alert-success")).to_contain_text("Saved: 5 tasks moved.")
    expect(page.locator("#tl-confirm .tl-confirm-card")).to_have_count(0)
    page.reload()
    page.wait_for_selector("#tl-gantt .bar-wrapper.tl-task")
    expect(page.locator(f"#tl-t{tasks[REVIEW].pk} td").nth(1)).to_have_text("2024-06-27 ~ 2024-07-03")
    expect(page.locator(f"#tl-t{tasks[PREP].pk} td").nth(5)).to_have_text("3 working days late")
    assert _bar_x(page, tasks[REVIEW]) > review_x
    assert [(t.title, t.start_date, t.end_date, t.version) for t in Task.objects.filter(campaign=demo)] == [
        (PREP, D(2024, 6, 6), D(2024, 6, 13), 2), (WARM, D(2024, 6, 14), D(2024, 6, 19), 2),
        (BURST, D(2024, 6, 20), D(2024, 6, 20), 2), (WRAP, D(2024, 6, 21), D(2024, 6, 26), 2),
        (REVIEW, D(2024, 6, 27), D(2024, 7, 3), 2)]
    assert Campaign.objects.get(pk=demo.pk).end_date == D(2024, 7, 3)


@pytest.mark.django_db(transaction=True)
def test_cancel_restores_the_bars_and_saves_nothing(page_as, demo):
    burst = Task.objects.get(campaign=demo, title=BURST)
    page = page_as("lead")
    _timeline(page, demo)
    before = _bar_x(page, burst)
    _drag(page, burst, 2)
    page.locator("#tl-confirm [data-tl-cancel]").click()
    expect(page.locator("#tl-confirm .tl-confirm-card")).to_have_count(0)
    assert _bar_x(page, burst) == before
    assert Task.objects.get(pk=burst.pk).version == 1


@pytest.mark.django_db(transaction=True)
def test_a_loop_is_refused_on_the_page_naming_its_tasks(page_as, demo):
    tasks = {t.title: t for t in Task.objects.filter(campaign=demo)}
    page = page_as("lead")
    _timeline(page, demo)
    form = page.locator(".tl-dep-form")
    form.locator("select[name=successor]").select_option(str(tasks[PREP].pk))
    form.locator("select[name=predecessor]").select_option(str(tasks[BURST].pk))
    form.locator("[data-tl-add-dep]").click()
    expect(page.locator("#tl-body .alert-danger")).to_have_text(
        f"This dependency would close a loop: “{PREP}” → “{WARM}” → “{BURST}” → “{PREP}”. "
        "A task cannot wait for itself, even through other tasks.")
    expect(page.locator(".tl-dep-form select[name=predecessor]")).to_have_value(str(tasks[BURST].pk))
    assert TaskDependency.objects.filter(campaign=demo).count() == 4

    # Removing the link into the burst frees it: its arrow goes and it gets slack.
    dep = TaskDependency.objects.get(successor=tasks[BURST])
    page.locator(f"#tl-dep-{dep.pk} .tl-rm").click()
    expect(page.locator(".tl-dep-list > li")).to_have_count(3)
    expect(page.locator(f'#tl-gantt .arrow path[data-to="t{tasks[BURST].pk}"]')).to_have_count(0)
    assert not TaskDependency.objects.filter(pk=dep.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_viewer_sees_the_chart_read_only(page_as, demo):
    burst = Task.objects.get(campaign=demo, title=BURST)
    page = page_as("viewer")
    _timeline(page, demo)
    before = _bar_x(page, burst)
    _drag(page, burst, 3)
    page.wait_for_timeout(300)
    assert _bar_x(page, burst) == before
    expect(page.locator("#tl-confirm .tl-confirm-card")).to_have_count(0)
    expect(page.locator(".tl-dep-form")).to_have_count(0)
    expect(page.locator("[data-tl-baseline]")).to_have_count(0)
