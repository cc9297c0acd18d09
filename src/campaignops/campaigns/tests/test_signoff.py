"""Goal Confirmation services: signers, signing, fingerprints, voiding on every kind of content change,
history, status transitions, the hand-set "confirmed" refusal, and the waiting-for-me selector."""

import datetime as dt
import hashlib
import json
from decimal import Decimal

import pytest

from campaignops.campaigns import selectors, services, signoff
from campaignops.campaigns.models import Campaign, Channel, GoalSignature, GoalSigner, KpiTarget
from campaignops.core.errors import DomainError, NotAllowed, ValidationFailed
from campaignops.core.models import AuditEntry


def fresh(campaign) -> Campaign:
    return Campaign.objects.get(pk=campaign.pk)


def sign_all(campaign, users, names=("lead", "sales", "product")):
    for name in names:
        signoff.goal_sign(campaign=fresh(campaign), actor=users[name])


def live(campaign) -> list[str]:
    return sorted(GoalSignature.objects.filter(campaign=campaign, voided_at__isnull=True)
                  .values_list("user__username", flat=True))


@pytest.mark.django_db
def test_the_demo_asks_the_three_heads_and_nobody_has_signed(demo, users):
    doc = selectors.goal_confirmation(selectors.campaign_detail_qs().get(pk=demo.pk))
    assert [r.user.username for r in doc.signers] == ["lead", "sales", "product"]
    assert [r.department for r in doc.signers] == ["Marketing", "Sales", "Product"]
    assert [r.signature for r in doc.signers] == [None, None, None]
    assert (doc.explicit_signers, doc.all_signed, doc.history, demo.status) == (True, False, [], "draft")


@pytest.mark.django_db
def test_without_a_list_the_default_is_the_heads_of_marketing_sales_and_product(demo, users):
    GoalSigner.objects.filter(campaign=demo).delete()
    signers, explicit = signoff.required_signers(demo)
    assert ([u.username for u in signers], explicit) == (["lead", "sales", "product"], False)
    signoff.goal_sign(campaign=fresh(demo), actor=users["sales"])  # signing fixes the list
    assert list(GoalSigner.objects.filter(campaign=demo).order_by("id").values_list("user__username", flat=True)) == [
        "lead", "sales", "product"]


@pytest.mark.django_db
def test_a_signature_records_who_when_the_fingerprint_and_the_snapshot(demo, users):
    result = signoff.goal_sign(campaign=fresh(demo), actor=users["sales"])
    sig = result.signature
    content = signoff.goal_content(demo)
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert result.created is True
    assert (sig.user, sig.signer_name, sig.voided_at) == (users["sales"], "李明 Li Ming", None)
    assert sig.fingerprint == hashlib.sha256(canonical.encode()).hexdigest()
    assert sig.snapshot == content
    assert content["goal"].startswith("3天内通过小红书种草+抖音直播")
    assert content["scope"]["channels"] == ["douyin", "pop-up", "xiaohongshu"]
    assert (content["scope"]["online"], content["scope"]["offline"]) == (["douyin", "xiaohongshu"], ["pop-up"])
    assert content["scope"]["audience"]["age_min"] == 18
    assert [(t["metric"], t["target_value"], t["channel"]) for t in content["kpi_targets"]][:3] == [
        ("impressions", "500000", None), ("cvr", "5", None), ("live_views", "100000", "douyin")]
    assert AuditEntry.objects.filter(action="goal.sign", campaign_id=demo.pk).count() == 1


@pytest.mark.django_db
def test_signing_twice_gives_the_same_signature(demo, users):
    first = signoff.goal_sign(campaign=fresh(demo), actor=users["lead"])
    again = signoff.goal_sign(campaign=fresh(demo), actor=users["lead"])
    assert (again.created, again.signature.pk) == (False, first.signature.pk)
    assert GoalSignature.objects.filter(campaign=demo).count() == 1


