"""The schedule API: dependencies (loops refused, naming the tasks), the computed schedule with the
baseline variance, slip previews and reschedules (version, 409), baselines — behind the policy, with
pinned queries."""

import datetime as dt

import pytest

from campaignops.campaigns.models import Campaign
from campaignops.campaigns.tests.api_client import anonymous, bearer
from campaignops.core.models import AuditEntry
from campaignops.planning import scheduling, services
from campaignops.planning.models import Phase, PlanBaseline, Task, TaskDependency
from campaignops.planning.seed import SEED_ROWS

pytestmark = pytest.mark.django_db
D = dt.date
PREP, WARM, BURST, WRAP, REVIEW = (row["zh"][2] for row in SEED_ROWS)
CHAIN = [PREP, WARM, BURST, WRAP, REVIEW]


@pytest.fixture
def api_as(api_token):
    return lambda username: bearer(api_token(username))


@pytest.fixture
def tasks(demo):
    return {t.title: t for t in Task.objects.filter(campaign=demo)}


def _state(demo) -> tuple:
    return (list(Task.objects.filter(campaign=demo).values_list("start_date", "end_date", "version")),
            TaskDependency.objects.count(), PlanBaseline.objects.count(), AuditEntry.objects.count(),
            Campaign.objects.get(pk=demo.pk).end_date)


# ---- dependencies -------------------------------------------------------------------------------

def test_dependencies_list_add_and_remove(demo, tasks, api_as):
    viewer = api_as("viewer")
    listed = viewer.get(f"/campaigns/{demo.pk}/dependencies").json()
    assert [(d["predecessor_title"], d["successor_title"], d["type"], d["lag"]) for d in listed] == [
        (a, b, "fs", 0) for a, b in zip(CHAIN, CHAIN[1:], strict=False)]
    api = api_as("product")
    created = api.post(f"/campaigns/{demo.pk}/dependencies", {"predecessor": tasks[PREP].pk,
                                                              "successor": tasks[BURST].pk, "type": "ss", "lag": 2})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["predecessor"], body["successor_title"], body["type"], body["lag"]) == (
        tasks[PREP].pk, BURST, "ss", 2)
    assert api.delete(f"/campaigns/{demo.pk}/dependencies/{body['id']}").status_code == 204
    assert not TaskDependency.objects.filter(pk=body["id"]).exists()
    assert list(AuditEntry.objects.filter(action__startswith="dependency.").values_list("action", flat=True)) == [
        "dependency.remove", "dependency.add"]


def test_a_loop_is_refused_with_its_tasks_named_and_nothing_written(demo, tasks, api_as):
    before = _state(demo)
    refused = api_as("lead").post(f"/campaigns/{demo.pk}/dependencies",
                                  {"predecessor": tasks[WRAP].pk, "successor": tasks[WARM].pk})
    assert refused.status_code == 422
    assert refused.json()["detail"] == (
        f"This dependency would close a loop: “{WARM}” → “{BURST}” → “{WRAP}” → “{WARM}”. "
        "A task cannot wait for itself, even through other tasks.")
    assert refused.json()["field"] == "predecessor"
    assert _state(demo) == before


def test_dependency_input_is_checked(demo, tasks, api_as):
    api = api_as("lead")
    other = services.campaign_create(actor=None, name="Other", start_date=D(2024, 6, 1))
    phase = services.phase_create(campaign=other, actor=None, name="P", start_date=D(2024, 6, 1), end_date=D(2024, 6, 2))
    foreign = services.task_create(campaign=other, actor=None, phase=phase, title="Foreign")
    cases = [
        ({"predecessor": foreign.pk, "successor": tasks[PREP].pk}, "predecessor",
         f"There is no task {foreign.pk} in this campaign."),
        ({"predecessor": tasks[PREP].pk, "successor": tasks[PREP].pk}, "predecessor", "A task cannot depend on itself."),
        ({"predecessor": tasks[PREP].pk, "successor": tasks[WRAP].pk, "lag": 999}, "lag",
         "lag: This number is too large."),
        ({"predecessor": tasks[PREP].pk, "successor": tasks[WRAP].pk, "type": "ff"}, "type",
         "type: This is not one of the allowed values."),
        ({"predecessor": tasks[PREP].pk, "successor": tasks[WRAP].pk, "colour": "red"}, "colour",
         "colour: Unknown field."),
    ]
    before = _state(demo)
    for body, field, detail in cases:
        response = api.post(f"/campaigns/{demo.pk}/dependencies", body)
        assert (response.status_code, response.json()["field"], response.json()["detail"]) == (422, field, detail)
    assert _state(demo) == before


