"""Lesson writes keep the full-text index in step on both databases (SQLite FTS5, PostgreSQL
tsvector): 预算, 素人笔记 and "influencer" find the lessons that contain them; visibility of lessons
(members, non-members, shared); suggestions beside rows and turning them into a task, risk or note."""

import pytest
from django.db import connection

from campaignops.campaigns.models import Channel
from campaignops.core.errors import DomainError, StaleVersion
from campaignops.core.models import AuditEntry
from campaignops.lessons import search, selectors, services
from campaignops.lessons.models import Lesson, LessonSuggestion, SuggestionState
from campaignops.risks.models import Risk

pytestmark = pytest.mark.django_db


def found(query: str, qs=None) -> list[str]:
    qs = Lesson.objects.all() if qs is None else qs
    return sorted(le.text[:12] for le in search.matching(qs, query))


# ---- search -------------------------------------------------------------------------------------

def test_the_three_words_of_the_issue_find_the_lessons_that_contain_them(lessons):
    assert found("预算") == [lessons["venue"].text[:12]]
    assert found("素人笔记") == [lessons["notes"].text[:12]]
    assert found("influencer") == [lessons["kol"].text[:12]]


@pytest.mark.parametrize(("query", "tags"), [
    ("Influencers", ["kol"]),                       # plural and case folded
    ("达人", ["notes"]),                             # jieba cuts 达 / 人 in the lesson's sentence: bigrams find it
    ("快闪店 超支", ["venue"]),                       # all words, any order
    ("超支快闪店", ["venue"]),                        # one run of Chinese: jieba splits the query
    ("场地费", ["venue"]),
    ("备用", ["venue"]),                             # a substring of 备用金
    ("douyin live", ["live"]),
    ("live", ["live"]),                              # the text says "live streams"
    ("直播", ["live"]),                              # a tag is indexed too
    ("每条线索成本", ["notes"]),                      # the evidence is indexed too
    ("素人笔记 influencer", []),                      # AND: no lesson has both
    ("的", []),                                      # only a glue word: nothing
    ("沟", ["comms"]),                               # one Chinese character: a plain scan
])
def test_search_words(lessons, query, tags):
    assert found(query) == sorted(lessons[t].text[:12] for t in tags)


def test_an_empty_query_does_not_filter(lessons):
    assert len(found("   ")) == 5


def test_the_index_follows_update_and_delete(demo, users, lessons):
    kol = lessons["kol"]
    assert found("launch week") == [kol.text[:12]]
    services.lesson_update(lesson=kol, actor=users["lead"], version=kol.version, text="KOL 档期冲突：提前签备用 KOL")
    assert found("launch week") == []
    assert found("influencer") == ["KOL 档期冲突：提前签"]        # still tagged so
    assert found("档期冲突") == ["KOL 档期冲突：提前签"]
    services.lesson_delete(lesson=kol, actor=users["lead"])
    assert found("档期冲突") == []
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM lessons_lesson_fts WHERE rowid = %s", [kol.pk])
            assert cur.fetchone()[0] == 0


def test_a_campaign_deleted_takes_its_lessons_out_of_the_index(other, users):
    services.lesson_create(campaign=other, kind="keep", text="社群团购复购率高", actor=users["outsider"])
    assert found("复购") == ["社群团购复购率高"]
    other.delete()
    assert found("复购") == []
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM lessons_lesson_fts WHERE tokens LIKE '%复购%'")
            assert cur.fetchone()[0] == 0


def test_matching_any_finds_lessons_sharing_a_word(lessons):
    hits = search.matching_any(Lesson.objects.all(), "预算 and live")
    assert sorted(le.pk for le in hits) == sorted([lessons["venue"].pk, lessons["live"].pk])


# ---- create / update / delete -------------------------------------------------------------------

def test_lesson_create_defaults_and_audit(demo, users):
    before = AuditEntry.objects.count()
    lesson = services.lesson_create(campaign=demo, kind="improve", text="  报名页加载慢  ", tags="落地页，Speed, speed",
                                    actor=users["sales"])
    assert (lesson.text, lesson.campaign_kind, lesson.tags, lesson.tag_list, lesson.shared, lesson.created_by) == (
        "报名页加载慢", "product_launch", ",落地页,speed,", ["落地页", "speed"], False, users["sales"])
    assert lesson.search_tokens == "报名 名页 页加 加载 载慢 落地 地页 speed"
    assert AuditEntry.objects.count() == before + 1


