"""The JSON API of risks, contingencies (and their activation), issues, adjustments and stand-ups:
exact answers, version checks (409, nothing written), all-or-nothing activation, pinned queries."""

import datetime as dt
from unittest import mock

import pytest
from django.test import Client

from campaignops.campaigns.services import campaign_create
from campaignops.campaigns.tests.api_client import Api, bearer
from campaignops.core.errors import DomainError
from campaignops.core.models import AuditEntry
from campaignops.planning.models import Phase, Standup, StandupActionItem, Task
from campaignops.planning.services import phase_create
from campaignops.risks import services
from campaignops.risks.models import Issue, Risk, StrategyAdjustment

from .conftest import NOW, at, frozen

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def api_as(api_token):
    return lambda username: bearer(api_token(username))


def kol(demo) -> Risk:
    return Risk.objects.get(campaign=demo, category="kol_schedule")


def counts():
    return (Task.objects.count(), Issue.objects.count(), StrategyAdjustment.objects.count(), Risk.objects.count(),
            AuditEntry.objects.count())


# ---- risks --------------------------------------------------------------------------------------

def test_risk_list_and_read(demo, users, api_as, django_assert_num_queries):
    api = api_as("viewer")
    with django_assert_num_queries(8):  # token, last-used, campaign, role, risks (joined), contingency tasks, owners
        body = api.get(f"/campaigns/{demo.pk}/risks").json()
    assert [(r["description"], r["score"], r["level"], r["status"]) for r in body] == [
        ("达人档期冲突", 12, "high", "open"), ("天气突变（暴雨/高温）影响线下快闪店", 10, "high", "open"),
        ("快闪店物料延迟到货", 9, "medium", "open"), ("线下人流不足", 9, "medium", "open"),
        ("投诉集中", 8, "medium", "open"), ("目标分歧", 4, "low", "open")]
    first = body[0]
    assert (first["category"], first["contingency_plan"], first["trigger"], first["owner"]["username"]) == (
        "kol_schedule", "备选2名素人", "达人在发布前48小时内取消或改期", "lead")
    assert [(c["title"], c["duration"], c["owner"]["username"]) for c in first["contingency_tasks"]] == [
        ("联系2名备选素人并确认档期", 2, "product")]
    assert [r["description"] for r in api.get(f"/campaigns/{demo.pk}/risks", category="traffic").json()] == [
        "线下人流不足"]
    assert api.get(f"/campaigns/{demo.pk}/risks/{kol(demo).pk}").json()["id"] == kol(demo).pk
    assert api_as("outsider").get(f"/campaigns/{demo.pk}/risks").status_code == 404
    for n in range(10):
        risk = services.risk_create(campaign=demo, actor=users["lead"], description=f"风险 {n}", owner=users["sales"])
        services.contingency_task_add(risk=risk, actor=users["lead"], title="备选", owner=users["finance"])
    with django_assert_num_queries(8):
        assert len(api.get(f"/campaigns/{demo.pk}/risks").json()) == 16


def test_risk_create_update_stale_delete(demo, users, api_as):
    api = api_as("product")
    burst = Phase.objects.get(campaign=demo, kind="burst")
    created = api.post(f"/campaigns/{demo.pk}/risks", {"description": "直播平台限流", "category": "technical",
                                                       "probability": 2, "impact": 5, "phase": burst.pk,
                                                       "owner": users["sales"].pk})
    assert created.status_code == 201, created.json()
    r = created.json()
    assert (r["score"], r["level"], r["phase"], r["owner"]["username"], r["version"]) == (10, "high", burst.pk,
                                                                                         "sales", 1)
    path = f"/campaigns/{demo.pk}/risks/{r['id']}"
    updated = api.patch(path, {"version": 1, "probability": 4, "trigger": None})
    assert (updated.status_code, updated.json()["score"], updated.json()["version"]) == (200, 20, 2)
    before = counts()
    stale = api.patch(path, {"version": 1, "impact": 1})
    assert (stale.status_code, stale.json()["current_version"]) == (409, 2)
    assert counts() == before and Risk.objects.get(pk=r["id"]).impact == 5
    outsider = api.post(f"/campaigns/{demo.pk}/risks", {"description": "x", "owner": users["outsider"].pk})
    assert (outsider.status_code, outsider.json()["field"]) == (400, "owner")
    other = campaign_create(actor=users["lead"], name="Other", start_date=D(2024, 7, 1), end_date=D(2024, 7, 9))
    foreign = phase_create(campaign=other, actor=users["lead"], name="X", start_date=D(2024, 7, 1),
                           end_date=D(2024, 7, 2))
    wrong = api.post(f"/campaigns/{demo.pk}/risks", {"description": "x", "phase": foreign.pk})
    assert (wrong.status_code, wrong.json()["field"]) == (422, "phase")
    assert api_as("viewer").delete(path).status_code == 403
    assert api.delete(path).status_code == 204 and not Risk.objects.filter(pk=r["id"]).exists()


