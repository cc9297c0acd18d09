"""The lessons API: CRUD and search behind the access policy (members, shared lessons for everyone,
viewers read only), 409 on a stale version, suggestions turned into a risk in one call, pinned queries."""

import pytest

from campaignops.campaigns.tests.api_client import anonymous, bearer
from campaignops.core.models import AuditEntry
from campaignops.lessons.models import Lesson, LessonSuggestion
from campaignops.risks.models import Risk

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_as(api_token):
    return lambda username: bearer(api_token(username))


def texts(body) -> list[str]:
    return [item["text"][:8] for item in body["items"]]


def test_list_search_and_filters(api_as, lessons, django_assert_num_queries):
    api = api_as("viewer")
    with django_assert_num_queries(4):  # token, last-used, count, page (joined)
        body = api.get("/lessons", q="预算").json()
    assert body["count"] == 1
    item = body["items"][0]
    venue = lessons["venue"]
    assert item == {
        "id": venue.pk, "campaign": {"id": venue.campaign_id, "name": venue.campaign.name}, "kind": "improve",
        "text": venue.text, "evidence": "场地费 ¥86,000，预算 ¥70,000（超支 23%）", "evidence_value": "23.0000",
        "channel": "pop-up", "phase_kind": "burst", "campaign_kind": "product_launch", "tags": ["预算", "快闪店", "场地"],
        "shared": False, "source_report_id": None, "created_at": item["created_at"], "updated_at": item["updated_at"],
        "version": 1}
    assert texts(api.get("/lessons", q="素人笔记").json()) == [lessons["notes"].text[:8]]
    assert texts(api.get("/lessons", q="influencer").json()) == [lessons["kol"].text[:8]]
    assert api.get("/lessons", kind="keep", channel="douyin").json()["count"] == 1
    assert api.get("/lessons", phase="warm_up").json()["count"] == 2
    assert api.get("/lessons", tag="沟通").json()["count"] == 1
    assert api.get("/lessons", phase="nonsense").status_code == 422


def test_the_query_count_does_not_grow_with_the_lessons(api_as, demo, users, django_assert_num_queries):
    from campaignops.lessons.services import lesson_create

    for n in range(20):
        lesson_create(campaign=demo, kind="keep", text=f"第 {n} 条经验", tags=["x"], actor=users["lead"])
    api = api_as("lead")
    with django_assert_num_queries(4):
        assert api.get("/lessons").json()["count"] == 25


def test_non_members_see_only_shared_lessons(api_as, lessons):
    api = api_as("outsider")
    assert [i["id"] for i in api.get("/lessons").json()["items"]] == [lessons["notes"].pk]
    assert api.get(f"/lessons/{lessons['notes'].pk}").status_code == 200
    assert api.get(f"/lessons/{lessons['venue'].pk}").status_code == 404
    assert api.patch(f"/lessons/{lessons['notes'].pk}", {"version": 1, "text": "x"}).status_code == 403
    assert api.patch(f"/lessons/{lessons['venue'].pk}", {"version": 1, "text": "x"}).status_code == 404
    assert api.delete(f"/lessons/{lessons['venue'].pk}").status_code == 404
    assert anonymous().get("/lessons").status_code == 401


def test_create_needs_edit_rights_on_the_campaign(api_as, demo):
    before = (Lesson.objects.count(), AuditEntry.objects.count())
    body = {"campaign": demo.pk, "text": "Livestream script needs a price notice", "kind": "improve",
            "channel": "douyin", "tags": ["Price", "直播"], "shared": True}
    assert api_as("outsider").post("/lessons", body).status_code == 404
    assert api_as("viewer").post("/lessons", body).status_code == 403
    assert (Lesson.objects.count(), AuditEntry.objects.count()) == before
    made = api_as("sales").post("/lessons", body)
    assert made.status_code == 201
    out = made.json()
    assert (out["text"], out["kind"], out["channel"], out["tags"], out["shared"], out["campaign_kind"]) == (
        "Livestream script needs a price notice", "improve", "douyin", ["price", "直播"], True, "product_launch")
    assert [i["id"] for i in api_as("outsider").get("/lessons", q="price notice").json()["items"]] == [out["id"]]


