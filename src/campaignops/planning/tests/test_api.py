"""The plan API: phases, tasks (versioned, filtered, owners by id or name), templates and creating a
campaign from a template, each behind the access policy."""

import datetime as dt

import pytest

from campaignops.campaigns.models import Campaign, Membership
from campaignops.campaigns.services import campaign_create
from campaignops.campaigns.tests.api_client import anonymous, bearer
from campaignops.core.models import AuditEntry
from campaignops.planning.models import Phase, PlanTemplate, Task
from campaignops.planning.services import phase_create, task_create

pytestmark = pytest.mark.django_db

SEED_TITLES = ["确认目标、细化方案", "小红书/抖音内容发布与达人对接", "直播带货、线下快闪店", "评价返现审核、售后跟进",
               "数据汇总与报告"]


@pytest.fixture
def api_as(api_token):
    return lambda username: bearer(api_token(username))


def _task_row(task: Task) -> tuple:
    task.refresh_from_db()
    return (task.title, task.status, task.start_date, task.end_date, task.owner_id, task.owner_name, task.version)


def _first_task(campaign) -> Task:
    return Task.objects.filter(campaign=campaign).order_by("phase__order").first()


# ---- phases -------------------------------------------------------------------------------------

def test_phase_list(demo, api_as, django_assert_num_queries):
    api = api_as("viewer")
    with django_assert_num_queries(5):  # token, last-used, campaign, role, phases
        body = api.get(f"/campaigns/{demo.pk}/phases").json()
    assert [(p["name"], p["kind"], p["start_date"], p["end_date"], p["order"]) for p in body] == [
        ("筹备期", "preparation", "2024-06-01", "2024-06-07", 1),
        ("预热期（线上）", "warm_up", "2024-06-08", "2024-06-14", 2),
        ("爆发期（直播+线下）", "burst", "2024-06-15", "2024-06-17", 3),
        ("收尾期", "continuation", "2024-06-18", "2024-06-23", 4),
        ("复盘期", "review", "2024-06-24", "2024-06-30", 5),
    ]
    assert api_as("outsider").get(f"/campaigns/{demo.pk}/phases").status_code == 404
    assert anonymous().get(f"/campaigns/{demo.pk}/phases").status_code == 401


def test_phase_create_update_delete(demo, api_as):
    api = api_as("product")  # planning group may edit the plan
    created = api.post(f"/campaigns/{demo.pk}/phases", {"name": "Extra", "start_date": "2024-07-01",
                                                        "end_date": "2024-07-03"})
    assert created.status_code == 201, created.json()
    phase = created.json()
    assert (phase["name"], phase["kind"], phase["order"], phase["version"]) == ("Extra", "custom", 6, 1)
    updated = api.patch(f"/campaigns/{demo.pk}/phases/{phase['id']}", {"version": 1, "kind": "review"})
    assert (updated.status_code, updated.json()["kind"], updated.json()["version"]) == (200, "review", 2)
    stale = api.patch(f"/campaigns/{demo.pk}/phases/{phase['id']}", {"version": 1, "name": "Stale"})
    assert (stale.status_code, stale.json()["current_version"]) == (409, 2)
    assert Phase.objects.get(pk=phase["id"]).name == "Extra"
    assert api.delete(f"/campaigns/{demo.pk}/phases/{phase['id']}").status_code == 204
    assert not Phase.objects.filter(pk=phase["id"]).exists()


@pytest.mark.parametrize(("payload", "field"), [
    ({"name": "Bad", "start_date": "2024-07-03", "end_date": "2024-07-01"}, "end_date"),
    ({"name": "筹备期", "start_date": "2024-07-01", "end_date": "2024-07-01"}, None),  # duplicate name
    ({"name": "Bad", "start_date": "2024-07-01"}, "end_date"),
    ({"name": "Bad", "start_date": "2024-07-01", "end_date": "2024-07-01", "colour": "red"}, "colour"),
])
def test_phase_create_bad_input_writes_nothing(demo, api_as, payload, field):
    before = Phase.objects.count()
    response = api_as("lead").post(f"/campaigns/{demo.pk}/phases", payload)
    assert (response.status_code, response.json()["field"]) == (422, field)
    assert Phase.objects.count() == before


