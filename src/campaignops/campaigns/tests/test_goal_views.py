"""Goal Confirmation pages: the document, signing, signers, suggested wording, the live SMART check on the
settings page, the .docx export, and pinned query counts."""

import io
import re

import pytest
from docx import Document

from campaignops.campaigns import services, signoff
from campaignops.campaigns.models import Campaign, GoalSignature, KpiTarget

from .test_views import text

pytestmark = pytest.mark.django_db


def fresh(demo) -> Campaign:
    return Campaign.objects.get(pk=demo.pk)


def test_the_page_shows_goal_smart_check_kpis_scope_and_signers(demo, client_as):
    response = client_as("viewer").get(f"/campaigns/{demo.pk}/goal/")
    assert response.status_code == 200
    page = text(response)
    assert "Goal Confirmation" in page and "0 of 3 signed" in page
    assert "3天内通过小红书种草+抖音直播" in page
    assert "The goal is specific, measurable, achievable, relevant and time-bound." in page
    assert "曝光量 / exposures All channels 500,000 Higher is better 2024-06-17" in page
    assert "线上预售转化率 / online pre-sale conversion All channels 5% Higher is better" in page
    assert "Online channels Xiaohongshu Douyin" in page and "Offline channels Pop-up store" in page
    assert "王芳 Wang Fang Marketing Waiting" in page and "张伟 Zhang Wei Product Waiting" in page
    html = response.content.decode()
    assert 'id="sign-goal"' not in html  # the viewer does not sign
    assert "Change who signs" not in html
    assert f'class="nav-link active" aria-current="page" href="/campaigns/{demo.pk}/goal/"' in html


GOAL_QUERIES = 11  # session, user, profile, campaign, role, channels, targets, members, channels, targets, signers
# + signatures


def test_query_count_is_pinned_and_constant(demo, users, client_as, django_assert_num_queries):
    lead = client_as("lead")
    with django_assert_num_queries(GOAL_QUERIES + 1):
        lead.get(f"/campaigns/{demo.pk}/goal/")
    for i in range(10):
        KpiTarget.objects.create(campaign=demo, metric="clicks", target_value=i + 1, unit="count")
    signoff.goal_signers_set(campaign=fresh(demo), actor=users["lead"],
                             users=[users[n] for n in ("lead", "sales", "product", "finance", "logistics")])
    for name in ("lead", "sales"):
        signoff.goal_sign(campaign=fresh(demo), actor=users[name])
    services.campaign_update(campaign=fresh(demo), actor=users["lead"], version=None, goal_statement="Changed")
    for name in ("lead", "sales"):
        signoff.goal_sign(campaign=fresh(demo), actor=users[name])
    with django_assert_num_queries(GOAL_QUERIES + 1):
        response = lead.get(f"/campaigns/{demo.pk}/goal/")
    assert "2 of 5 signed" in text(response)
    assert len(re.findall("A goal statement changed|The goal statement changed", text(response))) == 2


def test_a_signer_signs_on_the_page_and_the_last_one_confirms(demo, users, client_as):
    for name in ("sales", "product"):
        client = client_as(name)
        page = client.get(f"/campaigns/{demo.pk}/goal/").content.decode()
        fp = re.search(r'name="fingerprint" value="([0-9a-f]{64})"', page).group(1)
        response = client.post(f"/campaigns/{demo.pk}/goal/sign/", {"fingerprint": fp}, follow=True)
        assert "You signed the Goal Confirmation." in text(response)
    lead = client_as("lead")
    fp = signoff.fingerprint(signoff.goal_content(demo))
    response = lead.post(f"/campaigns/{demo.pk}/goal/sign/", {"fingerprint": fp}, follow=True)
    page = text(response)
    assert "Everyone has signed: the campaign is confirmed." in page and "3 of 3 signed" in page
    assert fresh(demo).status == "confirmed"
    again = lead.post(f"/campaigns/{demo.pk}/goal/sign/", {"fingerprint": fp}, follow=True)
    assert "You had already signed this version of the Goal Confirmation." in text(again)


def test_signing_an_old_version_on_the_page_is_refused(demo, users, client_as):
    response = client_as("sales").post(f"/campaigns/{demo.pk}/goal/sign/", {"fingerprint": "a" * 64}, follow=True)
    assert "Read the current version, then sign again." in text(response)
    assert GoalSignature.objects.count() == 0
    response = client_as("finance").post(f"/campaigns/{demo.pk}/goal/sign/", {"fingerprint": "a" * 64},
                                         follow=True)
    assert "You are not one of the people who sign this Goal Confirmation." in text(response)
    assert client_as("viewer").post(f"/campaigns/{demo.pk}/goal/sign/", {"fingerprint": "a" * 64}).status_code == 403