def test_lesson_create_from_a_report_is_made_once_and_finds_its_channel(demo, users):
    one = services.lesson_create(campaign=demo, kind="keep", text="小红书素人笔记成本低", source_report=7,
                                 actor=users["lead"])
    two = services.lesson_create(campaign=demo, kind="keep", text="小红书素人笔记成本低", source_report=7,
                                 actor=users["lead"])
    assert one.pk == two.pk and one.source_report_id == 7
    assert Lesson.objects.filter(text="小红书素人笔记成本低").count() == 1
    assert one.channel.code == "xiaohongshu"
    en = services.lesson_create(campaign=demo, kind="improve", text="Pop-up store traffic was low; Douyin did well",
                                source_report=7, actor=users["lead"])
    assert en.channel.code == "pop-up"                    # the first channel the text names
    plain = services.lesson_create(campaign=demo, kind="keep", text="Nothing about channels", source_report=7,
                                   actor=users["lead"])
    assert plain.channel is None


def test_lesson_create_refuses_an_empty_text_and_too_many_tags(demo, users):
    before = Lesson.objects.count()
    with pytest.raises(DomainError) as exc:
        services.lesson_create(campaign=demo, kind="keep", text="   ", actor=users["lead"])
    assert exc.value.field == "text"
    with pytest.raises(DomainError) as exc:
        services.lesson_create(campaign=demo, kind="keep", text="x", tags=[str(n) for n in range(13)],
                               actor=users["lead"])
    assert (exc.value.field, str(exc.value.message)) == ("tags", "A lesson has at most 12 tags.")
    assert Lesson.objects.count() == before


def test_null_characters_are_refused_with_the_field(demo, users, lessons):
    with pytest.raises(DomainError) as exc:
        services.lesson_create(campaign=demo, kind="keep", text="a\x00b", actor=users["lead"])
    assert (exc.value.status, exc.value.field) == (422, "text")
    with pytest.raises(DomainError) as exc:
        services.lesson_update(lesson=lessons["kol"], actor=users["lead"], version=1, tags=["x\x00"])
    assert exc.value.field == "tags"
    assert list(selectors.lesson_list(user=users["lead"], filters=selectors.LessonFilters.from_query(
        {"tag": "预算\x00", "q": "\x00"}))) == [lessons["venue"]]


def test_lesson_update_stale_version_writes_nothing(lessons, users):
    venue = lessons["venue"]
    services.lesson_update(lesson=venue, actor=users["lead"], version=1, shared=True)
    stale = Lesson.objects.get(pk=venue.pk)
    stale.version = 1
    with pytest.raises(StaleVersion):
        services.lesson_update(lesson=stale, actor=users["sales"], version=1, text="别的")
    fresh = Lesson.objects.get(pk=venue.pk)
    assert (fresh.version, fresh.shared, fresh.text) == (2, True, venue.text)
    assert found("预算") == [venue.text[:12]]


# ---- visibility -----------------------------------------------------------------------------------

def test_members_see_their_campaigns_lessons_others_only_the_shared_ones(demo, users, lessons, other):
    mine = services.lesson_create(campaign=other, kind="keep", text="Outsider's own lesson", actor=users["outsider"])
    everyone = {le.pk for le in Lesson.objects.all()}
    assert {le.pk for le in selectors.lesson_list(user=users["viewer"])} == everyone - {mine.pk}
    assert {le.pk for le in selectors.lesson_list(user=users["outsider"])} == {lessons["notes"].pk, mine.pk}
    services.lesson_update(lesson=mine, actor=users["outsider"], version=1, shared=True)
    assert mine.pk in {le.pk for le in selectors.lesson_list(user=users["viewer"])}


def test_policy_get_for_shared_lessons_read_not_write(users, lessons):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from campaignops.access.policy import Action, can, get_for

    assert get_for(users["outsider"], Action.VIEW, Lesson, lessons["notes"].pk) == lessons["notes"]
    with pytest.raises(PermissionDenied):
        get_for(users["outsider"], Action.EDIT, Lesson, lessons["notes"].pk)
    with pytest.raises(Http404):
        get_for(users["outsider"], Action.VIEW, Lesson, lessons["venue"].pk)
    assert can(users["viewer"], Action.VIEW, lessons["venue"]) and not can(users["viewer"], Action.EDIT,
                                                                          lessons["venue"])


def test_search_respects_visibility(users, lessons):
    visible_to_outsider = selectors.lesson_list(user=users["outsider"], filters=selectors.LessonFilters(q="预算"))
    assert list(visible_to_outsider) == []
    assert [le.pk for le in selectors.lesson_list(user=users["outsider"],
                                                  filters=selectors.LessonFilters(q="素人笔记"))] == [
        lessons["notes"].pk]