@pytest.mark.parametrize(("username", "status"), [("viewer", 403), ("outsider", 404)])
def test_phase_writes_refused(demo, api_as, username, status):
    phase = Phase.objects.filter(campaign=demo).first()
    api = api_as(username)
    assert api.post(f"/campaigns/{demo.pk}/phases", {"name": "X", "start_date": "2024-07-01",
                                                     "end_date": "2024-07-01"}).status_code == status
    assert api.patch(f"/campaigns/{demo.pk}/phases/{phase.pk}", {"version": 1, "name": "X"}).status_code == status
    assert api.delete(f"/campaigns/{demo.pk}/phases/{phase.pk}").status_code == status
    assert Phase.objects.filter(campaign=demo).count() == 5
    assert Phase.objects.get(pk=phase.pk).name == "筹备期"
    assert anonymous().delete(f"/campaigns/{demo.pk}/phases/{phase.pk}").status_code == 401


# ---- tasks: list --------------------------------------------------------------------------------

def test_task_list_in_plan_order(demo, users, api_as):
    body = api_as("viewer").get(f"/campaigns/{demo.pk}/tasks").json()
    assert body["count"] == 5
    assert [t["title"] for t in body["items"]] == SEED_TITLES
    burst = body["items"][2]
    assert burst | {"id": 0, "phase": 0, "updated_at": ""} == {
        "id": 0, "campaign_id": demo.pk, "phase": 0, "phase_name": "爆发期（直播+线下）", "order": 1,
        "start_date": "2024-06-15", "end_date": "2024-06-17",
        "owner": {"id": users["sales"].pk, "username": "sales", "name": "李明 Li Ming"},
        "owner_name": "", "owner_unmatched": False, "title": "直播带货、线下快闪店",
        "completion_standard": "直播观看10万+、门店到访500人", "resource_needs": "直播设备、快闪店物料、场地费",
        "risk_plan": "线下人流不足：联合周边商场发优惠券", "notes": "提前测试直播网络", "status": "not_started",
        "channel": "douyin", "deliverable": "场直播", "deliverables_planned": 2, "deliverables_done": None,
        "version": 1, "updated_at": "",
    }


def test_task_list_filters(demo, users, api_as):
    api = api_as("lead")
    Task.objects.filter(title=SEED_TITLES[1]).update(status="in_progress")
    second_phase = Phase.objects.get(campaign=demo, order=2)

    def titles(**params):
        response = api.get(f"/campaigns/{demo.pk}/tasks", **params)
        assert response.status_code == 200, response.json()
        return [t["title"] for t in response.json()["items"]]

    assert titles(owner=users["lead"].pk) == [SEED_TITLES[0], SEED_TITLES[1], SEED_TITLES[4]]
    assert titles(owner="none") == []
    assert titles(status="in_progress") == [SEED_TITLES[1]]
    assert titles(channel="douyin") == [SEED_TITLES[2]]
    assert titles(phase=second_phase.pk) == [SEED_TITLES[1]]
    assert titles(owner=users["lead"].pk, status="not_started") == [SEED_TITLES[0], SEED_TITLES[4]]
    assert titles(limit=2, offset=3) == SEED_TITLES[3:5]
    bad = api.get(f"/campaigns/{demo.pk}/tasks", status="sleeping")
    assert (bad.status_code, bad.json()["field"]) == (422, "status")


