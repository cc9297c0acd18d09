"""Goal Confirmation API: read, sign (201, then 200), stale fingerprint 409, who may sign, set signers,
and a KPI change through the API voiding the signatures."""

import pytest

from campaignops.campaigns import signoff
from campaignops.campaigns.models import Campaign, GoalSignature, KpiTarget

from .api_client import anonymous, bearer

pytestmark = pytest.mark.django_db
URL = "/campaigns/{}/goal-confirmation"


@pytest.fixture
def api_as(api_token):
    return lambda username: bearer(api_token(username))


def test_read_gives_content_fingerprint_smart_check_and_signers(demo, users, api_as):
    body = api_as("viewer").get(URL.format(demo.pk)).json()
    assert (body["campaign_id"], body["status"], body["version"], body["all_signed"]) == (demo.pk, "draft", 1, False)
    assert body["fingerprint"] == signoff.fingerprint(signoff.goal_content(demo))
    assert body["content"] == signoff.goal_content(demo)
    assert body["smart"] == {"passes": True, "findings": [], "wording_gaps": [], "rewrite": ""}
    assert body["explicit_signers"] is True
    assert [(s["username"], s["name"], s["department"], s["signed"], s["signature"]) for s in body["signers"]] == [
        ("lead", "王芳 Wang Fang", "Marketing", False, None), ("sales", "李明 Li Ming", "Sales", False, None),
        ("product", "张伟 Zhang Wei", "Product", False, None)]
    assert body["history"] == []


def test_read_non_member_404_anonymous_401(demo, api_as):
    assert api_as("outsider").get(URL.format(demo.pk)).status_code == 404
    assert anonymous().get(URL.format(demo.pk)).status_code == 401


def test_sign_201_then_200_and_the_last_signature_confirms(demo, users, api_as):
    fp = api_as("sales").get(URL.format(demo.pk)).json()["fingerprint"]
    first = api_as("sales").post(URL.format(demo.pk) + "/sign", {"fingerprint": fp})
    assert first.status_code == 201, first.json()
    again = api_as("sales").post(URL.format(demo.pk) + "/sign", {})
    assert again.status_code == 200
    signature = first.json()["signers"][1]["signature"]
    assert again.json()["signers"][1]["signature"] == signature
    assert (signature["signer_name"], signature["fingerprint"], signature["voided_at"]) == ("李明 Li Ming", fp, None)
    api_as("lead").post(URL.format(demo.pk) + "/sign", {})
    body = api_as("product").post(URL.format(demo.pk) + "/sign", {}).json()
    assert (body["status"], body["all_signed"], [s["signed"] for s in body["signers"]]) == (
        "confirmed", True, [True, True, True])


def test_sign_refusals_write_nothing(demo, users, api_as):
    url = URL.format(demo.pk) + "/sign"
    stale = api_as("sales").post(url, {"fingerprint": "0" * 64})
    assert stale.status_code == 409
    assert stale.json()["detail"].startswith("The goal, a KPI target or the scope changed after you opened")
    not_signer = api_as("finance").post(url, {})
    assert (not_signer.status_code, not_signer.json()["detail"]) == (
        403, "You are not one of the people who sign this Goal Confirmation.")
    assert api_as("viewer").post(url, {}).status_code == 403
    assert api_as("outsider").post(url, {}).status_code == 404
    assert api_as("sales").post(url, {"fingerprint": "short"}).status_code == 422
    assert api_as("sales").post(url, {"signature": "x"}).status_code == 422
    assert GoalSignature.objects.count() == 0


def test_a_kpi_change_through_the_api_voids_the_signatures(demo, users, api_as):
    for name in ("lead", "sales", "product"):
        api_as(name).post(URL.format(demo.pk) + "/sign", {})
    assert Campaign.objects.get(pk=demo.pk).status == "confirmed"
    target = KpiTarget.objects.filter(campaign=demo).order_by("id").first()
    response = api_as("lead").patch(f"/campaigns/{demo.pk}/kpi-targets/{target.pk}",
                                    {"version": 1, "target_value": "800000"})
    assert response.status_code == 200, response.json()
    body = api_as("lead").get(URL.format(demo.pk)).json()
    assert (body["status"], body["all_signed"], [s["signed"] for s in body["signers"]]) == (
        "draft", False, [False, False, False])
    assert [(h["signer_name"], h["void_reason"]) for h in body["history"]] == [
        ("张伟 Zhang Wei", "kpi"), ("李明 Li Ming", "kpi"), ("王芳 Wang Fang", "kpi")]
    assert all(h["voided_at"] for h in body["history"])


def test_setting_confirmed_through_the_api_is_refused_with_the_reason(demo, api_as):
    response = api_as("lead").patch(f"/campaigns/{demo.pk}", {"version": 1, "status": "confirmed"})
    assert response.status_code == 400
    assert response.json()["field"] == "status"
    assert response.json()["detail"] == (
        "The campaign becomes confirmed when every signer has signed the Goal Confirmation. "
        "Still missing: 王芳 Wang Fang, 李明 Li Ming, 张伟 Zhang Wei.")
    assert Campaign.objects.get(pk=demo.pk).status == "draft"


def test_set_signers(demo, users, api_as):
    url = URL.format(demo.pk) + "/signers"
    body = api_as("lead").put(url, {"signers": ["lead", users["finance"].pk]}).json()
    assert [s["username"] for s in body["signers"]] == ["lead", "finance"]
    bad = api_as("lead").put(url, {"signers": ["outsider"]})
    assert (bad.status_code, bad.json()["detail"]) == (422, "outsider is not a member of this campaign.")
    assert api_as("lead").put(url, {"signers": []}).status_code == 422
    assert api_as("lead").put(url, {"signers": ["viewer"]}).status_code == 422
    assert api_as("sales").put(url, {"signers": ["sales"]}).status_code == 403
    assert [u.username for u in signoff.required_signers(demo)[0]] == ["lead", "finance"]
    stale = api_as("lead").put(url, {"signers": ["lead"], "expected_signers": [users["lead"].pk, users["sales"].pk]})
    assert stale.status_code == 409 and "Nothing was saved" in stale.json()["detail"]
    fresh_read = [users["lead"].pk, users["finance"].pk]
    body = api_as("lead").put(url, {"signers": ["lead"], "expected_signers": fresh_read}).json()
    assert [s["username"] for s in body["signers"]] == ["lead"]


def test_read_a_weak_goal_gives_the_gaps_and_a_rewrite(demo, api_as):
    Campaign.objects.filter(pk=demo.pk).update(goal_statement="raise brand awareness", kind="offline_brand")
    smart = api_as("lead").get(URL.format(demo.pk)).json()["smart"]
    assert (smart["passes"], [f["code"] for f in smart["findings"]]) == (False, ["relevant_core"])
    assert smart["findings"][0]["message"] == (
        "For this type of campaign the goal should also cover: engagement and favourability.")
    assert [f["code"] for f in smart["wording_gaps"]] == [
        "specific_channel", "measurable_metric", "measurable_number", "time_bound"]
    assert smart["rewrite"] == (
        "By June 30, 2024, through Douyin, Pop-up store and Xiaohongshu, reach 500k impressions, 5% conversion "
        "rate, 100k live-stream views on Douyin, 500 store visitors on Pop-up store, ___ engagements and ___ "
        "favourability.")