@pytest.mark.parametrize(("filters", "tags"), [
    ({"kind": "keep"}, ["notes", "live"]),
    ({"channel": "xiaohongshu"}, ["notes", "kol"]),
    ({"phase": "burst"}, ["venue", "live"]),
    ({"campaign_kind": "product_launch"}, ["notes", "kol", "venue", "live", "comms"]),
    ({"campaign_kind": "trade_show"}, []),
    ({"tag": "预算"}, ["venue"]),
    ({"tag": "Influencer"}, ["kol"]),
    ({"kind": "improve", "q": "快闪店"}, ["venue"]),
    ({"kind": "bogus"}, ["notes", "kol", "venue", "live", "comms"]),      # an unknown value does not filter
])
def test_filters(users, lessons, filters, tags):
    got = selectors.lesson_list(user=users["lead"], filters=selectors.LessonFilters.from_query(filters))
    assert sorted(le.pk for le in got) == sorted(lessons[t].pk for t in tags)


def test_similar_lessons(users, lessons, demo):
    twin = services.lesson_create(campaign=demo, kind="improve", text="快闪店场地费预算超支，签约前要锁定场地总价",
                                  actor=users["lead"])
    similar = selectors.similar_lessons(user=users["lead"], lesson=twin)
    assert [le.pk for le, _score in similar] == [lessons["venue"].pk]
    assert 55 <= similar[0][1] <= 100
    assert selectors.similar_lessons(user=users["outsider"], lesson=twin) == []   # venue is not shared


# ---- lessons while planning ------------------------------------------------------------------------

def _hints(campaign) -> list[tuple[str, str, str]]:
    return [(s.task.channel.code if s.task.channel_id else "", s.lesson.tags, s.reasons)
            for s in LessonSuggestion.objects.filter(campaign=campaign).select_related("task__channel", "lesson")
            .order_by("task__phase__order", "-score", "lesson_id")]


def test_a_campaign_from_the_template_gets_the_lessons_beside_its_rows(from_template, lessons):
    assert _hints(from_template) == [
        ("", lessons["comms"].tags, "phase,kind"),
        ("xiaohongshu", lessons["notes"].tags, "channel,phase,kind"),
        ("xiaohongshu", lessons["kol"].tags, "channel,phase,kind"),
        ("xiaohongshu", lessons["live"].tags, "channel,kind"),            # the row names 抖音 too
        ("douyin", lessons["venue"].tags, "channel,phase,kind"),          # the row names the 快闪店
        ("douyin", lessons["live"].tags, "channel,phase,kind"),
    ]


def test_refresh_is_idempotent(from_template, users):
    before = LessonSuggestion.objects.count()
    assert services.suggestions_refresh(campaign=from_template, actor=users["lead"]) == []
    assert LessonSuggestion.objects.count() == before


def test_rows_added_by_an_import_get_lessons_too(demo, users, lessons, other):
    """The importer calls planning.hooks.rows_added like the template does; the lessons app answers."""
    from campaignops.planning import hooks
    from campaignops.planning.services import phase_create, task_create

    phase = phase_create(campaign=other, actor=users["outsider"], name="预热", kind="warm_up",
                         start_date=other.start_date, end_date=other.end_date)
    row = task_create(campaign=other, actor=users["outsider"], phase=phase, title="小红书笔记投放",
                      channel=Channel.objects.get(code="xiaohongshu"))
    own = task_create(campaign=demo, actor=users["lead"], phase=demo.phases.get(kind="warm_up"), title="抖音短视频",
                      channel=Channel.objects.get(code="douyin"))
    hooks.rows_added(campaign=other, tasks=[row], actor=users["outsider"])
    hooks.rows_added(campaign=demo, tasks=[own], actor=users["lead"])
    assert sorted(LessonSuggestion.objects.filter(task=row).values_list("lesson_id", flat=True)) == sorted(
        [lessons["notes"].pk, lessons["kol"].pk])
    # what the outsider sees beside the row: only the shared lesson
    assert [s.lesson_id for s in selectors.plan_hints(user=users["outsider"], campaign=other)] == [
        lessons["notes"].pk]
    # a campaign's own lessons are never suggested to itself
    assert not LessonSuggestion.objects.filter(task=own).exists()