def test_task_list_query_count_stays_constant_as_tasks_grow(demo, users, api_as, django_assert_num_queries):
    api = api_as("lead")
    with django_assert_num_queries(6):  # token, last-used, campaign, role, count, page (joined)
        assert api.get(f"/campaigns/{demo.pk}/tasks").json()["count"] == 5
    phase = Phase.objects.get(campaign=demo, order=3)
    for i in range(25):
        owner = [users["sales"], users["product"], None][i % 3]
        task_create(campaign=demo, actor=users["lead"], phase=phase, title=f"Extra {i}", owner=owner,
                    owner_name="" if owner else "Someone")
    with django_assert_num_queries(6):
        assert api.get(f"/campaigns/{demo.pk}/tasks").json()["count"] == 30


def test_task_list_access(demo, api_as):
    assert api_as("outsider").get(f"/campaigns/{demo.pk}/tasks").status_code == 404
    assert anonymous().get(f"/campaigns/{demo.pk}/tasks").status_code == 401


# ---- tasks: create, read ------------------------------------------------------------------------

def test_task_create_with_owner_by_id_name_or_unknown_name(demo, users, api_as):
    api = api_as("sales")  # execution group may edit the plan
    phase = Phase.objects.get(campaign=demo, order=3)
    base = {"phase": phase.pk, "start_date": "2024-06-15", "end_date": "2024-06-16", "channel": "douyin"}
    by_id = api.post(f"/campaigns/{demo.pk}/tasks", base | {"title": "By id", "owner": users["product"].pk})
    assert by_id.status_code == 201, by_id.json()
    assert (by_id.json()["owner"]["username"], by_id.json()["owner_name"], by_id.json()["owner_unmatched"]) == (
        "product", "", False)
    by_name = api.post(f"/campaigns/{demo.pk}/tasks", base | {"title": "By name", "owner": "赵六"})
    assert (by_name.json()["owner"]["username"], by_name.json()["owner_unmatched"]) == ("logistics", False)
    unknown = api.post(f"/campaigns/{demo.pk}/tasks", base | {"title": "Unknown", "owner": "Wang Xiaoming"})
    assert unknown.status_code == 201
    assert (unknown.json()["owner"], unknown.json()["owner_name"], unknown.json()["owner_unmatched"]) == (
        None, "Wang Xiaoming", True)
    task = Task.objects.get(pk=unknown.json()["id"])
    assert (task.owner_id, task.owner_name, task.order, task.channel.code, task.start_date) == (
        None, "Wang Xiaoming", 4, "douyin", dt.date(2024, 6, 15))


def test_task_create_defaults_to_the_phase_window(demo, api_as):
    phase = Phase.objects.get(campaign=demo, order=2)
    body = api_as("lead").post(f"/campaigns/{demo.pk}/tasks", {"phase": phase.pk, "title": "Posters"}).json()
    assert (body["start_date"], body["end_date"], body["status"], body["owner"], body["owner_name"]) == (
        "2024-06-08", "2024-06-14", "not_started", None, "")


@pytest.mark.parametrize(("payload", "status", "field"), [
    ({"title": "X", "start_date": "2024-06-10", "end_date": "2024-06-09"}, 422, "end_date"),
    ({"title": "X", "estimate": 3}, 422, "estimate"),
    ({"title": ""}, 422, "title"),
    ({"title": "X", "status": "sleeping"}, 422, "status"),
    ({"title": "X", "channel": "myspace"}, 422, "channel"),
    ({"title": "X", "owner": 999999}, 422, "owner"),
    ({"title": "X", "deliverables_planned": -1}, 422, "deliverables_planned"),
    ({"title": "X", "phase": 999999}, 422, "phase"),
])
def test_task_create_bad_input_writes_nothing(demo, api_as, payload, status, field):
    phase = Phase.objects.get(campaign=demo, order=1)
    before = (Task.objects.count(), AuditEntry.objects.count())
    response = api_as("lead").post(f"/campaigns/{demo.pk}/tasks", {"phase": phase.pk} | payload)
    assert (response.status_code, response.json()["field"]) == (status, field)
    assert (Task.objects.count(), AuditEntry.objects.count()) == before


