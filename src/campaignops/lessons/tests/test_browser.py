"""In a real browser (Debian's chromium; CSP violations and JS errors fail): a campaign created from
the seed template shows a past campaign's lesson beside its Xiaohongshu row, and one click turns it
into a risk; the library searches Chinese and English."""

import os
import re

import pytest
from playwright.sync_api import expect

from campaignops.campaigns.models import Campaign
from campaignops.lessons.models import Lesson, LessonSuggestion, SuggestionState
from campaignops.risks.models import Risk

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("LESSON_SHOTS", "")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_new_campaign_from_the_template_shows_a_lesson_beside_its_row_and_turns_it_into_a_risk(page_as, demo):
    kol = Lesson.objects.get(campaign=demo, tags__contains=",kol,")
    page = page_as("lead", lang="zh-hans")
    page.goto(page.url_for("/campaigns/new/"))
    page.fill("#id_name", "秋季新品上市")
    page.fill("#id_start_date", "2026-09-01")
    page.click("button[type=submit].btn-primary")
    page.wait_for_url("**/campaigns/*/")
    campaign = Campaign.objects.get(name="秋季新品上市")

    page.goto(page.url_for(f"/campaigns/{campaign.pk}/plan/"))
    row = campaign.tasks.get(channel__code="xiaohongshu")
    hints = page.locator(f"#t{row.pk} + tr.lesson-hint-row")
    expect(hints).to_be_visible()
    expect(hints).to_contain_text("小红书素人笔记的单条线索成本低于达人测评")
    expect(hints).to_contain_text(kol.text)
    expect(hints.locator(".lesson-hint-source").first).to_contain_text("夏日清凉季新品体验日")
    assert page.locator("tr.lesson-hint-row").count() == 3           # 筹备期, 小红书 and 抖音 rows
    shot(page, "plan-hints-zh.png")

    suggestion = LessonSuggestion.objects.get(task=row, lesson=kol)
    risks = Risk.objects.filter(campaign=campaign).count()
    page.locator(f"#lh-{suggestion.pk} [data-apply=risk]").click()
    done = page.locator(f"#lh-{suggestion.pk}.is-done")
    expect(done.locator("a")).to_have_attribute("href", re.compile(rf"/campaigns/{campaign.pk}/risks/\d+/$"))
    risk = Risk.objects.filter(campaign=campaign).latest("id")
    assert Risk.objects.filter(campaign=campaign).count() == risks + 1
    assert (risk.description, risk.category, risk.phase_id) == (kol.text, "kol_schedule", row.phase_id)
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.result_id) == (SuggestionState.RISK, risk.pk)
    shot(page, "plan-hint-risk-zh.png")

    done.locator("a").click()
    page.wait_for_url(f"**/campaigns/{campaign.pk}/risks/{risk.pk}/")
    expect(page.locator("body")).to_contain_text(kol.text)


@pytest.mark.django_db(transaction=True)
def test_turning_a_lesson_into_a_note_redraws_the_row(page_as, demo, from_template):
    page = page_as("lead")
    page.goto(page.url_for(f"/campaigns/{from_template.pk}/plan/"))
    row = from_template.tasks.get(channel__code="douyin")
    venue = Lesson.objects.get(campaign=demo, tags__contains=",预算,")
    suggestion = LessonSuggestion.objects.get(task=row, lesson=venue)
    page.locator(f"#lh-{suggestion.pk} [data-apply=note]").click()
    expect(page.locator(f"#t{row.pk} td[data-f=notes]")).to_contain_text("Lesson: 快闪店场地费预算超支")
    # the table was redrawn and the hints placed again, without the one used
    expect(page.locator(f"#t{row.pk} + tr.lesson-hint-row .lesson-hint")).to_have_count(1)
    shot(page, "plan-hint-note-en.png")


@pytest.mark.django_db(transaction=True)
def test_library_search_in_chinese_and_english(page_as, demo):
    page = page_as("viewer")
    page.goto(page.url_for("/"))
    page.locator("nav a[href='/lessons/']").click()
    page.wait_for_url("**/lessons/")
    expect(page.locator(".lesson-card")).to_have_count(5)
    page.fill("#f-q", "预算")
    page.keyboard.press("Enter")
    expect(page.locator(".lesson-card")).to_have_count(1)
    expect(page.locator(".lesson-card")).to_contain_text("快闪店场地费预算超支")
    page.fill("#f-q", "influencer")
    expect(page.locator(".lesson-card")).to_have_count(1)
    expect(page.locator(".lesson-card")).to_contain_text(re.compile("schedule clashed"))
    page.fill("#f-q", "")
    page.select_option("#f-channel", "xiaohongshu")
    expect(page.locator(".lesson-card")).to_have_count(2)
    shot(page, "library-en.png")
    page.locator(".lesson-card .lesson-text").first.click()
    expect(page.locator("#similar-title")).to_be_visible()
    shot(page, "lesson-detail-en.png")


@pytest.mark.django_db(transaction=True)
def test_write_a_lesson_by_hand(page_as, demo):
    page = page_as("sales", lang="zh-hans")
    page.goto(page.url_for("/lessons/new/"))
    page.select_option("#id_kind", "improve")
    page.fill("#id_text", "抖音直播脚本要加价格说明，评论区“价格不透明”的投诉减少")
    page.fill("#id_evidence", "投诉 -40%")
    page.select_option("#id_channel", label="抖音")
    page.select_option("#id_phase_kind", "burst")
    page.fill("#id_tags", "直播, 价格")
    shot(page, "lesson-form-zh.png")
    page.click("button[type=submit].btn-primary")
    lesson = Lesson.objects.get(text__startswith="抖音直播脚本")
    page.wait_for_url(f"**/lessons/{lesson.pk}/")
    assert (lesson.kind, lesson.channel.code, lesson.phase_kind, lesson.tag_list, lesson.created_by.username) == (
        "improve", "douyin", "burst", ["直播", "价格"], "sales")
    expect(page.locator(".lesson-card")).to_contain_text("投诉 -40%")
