"""The campaigns API: campaigns CRUD, channels, KPI targets and members, each behind the access policy.

For every operation: a member with the right role succeeds, a non-member gets 404, a viewer's write
gets 403, an anonymous caller 401; refused and stale writes leave the rows exactly as they were.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client

from campaignops.campaigns.models import Campaign, Channel, KpiTarget, Membership
from campaignops.campaigns.services import campaign_create, member_add
from campaignops.core.models import AuditEntry
from campaignops.planning.models import Task

from .api_client import anonymous, bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_as(api_token):
    return lambda username: bearer(api_token(username))


def _row(campaign: Campaign) -> dict:
    campaign.refresh_from_db()
    return {"name": campaign.name, "end_date": campaign.end_date, "version": campaign.version,
            "channels": sorted(campaign.channels.values_list("code", flat=True))}


# ---- list ---------------------------------------------------------------------------------------

def test_list_shows_only_the_campaigns_i_belong_to(demo, users, api_as):
    body = api_as("viewer").get("/campaigns").json()
    assert body == {"count": 1, "items": [{
        "id": demo.pk, "name": demo.name, "kind": "product_launch", "status": "draft",
        "start_date": "2024-06-01", "end_date": "2024-06-30",
        "lead": {"id": users["lead"].pk, "username": "lead", "name": "王芳 Wang Fang"},
        "task_count": 5, "done_count": 0, "member_count": 6, "version": 1,
    }]}
    assert api_as("outsider").get("/campaigns").json() == {"count": 0, "items": []}


def test_list_anonymous_gets_401(demo):
    response = anonymous().get("/campaigns")
    assert response.status_code == 401
    assert response.json() == {"detail": "Sign in or send a valid API token."}


def test_list_paginates(demo, users, api_as):
    for day in (1, 2, 3):
        campaign_create(actor=users["lead"], name=f"Later {day}", start_date=dt.date(2025, 1, day))
    body = api_as("lead").get("/campaigns", limit=2, offset=1).json()
    assert body["count"] == 4
    assert [c["name"] for c in body["items"]] == ["Later 2", "Later 1"]


def test_list_query_count_stays_constant_as_campaigns_grow(demo, users, api_as, django_assert_num_queries):
    api = api_as("lead")
    with django_assert_num_queries(4):  # token, token last-used, count, page
        assert api.get("/campaigns").json()["count"] == 1
    for i in range(6):
        c = campaign_create(actor=users["lead"], name=f"More {i}", start_date=dt.date(2025, 3, 1 + i))
        member_add(campaign=c, actor=users["lead"], user=users["sales"], role="execution")
    with django_assert_num_queries(4):
        assert api.get("/campaigns").json()["count"] == 7


# ---- create -------------------------------------------------------------------------------------

def test_create_makes_the_creator_lead(demo, users, api_as):
    response = api_as("outsider").post("/campaigns", {
        "name": "Double 11", "kind": "ecommerce_promotion", "start_date": "2026-11-01", "end_date": "2026-11-11",
        "channels": ["tmall", "douyin"], "audience_age_min": 20, "audience_age_max": 40, "currency": "CNY",
    })
    assert response.status_code == 201, response.json()
    body = response.json()
    campaign = Campaign.objects.get(pk=body["id"])
    assert (campaign.name, campaign.kind, campaign.start_date, campaign.end_date, campaign.lead) == (
        "Double 11", "ecommerce_promotion", dt.date(2026, 11, 1), dt.date(2026, 11, 11), users["outsider"])
    assert [c["code"] for c in body["scope"]["channels"]] == ["douyin", "tmall"]  # catalogue order
    assert body["scope"]["audience"] == {"age_min": 20, "age_max": 40, "regions": "", "habits": ""}
    assert [(m["user"]["username"], m["role"]) for m in body["members"]] == [("outsider", "lead")]
    assert body["my_role"] == "lead"
    assert AuditEntry.objects.filter(action="campaign.create", object_id=campaign.pk).count() == 1


@pytest.mark.parametrize(("payload", "field", "detail"), [
    ({"name": "X", "start_date": "2026-06-02", "end_date": "2026-06-01"}, "end_date",
     "The end date must be on or after the start date."),
    ({"name": "X", "start_date": "2026-06-01", "budget": 5}, "budget", "budget: Unknown field."),
    ({"name": "X", "start_date": "2026-06-01", "channels": ["myspace"]}, "channels", "Unknown channel: myspace"),
    ({"name": "X", "start_date": "2026-06-01", "country": "XX"}, "country",
     "country: There is no working-day calendar for this country code."),
    ({"name": "X", "start_date": "2026-06-01", "time_zone": "Mars/Olympus"}, "time_zone", "Unknown time zone."),
    ({"name": "", "start_date": "2026-06-01"}, "name", "name: This field cannot be empty."),
    ({"name": "X", "start_date": "2026-02-30"}, "start_date", "start_date: Enter a valid date (YYYY-MM-DD)."),
    ({"name": "X", "start_date": "2026-06-01", "kind": "party"}, "kind",
     "kind: This is not one of the allowed values."),
])
def test_create_refuses_bad_input_and_writes_nothing(demo, api_as, payload, field, detail):
    before = (Campaign.objects.count(), Membership.objects.count(), AuditEntry.objects.count())
    response = api_as("lead").post("/campaigns", payload)
    assert response.status_code == 422
    assert (response.json()["field"], response.json()["detail"]) == (field, detail)
    assert (Campaign.objects.count(), Membership.objects.count(), AuditEntry.objects.count()) == before


def test_create_anonymous_gets_401(demo):
    assert anonymous().post("/campaigns", {"name": "X", "start_date": "2026-06-01"}).status_code == 401
    assert Campaign.objects.count() == 1


# ---- read ---------------------------------------------------------------------------------------

def test_read_has_scope_targets_and_team(demo, api_as):
    body = api_as("viewer").get(f"/campaigns/{demo.pk}").json()
    assert (body["name"], body["currency"], body["time_zone"], body["country"], body["my_role"]) == (
        demo.name, "CNY", "Asia/Shanghai", "CN", "viewer")
    assert [c["code"] for c in body["scope"]["channels"]] == ["xiaohongshu", "douyin", "pop-up"]
    assert body["scope"]["audience"]["age_min"] == 18 and body["scope"]["audience"]["age_max"] == 35
    assert [(t["metric"], t["channel"], t["target_value"], t["unit"], t["direction"]) for t in body["kpi_targets"]] == [
        ("impressions", None, "500000.0000", "count", "higher"),
        ("cvr", None, "5.0000", "percent", "higher"),
        ("live_views", "douyin", "100000.0000", "count", "higher"),
        ("store_visitors", "pop-up", "500.0000", "count", "higher"),
        ("reviews", None, "200.0000", "count", "higher"),
        ("complaint_rate", None, "1.0000", "percent", "lower"),
    ]
    assert [(m["user"]["username"], m["role"], m["department"]) for m in body["members"]] == [
        ("lead", "lead", "marketing"), ("sales", "execution", "sales"), ("product", "planning", "product"),
        ("finance", "finance", "finance"), ("logistics", "logistics", "logistics"), ("viewer", "viewer", "other"),
    ]


def test_read_query_count_is_fixed(demo, api_as, django_assert_num_queries):
    api = api_as("lead")
    # token, last-used, campaign, channels, targets, members, role
    with django_assert_num_queries(7):
        assert api.get(f"/campaigns/{demo.pk}").status_code == 200


def test_read_non_member_and_missing_get_404_anonymous_401(demo, api_as):
    assert api_as("outsider").get(f"/campaigns/{demo.pk}").json() == {"detail": "Not found."}
    assert api_as("outsider").get(f"/campaigns/{demo.pk}").status_code == 404
    assert api_as("lead").get("/campaigns/999999").status_code == 404
    assert anonymous().get(f"/campaigns/{demo.pk}").status_code == 401


def test_a_site_admin_sees_and_manages_every_campaign(demo, users, api_token):
    users["outsider"].is_superuser = True
    users["outsider"].save()
    api = bearer(api_token("outsider"))
    assert api.get("/campaigns").json()["count"] == 1
    body = api.get(f"/campaigns/{demo.pk}").json()
    assert (body["name"], body["my_role"]) == (demo.name, None)
    assert api.patch(f"/campaigns/{demo.pk}", {"version": 1, "status": "running"}).status_code == 200


def test_a_non_member_gets_404_even_for_bad_input(demo, api_as):
    outsider, viewer = api_as("outsider"), api_as("viewer")
    assert outsider.patch(f"/campaigns/{demo.pk}", {}).status_code == 404
    assert outsider.post(f"/campaigns/{demo.pk}/kpi-targets", {"metric": "happiness"}).status_code == 404
    assert outsider.get(f"/campaigns/{demo.pk}/tasks", status="sleeping").status_code == 404
    assert api_as("lead").patch("/campaigns/999999", {}).status_code == 404
    assert viewer.patch(f"/campaigns/{demo.pk}", {}).status_code == 422  # a member may learn what is wrong


# ---- update -------------------------------------------------------------------------------------

def test_update_changes_only_what_is_sent_and_bumps_the_version(demo, api_as):
    response = api_as("lead").patch(f"/campaigns/{demo.pk}", {
        "version": 1, "name": "Summer 2024", "channels": ["douyin"], "status": "running"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["name"], body["status"], body["version"], body["theme"]) == (
        "Summer 2024", "running", 2, "夏日清凉季新品体验日")
    assert _row(demo) == {"name": "Summer 2024", "end_date": dt.date(2024, 6, 30), "version": 2,
                          "channels": ["douyin"]}


def test_update_with_a_stale_version_gets_409_and_writes_nothing(demo, api_as):
    api = api_as("lead")
    assert api.patch(f"/campaigns/{demo.pk}", {"version": 1, "name": "First"}).status_code == 200
    response = api.patch(f"/campaigns/{demo.pk}", {"version": 1, "name": "Second", "channels": ["jd"]})
    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    assert response.json()["detail"].startswith("Someone else changed this item in the meantime.")
    assert _row(demo) == {"name": "First", "end_date": dt.date(2024, 6, 30), "version": 2,
                          "channels": ["douyin", "pop-up", "xiaohongshu"]}


@pytest.mark.parametrize(("payload", "status", "field"), [
    ({"version": 1, "end_date": "2024-05-01"}, 422, "end_date"),
    ({"version": 1, "name": "X", "colour": "red"}, 422, "colour"),
    ({"name": "X"}, 422, "version"),
    ({"version": 1, "lead": 999999}, 422, "lead"),
    ({"version": 1, "audience_age_min": 40, "audience_age_max": 20}, 422, "audience_age_max"),
    ({"version": 1, "time_zone": None}, 422, "time_zone"),
    ({"version": 1, "name": None}, 422, "name"),
])
def test_update_refuses_bad_input_and_writes_nothing(demo, api_as, payload, status, field):
    before = _row(demo)
    response = api_as("lead").patch(f"/campaigns/{demo.pk}", payload)
    assert (response.status_code, response.json()["field"]) == (status, field)
    assert _row(demo) == before


def test_update_lead_must_be_a_member(demo, users, api_as):
    api = api_as("lead")
    assert api.patch(f"/campaigns/{demo.pk}", {"version": 1, "lead": users["outsider"].pk}).status_code == 422
    response = api.patch(f"/campaigns/{demo.pk}", {"version": 1, "lead": users["product"].pk})
    assert response.json()["lead"]["username"] == "product"


@pytest.mark.parametrize(("username", "status"), [("viewer", 403), ("sales", 403), ("outsider", 404)])
def test_update_needs_manage(demo, api_as, username, status):
    before = _row(demo)
    assert api_as(username).patch(f"/campaigns/{demo.pk}", {"version": 1, "name": "Mine"}).status_code == status
    assert _row(demo) == before
    assert anonymous().patch(f"/campaigns/{demo.pk}", {"version": 1, "name": "Mine"}).status_code == 401


# ---- delete -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("username", "status"), [("viewer", 403), ("product", 403), ("outsider", 404)])
def test_delete_refused_without_manage(demo, api_as, username, status):
    assert api_as(username).delete(f"/campaigns/{demo.pk}").status_code == status
    assert Campaign.objects.filter(pk=demo.pk).exists()
    assert anonymous().delete(f"/campaigns/{demo.pk}").status_code == 401


def test_lead_deletes_the_campaign_and_its_plan(demo, api_as):
    response = api_as("lead").delete(f"/campaigns/{demo.pk}")
    assert (response.status_code, response.content) == (204, b"")
    assert not Campaign.objects.filter(pk=demo.pk).exists()
    assert Task.objects.filter(campaign_id=demo.pk).count() == 0
    assert AuditEntry.objects.filter(action="campaign.delete", object_id=demo.pk).count() == 1


# ---- CSRF: the session needs it on writes, a token does not --------------------------------------

def test_session_writes_need_the_csrf_token(demo, users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["lead"])
    url = f"/api/v1/campaigns/{demo.pk}"
    assert client.get(url).status_code == 200
    refused = client.patch(url, '{"version": 1, "name": "CSRF"}', content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("The CSRF token is missing or wrong")
    assert _row(demo)["name"] == demo.name
    client.get("/api/v1/docs")  # the docs page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    ok = client.patch(url, '{"version": 1, "name": "CSRF"}', content_type="application/json",
                      headers={"X-CSRFToken": token})
    assert ok.status_code == 200
    assert _row(demo)["name"] == "CSRF"


def test_anonymous_write_without_csrf_is_401_not_403(demo):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/campaigns", '{"name": "X", "start_date": "2026-06-01"}',
                           content_type="application/json")
    assert response.status_code == 401


def test_bearer_writes_need_no_csrf(demo, api_token):
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {api_token('lead')}"})
    response = client.patch(f"/api/v1/campaigns/{demo.pk}", '{"version": 1, "name": "Token"}',
                            content_type="application/json")
    assert response.status_code == 200


# ---- channels -----------------------------------------------------------------------------------

def test_channel_catalogue_lists_builtins_in_order(demo, api_as):
    body = api_as("viewer").get("/channels").json()
    assert [c["code"] for c in body] == [
        "xiaohongshu", "douyin", "wechat", "weibo", "bilibili", "tmall", "jd", "offline-store", "pop-up", "meta",
        "google", "tiktok", "email"]
    assert body[0] == {"id": body[0]["id"], "code": "xiaohongshu", "name_en": "Xiaohongshu", "name_zh": "小红书",
                       "online": True, "builtin": True}
    assert anonymous().get("/channels").status_code == 401


def test_a_lead_adds_a_custom_channel(demo, api_as):
    response = api_as("lead").post("/channels", {"code": "kuaishou", "name_en": "Kuaishou", "name_zh": "快手"})
    assert response.status_code == 201
    assert response.json() | {"id": 0} == {"id": 0, "code": "kuaishou", "name_en": "Kuaishou", "name_zh": "快手",
                                           "online": True, "builtin": False}
    duplicate = api_as("lead").post("/channels", {"code": "kuaishou", "name_en": "Again"})
    assert (duplicate.status_code, duplicate.json()["field"]) == (422, "code")
    assert Channel.objects.filter(code="kuaishou").count() == 1


@pytest.mark.parametrize("username", ["viewer", "sales", "outsider"])
def test_only_leads_extend_the_catalogue(demo, api_as, username):
    response = api_as(username).post("/channels", {"code": "kuaishou", "name_en": "Kuaishou"})
    assert response.status_code == 403
    assert not Channel.objects.filter(code="kuaishou").exists()


# ---- KPI targets --------------------------------------------------------------------------------

def _targets(campaign) -> list[tuple]:
    return list(KpiTarget.objects.filter(campaign=campaign).order_by("id").values_list(
        "metric", "target_value", "version"))


def test_kpi_targets_list(demo, api_as, django_assert_num_queries):
    api = api_as("finance")
    with django_assert_num_queries(5):  # token, last-used, campaign, role, targets with channels
        body = api.get(f"/campaigns/{demo.pk}/kpi-targets").json()
    assert [t["metric"] for t in body] == ["impressions", "cvr", "live_views", "store_visitors", "reviews",
                                           "complaint_rate"]
    assert body[2]["channel"] == "douyin"
    assert api_as("outsider").get(f"/campaigns/{demo.pk}/kpi-targets").status_code == 404
    assert anonymous().get(f"/campaigns/{demo.pk}/kpi-targets").status_code == 401


def test_kpi_target_create_update_delete(demo, api_as):
    api = api_as("lead")
    created = api.post(f"/campaigns/{demo.pk}/kpi-targets", {
        "metric": "gmv", "label": "GMV", "channel": "tmall", "target_value": "1200000.50", "unit": "money",
        "due_date": "2024-06-17"})
    assert created.status_code == 201, created.json()
    target = created.json()
    assert (target["metric"], target["channel"], target["target_value"], target["version"]) == (
        "gmv", "tmall", "1200000.5000", 1)
    updated = api.patch(f"/campaigns/{demo.pk}/kpi-targets/{target['id']}", {"version": 1, "target_value": "2"})
    assert (updated.status_code, updated.json()["target_value"], updated.json()["version"]) == (200, "2.0000", 2)
    empty = api.patch(f"/campaigns/{demo.pk}/kpi-targets/{target['id']}", {"version": 2, "metric": None})
    assert (empty.status_code, empty.json()["field"], empty.json()["detail"]) == (
        422, "metric", "This field cannot be empty.")
    stale = api.patch(f"/campaigns/{demo.pk}/kpi-targets/{target['id']}", {"version": 1, "target_value": "3"})
    assert (stale.status_code, stale.json()["current_version"]) == (409, 2)
    assert KpiTarget.objects.get(pk=target["id"]).target_value == Decimal("2")
    assert api.delete(f"/campaigns/{demo.pk}/kpi-targets/{target['id']}").status_code == 204
    assert not KpiTarget.objects.filter(pk=target["id"]).exists()


@pytest.mark.parametrize(("payload", "field"), [
    ({"metric": "happiness", "target_value": "1"}, "metric"),
    ({"metric": "gmv", "target_value": "lots"}, "target_value"),
    ({"metric": "gmv", "target_value": "1", "channel": "myspace"}, "channel"),
    ({"metric": "gmv", "target_value": "1", "owner": "me"}, "owner"),
])
def test_kpi_target_bad_input_writes_nothing(demo, api_as, payload, field):
    before = _targets(demo)
    response = api_as("lead").post(f"/campaigns/{demo.pk}/kpi-targets", payload)
    assert (response.status_code, response.json()["field"]) == (422, field)
    assert _targets(demo) == before


@pytest.mark.parametrize(("username", "status"), [("viewer", 403), ("sales", 403), ("outsider", 404)])
def test_kpi_target_writes_need_manage(demo, api_as, username, status):
    before = _targets(demo)
    target = KpiTarget.objects.filter(campaign=demo).first()
    api = api_as(username)
    assert api.post(f"/campaigns/{demo.pk}/kpi-targets", {"metric": "gmv", "target_value": "1"}).status_code == status
    assert api.patch(f"/campaigns/{demo.pk}/kpi-targets/{target.pk}",
                     {"version": 1, "target_value": "9"}).status_code == status
    assert api.delete(f"/campaigns/{demo.pk}/kpi-targets/{target.pk}").status_code == status
    assert _targets(demo) == before


def test_kpi_target_of_another_campaign_is_404(demo, users, api_as):
    other = campaign_create(actor=users["lead"], name="Other", start_date=dt.date(2025, 1, 1))
    target = KpiTarget.objects.filter(campaign=demo).first()
    response = api_as("lead").patch(f"/campaigns/{other.pk}/kpi-targets/{target.pk}", {"version": 1, "label": "x"})
    assert response.status_code == 404


# ---- members ------------------------------------------------------------------------------------

def _team(campaign) -> list[tuple]:
    return list(Membership.objects.filter(campaign=campaign).order_by("id").values_list(
        "user__username", "role", "department"))


def test_members_list(demo, api_as, django_assert_num_queries):
    api = api_as("viewer")
    with django_assert_num_queries(5):  # token, last-used, campaign, role, members with users
        body = api.get(f"/campaigns/{demo.pk}/members").json()
    assert [(m["user"]["username"], m["user"]["name"], m["role"]) for m in body] == [
        ("lead", "王芳 Wang Fang", "lead"), ("sales", "李明 Li Ming", "execution"),
        ("product", "张伟 Zhang Wei", "planning"), ("finance", "陈静 Chen Jing", "finance"),
        ("logistics", "赵六", "logistics"), ("viewer", "孙丽 Sun Li", "viewer")]
    assert api_as("outsider").get(f"/campaigns/{demo.pk}/members").status_code == 404


def test_lead_adds_changes_and_removes_a_member(demo, users, api_as):
    api = api_as("lead")
    added = api.post(f"/campaigns/{demo.pk}/members", {"user": "outsider", "role": "viewer", "department": "sales"})
    assert added.status_code == 201, added.json()
    member = added.json()
    assert (member["user"]["username"], member["role"], member["department"]) == ("outsider", "viewer", "sales")
    assert api_as("outsider").get(f"/campaigns/{demo.pk}").status_code == 200
    changed = api.patch(f"/campaigns/{demo.pk}/members/{member['id']}", {"role": "planning", "department": None})
    assert api.patch(f"/campaigns/{demo.pk}/members/{member['id']}", {"role": None}).status_code == 422
    assert (changed.json()["role"], changed.json()["department"]) == ("planning", None)
    assert api.delete(f"/campaigns/{demo.pk}/members/{member['id']}").status_code == 204
    assert api_as("outsider").get(f"/campaigns/{demo.pk}").status_code == 404


@pytest.mark.parametrize(("payload", "status", "field"), [
    ({"user": "nobody", "role": "viewer"}, 422, "user"),
    ({"user": 999999, "role": "viewer"}, 422, "user"),
    ({"user": "sales", "role": "viewer"}, 422, "user"),  # already a member
    ({"user": "outsider", "role": "boss"}, 422, "role"),
])
def test_member_add_bad_input_writes_nothing(demo, api_as, payload, status, field):
    before = _team(demo)
    response = api_as("lead").post(f"/campaigns/{demo.pk}/members", payload)
    assert (response.status_code, response.json()["field"]) == (status, field)
    assert _team(demo) == before


def test_the_last_lead_cannot_be_demoted_or_removed(demo, users, api_as):
    api = api_as("lead")
    lead = Membership.objects.get(campaign=demo, user=users["lead"])
    demoted = api.patch(f"/campaigns/{demo.pk}/members/{lead.pk}", {"role": "viewer"})
    assert demoted.status_code == 400
    assert demoted.json()["detail"] == "A campaign needs at least one lead: make someone else lead first."
    assert api.delete(f"/campaigns/{demo.pk}/members/{lead.pk}").status_code == 400
    assert Membership.objects.get(pk=lead.pk).role == "lead"
    product = Membership.objects.get(campaign=demo, user=users["product"])
    assert api.patch(f"/campaigns/{demo.pk}/members/{product.pk}", {"role": "lead"}).status_code == 200
    assert api.patch(f"/campaigns/{demo.pk}/members/{lead.pk}", {"role": "viewer"}).status_code == 200


@pytest.mark.parametrize(("username", "status"), [("viewer", 403), ("finance", 403), ("outsider", 404)])
def test_member_writes_need_manage(demo, users, api_as, username, status):
    before = _team(demo)
    sales = Membership.objects.get(campaign=demo, user=users["sales"])
    api = api_as(username)
    assert api.post(f"/campaigns/{demo.pk}/members", {"user": "outsider"}).status_code == status
    assert api.patch(f"/campaigns/{demo.pk}/members/{sales.pk}", {"role": "lead"}).status_code == status
    assert api.delete(f"/campaigns/{demo.pk}/members/{sales.pk}").status_code == status
    assert _team(demo) == before
    assert anonymous().delete(f"/campaigns/{demo.pk}/members/{sales.pk}").status_code == 401


# ---- every API operation is guarded (fails when a new operation is not covered) ------------------

def _path_values(demo, users) -> dict[str, int]:
    from campaignops.accounts.models import ApiToken
    from campaignops.planning.models import Phase, TaskDependency

    token, _raw = ApiToken.issue(user=users["lead"], name="someone else's")
    return {
        "campaign_id": demo.pk,
        "phase_id": Phase.objects.filter(campaign=demo).order_by("order").first().pk,
        "task_id": Task.objects.filter(campaign=demo).order_by("id").first().pk,
        "target_id": KpiTarget.objects.filter(campaign=demo).order_by("id").first().pk,
        "member_id": Membership.objects.get(campaign=demo, user=users["sales"]).pk,
        "token_id": token.pk,
        "dependency_id": TaskDependency.objects.filter(campaign=demo).order_by("id").first().pk,
        **_risk_path_values(demo),
        **_budget_path_values(demo),
        **_lesson_path_values(demo),
        **_report_path_values(demo, users),
    }


def _report_path_values(demo, users) -> dict:
    """The reports app: a kind, and a published version of the summary."""
    from campaignops.reports import services

    report = services.report_generate(campaign=demo, kind="summary", actor=users["lead"])
    services.report_generate(campaign=demo, kind="retrospective", actor=users["lead"])
    version = services.report_publish(report=report, actor=users["lead"], version=report.version)
    return {"kind": "summary", "version_id": version.pk}


def _lesson_path_values(demo) -> dict[str, int]:
    """A lesson of the demo campaign (not shared) and a lesson suggested beside one of its rows."""
    from campaignops.lessons.models import Lesson, LessonSuggestion

    lesson = Lesson.objects.filter(campaign=demo, shared=False).order_by("id").first()
    suggestion = LessonSuggestion.objects.create(
        campaign=demo, task=Task.objects.filter(campaign=demo).order_by("id").first(), lesson=lesson)
    return {"lesson_id": lesson.pk, "suggestion_id": suggestion.pk}


def _budget_path_values(demo) -> dict[str, int]:
    """The budget app's rows (the demo has a line, an approved revision, materials and expenses)."""
    from campaignops.budget.models import BudgetLine, BudgetRevision, Expense, Material

    return {"line_id": BudgetLine.objects.filter(campaign=demo).order_by("id").first().pk,
            "revision_id": BudgetRevision.objects.filter(campaign=demo).order_by("id").first().pk,
            "material_id": Material.objects.filter(campaign=demo).order_by("id").first().pk,
            "expense_id": Expense.objects.filter(campaign=demo).order_by("id").first().pk}


