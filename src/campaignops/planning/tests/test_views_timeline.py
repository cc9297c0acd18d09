"""The timeline page and its fragments: the data block the chart is drawn from, the schedule table,
the preview of a move (exact sentences), saving it (409 when stale), the dependency editor (a loop
named and refused), the baseline, pinned queries, and access for every URL."""

from __future__ import annotations

import datetime as dt
import json
import re
from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse

from campaignops.campaigns.models import Campaign
from campaignops.core.models import AuditEntry
from campaignops.planning import services
from campaignops.planning.models import Phase, PlanBaseline, Task, TaskDependency
from campaignops.planning.seed import SEED_ROWS
from campaignops.planning.tests.test_views import doc

D = dt.date
HX = {"HTTP_HX_REQUEST": "true"}
PREP, WARM, BURST, WRAP, REVIEW = (row["zh"][2] for row in SEED_ROWS)
CHAIN = [PREP, WARM, BURST, WRAP, REVIEW]
PHASES = [row["zh"][0] for row in SEED_ROWS]
# session, user, profile (menu), campaign, role; tasks, dependencies, phases, overrides; baseline, its rows
PAGE_QUERIES = 11


@pytest.fixture
def tasks(demo):
    return {t.title: t for t in Task.objects.filter(campaign=demo)}


@pytest.fixture
def url(demo):
    return reverse("planning_schedule:timeline", args=[demo.pk])


def data_of(response) -> dict:
    match = re.search(r'<script id="tl-data" type="application/json">(.*?)</script>', response.content.decode(), re.S)
    return json.loads(match.group(1))


def table(response) -> list[list[str]]:
    return [tr.cells() for tr in doc(response).find_all("tr", "tl-row")]


def links(response) -> list[str]:
    return [li.text() for li in doc(response).find_all("li") if li.attrs.get("id", "").startswith("tl-dep-")]


def has(page, attribute: str) -> bool:
    return any(attribute in n.attrs for n in page.iter())


def state(demo) -> tuple:
    return (list(Task.objects.filter(campaign=demo).values_list("start_date", "end_date", "version")),
            TaskDependency.objects.count(), PlanBaseline.objects.count(), AuditEntry.objects.count(),
            Campaign.objects.get(pk=demo.pk).end_date)


# ---- the page -----------------------------------------------------------------------------------

def test_the_page_carries_the_chart_data_the_table_and_the_editor(client_as, url, demo, tasks):
    response = client_as("lead").get(url)
    assert response.status_code == 200
    page = doc(response)
    assert [a.text() for a in page.find_all("a", "active")] == ["2 Plan breakdown", "Timeline"]   # step, page
    data = data_of(response)
    rows = data["rows"]
    assert [(r.get("kind", "task"), r["name"]) for r in rows] == [x for pair in zip(
        [("phase", p) for p in PHASES], [("task", t) for t in CHAIN], strict=True) for x in pair]
    review = rows[-1]
    assert review == {
        "id": f"t{tasks[REVIEW].pk}", "name": REVIEW, "start": "2024-06-24", "end": "2024-06-30", "progress": 0,
        "dependencies": [f"t{tasks[WRAP].pk}"], "classes": ["tl-critical"], "duration": 5, "slack": 0,
        "critical": True, "baseline": ["2024-06-24", "2024-06-30"], "variance": 0, "owner": "王芳 Wang Fang",
        "status": "Not started"}
    assert rows[0] == {"id": f"p{tasks[PREP].phase_id}", "kind": "phase", "name": "筹备期", "start": "2024-06-01",
                       "end": "2024-06-07", "classes": ["tl-kind-preparation"]}
    assert "dependencies" not in rows[1] and "early" not in rows[1]
    assert {"2024-06-08", "2024-06-09", "2024-06-10", "2024-06-15"} <= set(data["days_off"])
    assert "2024-06-11" not in data["days_off"]
    assert (data["editable"], data["lang"], data["tasks_url"]) == (True, "en", f"{url}tasks/")
    assert table(response)[0] == [PREP + " Critical", "2024-06-01 ~ 2024-06-07", "5", "0", "06-01 ~ 06-07", "On plan"]
    assert links(response)[0] == f"{WARM} waits for {PREP}Finish to start"
    removes = [b for b in page.find_all("button", "tl-rm")]
    assert [b.attrs["aria-label"] for b in removes] == ["Remove this dependency"] * 4
    dep = TaskDependency.objects.get(successor=tasks[WARM])
    assert removes[0].attrs["hx-post"] == f"{url}dependencies/{dep.pk}/delete/"
    assert len(links(response)) == 4
    text = page.text()
    assert "Project end: 2024-06-28" in text and "5 tasks on the critical path" in text
    assert "0 tasks end later than the baseline" in text
    assert has(page, "data-tl-baseline") and page.find_all("form", "tl-dep-form")