def test_voided_signatures_show_in_the_history(demo, users, client_as):
    for name in ("lead", "sales", "product"):
        signoff.goal_sign(campaign=fresh(demo), actor=users[name])
    target = KpiTarget.objects.filter(campaign=demo).order_by("id").first()
    response = client_as("lead").post(f"/campaigns/{demo.pk}/kpis/{target.pk}/edit/", {
        "version": 1, "metric": "impressions", "label": target.label, "target_value": "600000", "unit": "count",
        "direction": "higher", "due_date": "2024-06-17"})
    assert response.status_code == 302
    page = text(client_as("viewer").get(f"/campaigns/{demo.pk}/goal/"))
    assert "0 of 3 signed" in page and "Voided signatures" in page
    assert ("A KPI target changed. 曝光量 / exposures: 500000 (2024-06-17) → 曝光量 / exposures: 600000 "
            "(2024-06-17) (王芳 Wang Fang)") in page
    assert fresh(demo).status == "draft"


def test_the_lead_sets_the_signers(demo, users, client_as):
    lead = client_as("lead")
    response = lead.post(f"/campaigns/{demo.pk}/goal/signers/",
                         {"signers": [users["lead"].pk, users["finance"].pk]}, follow=True)
    assert "The signers are now: 王芳 Wang Fang, 陈静 Chen Jing." in text(response)
    response = lead.post(f"/campaigns/{demo.pk}/goal/signers/", {"signers": [users["viewer"].pk]}, follow=True)
    assert "Select a valid choice." in text(response)
    response = lead.post(f"/campaigns/{demo.pk}/goal/signers/", {}, follow=True)
    assert "The Goal Confirmation needs at least one signer." in text(response)
    assert [u.username for u in signoff.required_signers(demo)[0]] == ["lead", "finance"]
    assert client_as("sales").post(f"/campaigns/{demo.pk}/goal/signers/",
                                   {"signers": [users["sales"].pk]}).status_code == 403


def test_signers_changed_while_the_lead_was_choosing_are_not_overwritten(demo, users, client_as):
    lead = client_as("lead")
    page = text(lead.get(f"/campaigns/{demo.pk}/goal/"))
    shown = ",".join(str(users[n].pk) for n in ("lead", "sales", "product"))
    assert f'name="signers_before" value="{shown}"' in lead.get(f"/campaigns/{demo.pk}/goal/").content.decode()
    assert "Save signers" in page
    # Meanwhile another lead makes Finance sign too.
    signoff.goal_signers_set(campaign=fresh(demo), actor=users["lead"],
                             users=[users["lead"], users["sales"], users["product"], users["finance"]])
    response = lead.post(f"/campaigns/{demo.pk}/goal/signers/",
                         {"signers": [users["lead"].pk], "signers_before": shown}, follow=True)
    assert ("Someone changed the signers while you were choosing; they are now: 王芳 Wang Fang, 李明 Li Ming, "
            "张伟 Zhang Wei, 陈静 Chen Jing. Nothing was saved: choose again.") in text(response)
    assert [u.username for u in signoff.required_signers(demo)[0]] == ["lead", "sales", "product", "finance"]


def test_a_lead_who_saw_no_signers_does_not_overwrite_signers_set_since(demo, users, client_as):
    from campaignops.campaigns.models import GoalSigner, Membership

    GoalSigner.objects.filter(campaign=demo).delete()
    Membership.objects.filter(campaign=demo).update(is_department_head=False)     # nobody signs by default
    lead = client_as("lead")
    assert 'name="signers_before" value=""' in lead.get(f"/campaigns/{demo.pk}/goal/").content.decode()
    signoff.goal_signers_set(campaign=fresh(demo), actor=users["lead"], users=[users["finance"]])
    response = lead.post(f"/campaigns/{demo.pk}/goal/signers/",
                         {"signers": [users["lead"].pk], "signers_before": ""}, follow=True)
    assert "Nothing was saved: choose again." in text(response)
    assert [u.username for u in signoff.required_signers(demo)[0]] == ["finance"]