@pytest.mark.django_db
def test_only_required_signers_sign(demo, users):
    with pytest.raises(NotAllowed, match="not one of the people who sign"):
        signoff.goal_sign(campaign=fresh(demo), actor=users["finance"])
    assert GoalSignature.objects.count() == 0


@pytest.mark.django_db
def test_signing_content_that_changed_meanwhile_is_refused(demo, users):
    seen = signoff.fingerprint(signoff.goal_content(demo))
    services.campaign_update(campaign=fresh(demo), actor=users["lead"], version=None, goal_statement="New goal")
    with pytest.raises(signoff.ContentChanged) as exc:
        signoff.goal_sign(campaign=fresh(demo), actor=users["sales"], expected_fingerprint=seen)
    assert exc.value.status == 409
    assert GoalSignature.objects.count() == 0


@pytest.mark.django_db
def test_the_campaign_is_confirmed_when_the_last_signer_signs(demo, users):
    sign_all(demo, users, ("lead", "sales"))
    assert fresh(demo).status == "draft"
    version = fresh(demo).version
    signoff.goal_sign(campaign=fresh(demo), actor=users["product"])
    demo.refresh_from_db()
    assert (demo.status, demo.version) == ("confirmed", version + 1)
    assert live(demo) == ["lead", "product", "sales"]
    assert AuditEntry.objects.filter(action="campaign.confirm", campaign_id=demo.pk).count() == 1
    assert selectors.goal_confirmation(selectors.campaign_detail_qs().get(pk=demo.pk)).all_signed is True


CHANGES = [
    ("goal", lambda c, u: services.campaign_update(campaign=c, actor=u, version=None, goal_statement="Another goal"),
     "goal", ""),
    ("audience", lambda c, u: services.campaign_update(campaign=c, actor=u, version=None, audience_age_max=40),
     "scope", "audience age to"),
    ("channels", lambda c, u: services.campaign_update(
        campaign=c, actor=u, version=None, channels=list(Channel.objects.filter(code__in=["douyin", "weibo"]))),
     "scope", "channels"),
    ("kpi update", lambda c, u: services.kpi_target_update(
        target=KpiTarget.objects.filter(campaign=c).order_by("id").first(), actor=u, version=None,
        target_value=Decimal("600000")), "kpi",
     "曝光量 / exposures: 500000 (2024-06-17) → 曝光量 / exposures: 600000 (2024-06-17)"),
    ("kpi create", lambda c, u: services.kpi_target_create(
        campaign=c, actor=u, metric="gmv", target_value=Decimal("1000000"), unit="money"), "kpi",
     "+ GMV (revenue): 1000000"),
    ("kpi delete", lambda c, u: services.kpi_target_delete(
        target=KpiTarget.objects.filter(campaign=c).order_by("id").last(), actor=u), "kpi",
     "− 投诉率 / complaint rate: 1% (2024-06-23)"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "change", "reason", "detail"), CHANGES, ids=[c[0] for c in CHANGES])
def test_a_change_to_the_content_voids_the_signatures_and_unconfirms(demo, users, name, change, reason, detail):
    sign_all(demo, users)
    assert fresh(demo).status == "confirmed"
    before = fresh(demo).version
    change(fresh(demo), users["lead"])
    demo.refresh_from_db()
    assert demo.status == "draft"
    assert demo.version > before
    assert live(demo) == []
    history = list(GoalSignature.objects.filter(campaign=demo).order_by("id"))
    assert [s.user.username for s in history] == ["lead", "sales", "product"]
    assert {(s.void_reason, s.void_detail, s.voided_by_id) for s in history} == {
        (reason, detail, users["lead"].pk)}
    assert all(s.voided_at is not None for s in history)
    assert AuditEntry.objects.filter(action="campaign.unconfirm", campaign_id=demo.pk).count() == 1
    # everyone signs again: confirmed again, the old signatures stay in the history
    sign_all(demo, users)
    assert (fresh(demo).status, GoalSignature.objects.filter(campaign=demo).count(), live(demo)) == (
        "confirmed", 6, ["lead", "product", "sales"])