def test_a_viewer_gets_a_read_only_page(client_as, url):
    response = client_as("viewer")
    response = response.get(url)
    page = doc(response)
    assert data_of(response)["editable"] is False
    assert not page.find_all("form", "tl-dep-form") and not has(page, "data-tl-baseline")
    assert links(response)[0].endswith("Finish to start") and not page.find_all("button", "tl-rm")
    assert "Read only" in page.text()


def test_the_page_runs_a_fixed_number_of_queries_as_the_plan_grows(client_as, url, demo, users,
                                                                     django_assert_num_queries):
    client = client_as("lead")
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(url)
    phase = Phase.objects.get(campaign=demo, kind="burst")
    made = [services.task_create(campaign=demo, actor=users["lead"], phase=phase, title=f"T{i}",
                                 start_date=D(2024, 6, 17), end_date=D(2024, 6, 17)) for i in range(30)]
    TaskDependency.objects.bulk_create([TaskDependency(campaign=demo, predecessor=a, successor=b)
                                        for a, b in zip(made, made[1:], strict=False)])
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(url)
    assert len(table(response)) == 35 and len(links(response)) == 33
    with django_assert_num_queries(PAGE_QUERIES):   # the body alone
        client.get(url, HTTP_HX_TARGET="tl-body", **HX)


def test_today_is_the_campaigns_today_and_chinese_pages_ask_for_chinese_dates(client_as, url):
    client = client_as("lead")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    with mock.patch("django.utils.timezone.now", return_value=dt.datetime(2024, 6, 13, 17, 0, tzinfo=dt.UTC)):
        response = client.get(url)
    assert '<html lang="zh-hans"' in response.content.decode()
    assert (data_of(response)["today"], data_of(response)["lang"]) == ("2024-06-14", "zh-CN")


# ---- preview and save ---------------------------------------------------------------------------

def _preview(client, demo, task, **values):
    return client.post(reverse("planning_schedule:preview", args=[demo.pk, task.pk]), values, **HX)


def test_the_preview_names_every_move_and_writes_nothing(client_as, demo, tasks):
    before = state(demo)
    response = _preview(client_as("sales"), demo, tasks[PREP], new_start="2024-06-06")
    assert (response.status_code, response["HX-Retarget"], response["HX-Reswap"]) == (200, "#tl-confirm", "innerHTML")
    page = doc(response)
    assert page.find_all("h3")[0].text() == f"Move “{PREP}”?"
    assert [li.text() for li in page.find_all("li")] == [
        "These 4 tasks that depend on it move by 3 working days.",
        "The phase “筹备期” now ends 06-13 (was 06-07).", "The phase “预热期（线上）” now ends 06-19 (was 06-14).",
        "The phase “爆发期（直播+线下）” now ends 06-20 (was 06-17).", "The phase “收尾期” now ends 06-26 (was 06-23).",
        "The phase “复盘期” now ends 07-03 (was 06-30).", "The campaign end moves from 06-30 to 07-03."]
    assert [tr.cells() for tr in page.find_all("tbody")[0].find_all("tr")] == [
        [PREP, "06-01 ~ 06-07", "06-06 ~ 06-13", "+3"], [WARM, "06-08 ~ 06-14", "06-14 ~ 06-19", "+3"],
        [BURST, "06-15 ~ 06-17", "06-20 ~ 06-20", "+3"], [WRAP, "06-18 ~ 06-23", "06-21 ~ 06-26", "+3"],
        [REVIEW, "06-24 ~ 06-30", "06-27 ~ 07-03", "+3"]]
    hidden = {i.attrs["name"]: i.attrs["value"] for i in page.find_all("input") if i.attrs.get("type") == "hidden"}
    assert {k: hidden[k] for k in ("new_start", "new_end", "days", "version")} == {
        "new_start": "2024-06-06", "new_end": "", "days": "", "version": "1"}
    assert len(hidden["expected"]) == 20
    assert state(demo) == before