def test_task_owner_must_be_a_member(demo, users, api_as):
    phase = Phase.objects.get(campaign=demo, order=1)
    response = api_as("lead").post(f"/campaigns/{demo.pk}/tasks",
                                   {"phase": phase.pk, "title": "X", "owner": users["outsider"].pk})
    assert (response.status_code, response.json()["field"]) == (400, "owner")
    assert response.json()["detail"] == "The owner must be a member of the campaign."
    assert Task.objects.count() == 5


def test_task_phase_of_another_campaign_is_refused(demo, users, api_as):
    other = campaign_create(actor=users["lead"], name="Other", start_date=dt.date(2025, 1, 1))
    foreign = phase_create(campaign=other, actor=users["lead"], name="P", start_date=dt.date(2025, 1, 1),
                           end_date=dt.date(2025, 1, 2))
    response = api_as("lead").post(f"/campaigns/{demo.pk}/tasks", {"phase": foreign.pk, "title": "X"})
    assert (response.status_code, response.json()["field"]) == (422, "phase")
    assert Task.objects.count() == 5


def test_task_read(demo, api_as, django_assert_num_queries):
    task = _first_task(demo)
    api = api_as("viewer")
    with django_assert_num_queries(4):  # token, last-used, task (joined), role
        body = api.get(f"/campaigns/{demo.pk}/tasks/{task.pk}").json()
    assert (body["id"], body["title"], body["phase_name"], body["owner"]["username"]) == (
        task.pk, "确认目标、细化方案", "筹备期", "lead")
    assert api_as("outsider").get(f"/campaigns/{demo.pk}/tasks/{task.pk}").status_code == 404
    assert anonymous().get(f"/campaigns/{demo.pk}/tasks/{task.pk}").status_code == 401
    assert api.get(f"/campaigns/{demo.pk}/tasks/999999").status_code == 404


def test_task_of_another_campaign_is_404_under_this_one(demo, users, api_as):
    other = campaign_create(actor=users["lead"], name="Other", start_date=dt.date(2025, 1, 1))
    task = _first_task(demo)
    assert api_as("lead").get(f"/campaigns/{other.pk}/tasks/{task.pk}").status_code == 404


# ---- tasks: update, delete ----------------------------------------------------------------------

def test_task_update_changes_what_is_sent(demo, users, api_as):
    task = _first_task(demo)
    response = api_as("finance").patch(f"/campaigns/{demo.pk}/tasks/{task.pk}", {
        "version": 1, "status": "in_progress", "owner": "Wang Xiaoming", "notes": None, "deliverables_done": 1})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["owner"], body["owner_name"], body["owner_unmatched"], body["notes"],
            body["deliverables_done"], body["version"], body["title"]) == (
        "in_progress", None, "Wang Xiaoming", True, "", 1, 2, "确认目标、细化方案")
    back = api_as("finance").patch(f"/campaigns/{demo.pk}/tasks/{task.pk}", {"version": 2, "owner": "lead"})
    assert (back.json()["owner"]["username"], back.json()["owner_name"], back.json()["version"]) == ("lead", "", 3)


def test_task_update_with_a_stale_version_gets_409_and_writes_nothing(demo, api_as):
    task = _first_task(demo)
    api = api_as("lead")
    assert api.patch(f"/campaigns/{demo.pk}/tasks/{task.pk}", {"version": 1, "title": "Mine"}).status_code == 200
    before, audits = _task_row(task), AuditEntry.objects.count()
    stale = api.patch(f"/campaigns/{demo.pk}/tasks/{task.pk}", {"version": 1, "title": "Theirs", "status": "done"})
    assert stale.status_code == 409
    assert stale.json() == {
        "detail": "Someone else changed this item in the meantime. Reload to see their changes, then edit again.",
        "field": None, "errors": [], "current_version": 2}
    assert _task_row(task) == before == ("Mine", "not_started", dt.date(2024, 6, 1), dt.date(2024, 6, 7),
                                         task.owner_id, "", 2)
    assert AuditEntry.objects.count() == audits