@pytest.mark.django_db
def test_changes_outside_the_content_keep_the_signatures(demo, users):
    sign_all(demo, users)
    campaign = fresh(demo)
    services.campaign_update(campaign=campaign, actor=users["lead"], version=None, name="Renamed",
                             theme="Other theme", end_date=dt.date(2024, 7, 1))
    services.campaign_update(campaign=fresh(demo), actor=users["lead"], version=None,
                             goal_statement=campaign.goal_statement, audience_age_min=18)  # same values
    target = KpiTarget.objects.filter(campaign=demo).order_by("id").first()
    services.kpi_target_update(target=target, actor=users["lead"], version=None, target_value=Decimal("500000.0"))
    assert (fresh(demo).status, live(demo)) == ("confirmed", ["lead", "product", "sales"])


@pytest.mark.django_db
def test_a_running_campaign_keeps_its_status_when_signatures_are_voided(demo, users):
    sign_all(demo, users)
    services.campaign_update(campaign=fresh(demo), actor=users["lead"], version=None, status="running")
    services.campaign_update(campaign=fresh(demo), actor=users["lead"], version=None, goal_statement="Changed")
    assert (fresh(demo).status, live(demo)) == ("running", [])


@pytest.mark.django_db
def test_setting_confirmed_by_hand_is_refused_while_signatures_are_missing(demo, users):
    signoff.goal_sign(campaign=fresh(demo), actor=users["lead"])
    with pytest.raises(DomainError) as exc:
        services.campaign_update(campaign=fresh(demo), actor=users["lead"], version=None, status="confirmed",
                                 name="Not saved")
    assert exc.value.field == "status"
    assert str(exc.value.message) == ("The campaign becomes confirmed when every signer has signed the Goal "
                                      "Confirmation. Still missing: 李明 Li Ming, 张伟 Zhang Wei.")
    demo.refresh_from_db()
    assert (demo.status, demo.version, demo.name[:5]) == ("draft", 1, "夏日清凉季")


@pytest.mark.django_db
def test_setting_confirmed_by_hand_without_signers_is_refused(demo, users):
    GoalSigner.objects.filter(campaign=demo).delete()
    services.member_update(membership=demo.memberships.get(user=users["sales"]), actor=users["lead"],
                           is_department_head=False)
    services.member_update(membership=demo.memberships.get(user=users["product"]), actor=users["lead"],
                           is_department_head=False)
    services.member_update(membership=demo.memberships.get(user=users["lead"]), actor=users["lead"],
                           is_department_head=False)
    with pytest.raises(DomainError, match="it has no signers"):
        services.campaign_update(campaign=fresh(demo), actor=users["lead"], version=None, status="confirmed")


@pytest.mark.django_db
def test_going_back_to_confirmed_from_running_is_allowed_when_all_signed(demo, users):
    sign_all(demo, users)
    services.campaign_update(campaign=fresh(demo), actor=users["lead"], version=None, status="running")
    services.campaign_update(campaign=fresh(demo), actor=users["lead"], version=None, status="confirmed")
    assert fresh(demo).status == "confirmed"


@pytest.mark.django_db
def test_the_lead_sets_the_signers_and_the_status_follows(demo, users):
    sign_all(demo, users, ("lead", "sales"))
    signoff.goal_signers_set(campaign=fresh(demo), actor=users["lead"], users=[users["lead"], users["sales"]])
    assert fresh(demo).status == "confirmed"  # the one missing signer was removed
    signoff.goal_signers_set(campaign=fresh(demo), actor=users["lead"],
                             users=[users["lead"], users["sales"], users["finance"]])
    assert fresh(demo).status == "draft"  # a new signer has not signed
    assert [u.username for u in signoff.required_signers(demo)[0]] == ["lead", "sales", "finance"]
    assert AuditEntry.objects.filter(action="goal.signers", campaign_id=demo.pk).count() == 2