def test_contingency_task_add_and_delete(demo, users, api_as):
    api = api_as("sales")
    risk = Risk.objects.get(campaign=demo, category="traffic")
    added = api.post(f"/campaigns/{demo.pk}/risks/{risk.pk}/contingency-tasks",
                     {"title": "联合商场发券", "duration": 2, "owner": users["sales"].pk})
    assert added.status_code == 201
    assert (added.json()["title"], added.json()["phase"], added.json()["order"]) == ("联合商场发券", None, 1)
    gone = api.delete(f"/campaigns/{demo.pk}/risks/{risk.pk}/contingency-tasks/{added.json()['id']}")
    assert gone.status_code == 204 and not risk.contingency_tasks.exists()


def test_from_plan_imports_each_row_once(demo, users, api_as):
    Risk.objects.filter(campaign=demo).delete()
    api = api_as("lead")
    first = api.post(f"/campaigns/{demo.pk}/risks/from-plan")
    assert first.status_code == 201 and sorted(r["description"] for r in first.json()) == sorted(
        ["目标分歧", "达人档期冲突", "线下人流不足", "投诉集中"])
    assert all(r["source_task"] for r in first.json())
    assert api.post(f"/campaigns/{demo.pk}/risks/from-plan").json() == []


def test_activate_creates_tasks_issue_with_24h_clock_and_adjustment(demo, users, api_as):
    risk = kol(demo)
    moment = at(2024, 6, 12, 10, 0)
    with frozen(moment):
        response = api_as("lead").post(f"/campaigns/{demo.pk}/risks/{risk.pk}/activate",
                                       {"version": 1, "note": "达人A改期"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["risk"]["status"], body["risk"]["version"]) == ("triggered", 2)
    assert [(t["title"], t["phase_name"], t["start_date"], t["end_date"], t["owner"]["username"], t["status"])
            for t in body["tasks"]] == [("联系2名备选素人并确认档期", "预热期（线上）", "2024-06-12", "2024-06-13",
                                         "product", "in_progress")]
    issue = body["issue"]
    assert (issue["severity"], issue["status"], issue["risk"], issue["clock"]) == (
        "high", "open", risk.pk, {"state": "running", "minutes": 1440, "text": "24 h 0 min left"})
    assert dt.datetime.fromisoformat(issue["response_deadline"]) == moment + dt.timedelta(hours=24)
    adj = body["adjustment"]
    assert (adj["trigger"], adj["issue"], adj["risk"], adj["date"], adj["what_changed"]) == (
        "risk", issue["id"], risk.pk, "2024-06-12", "Contingency switched on: 备选2名素人\n达人A改期")


def test_activate_with_a_stale_version_is_409_and_writes_nothing(demo, api_as):
    risk = kol(demo)
    before = counts()
    response = api_as("lead").post(f"/campaigns/{demo.pk}/risks/{risk.pk}/activate", {"version": 7})
    assert (response.status_code, response.json()["current_version"]) == (409, 1)
    assert counts() == before
    assert api_as("viewer").post(f"/campaigns/{demo.pk}/risks/{risk.pk}/activate", {"version": 1}).status_code == 403
    assert counts() == before


@pytest.mark.parametrize("error, status", [(RuntimeError("boom"), 500), (DomainError("The channel is closed."), 400)])
def test_a_failure_part_way_through_the_api_leaves_nothing_behind(demo, users, api_token, error, status):
    risk = kol(demo)
    api = Api(Client(headers={"Authorization": f"Bearer {api_token('lead')}"}, raise_request_exception=False))
    before = counts()
    with mock.patch.object(services, "adjustment_create", side_effect=error):
        response = api.post(f"/campaigns/{demo.pk}/risks/{risk.pk}/activate", {"version": 1})
    assert response.status_code == status
    assert counts()[:4] == before[:4] and AuditEntry.objects.count() == before[4]
    risk.refresh_from_db()
    assert (risk.status, risk.version) == ("open", 1)


# ---- issues -------------------------------------------------------------------------------------

def test_issue_create_list_update_resolve(demo, users, api_as, scenario, django_assert_num_queries):
    api = api_as("sales")
    with frozen(NOW):
        created = api.post(f"/campaigns/{demo.pk}/issues", {"problem": "门店空调故障", "severity": "critical",
                                                            "owner": users["logistics"].pk})
        custom = api.post(f"/campaigns/{demo.pk}/issues", {"problem": "小票打印机缺纸", "severity": "low",
                                                           "response_hours": 3})
    assert created.status_code == 201, created.json()
    c = created.json()
    assert (dt.datetime.fromisoformat(c["response_deadline"]), c["reported_by"]["username"], c["owner"]["username"]) == (
        NOW + dt.timedelta(hours=4), "sales", "logistics")
    assert dt.datetime.fromisoformat(custom.json()["response_deadline"]) == NOW + dt.timedelta(hours=3)
    with frozen(NOW), django_assert_num_queries(6):   # token, last-used, campaign, role, count, page (joined)
        listed = api.get(f"/campaigns/{demo.pk}/issues", status="unresolved").json()
    assert [i["problem"] for i in listed["items"]] == ["快闪店展架预计晚到1天", "达人临时改期", "直播间评论集中问价格",
                                                       "小票打印机缺纸", "门店空调故障", "赠品包装破损"]
    assert [i["clock"]["state"] for i in listed["items"]] == ["overdue", "overdue", "due_soon", "due_soon",
                                                              "due_soon", "running"]
    path = f"/campaigns/{demo.pk}/issues/{c['id']}"
    moved = api.patch(path, {"version": 1, "status": "in_progress", "task": Task.objects.filter(campaign=demo)
                             .first().pk})
    assert (moved.status_code, moved.json()["status"], moved.json()["version"]) == (200, "in_progress", 2)
    before = counts()
    assert api.patch(path, {"version": 1, "problem": "旧"}).status_code == 409
    assert api.post(f"{path}/resolve", {"version": 1, "solution": "x"}).status_code == 409
    assert counts() == before
    with frozen(NOW + dt.timedelta(hours=5)):
        resolved = api.post(f"{path}/resolve", {"version": 2, "solution": "更换备用空调"}).json()
    assert (resolved["status"], resolved["solution"], resolved["clock"]) == (
        "resolved", "更换备用空调", {"state": "missed", "minutes": 60, "text": "resolved 1 h 0 min late"})
    assert api_as("viewer").post(f"{path}/resolve", {"version": 3, "solution": "x"}).status_code == 403


# ---- adjustments --------------------------------------------------------------------------------

def test_adjustment_crud(demo, users, api_as):
    api = api_as("lead")
    made = api.post(f"/campaigns/{demo.pk}/adjustments", {"what_changed": "竞品降价：加推限时优惠", "date": "2024-06-16",
                                                          "trigger": "market_move", "channel": "douyin"})
    assert made.status_code == 201, made.json()
    a = made.json()
    assert (a["trigger"], a["channel"], a["created_by"]["username"], a["measured_effect"]) == (
        "market_move", "douyin", "lead", "")
    path = f"/campaigns/{demo.pk}/adjustments/{a['id']}"
    filled = api.patch(path, {"version": 1, "measured_effect": "GMV回升12%"})
    assert (filled.json()["measured_effect"], filled.json()["version"]) == ("GMV回升12%", 2)
    assert api.patch(path, {"version": 1, "measured_effect": "x"}).status_code == 409
    listed = api.get(f"/campaigns/{demo.pk}/adjustments").json()
    assert [x["what_changed"][:6] for x in listed["items"]] == ["竞品降价：加", "评论反映“价"]
    assert api.patch(path, {"version": 2, "channel": "nope"}).json()["field"] == "channel"
    assert api.delete(path).status_code == 204


# ---- stand-ups ----------------------------------------------------------------------------------

def test_standup_summary_for_a_frozen_now(demo, users, api_as, scenario):
    with frozen(NOW):
        body = api_as("viewer").get(f"/campaigns/{demo.pk}/standup/summary").json()
    p, x, i = scenario.plan, scenario.extra, scenario.issues
    assert (body["today"], body["last_standup"]) == ("2024-06-17", scenario.previous.pk)
    from campaignops.metrics.selectors import kpis_behind  # the dashboard's own list, as of that day
    assert [(k["kpi_target"], k["status"]) for k in body["kpis_behind"]] == [
        (c.id, c.status) for c in kpis_behind(demo, today=dt.date(2024, 6, 17))]
    assert dt.datetime.fromisoformat(body["since"]) == at(2024, 6, 16, 9, 10)
    assert [t["id"] for t in body["due_today"]] == [p["burst"].pk]
    assert [(t["id"], t["status"], t["days_late"]) for t in body["overdue"]] == [
        (p["warm_up"].pk, "delayed", 3), (x["reshoot"].pk, "delayed", 0)]
    assert [t["id"] for t in body["blocked"]] == [p["continuation"].pk]
    assert [(t["id"], t["new"], [(u["status"], u["automatic"]) for u in t["updates"]]) for t in body["changed"]] == [
        (p["warm_up"].pk, False, [("delayed", True)]), (p["burst"].pk, False, [("in_progress", False)]),
        (x["price_card"].pk, True, [])]
    assert [(j["id"], j["clock"]["text"]) for j in body["issues"]] == [
        (scenario.demo_open.pk, "overdue by 2 d 0 h"), (i["late"].pk, "overdue by 23 h 0 min"),
        (i["soon"].pk, "2 h 0 min left")]
    assert [r["id"] for r in body["risks_triggered"]] == [scenario.weather.pk]


def test_standup_create_read_update(demo, users, api_as):
    api = api_as("lead")
    burst = Phase.objects.get(campaign=demo, kind="burst")
    with frozen(NOW):
        made = api.post(f"/campaigns/{demo.pk}/standups", {
            "minutes": "过进度", "decisions": "加开一场直播", "attendees": [users["lead"].pk, users["sales"].pk],
            "action_items": [{"title": "确认第二场直播的主播", "phase": burst.pk, "owner": users["sales"].pk,
                              "due": "2024-06-18"}]})
    assert made.status_code == 201, made.json()
    s = made.json()
    assert (s["held_on"], s["facilitator"]["username"], [a["username"] for a in s["attendees"]]) == (
        "2024-06-17", "lead", ["lead", "sales"])
    assert [(t["title"], t["phase"], t["start_date"], t["end_date"], t["owner"]["username"])
            for t in s["action_items"]] == [("确认第二场直播的主播", burst.pk, "2024-06-17", "2024-06-18", "sales")]
    path = f"/campaigns/{demo.pk}/standups/{s['id']}"
    assert api_as("viewer").get(path).json()["minutes"] == "过进度"
    assert api.patch(path, {"version": 1, "minutes": "过进度（更正）"}).json()["version"] == 2
    assert api.patch(path, {"version": 1, "minutes": "旧"}).status_code == 409
    assert [x["id"] for x in api.get(f"/campaigns/{demo.pk}/standups").json()["items"]] == [s["id"]]


def test_standup_with_a_bad_action_item_is_refused_whole(demo, users, api_as):
    api = api_as("lead")
    burst = Phase.objects.get(campaign=demo, kind="burst")
    before = (Standup.objects.count(), Task.objects.count(), StandupActionItem.objects.count())
    with frozen(NOW):
        refused = api.post(f"/campaigns/{demo.pk}/standups", {"action_items": [
            {"title": "A", "phase": burst.pk, "due": "2024-06-18"},
            {"title": "B", "phase": burst.pk, "due": "2024-06-18", "owner": users["outsider"].pk}]})
    assert refused.status_code == 422
    assert refused.json()["detail"] == "Action item 2: The owner must be a member of the campaign."
    assert (Standup.objects.count(), Task.objects.count(), StandupActionItem.objects.count()) == before