@pytest.mark.parametrize(("payload", "field"), [
    ({"version": 1, "end_date": "2024-05-01"}, "end_date"),
    ({"version": 1, "title": "X", "estimate": 3}, "estimate"),
    ({"title": "X"}, "version"),
    ({"version": 1, "title": None}, "title"),
    ({"version": 1, "start_date": "2024-06-31"}, "start_date"),
    ({"version": 1, "phase": None}, "phase"),
    ({"version": 1, "status": None}, "status"),
])
def test_task_update_bad_input_writes_nothing(demo, api_as, payload, field):
    task = _first_task(demo)
    before = _task_row(task)
    response = api_as("lead").patch(f"/campaigns/{demo.pk}/tasks/{task.pk}", payload)
    assert (response.status_code, response.json()["field"]) == (422, field)
    assert _task_row(task) == before


@pytest.mark.parametrize(("username", "status"), [("viewer", 403), ("outsider", 404)])
def test_task_writes_refused(demo, api_as, username, status):
    task = _first_task(demo)
    before = _task_row(task)
    api = api_as(username)
    assert api.post(f"/campaigns/{demo.pk}/tasks", {"phase": task.phase_id, "title": "X"}).status_code == status
    assert api.patch(f"/campaigns/{demo.pk}/tasks/{task.pk}", {"version": 1, "title": "X"}).status_code == status
    assert api.delete(f"/campaigns/{demo.pk}/tasks/{task.pk}").status_code == status
    assert _task_row(task) == before
    assert Task.objects.count() == 5
    assert anonymous().patch(f"/campaigns/{demo.pk}/tasks/{task.pk}", {"version": 1, "title": "X"}).status_code == 401


def test_task_delete(demo, api_as):
    task = _first_task(demo)
    assert api_as("logistics").delete(f"/campaigns/{demo.pk}/tasks/{task.pk}").status_code == 204
    assert not Task.objects.filter(pk=task.pk).exists()
    assert AuditEntry.objects.filter(action="task.delete", object_id=task.pk).count() == 1


# ---- templates ----------------------------------------------------------------------------------

def test_template_list(demo, users, api_as, django_assert_num_queries):
    api = api_as("outsider")
    with django_assert_num_queries(4):  # token, last-used, templates, their phases
        body = api.get("/templates").json()
    assert [(t["name"], t["language"], t["builtin"], t["duration_workdays"]) for t in body] == [
        ("Summer Cool Season launch (seed template)", "en", True, 19),
        ("夏日清凉季新品体验日（种子模板）", "zh-hans", True, 19),
    ]
    assert [(p["name"], p["start_offset"], p["duration"]) for p in body[1]["phases"]] == [
        ("筹备期", 0, 5), ("预热期（线上）", 5, 4), ("爆发期（直播+线下）", 9, 1), ("收尾期", 10, 4), ("复盘期", 14, 5)]
    api_as("lead").post(f"/campaigns/{demo.pk}/save-as-template", {"name": "Saved A"})
    api_as("lead").post(f"/campaigns/{demo.pk}/save-as-template", {"name": "Saved B"})
    with django_assert_num_queries(4):
        assert len(api.get("/templates").json()) == 4
    assert anonymous().get("/templates").status_code == 401