@pytest.mark.django_db
def test_signers_must_be_members_who_may_edit_and_at_least_one(demo, users):
    with pytest.raises(ValidationFailed, match="at least one signer"):
        signoff.goal_signers_set(campaign=fresh(demo), actor=users["lead"], users=[])
    with pytest.raises(ValidationFailed, match="孙丽 Sun Li cannot sign"):
        signoff.goal_signers_set(campaign=fresh(demo), actor=users["lead"], users=[users["viewer"]])
    with pytest.raises(ValidationFailed, match="outsider cannot sign"):
        signoff.goal_signers_set(campaign=fresh(demo), actor=users["lead"], users=[users["outsider"]])
    assert [u.username for u in signoff.required_signers(demo)[0]] == ["lead", "sales", "product"]


@pytest.mark.django_db
def test_waiting_for_me_lists_campaigns_until_i_sign_and_again_after_a_change(demo, users):
    assert selectors.goal_signatures_waiting_for(users["sales"]) == [demo]
    assert selectors.goal_signatures_waiting_for(users["finance"]) == []
    assert selectors.goal_signatures_waiting_for(users["outsider"]) == []
    signoff.goal_sign(campaign=fresh(demo), actor=users["sales"])
    assert selectors.goal_signatures_waiting_for(users["sales"]) == []
    assert selectors.goal_signatures_waiting_for(users["lead"]) == [demo]
    services.campaign_update(campaign=fresh(demo), actor=users["lead"], version=None, audience_regions="全国")
    assert selectors.goal_signatures_waiting_for(users["sales"]) == [demo]


@pytest.mark.django_db
def test_waiting_for_me_uses_the_default_heads_without_a_list_in_one_query(demo, users,
                                                                           django_assert_num_queries):
    GoalSigner.objects.filter(campaign=demo).delete()
    with django_assert_num_queries(1):
        assert selectors.goal_signatures_waiting_for(users["product"]) == [demo]
    assert selectors.goal_signatures_waiting_for(users["logistics"]) == []  # a head, but of Logistics


@pytest.mark.django_db
def test_a_signer_who_leaves_or_becomes_a_viewer_is_no_longer_asked(demo, users):
    sign_all(demo, users, ("lead", "sales"))
    services.member_update(membership=demo.memberships.get(user=users["product"]), actor=users["lead"],
                           role="viewer")
    assert [u.username for u in signoff.required_signers(demo)[0]] == ["lead", "sales"]
    assert fresh(demo).status == "confirmed"
    signoff.goal_signers_set(campaign=fresh(demo), actor=users["lead"], users=[users["lead"], users["sales"],
                                                                               users["finance"]])
    services.member_remove(membership=demo.memberships.get(user=users["finance"]), actor=users["lead"])
    assert ([u.username for u in signoff.required_signers(demo)[0]], fresh(demo).status) == (
        ["lead", "sales"], "confirmed")
    assert selectors.goal_signatures_waiting_for(users["finance"]) == []


@pytest.mark.django_db
def test_adding_a_channel_without_htmx_voids_the_signatures(demo, users, client_as):
    sign_all(demo, users)
    response = client_as("lead").post(f"/campaigns/{demo.pk}/settings/channels/",
                                      {"new_channel_name": "视频号", "new_channel_online": "1"})
    assert response.status_code == 302
    assert (fresh(demo).status, live(demo)) == ("draft", [])
    assert set(GoalSignature.objects.values_list("void_reason", "void_detail")) == {("scope", "channels")}


@pytest.mark.django_db
def test_signatures_of_content_changed_outside_the_services_are_voided_when_someone_signs(demo, users):
    sign_all(demo, users, ("lead", "sales"))
    KpiTarget.objects.filter(campaign=demo).order_by("id").first().delete()  # e.g. in the admin
    result = signoff.goal_sign(campaign=fresh(demo), actor=users["lead"])
    assert result.created is True
    assert live(demo) == ["lead"]
    assert list(GoalSignature.objects.filter(voided_at__isnull=False).order_by("id")
                .values_list("user__username", "void_reason")) == [("lead", "kpi"), ("sales", "kpi")]