def test_a_clamped_or_resized_move_is_explained(client_as, demo, tasks):
    client = client_as("lead")
    clamped = doc(_preview(client, demo, tasks[WARM], new_start="2024-06-05"))
    assert "It cannot start before 06-11: its dependencies do not allow it." in clamped.text()
    assert "Nothing moves." in clamped.text() and not has(clamped, "data-tl-save")
    resized = doc(_preview(client, demo, tasks[REVIEW], new_start="2024-06-24", new_end="2024-07-01"))
    assert [li.text() for li in resized.find_all("li")] == [
        "The phase “复盘期” now ends 07-01 (was 06-30).", "The campaign end moves from 06-30 to 07-01."]
    one = doc(_preview(client, demo, tasks[WRAP], days=1))
    assert [li.text() for li in one.find_all("li")][0] == "The task that depends on it moves by 1 working day."


def test_a_bad_move_comes_back_as_an_error_in_the_panel(client_as, demo, tasks):
    response = _preview(client_as("lead"), demo, tasks[PREP], new_start="2024-06-10", new_end="2024-06-05")
    assert (response.status_code, response["HX-Retarget"]) == (422, "#tl-confirm")
    assert doc(response).find_all("p", role="alert")[0].text() == "The end date must be on or after the start date."
    bad = _preview(client_as("lead"), demo, tasks[PREP], new_start="soon")
    assert bad.status_code == 422 and "Enter a valid date." in doc(bad).text()


def test_saving_the_move_answers_with_the_new_body(client_as, demo, tasks):
    client = client_as("lead")
    preview = doc(_preview(client, demo, tasks[PREP], new_start="2024-06-06"))
    values = {i.attrs["name"]: i.attrs["value"] for i in preview.find_all("input") if i.attrs.get("type") == "hidden"}
    response = client.post(reverse("planning_schedule:reschedule", args=[demo.pk, tasks[PREP].pk]), values, **HX)
    assert response.status_code == 200
    assert "Saved: 5 tasks moved." in doc(response).text()
    assert table(response)[-1] == [REVIEW + " Critical", "2024-06-27 ~ 2024-07-03", "5", "0", "06-24 ~ 06-30",
                                   "3 working days late"]
    assert data_of(response)["rows"][-1]["start"] == "2024-06-27"
    assert Campaign.objects.get(pk=demo.pk).end_date == D(2024, 7, 3)
    # The same form again: the task moved on (version 2), so the save is refused and nothing changes.
    before = state(demo)
    stale = client.post(reverse("planning_schedule:reschedule", args=[demo.pk, tasks[PREP].pk]), values, **HX)
    assert (stale.status_code, stale["HX-Retarget"]) == (409, "#tl-confirm")
    assert doc(stale).find_all("p", role="alert")[0].text() == (
        "Someone else changed this item in the meantime. Reload to see their changes, then edit again.")
    assert state(demo) == before


def test_a_plan_changed_since_the_preview_is_refused(client_as, demo, tasks, users):
    client = client_as("lead")
    preview = doc(_preview(client, demo, tasks[PREP], new_start="2024-06-06"))
    values = {i.attrs["name"]: i.attrs["value"] for i in preview.find_all("input") if i.attrs.get("type") == "hidden"}
    services.task_update(task=tasks[REVIEW], actor=users["sales"], version=1, title="复盘会")
    before = state(demo)
    response = client.post(reverse("planning_schedule:reschedule", args=[demo.pk, tasks[PREP].pk]), values, **HX)
    assert response.status_code == 409
    assert "The plan changed since the preview: look at the new preview before saving." in doc(response).text()
    assert state(demo) == before


# ---- dependencies and baseline ------------------------------------------------------------------

def test_adding_a_dependency_and_a_refused_loop(client_as, demo, tasks):
    client = client_as("product")
    add = reverse("planning_schedule:dependency_add", args=[demo.pk])
    ok = client.post(add, {"successor": tasks[REVIEW].pk, "predecessor": tasks[BURST].pk, "type": "ss", "lag": "2"},
                     **HX)
    assert ok.status_code == 200 and "The dependency was added." in doc(ok).text()
    assert f"{REVIEW} waits for {BURST}Start to start · lag 2 working days" in links(ok)
    before = state(demo)
    loop = client.post(add, {"successor": tasks[WARM].pk, "predecessor": tasks[REVIEW].pk, "type": "fs", "lag": "0"},
                       **HX)
    assert loop.status_code == 422
    alert = doc(loop).find_all("div", "alert-danger")[0].text()
    assert alert == (f"This dependency would close a loop: “{WARM}” → “{BURST}” → “{WRAP}” → “{REVIEW}” → “{WARM}”. "
                     "A task cannot wait for itself, even through other tasks.")
    selected = [o.attrs["value"] for o in doc(loop).find_all("option") if "selected" in o.attrs]
    assert selected == [str(tasks[WARM].pk), str(tasks[REVIEW].pk), "fs"]
    missing = client.post(add, {"successor": "", "predecessor": tasks[PREP].pk, "type": "fs", "lag": "0"}, **HX)
    assert missing.status_code == 422
    assert doc(missing).find_all("div", "alert-danger")[0].text() == "Task: This field is required."
    assert state(demo) == before