def test_the_demo_lessons_are_loaded_once(demo, users, lessons):
    from campaignops.lessons.demo import extend_demo

    extend_demo(demo, users)
    assert Lesson.objects.filter(campaign=demo).count() == 5
    assert list(Lesson.objects.filter(shared=True).values_list("pk", flat=True)) == [lessons["notes"].pk]
    assert {le.text[:4] for le in Lesson.objects.all()} >= {"小红书素", "快闪店场", "The ", "跨部门沟"}


def _suggestion(campaign, tag: str) -> LessonSuggestion:
    return LessonSuggestion.objects.select_related("task__phase", "task__campaign", "lesson").get(
        campaign=campaign, lesson__tags__contains=f",{tag},", task__channel__code="xiaohongshu")


def test_turn_into_a_risk(from_template, users):
    s = _suggestion(from_template, "kol")
    risk = services.suggestion_apply(suggestion=s, as_="risk", actor=users["lead"], version=s.version)
    assert isinstance(risk, Risk)
    assert (risk.campaign_id, risk.description, risk.category, risk.phase_id, risk.trigger) == (
        from_template.pk, s.lesson.text, "kol_schedule", s.task.phase_id, "2 warm-up days lost waiting for the KOL")
    s.refresh_from_db()
    assert (s.state, s.result_id, s.version) == (SuggestionState.RISK, risk.pk, 2)
    with pytest.raises(DomainError):
        services.suggestion_apply(suggestion=s, as_="task", actor=users["lead"], version=s.version)


def test_turn_into_a_task_and_a_note(from_template, users):
    s = _suggestion(from_template, "素人笔记")
    task = services.suggestion_apply(suggestion=s, as_="task", actor=users["lead"], version=s.version)
    assert (task.campaign_id, task.phase_id, task.title, task.channel_id, task.notes) == (
        from_template.pk, s.task.phase_id, s.lesson.text, s.task.channel_id,
        "Lesson: " + s.lesson.text + " (" + s.lesson.evidence + ")")
    s2 = _suggestion(from_template, "kol")
    row = services.suggestion_apply(suggestion=s2, as_="note", actor=users["lead"], version=s2.version)
    assert row.pk == s2.task_id
    assert row.notes.endswith("\nLesson: " + s2.lesson.text + " (" + s2.lesson.evidence + ")")


def test_apply_with_a_stale_version_writes_nothing(from_template, users):
    s = _suggestion(from_template, "kol")
    risks = Risk.objects.count()
    with pytest.raises(StaleVersion):
        services.suggestion_apply(suggestion=s, as_="risk", actor=users["lead"], version=s.version + 1)
    assert Risk.objects.count() == risks
    s.refresh_from_db()
    assert s.state == SuggestionState.OPEN


def test_apply_refuses_an_unknown_kind_and_dismiss(from_template, users):
    s = _suggestion(from_template, "kol")
    with pytest.raises(DomainError) as exc:
        services.suggestion_apply(suggestion=s, as_="email", actor=users["lead"], version=s.version)
    assert exc.value.field == "as"
    services.suggestion_dismiss(suggestion=s, actor=users["lead"], version=s.version)
    s.refresh_from_db()
    assert s.state == SuggestionState.DISMISSED
    assert s not in selectors.plan_hints(user=users["lead"], campaign=from_template)


def test_plan_hints_show_only_lessons_the_user_may_see(from_template, users, lessons):
    from campaignops.campaigns.models import Membership, Role

    Membership.objects.create(campaign=from_template, user=users["outsider"], role=Role.VIEWER)
    assert {s.lesson_id for s in selectors.plan_hints(user=users["outsider"], campaign=from_template)} == {
        lessons["notes"].pk}
    assert len(selectors.plan_hints(user=users["lead"], campaign=from_template)) == 6


# ---- save as template with the lessons applied ---------------------------------------------------------

def test_save_as_template_writes_the_lessons_into_the_rows_they_concern(demo, users, lessons):
    from campaignops.planning.models import TemplateTask
    from campaignops.planning.services import campaign_save_as_template

    template = campaign_save_as_template(campaign=demo, actor=users["lead"], name="带经验的模板")
    notes = {t.channel.code if t.channel_id else t.phase.kind: t.notes
             for t in TemplateTask.objects.filter(phase__template=template).select_related("channel", "phase")}
    assert "Lesson: " + lessons["notes"].text in notes["xiaohongshu"]
    assert "Lesson: " + lessons["kol"].text in notes["xiaohongshu"]
    assert "Lesson: " + lessons["venue"].text in notes["douyin"]
    assert "Lesson: " + lessons["live"].text in notes["douyin"]
    assert "Lesson: " + lessons["comms"].text in notes["preparation"]
    assert template.description == ""