def test_create_refuses_bad_input_with_the_field(api_as, demo):
    r = api_as("lead").post("/lessons", {"campaign": demo.pk, "text": "x", "channel": "myspace"})
    assert (r.status_code, r.json()["field"], r.json()["detail"]) == (422, "channel", "Unknown channel: myspace")
    r = api_as("lead").post("/lessons", {"campaign": demo.pk, "text": "x", "colour": "red"})
    assert (r.status_code, r.json()["field"]) == (422, "colour")


def test_patch_with_a_stale_version_is_409_and_writes_nothing(api_as, lessons):
    venue = lessons["venue"]
    api = api_as("lead")
    r = api.patch(f"/lessons/{venue.pk}", {"version": 1, "shared": True, "tags": ["预算"]})
    assert (r.status_code, r.json()["version"], r.json()["shared"], r.json()["tags"]) == (200, 2, True, ["预算"])
    r = api.patch(f"/lessons/{venue.pk}", {"version": 1, "text": "别的"})
    assert (r.status_code, r.json()["current_version"]) == (409, 2)
    assert Lesson.objects.get(pk=venue.pk).text == venue.text
    r = api.patch(f"/lessons/{venue.pk}", {"version": 2, "text": None})
    assert (r.status_code, r.json()["field"]) == (422, "text")


def test_delete(api_as, lessons):
    assert api_as("viewer").delete(f"/lessons/{lessons['comms'].pk}").status_code == 403
    assert api_as("lead").delete(f"/lessons/{lessons['comms'].pk}").status_code == 204
    assert not Lesson.objects.filter(pk=lessons["comms"].pk).exists()
    assert api_as("lead").get("/lessons", q="沟通").json()["count"] == 0


def test_similar(api_as, demo, users, lessons):
    from campaignops.lessons.services import lesson_create

    twin = lesson_create(campaign=demo, kind="improve", text="快闪店场地费预算超支，签约前要锁定场地总价", actor=users["lead"])
    body = api_as("viewer").get(f"/lessons/{twin.pk}/similar").json()
    assert [item["lesson"]["id"] for item in body] == [lessons["venue"].pk]
    assert api_as("outsider").get(f"/lessons/{twin.pk}/similar").status_code == 404


def test_suggestions_list_and_turn_into_a_risk(api_as, from_template, users, lessons):
    api = api_as("lead")
    body = api.get(f"/campaigns/{from_template.pk}/lesson-suggestions").json()
    assert len(body) == 6
    kol = next(s for s in body if s["lesson"]["id"] == lessons["kol"].pk)
    assert (kol["reasons"], kol["score"], kol["state"]) == (["channel", "phase", "kind"], 80, "open")
    path = f"/campaigns/{from_template.pk}/lesson-suggestions/{kol['id']}"
    assert api_as("outsider").post(path + "/apply", {"as": "risk", "version": 1}).status_code == 404
    r = api.post(path + "/apply", {"as": "risk", "version": 2})
    assert (r.status_code, r.json()["current_version"]) == (409, 1)
    r = api.post(path + "/apply", {"as": "risk", "version": 1})
    assert r.status_code == 201
    out = r.json()
    risk = Risk.objects.get(pk=out["created_id"])
    assert (out["kind"], out["suggestion"]["state"], risk.campaign_id, risk.description) == (
        "risk", "risk", from_template.pk, lessons["kol"].text)
    assert api.post(path + "/apply", {"as": "risk", "version": 2}).status_code == 404   # not open any more
    assert len(api.get(f"/campaigns/{from_template.pk}/lesson-suggestions").json()) == 5


def test_suggestions_dismiss_and_refresh(api_as, from_template):
    api = api_as("lead")
    first = api.get(f"/campaigns/{from_template.pk}/lesson-suggestions").json()[0]
    r = api.post(f"/campaigns/{from_template.pk}/lesson-suggestions/{first['id']}/dismiss", {"version": 1})
    assert (r.status_code, r.json()["state"]) == (200, "dismissed")
    r = api.post(f"/campaigns/{from_template.pk}/lesson-suggestions/refresh")
    assert (r.status_code, r.json()) == (201, [])
    assert LessonSuggestion.objects.filter(campaign=from_template).count() == 6