# ---- the schedule -------------------------------------------------------------------------------

def test_schedule_with_critical_path_slack_and_baseline_variance(demo, tasks, api_as, django_assert_num_queries):
    TaskDependency.objects.filter(successor=tasks[REVIEW]).delete()
    services.task_update(task=tasks[REVIEW], actor=None, version=1, start_date=D(2024, 6, 25),
                         end_date=D(2024, 6, 28))
    api = api_as("viewer")
    with django_assert_num_queries(10):  # token, last-used, campaign, role, 4 schedule, baseline, its rows
        response = api.get(f"/campaigns/{demo.pk}/schedule")
    body = response.json()
    assert (body["campaign_id"], body["project_end"], body["holiday_data_missing"]) == (demo.pk, "2024-06-28", [])
    # Freed from the wrap-up, the review (06-25..06-28) alone sets the end: the chain before it has slack.
    assert body["critical_path"] == [tasks[REVIEW].pk]
    assert body["baseline"]["label"] == "计划确认 / Plan as confirmed"
    rows = {t["title"]: t for t in body["tasks"]}
    assert {k: rows[WRAP][k] for k in ("early_start", "early_finish", "late_start", "late_finish", "slack",
                                         "critical", "duration", "conflict")} == {
        "early_start": "2024-06-18", "early_finish": "2024-06-21", "late_start": "2024-06-25",
        "late_finish": "2024-06-28", "slack": 5, "critical": False, "duration": 4, "conflict": False}
    assert [rows[t]["slack"] for t in CHAIN] == [5, 5, 5, 5, 0]
    assert {k: rows[REVIEW][k] for k in ("start_date", "end_date", "baseline_start", "baseline_end",
                                           "start_variance", "finish_variance", "version")} == {
        "start_date": "2024-06-25", "end_date": "2024-06-28", "baseline_start": "2024-06-24",
        "baseline_end": "2024-06-30", "start_variance": 1, "finish_variance": 0, "version": 2}


def test_schedule_queries_stay_the_same_as_the_plan_grows(demo, api_as, django_assert_num_queries):
    phase = Phase.objects.get(campaign=demo, kind="burst")
    made = [services.task_create(campaign=demo, actor=None, phase=phase, title=f"T{i}", start_date=D(2024, 6, 17),
                                 end_date=D(2024, 6, 17)) for i in range(40)]
    TaskDependency.objects.bulk_create([TaskDependency(campaign=demo, predecessor=a, successor=b)
                                        for a, b in zip(made, made[1:], strict=False)])
    api = api_as("viewer")
    with django_assert_num_queries(10):
        body = api.get(f"/campaigns/{demo.pk}/schedule").json()
    assert len(body["tasks"]) == 45
    assert body["project_end"] == "2024-08-09"   # 40 one-day tasks in a row from 06-17


# ---- slips and moves ----------------------------------------------------------------------------

def test_slip_preview_across_dragon_boat_then_reschedule(demo, tasks, api_as):
    api = api_as("sales")
    before = _state(demo)
    preview = api.post(f"/campaigns/{demo.pk}/tasks/{tasks[PREP].pk}/slip-preview", {"days": 3})
    assert preview.status_code == 200, preview.json()
    body = preview.json()
    assert [(m["title"], m["old_start"], m["new_start"], m["new_end"], m["shift"]) for m in body["moves"]] == [
        (PREP, "2024-06-01", "2024-06-06", "2024-06-13", 3), (WARM, "2024-06-08", "2024-06-14", "2024-06-19", 3),
        (BURST, "2024-06-15", "2024-06-20", "2024-06-20", 3), (WRAP, "2024-06-18", "2024-06-21", "2024-06-26", 3),
        (REVIEW, "2024-06-24", "2024-06-27", "2024-07-03", 3)]
    assert [(p["name"], p["old_end"], p["new_end"]) for p in body["phase_moves"]][2] == (
        "爆发期（直播+线下）", "2024-06-17", "2024-06-20")
    assert (body["campaign_end"], body["campaign_end_moves"], body["earliest_start"]) == (
        ["2024-06-30", "2024-07-03"], True, None)
    assert _state(demo) == before

    stale = api.post(f"/campaigns/{demo.pk}/tasks/{tasks[PREP].pk}/reschedule",
                     {"days": 3, "version": 7, "expected": body["fingerprint"]})
    assert (stale.status_code, stale.json()["current_version"]) == (409, 1)
    assert _state(demo) == before
    done = api.post(f"/campaigns/{demo.pk}/tasks/{tasks[PREP].pk}/reschedule",
                    {"new_start": "2024-06-06", "version": 1, "expected": body["fingerprint"]})
    assert done.status_code == 200, done.json()
    assert done.json()["moves"] == body["moves"]
    assert list(Task.objects.filter(campaign=demo).values_list("start_date", "end_date", "version")) == [
        (D(2024, 6, 6), D(2024, 6, 13), 2), (D(2024, 6, 14), D(2024, 6, 19), 2), (D(2024, 6, 20), D(2024, 6, 20), 2),
        (D(2024, 6, 21), D(2024, 6, 26), 2), (D(2024, 6, 27), D(2024, 7, 3), 2)]
    # A second save of the same preview is stale: the task is at version 2 now.
    again = api.post(f"/campaigns/{demo.pk}/tasks/{tasks[PREP].pk}/reschedule",
                     {"new_start": "2024-06-06", "version": 1, "expected": body["fingerprint"]})
    assert again.status_code == 409
    variances = {t["title"]: t["finish_variance"] for t in api.get(f"/campaigns/{demo.pk}/schedule").json()["tasks"]}
    assert variances == dict.fromkeys(CHAIN, 3)