def _risk_path_values(demo) -> dict[str, int]:
    """The risks app's rows (the demo has all but a stand-up; one is recorded here)."""
    import datetime as dt

    from campaignops.planning.models import Standup
    from campaignops.risks.models import ContingencyTask, Issue, StrategyAdjustment

    item = ContingencyTask.objects.filter(risk__campaign=demo).order_by("id").first()
    standup = Standup.objects.create(campaign=demo, held_on=dt.date(2024, 6, 14),
                                     held_at=dt.datetime(2024, 6, 14, 1, 30, tzinfo=dt.UTC))
    return {"risk_id": item.risk_id, "contingency_id": item.pk, "standup_id": standup.pk,
            "issue_id": Issue.objects.filter(campaign=demo).order_by("id").first().pk,
            "adjustment_id": StrategyAdjustment.objects.filter(campaign=demo).order_by("id").first().pk}


def _valid_bodies(ids: dict) -> dict[tuple[str, str], dict]:
    """A valid body for every write, so that refusals come from the access policy, not from validation."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from campaignops.planning.models import PlanTemplate

    template = PlanTemplate.objects.filter(builtin=True).first().pk
    return {
        ("post", "/campaigns"): {"name": "X", "start_date": "2026-06-01"},
        ("patch", "/campaigns/{campaign_id}"): {"version": 1, "name": "X"},
        ("post", "/channels"): {"code": "kuaishou", "name_en": "Kuaishou"},
        ("post", "/campaigns/{campaign_id}/kpi-targets"): {"metric": "gmv", "target_value": "1"},
        ("patch", "/campaigns/{campaign_id}/kpi-targets/{target_id}"): {"version": 1, "label": "X"},
        ("post", "/campaigns/{campaign_id}/members"): {"user": "outsider", "role": "viewer"},
        ("patch", "/campaigns/{campaign_id}/members/{member_id}"): {"role": "planning"},
        ("post", "/campaigns/{campaign_id}/phases"): {"name": "X", "start_date": "2024-07-01",
                                                     "end_date": "2024-07-02"},
        ("patch", "/campaigns/{campaign_id}/phases/{phase_id}"): {"version": 1, "name": "X"},
        ("post", "/campaigns/{campaign_id}/tasks"): {"phase": ids["phase_id"], "title": "X"},
        ("patch", "/campaigns/{campaign_id}/tasks/{task_id}"): {"version": 1, "title": "X"},
        ("post", "/campaigns/{campaign_id}/tasks/{task_id}/progress"): {"version": 1, "status": "in_progress"},
        ("post", "/campaigns/{campaign_id}/dependencies"): {"predecessor": ids["task_id"], "successor": ids["task_id"]},
        ("post", "/campaigns/{campaign_id}/tasks/{task_id}/slip-preview"): {"days": 1},
        ("post", "/campaigns/{campaign_id}/tasks/{task_id}/reschedule"): {"days": 1, "version": 1},
        ("post", "/campaigns/{campaign_id}/baselines"): {"label": "X"},
        ("post", "/campaigns/from-template"): {"template": template, "name": "X", "start_date": "2026-06-01"},
        ("post", "/campaigns/{campaign_id}/save-as-template"): {"name": "X"},
        ("post", "/me/tokens"): {"name": "X"},
        ("post", "/campaigns/{campaign_id}/goal-confirmation/sign"): {},
        ("put", "/campaigns/{campaign_id}/goal-confirmation/signers"): {"signers": ["lead"]},
        ("post", "/lessons"): {"campaign": ids["campaign_id"], "text": "X"},
        ("patch", "/lessons/{lesson_id}"): {"version": 1, "text": "X"},
        ("post", "/campaigns/{campaign_id}/lesson-suggestions/refresh"): {},
        ("post", "/campaigns/{campaign_id}/lesson-suggestions/{suggestion_id}/apply"): {"as": "risk", "version": 1},
        ("post", "/campaigns/{campaign_id}/lesson-suggestions/{suggestion_id}/dismiss"): {"version": 1},
        ("post", "/campaigns/{campaign_id}/risks"): {"description": "X"},
        ("post", "/campaigns/{campaign_id}/risks/from-plan"): {},
        ("patch", "/campaigns/{campaign_id}/risks/{risk_id}"): {"version": 1, "description": "X"},
        ("post", "/campaigns/{campaign_id}/risks/{risk_id}/contingency-tasks"): {"title": "X"},
        ("post", "/campaigns/{campaign_id}/risks/{risk_id}/activate"): {"version": 1},
        ("post", "/campaigns/{campaign_id}/issues"): {"problem": "X"},
        ("patch", "/campaigns/{campaign_id}/issues/{issue_id}"): {"version": 1, "problem": "X"},
        ("post", "/campaigns/{campaign_id}/issues/{issue_id}/resolve"): {"version": 1, "solution": "X"},
        ("post", "/campaigns/{campaign_id}/adjustments"): {"what_changed": "X"},
        ("patch", "/campaigns/{campaign_id}/adjustments/{adjustment_id}"): {"version": 1, "what_changed": "X"},
        ("post", "/campaigns/{campaign_id}/standups"): {},
        ("patch", "/campaigns/{campaign_id}/standups/{standup_id}"): {"version": 1},
        ("put", "/campaigns/{campaign_id}/dashboard/settings"): {"behind_threshold": "15"},
        ("post", "/campaigns/{campaign_id}/adjustments/{adjustment_id}/measure"): {},
        ("post", "/campaigns/{campaign_id}/budget/lines"): {"name": "X", "planned": "1"},
        ("patch", "/campaigns/{campaign_id}/budget/lines/{line_id}"): {"version": 1, "note": "X"},
        ("post", "/campaigns/{campaign_id}/budget/submit"): {},
        ("post", "/campaigns/{campaign_id}/budget/revisions/{revision_id}/withdraw"): {},
        ("post", "/campaigns/{campaign_id}/budget/revisions/{revision_id}/approve"): {"comment": "X"},
        ("post", "/campaigns/{campaign_id}/budget/revisions/{revision_id}/reject"): {"comment": "X"},
        ("post", "/campaigns/{campaign_id}/budget/lines/{line_id}/overrides"): {"amount": "1", "reason": "X"},
        ("post", "/campaigns/{campaign_id}/materials"): {"name": "X"},
        ("patch", "/campaigns/{campaign_id}/materials/{material_id}"): {"version": 1, "note": "X"},
        ("post", "/campaigns/{campaign_id}/expenses"): {"line": ids["line_id"], "amount": "1",
                                                        "spent_on": "2024-06-15", "vendor": "X"},
        ("patch", "/campaigns/{campaign_id}/expenses/{expense_id}"): {"version": 1, "note": "X"},
        ("post", "/campaigns/{campaign_id}/expenses/{expense_id}/receipt"): {"multipart": {"file": SimpleUploadedFile(
            "receipt.pdf", b"%PDF-1.4 receipt", content_type="application/pdf")}},
        ("post", "/campaigns/{campaign_id}/reports/{kind}/generate"): {},
        ("patch", "/campaigns/{campaign_id}/reports/{kind}"): {"version": 1, "narrative": {"conclusion": "X"}},
        ("post", "/campaigns/{campaign_id}/reports/{kind}/publish"): {"version": 1},
        ("post", "/campaigns/{campaign_id}/reports/retrospective/action-items"): {"title": "X"},
        ("post", "/campaigns/{campaign_id}/metrics"): {"observations": [
            {"day": "2024-06-15", "channel": "pop-up", "metric": "store_visitors", "value": "1"}]},
        ("post", "/campaigns/{campaign_id}/metrics/import"): {"multipart": {"file": SimpleUploadedFile(
            "data.csv", b"Day,Channel,Store visitors\n2024-06-15,pop-up,1\n", content_type="text/csv")}},
        ("post", "/campaigns/{campaign_id}/metrics/custom"): {"code": "samples_given", "name_en": "Samples"},
        ("post", "/campaigns/{campaign_id}/plan/import"): {"multipart": {"file": SimpleUploadedFile(
            "plan.csv", "活动阶段,核心任务\n筹备期,确认目标\n".encode(), content_type="text/csv")}},
    }


def _operations() -> list[tuple[str, str]]:
    from campaignops.api import api

    paths = api.get_openapi_schema()["paths"]
    return sorted((method, path.removeprefix("/api/v1")) for path, ops in paths.items() for method in ops)


def _call(api, method: str, template: str, ids: dict, bodies: dict):
    from .api_client import multipart

    path = re.sub(r"{(\w+)}", lambda m: str(ids[m.group(1)]), template)
    body = bodies.get((method, template))
    if method in ("post", "put", "patch"):
        assert body is not None, f"add a valid body for {method.upper()} {template} to _valid_bodies()"
        if "multipart" in body:
            for upload in body["multipart"].values():
                upload.seek(0)
            return multipart(api, path, body["multipart"])
    return api.call(method, path, body)


def _snapshot() -> tuple:
    from campaignops.accounts.models import ApiToken
    from campaignops.planning.models import Phase, PlanTemplate

    return tuple(m.objects.count() for m in (Campaign, Channel, KpiTarget, Membership, Phase, Task, PlanTemplate,
                                             ApiToken, AuditEntry))


def test_every_api_operation_is_guarded(demo, users, api_as):
    """Anonymous: 401 everywhere. On a campaign's operations, a non-member gets 404 and a viewer's
    writes 403, and nothing is written. A new operation must get a body here (or a path value)."""
    ids = _path_values(demo, users)
    bodies = _valid_bodies(ids)
    operations = _operations()
    assert len(operations) >= 30
    unknown = {p for _m, path in operations for p in re.findall(r"{(\w+)}", path)} - set(ids)
    assert not unknown, f"add sample values for path parameters {unknown} to _path_values()"
    outsider, viewer, before = api_as("outsider"), api_as("viewer"), _snapshot()
    seen = []
    for method, path in operations:
        seen.append((method, path, _call(anonymous(), method, path, ids, bodies).status_code))
        if "{campaign_id}" in path:
            seen.append((method, path, "outsider", _call(outsider, method, path, ids, bodies).status_code))
            if method != "get":
                seen.append((method, path, "viewer", _call(viewer, method, path, ids, bodies).status_code))
    expected = []
    for method, path in operations:
        expected.append((method, path, 401))
        if "{campaign_id}" in path:
            expected.append((method, path, "outsider", 404))
            if method != "get":
                expected.append((method, path, "viewer", 403))
    assert seen == expected
    assert _snapshot() == before


def test_no_generated_request_makes_a_server_error(demo, api_token):
    """A schemathesis smoke run over every operation of the OpenAPI document (a few derandomised
    examples each, signed in as the lead): bad input is a 4xx, never a 500."""
    from django.core import signals
    from django.db import close_old_connections

    # Calls go straight to the WSGI app: keep it from closing the test's database connection at the
    # end of each request (Django's test client does the same).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        _smoke(api_token)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _smoke(api_token):
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    from campaignops.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    headers = {"Authorization": f"Bearer {api_token('lead')}"}
    failures, calls = [], []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            response = case.call(headers=headers)
            calls.append(case.method)
            if response.status_code >= 500:
                failures.append((case.method, case.formatted_path, response.status_code))

        run()
    assert failures == []
    assert len(calls) > 100
