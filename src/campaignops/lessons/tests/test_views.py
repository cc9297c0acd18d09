"""Library pages and the lessons beside plan rows: exact content, access (non-member 404, shared
lessons readable, viewer no writes), clear form errors, 409 on a stale edit, pinned query counts."""

import pytest
from django.utils.html import escape

from campaignops.lessons.models import Lesson, LessonSuggestion, SuggestionState
from campaignops.risks.models import Risk

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def cards(html: str) -> int:
    return html.count('class="card lesson-card')


def test_library_lists_and_searches(client_as, lessons, django_assert_num_queries):
    client = client_as("viewer")
    # session, user, profile, count, page, tag strings, channels, campaigns I may write on
    with django_assert_num_queries(8):
        r = client.get("/lessons/")
    html = r.content.decode()
    assert r.status_code == 200 and cards(html) == 5
    assert "Lessons Learned Library" in html and 'href="/lessons/new/"' not in html   # a viewer writes none
    r = client.get("/lessons/", {"q": "预算"})
    assert cards(r.content.decode()) == 1 and lessons["venue"].text in r.content.decode()
    r = client.get("/lessons/", {"q": "素人笔记"}, headers={"HX-Request": "true", "HX-Target": "lesson-results"})
    body = r.content.decode()
    assert cards(body) == 1 and "<form" not in body and lessons["notes"].text in body
    r = client.get("/lessons/", {"q": "influencer", "kind": "improve"})
    assert cards(r.content.decode()) == 1 and escape(lessons["kol"].text) in r.content.decode()
    assert "No lesson matches this search." in client.get("/lessons/", {"q": "不存在的词"}).content.decode()


def test_library_queries_do_not_grow(client_as, demo, users, django_assert_num_queries):
    from campaignops.lessons.services import lesson_create

    for n in range(30):
        lesson_create(campaign=demo, kind="keep", text=f"经验 {n}", tags=[f"t{n}"], actor=users["lead"])
    client = client_as("lead")
    with django_assert_num_queries(8):
        r = client.get("/lessons/")
    assert cards(r.content.decode()) == 35 and 'href="/lessons/new/"' in r.content.decode()


def test_outsider_sees_only_the_shared_lesson(client_as, lessons):
    client = client_as("outsider")
    html = client.get("/lessons/").content.decode()
    assert cards(html) == 1 and lessons["notes"].text in html
    assert client.get(f"/lessons/{lessons['notes'].pk}/").status_code == 200
    assert client.get(f"/lessons/{lessons['venue'].pk}/").status_code == 404
    assert client.get(f"/lessons/{lessons['notes'].pk}/edit/").status_code == 403
    assert client.post(f"/lessons/{lessons['notes'].pk}/delete/").status_code == 403
    assert Lesson.objects.filter(pk=lessons["notes"].pk).exists()


def test_detail_shows_similar_lessons(client_as, demo, users, lessons, django_assert_num_queries):
    from campaignops.lessons.services import lesson_create

    twin = lesson_create(campaign=demo, kind="improve", text="快闪店场地费预算超支，签约前要锁定场地总价", actor=users["lead"])
    client = client_as("viewer")
    with django_assert_num_queries(7):  # session, user, profile, lesson (joined), role, similar candidates, rows
        r = client.get(f"/lessons/{twin.pk}/")
    html = r.content.decode()
    assert "Similar lessons" in html and f'href="/lessons/{lessons["venue"].pk}/"' in html
    assert f'href="/lessons/{twin.pk}/edit/"' not in html          # viewer


def test_create_by_hand(client_as, demo, lessons):
    client = client_as("sales")
    r = client.get("/lessons/new/")
    assert r.status_code == 200 and f'<option value="{demo.pk}"' in r.content.decode()
    r = client.post("/lessons/new/", {"campaign": demo.pk, "kind": "improve", "text": "", "tags": "a"})
    assert r.status_code == 422 and "This field is required." in r.content.decode()
    r = client.post("/lessons/new/", {"campaign": demo.pk, "kind": "improve", "text": "Price notice in every live",
                                      "evidence": "complaints -40%", "tags": "price, 直播", "shared": "on"})
    lesson = Lesson.objects.get(text="Price notice in every live")
    assert r.status_code == 302 and r["Location"] == f"/lessons/{lesson.pk}/"
    assert (lesson.kind, lesson.evidence, lesson.tag_list, lesson.shared, lesson.campaign_id) == (
        "improve", "complaints -40%", ["price", "直播"], True, demo.pk)


def test_a_viewer_or_outsider_cannot_write_by_hand(client_as, demo, other):
    before = Lesson.objects.count()
    r = client_as("viewer").post("/lessons/new/", {"campaign": demo.pk, "kind": "keep", "text": "x"})
    assert r.status_code == 422        # the demo is not among the campaigns a viewer may choose
    r = client_as("lead").post("/lessons/new/", {"campaign": other.pk, "kind": "keep", "text": "x"})
    assert r.status_code == 422
    assert Lesson.objects.count() == before