def test_move_input_is_checked(demo, tasks, api_as):
    api = api_as("lead")
    url = f"/campaigns/{demo.pk}/tasks/{tasks[WARM].pk}/slip-preview"
    cases = [
        ({}, "Give the new start date, the new end date or a number of working days."),
        ({"days": 2, "new_start": "2024-06-12"}, "Give either a number of working days or dates, not both."),
        ({"new_start": "2024-06-12", "new_end": "2024-06-11"}, "The end date must be on or after the start date."),
        ({"new_start": "2031-01-01"}, "Choose dates within two years of the campaign."),
        ({"new_start": "12/06/2024"}, "new_start: Enter a valid date (YYYY-MM-DD)."),
    ]
    for body, detail in cases:
        response = api.post(url, body)
        assert (response.status_code, response.json()["detail"]) == (422, detail), body
    clamped = api.post(url, {"new_start": "2024-06-05"}).json()
    assert (clamped["moves"], clamped["earliest_start"]) == ([], "2024-06-11")
    missing = api.post(f"/campaigns/{demo.pk}/tasks/999999/slip-preview", {"days": 1})
    assert missing.status_code == 404


# ---- baselines ----------------------------------------------------------------------------------

def test_baselines_are_listed_and_only_the_lead_takes_one(demo, api_as):
    assert [b["label"] for b in api_as("viewer").get(f"/campaigns/{demo.pk}/baselines").json()] == [
        "计划确认 / Plan as confirmed"]
    before = _state(demo)
    assert api_as("product").post(f"/campaigns/{demo.pk}/baselines", {"label": "x"}).status_code == 403
    assert _state(demo) == before
    created = api_as("lead").post(f"/campaigns/{demo.pk}/baselines", {"label": "Confirmed v2"})
    assert created.status_code == 201
    assert (created.json()["label"], created.json()["task_count"], created.json()["taken_by"]["username"]) == (
        "Confirmed v2", 5, "lead")
    assert scheduling.campaign_schedule(demo).baseline.label == "Confirmed v2"


# ---- access -------------------------------------------------------------------------------------

def test_every_schedule_endpoint_is_404_for_outsiders_403_for_viewer_writes_401_anonymous(demo, tasks, api_as):
    dep = TaskDependency.objects.filter(campaign=demo).first()
    task = tasks[PREP].pk
    calls = [
        ("get", f"/campaigns/{demo.pk}/dependencies", None),
        ("post", f"/campaigns/{demo.pk}/dependencies", {"predecessor": task, "successor": tasks[REVIEW].pk}),
        ("delete", f"/campaigns/{demo.pk}/dependencies/{dep.pk}", None),
        ("get", f"/campaigns/{demo.pk}/schedule", None),
        ("post", f"/campaigns/{demo.pk}/tasks/{task}/slip-preview", {"days": 1}),
        ("post", f"/campaigns/{demo.pk}/tasks/{task}/reschedule", {"days": 1, "version": 1}),
        ("get", f"/campaigns/{demo.pk}/baselines", None),
        ("post", f"/campaigns/{demo.pk}/baselines", {"label": "x"}),
    ]
    before = _state(demo)
    outsider, viewer = api_as("outsider"), api_as("viewer")
    for method, path, body in calls:
        assert outsider.call(method, path, body).status_code == 404, (method, path)
        assert anonymous().call(method, path, body).status_code == 401, (method, path)
        expected = 200 if method == "get" else 403
        assert viewer.call(method, path, body).status_code == expected, (method, path)
    assert _state(demo) == before