def test_without_htmx_the_editor_redirects_back_with_a_message(client_as, demo, tasks, url):
    client = client_as("lead")
    response = client.post(reverse("planning_schedule:dependency_add", args=[demo.pk]),
                           {"successor": tasks[REVIEW].pk, "predecessor": tasks[PREP].pk, "type": "fs", "lag": "0"})
    assert (response.status_code, response["Location"]) == (302, url)
    assert "The dependency was added." in client.get(url).content.decode()


def test_removing_a_dependency(client_as, demo, tasks):
    dep = TaskDependency.objects.get(successor=tasks[WARM])
    response = client_as("lead").post(reverse("planning_schedule:dependency_delete", args=[demo.pk, dep.pk]), **HX)
    assert response.status_code == 200 and len(links(response)) == 3
    assert "dependencies" not in data_of(response)["rows"][3]
    assert AuditEntry.objects.filter(action="dependency.remove").count() == 1


def test_the_lead_sets_the_baseline(client_as, demo, tasks, users):
    services.task_update(task=tasks[REVIEW], actor=users["lead"], version=1, end_date=D(2024, 7, 1))
    client = client_as("lead")
    before = doc(client.get(reverse("planning_schedule:timeline", args=[demo.pk]))).text()
    assert "1 task ends later than the baseline" in before
    response = client.post(reverse("planning_schedule:baseline", args=[demo.pk]), **HX)
    assert response.status_code == 200
    assert "Baseline set: variances are now measured against the plan as it is." in doc(response).text()
    assert "0 tasks end later than the baseline" in doc(response).text()
    assert PlanBaseline.objects.filter(campaign=demo).count() == 2


# ---- access -------------------------------------------------------------------------------------

def test_every_url_is_404_for_outsiders_and_writes_are_403_for_those_who_may_not(client_as, demo, tasks):
    dep = TaskDependency.objects.filter(campaign=demo).first()
    task = tasks[PREP].pk
    page = reverse("planning_schedule:timeline", args=[demo.pk])
    writes = {
        reverse("planning_schedule:preview", args=[demo.pk, task]): {"new_start": "2024-06-06"},
        reverse("planning_schedule:reschedule", args=[demo.pk, task]): {"new_start": "2024-06-06", "version": 1},
        reverse("planning_schedule:dependency_add", args=[demo.pk]): {"successor": task, "predecessor": task},
        reverse("planning_schedule:dependency_delete", args=[demo.pk, dep.pk]): {},
        reverse("planning_schedule:baseline", args=[demo.pk]): {},
    }
    other = Task.objects.create(campaign=services.campaign_create(actor=None, name="O", start_date=D(2024, 6, 1)),
                                phase=Phase.objects.create(campaign_id=Campaign.objects.get(name="O").pk, name="P",
                                                           start_date=D(2024, 6, 1), end_date=D(2024, 6, 1)),
                                title="Other", start_date=D(2024, 6, 1), end_date=D(2024, 6, 1))
    before = state(demo)
    outsider, viewer, product = client_as("outsider"), client_as("viewer"), client_as("product")
    for target in [page, *writes]:
        assert outsider.get(target).status_code == 404, target
        assert outsider.post(target, writes.get(target, {})).status_code == 404, target
    assert viewer.post(page).status_code == 405
    for target, values in writes.items():
        assert viewer.post(target, values, **HX).status_code == 403, target
        assert viewer.get(target).status_code == 405, target
    assert product.post(reverse("planning_schedule:baseline", args=[demo.pk]), **HX).status_code == 403
    foreign = reverse("planning_schedule:preview", args=[demo.pk, other.pk])
    assert client_as("lead").post(foreign, {"days": 1}, **HX).status_code == 404
    assert state(demo) == before