def test_edit_and_stale_edit(client_as, lessons):
    venue = lessons["venue"]
    client = client_as("lead")
    form = {"kind": "improve", "text": venue.text, "evidence": venue.evidence, "tags": "预算", "version": 1,
            "shared": "on"}
    r = client.post(f"/lessons/{venue.pk}/edit/", form)
    assert r.status_code == 302
    r = client.post(f"/lessons/{venue.pk}/edit/", {**form, "text": "别的"})
    assert r.status_code == 409 and "Someone else changed this item" in r.content.decode()
    venue.refresh_from_db()
    assert (venue.version, venue.shared, venue.tags, venue.text[:3]) == (2, True, ",预算,", "快闪店")


def test_delete(client_as, lessons):
    r = client_as("lead").post(f"/lessons/{lessons['comms'].pk}/delete/")
    assert r.status_code == 302 and r["Location"] == "/lessons/"
    assert not Lesson.objects.filter(pk=lessons["comms"].pk).exists()


# ---- beside the plan rows --------------------------------------------------------------------------

def test_the_plan_page_asks_for_the_hints(client_as, from_template):
    html = client_as("lead").get(f"/campaigns/{from_template.pk}/plan/").content.decode()
    assert f'hx-get="/campaigns/{from_template.pk}/lesson-hints/"' in html
    assert "js/lesson-hints.js" in html


def test_hints_fragment(client_as, from_template, lessons, django_assert_num_queries):
    client = client_as("lead")
    with django_assert_num_queries(6):  # session, user, profile, campaign, role, suggestions (joined)
        r = client.get(f"/campaigns/{from_template.pk}/lesson-hints/", **HX)
    html = r.content.decode()
    xhs = from_template.tasks.get(channel__code="xiaohongshu")
    assert f'<template data-after="t{xhs.pk}">' in html
    assert html.count('class="lesson-hint kind-') == 6
    assert lessons["notes"].text in html and escape(lessons["kol"].text) in html
    assert html.count("Turn into a risk") == 6


def test_hints_for_a_viewer_have_no_buttons(client_as, from_template, users):
    from campaignops.campaigns.models import Membership, Role

    Membership.objects.create(campaign=from_template, user=users["viewer"], role=Role.VIEWER)
    html = client_as("viewer").get(f"/campaigns/{from_template.pk}/lesson-hints/").content.decode()
    assert html.count('class="lesson-hint kind-') == 6 and "Turn into a risk" not in html
    s = LessonSuggestion.objects.filter(campaign=from_template).first()
    risks = Risk.objects.count()
    r = client_as("viewer").post(f"/campaigns/{from_template.pk}/lesson-hints/{s.pk}/apply/", {"as": "risk"})
    assert r.status_code == 403 and Risk.objects.count() == risks
    assert client_as("outsider").get(f"/campaigns/{from_template.pk}/lesson-hints/").status_code == 404


def test_turn_into_a_risk_in_one_click(client_as, from_template, lessons):
    s = LessonSuggestion.objects.get(campaign=from_template, lesson=lessons["kol"])
    risks = Risk.objects.filter(campaign=from_template).count()
    r = client_as("lead").post(f"/campaigns/{from_template.pk}/lesson-hints/{s.pk}/apply/",
                               {"as": "risk", "version": "1"}, **HX)
    risk = Risk.objects.filter(campaign=from_template).latest("id")
    assert r.status_code == 201
    assert "Turned into a risk." in r.content.decode()
    assert f'href="/campaigns/{from_template.pk}/risks/{risk.pk}/"' in r.content.decode()
    assert Risk.objects.filter(campaign=from_template).count() == risks + 1 and risk.description == lessons["kol"].text
    s.refresh_from_db()
    assert s.state == SuggestionState.RISK


def test_apply_errors_are_shown_in_the_hint(client_as, from_template, lessons):
    s = LessonSuggestion.objects.get(campaign=from_template, lesson=lessons["kol"])
    r = client_as("lead").post(f"/campaigns/{from_template.pk}/lesson-hints/{s.pk}/apply/",
                               {"as": "risk", "version": "7"}, **HX)
    assert r.status_code == 409 and "Someone else changed this item" in r.content.decode()
    r = client_as("lead").post(f"/campaigns/{from_template.pk}/lesson-hints/{s.pk}/apply/",
                               {"as": "fax", "version": "1"}, **HX)
    assert r.status_code == 400 and "Choose task, risk or note." in r.content.decode()


def test_dismiss_and_refresh(client_as, from_template):
    s = LessonSuggestion.objects.filter(campaign=from_template).first()
    r = client_as("lead").post(f"/campaigns/{from_template.pk}/lesson-hints/{s.pk}/dismiss/", {"version": "1"}, **HX)
    assert r.status_code == 200 and "Dismissed." in r.content.decode()
    r = client_as("lead").post(f"/campaigns/{from_template.pk}/lesson-hints/refresh/", **HX)
    assert r.status_code == 200 and r.content.decode().count('class="lesson-hint kind-') == 5