def test_campaign_from_template_dates_the_plan_in_working_days(demo, users, api_as):
    template = PlanTemplate.objects.get(name="夏日清凉季新品体验日（种子模板）")
    response = api_as("product").post("/campaigns/from-template", {
        "template": template.pk, "name": "Summer 2026", "start_date": "2026-06-01", "currency": "CNY"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["start_date"], body["end_date"], body["country"], body["my_role"]) == (
        "Summer 2026", "2026-06-01", "2026-06-26", "CN", "lead")
    assert [(p["name"], p["start_date"], p["end_date"]) for p in body["phases"]] == [
        ("筹备期", "2026-06-01", "2026-06-05"),
        ("预热期（线上）", "2026-06-08", "2026-06-11"),
        ("爆发期（直播+线下）", "2026-06-12", "2026-06-12"),
        ("收尾期", "2026-06-15", "2026-06-18"),
        ("复盘期", "2026-06-22", "2026-06-26"),
    ]
    assert [(t["title"], t["start_date"], t["end_date"]) for p in body["phases"] for t in p["tasks"]] == [
        (SEED_TITLES[0], "2026-06-01", "2026-06-05"), (SEED_TITLES[1], "2026-06-08", "2026-06-11"),
        (SEED_TITLES[2], "2026-06-12", "2026-06-12"), (SEED_TITLES[3], "2026-06-15", "2026-06-18"),
        (SEED_TITLES[4], "2026-06-22", "2026-06-26")]
    wrap_up = body["phases"][3]["tasks"][0]
    assert (wrap_up["owner"], wrap_up["owner_name"], wrap_up["owner_unmatched"]) == (None, "赵六", True)
    campaign = Campaign.objects.get(pk=body["id"])
    assert list(Membership.objects.filter(campaign=campaign).values_list("user__username", "role")) == [
        ("product", "lead")]


@pytest.mark.parametrize(("payload", "field"), [
    ({"template": 999999, "name": "X", "start_date": "2026-06-01"}, "template"),
    ({"name": "X", "start_date": "2026-06-01"}, "template"),
    ({"template": "seed", "name": "X", "start_date": "2026-06-01", "country": "XX"}, "country"),
    ({"template": "seed", "name": "X", "start_date": "2026-06-01", "budget": 1}, "budget"),
    ({"template": "seed", "name": "X", "start_date": "2026-06-01", "time_zone": "Nowhere/City"}, "time_zone"),
    ({"template": "seed", "name": "X"}, "start_date"),
])
def test_from_template_bad_input_writes_nothing(demo, api_as, payload, field):
    if payload.get("template") == "seed":
        payload = payload | {"template": PlanTemplate.objects.filter(builtin=True).first().pk}
    before = (Campaign.objects.count(), Phase.objects.count(), Task.objects.count())
    response = api_as("lead").post("/campaigns/from-template", payload)
    assert (response.status_code, response.json()["field"]) == (422, field)
    assert (Campaign.objects.count(), Phase.objects.count(), Task.objects.count()) == before


def test_from_template_anonymous_gets_401(demo):
    template = PlanTemplate.objects.filter(builtin=True).first()
    response = anonymous().post("/campaigns/from-template",
                                {"template": template.pk, "name": "X", "start_date": "2026-06-01"})
    assert response.status_code == 401
    assert Campaign.objects.count() == 1


def test_save_as_template(demo, users, api_as):
    response = api_as("lead").post(f"/campaigns/{demo.pk}/save-as-template", {"name": "Our summer"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["builtin"], body["source_campaign_id"], body["duration_workdays"]) == (
        "Our summer", False, demo.pk, 19)
    assert [(p["name"], p["start_offset"], p["duration"]) for p in body["phases"]] == [
        ("筹备期", 0, 5), ("预热期（线上）", 5, 4), ("爆发期（直播+线下）", 9, 1), ("收尾期", 10, 4), ("复盘期", 14, 5)]
    again = api_as("lead").post(f"/campaigns/{demo.pk}/save-as-template", {"name": "Our summer"})
    assert (again.status_code, again.json()["field"]) == (400, "name")
    assert PlanTemplate.objects.filter(name="Our summer").count() == 1


@pytest.mark.parametrize(("username", "status"), [("viewer", 403), ("sales", 403), ("outsider", 404)])
def test_save_as_template_needs_manage(demo, api_as, username, status):
    response = api_as(username).post(f"/campaigns/{demo.pk}/save-as-template", {"name": "Mine"})
    assert response.status_code == status
    assert not PlanTemplate.objects.filter(name="Mine").exists()
    assert anonymous().post(f"/campaigns/{demo.pk}/save-as-template", {"name": "Mine"}).status_code == 401