def test_a_weak_goal_gets_a_suggested_wording_the_lead_can_take(demo, users, client_as):
    Campaign.objects.filter(pk=demo.pk).update(goal_statement="raise brand awareness")
    lead = client_as("lead")
    response = lead.get(f"/campaigns/{demo.pk}/goal/")
    page = text(response)
    assert "The KPI targets cover these, but the goal sentence itself does not:" in page
    assert "Specific : Say where it happens" in page
    rewrite = ("By June 30, 2024, through Douyin, Pop-up store and Xiaohongshu, reach 500k impressions, "
               "5% conversion rate, 100k live-stream views on Douyin and 500 store visitors on Pop-up store.")
    assert rewrite in page
    response = lead.post(f"/campaigns/{demo.pk}/goal/use-wording/", {"version": 1, "goal_statement": rewrite},
                         follow=True)
    assert "The goal statement now uses the suggested wording." in text(response)
    assert fresh(demo).goal_statement == rewrite
    stale = lead.post(f"/campaigns/{demo.pk}/goal/use-wording/", {"version": 1, "goal_statement": "x"}, follow=True)
    assert "Someone else changed this item in the meantime." in text(stale)
    assert client_as("sales").post(f"/campaigns/{demo.pk}/goal/use-wording/",
                                   {"version": 2, "goal_statement": "x"}).status_code == 403


def test_the_settings_page_checks_the_goal_as_it_is_typed(demo, client_as):
    lead = client_as("lead")
    settings = lead.get(f"/campaigns/{demo.pk}/settings/").content.decode()
    assert f'hx-get="/campaigns/{demo.pk}/goal/check/"' in settings and 'id="smart-check"' in settings
    fragment = lead.get(f"/campaigns/{demo.pk}/goal/check/", {"goal_statement": "提升品牌知名度"},
                        headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert html.startswith('<div id="smart-check"')
    assert re.findall(r'data-code="(\w+)"', html) == [
        "specific_channel", "measurable_metric", "measurable_number", "time_bound", "relevant_core"]
    assert 'class="btn btn-sm btn-outline-primary js-use-wording no-print" data-target="id_goal_statement"' in html
    assert client_as("outsider").get(f"/campaigns/{demo.pk}/goal/check/").status_code == 404


def test_the_docx_export_has_the_document_in_chinese_and_english(demo, users, client_as):
    Campaign.objects.filter(pk=demo.pk).update(audience_habits="<b>&amp; \x01 控制字符")
    signoff.goal_sign(campaign=fresh(demo), actor=users["sales"])
    response = client_as("viewer").get(f"/campaigns/{demo.pk}/goal/export.docx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="goal-confirmation-{demo.pk}.docx"'
    document = Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "Goal Confirmation"
    assert paragraphs[1].startswith("夏日清凉季新品体验日")
    assert "3天内通过小红书种草+抖音直播，实现新品A曝光量50万+、线上预售转化率5%" in paragraphs
    kpis = document.tables[1]
    assert [c.text for c in kpis.rows[1].cells] == ["Impressions", "曝光量 / exposures", "All channels", "500000",
                                                     "Higher is better", "2024-06-17"]
    assert [c.text for c in kpis.rows[2].cells][3] == "5%"
    scope = {row.cells[0].text: row.cells[1].text for row in document.tables[2].rows}
    assert scope["Online channels"] == "Xiaohongshu, Douyin"
    assert scope["Audience consumption habits"] == "<b>&amp;  控制字符"
    signers = [[c.text for c in row.cells] for row in document.tables[3].rows]
    assert [r[0] for r in signers] == ["Signer", "王芳 Wang Fang", "李明 Li Ming", "张伟 Zhang Wei"]
    assert signers[2][3] == GoalSignature.objects.get().fingerprint[:16] and signers[1][2] == "Not signed yet"
    styles = document.styles["Normal"].element.xml
    assert 'w:eastAsia="Noto Sans CJK SC"' in styles
    assert client_as("outsider").get(f"/campaigns/{demo.pk}/goal/export.docx").status_code == 404


def test_a_suggestion_with_blanks_is_finished_in_the_settings_not_taken_as_is(demo, client_as):
    Campaign.objects.filter(pk=demo.pk).update(goal_statement="raise brand awareness", kind="offline_brand")
    html = client_as("lead").get(f"/campaigns/{demo.pk}/goal/").content.decode()
    assert "___ engagements and ___ favourability." in html
    assert f'href="/campaigns/{demo.pk}/settings/#id_goal_statement"' in html
    assert "Fill in the blanks (___) in the settings" in html
    assert "goal/use-wording/" not in html
