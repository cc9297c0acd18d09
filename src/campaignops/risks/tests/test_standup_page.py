"""The stand-up page for a frozen "now": exactly the right tasks, issues and risks in each section,
the record form (action items become tasks, all or nothing), past stand-ups, access, queries."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from campaignops.core.models import AuditEntry
from campaignops.planning.models import Phase, Standup, StandupActionItem, Task
from campaignops.risks import standups

from .conftest import NOW, at, frozen, ids_in

pytestmark = pytest.mark.django_db
D = dt.date
# session, user, profile, campaign, role, members, phases, stand-ups, their attendees, their action
# items (tasks joined), daily updates since the last stand-up, candidate tasks, issues, triggered risks
STANDUP_QUERIES = 14


def url(demo) -> str:
    return reverse("risks:standup", args=[demo.pk])


def page(client, demo, moment=NOW) -> str:
    with frozen(moment):
        response = client.get(url(demo))
    assert response.status_code == 200
    return response.content.decode()


def test_sections_list_exactly_the_right_rows(client_as, demo, scenario):
    html = page(client_as("lead"), demo)
    p, x, i = scenario.plan, scenario.extra, scenario.issues
    assert scenario.marked == [p["warm_up"].pk]          # the nightly job touched only the overdue row
    assert ids_in(html, "due_today") == [p["burst"].pk]
    assert ids_in(html, "overdue") == [p["warm_up"].pk, x["reshoot"].pk]
    assert ids_in(html, "blocked") == [p["continuation"].pk]
    assert ids_in(html, "changed") == [p["warm_up"].pk, p["burst"].pk, x["price_card"].pk]
    assert ids_in(html, "issues", "issue") == [scenario.demo_open.pk, i["late"].pk, i["soon"].pk]
    assert ids_in(html, "risks", "risk") == [scenario.weather.pk]
    assert "Changes since the last stand-up (2024-06-16 09:10)" in html
    assert "2024-06-17 (Mon) · Asia/Shanghai" in html


def test_overdue_lines_say_how_late_and_issues_show_their_clock(client_as, demo, scenario):
    html = page(client_as("lead"), demo)
    overdue = html[html.index('data-section="overdue"'):html.index('data-section="blocked"')]
    assert "3 days late" in overdue and "marked delayed" in overdue
    issues = html[html.index('data-section="issues"'):html.index('data-section="risks"')]
    assert [c for c in ("overdue by 2 d 0 h", "overdue by 23 h 0 min", "2 h 0 min left") if c in issues] == [
        "overdue by 2 d 0 h", "overdue by 23 h 0 min", "2 h 0 min left"]
    assert issues.count('class="rclock rclock-overdue"') == 2 and issues.count("rclock-due_soon") == 1
    changed = html[html.index('data-section="changed"'):html.index('data-section="issues"')]
    assert "Automatically marked Delayed" in changed
    assert "直播设备到位" in changed and "李明 Li Ming: In progress, 60%" in changed
    assert changed.count(">new<") == 1


def test_a_task_that_went_overdue_overnight_shows_as_delayed_without_anyone_touching_it(client_as, demo, users):
    from campaignops.planning.progress import mark_overdue_delayed

    warm = Task.objects.get(campaign=demo, phase__kind="warm_up")
    Task.objects.filter(campaign=demo).update(status="done", created_at=at(2024, 6, 1, 9, 0),
                                              updated_at=at(2024, 6, 14, 18, 0))
    Task.objects.filter(pk=warm.pk).update(status="in_progress")
    with frozen(at(2024, 6, 14, 20, 0)):      # the evening before: still running, nothing overdue
        Standup.objects.create(campaign=demo, held_on=D(2024, 6, 14), held_at=at(2024, 6, 14, 19, 0))
    client = client_as("lead")
    assert ids_in(page(client, demo, at(2024, 6, 14, 21, 0)), "overdue") == []
    overnight = at(2024, 6, 15, 0, 5)
    with frozen(overnight):
        assert mark_overdue_delayed(now=overnight) == [warm.pk]
    html = page(client, demo, at(2024, 6, 15, 9, 0))
    assert ids_in(html, "overdue") == [warm.pk] and ids_in(html, "changed") == [warm.pk]
    overdue = html[html.index('data-section="overdue"'):html.index('data-section="blocked"')]
    assert '<span class="badge status-delayed">Delayed</span>' in overdue and "1 day late" in overdue
    assert "Automatically marked Delayed" in html


def test_query_count_is_pinned_and_constant_as_data_grows(client_as, demo, users, scenario,
                                                        django_assert_num_queries):
    client = client_as("lead")
    with frozen(NOW), django_assert_num_queries(STANDUP_QUERIES):
        assert client.get(url(demo)).status_code == 200
    phase = Phase.objects.get(campaign=demo, kind="burst")
    Task.objects.bulk_create([Task(campaign=demo, phase=phase, order=10 + n, title=f"任务 {n}",
                                   start_date=D(2024, 6, 10), end_date=D(2024, 6, 12 + n % 8),
                                   status=["delayed", "blocked", "in_progress"][n % 3],
                                   owner=[users["sales"], users["product"], None][n % 3]) for n in range(40)])
    with frozen(NOW):
        for n in range(3):
            standups.standup_create(campaign=demo, actor=users["lead"], attendees=[users["sales"]], action_items=[
                standups.ActionItem(f"跟进 {n}", phase, D(2024, 6, 18), users["product"])])
    with frozen(NOW), django_assert_num_queries(STANDUP_QUERIES):
        html = client.get(url(demo)).content.decode()
    assert len(ids_in(html, "overdue")) > 30
    viewer = client_as("viewer")
    with frozen(NOW), django_assert_num_queries(STANDUP_QUERIES):
        assert viewer.get(url(demo)).status_code == 200


def test_recording_a_stand_up_turns_action_items_into_tasks(client_as, demo, users, scenario):
    burst = Phase.objects.get(campaign=demo, kind="burst")
    wrap = Phase.objects.get(campaign=demo, kind="continuation")
    data = {"attendees": [users["lead"].pk, users["sales"].pk, users["logistics"].pk], "minutes": "逐项过进度",
            "decisions": "快闪店延长1小时", "ai-TOTAL_FORMS": "3", "ai-INITIAL_FORMS": "0",
            "ai-0-title": "联系商场追加优惠券", "ai-0-phase": burst.pk, "ai-0-owner": users["sales"].pk,
            "ai-0-due": "2024-06-17",
            "ai-1-title": "整理评论中的价格问题", "ai-1-phase": wrap.pk, "ai-1-owner": "", "ai-1-due": "2024-06-19",
            "ai-2-title": "", "ai-2-phase": burst.pk, "ai-2-owner": "", "ai-2-due": "2024-06-17"}
    with frozen(NOW):
        response = client_as("lead").post(url(demo), data)
    assert response.status_code == 302
    standup = Standup.objects.filter(campaign=demo).order_by("-held_at", "-id").first()
    assert response["Location"] == f"{url(demo)}#su-{standup.pk}"
    assert (standup.held_on, standup.held_at, standup.minutes, standup.decisions, standup.facilitator) == (
        D(2024, 6, 17), NOW, "逐项过进度", "快闪店延长1小时", users["lead"])
    assert sorted(u.username for u in standup.attendees.all()) == ["lead", "logistics", "sales"]
    tasks = [a.task for a in StandupActionItem.objects.filter(standup=standup).select_related("task__phase",
                                                                                             "task__owner")]
    assert [(t.title, t.phase.kind, t.start_date, t.end_date, t.owner and t.owner.username, t.status, t.notes)
            for t in tasks] == [
        ("联系商场追加优惠券", "burst", D(2024, 6, 17), D(2024, 6, 17), "sales", "not_started",
         "Action item from the stand-up of 2024-06-17"),
        ("整理评论中的价格问题", "continuation", D(2024, 6, 17), D(2024, 6, 19), None, "not_started",
         "Action item from the stand-up of 2024-06-17")]
    html = page(client_as("viewer"), demo, NOW + dt.timedelta(minutes=20))
    past = html[html.index(f'id="su-{standup.pk}"'):]
    assert "逐项过进度" in past and "快闪店延长1小时" in past
    assert [t.pk for t in tasks] == [int(x) for x in re.findall(
        r'data-task="(\d+)"', past[:past.index("</article>")])]


def _counts():
    return (Standup.objects.count(), Task.objects.count(), StandupActionItem.objects.count(),
            AuditEntry.objects.count())


def test_a_bad_action_item_is_named_and_nothing_is_written(client_as, demo, users, scenario):
    burst = Phase.objects.get(campaign=demo, kind="burst")
    before = _counts()
    data = {"minutes": "x", "ai-TOTAL_FORMS": "2", "ai-INITIAL_FORMS": "0",
            "ai-0-title": "联系商场", "ai-0-phase": burst.pk, "ai-0-due": "2024-06-18",
            "ai-1-title": "补拍", "ai-1-phase": burst.pk, "ai-1-due": "2024-06-16"}
    with frozen(NOW):
        response = client_as("lead").post(url(demo), data)
    assert response.status_code == 422
    assert "Action item 2: the due date 2024-06-16 is before today (2024-06-17)." in response.content.decode()
    assert _counts() == before


def test_a_failure_part_way_leaves_nothing_behind(client_as, demo, users, scenario):
    burst = Phase.objects.get(campaign=demo, kind="burst")
    before = _counts()
    data = {"minutes": "x", "ai-TOTAL_FORMS": "2", "ai-INITIAL_FORMS": "0",
            "ai-0-title": "联系商场", "ai-0-phase": burst.pk, "ai-0-due": "2024-06-18",
            "ai-1-title": "补拍", "ai-1-phase": burst.pk, "ai-1-due": "2024-06-18"}
    real = standups.task_create
    calls = []

    def second_fails(**kwargs):
        calls.append(kwargs["title"])
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    client = Client(raise_request_exception=False)
    client.force_login(users["lead"])
    with frozen(NOW), mock.patch.object(standups, "task_create", side_effect=second_fails):
        assert client.post(url(demo), data).status_code == 500
    assert calls == ["联系商场", "补拍"]
    assert _counts() == before


def test_viewer_reads_without_the_form_and_may_not_record(client_as, demo, users, scenario):
    html = page(client_as("viewer"), demo)
    assert "Record today" not in html and 'name="minutes"' not in html
    before = _counts()
    with frozen(NOW):
        assert client_as("viewer").post(url(demo), {"minutes": "x"}).status_code == 403
        assert client_as("outsider").get(url(demo)).status_code == 404
        assert client_as("outsider").post(url(demo), {"minutes": "x"}).status_code == 404
    assert _counts() == before


def test_past_stand_up_edit_is_version_checked(client_as, demo, users, scenario):
    standup = scenario.previous
    detail = reverse("risks:standup_detail", args=[demo.pk, standup.pk])
    client = client_as("lead")
    data = {"version": standup.version, "minutes": "更正：昨日同步", "decisions": "", "attendees": [users["lead"].pk]}
    assert client.post(detail, data).status_code == 302
    standup.refresh_from_db()
    assert (standup.minutes, standup.version, [u.username for u in standup.attendees.all()]) == (
        "更正：昨日同步", 2, ["lead"])
    before = (AuditEntry.objects.count(), standup.version)
    stale = client.post(detail, {**data, "minutes": "旧版本上的修改"})
    assert stale.status_code == 409
    assert "Someone else changed this record" in stale.content.decode()
    standup.refresh_from_db()
    assert (standup.minutes, AuditEntry.objects.count(), standup.version) == ("更正：昨日同步", *before)
    assert client_as("viewer").post(detail, data).status_code == 403
    assert client_as("outsider").get(detail).status_code == 404


def test_record_form_ticks_the_whole_team_and_offers_each_phase(client_as, demo, users):
    html = page(client_as("lead"), demo)
    boxes = re.findall(r'<input type="checkbox" class="form-check-input" name="attendees" value="(\d+)"'
                                     r'[^>]*?( checked)?>', html)
    assert [(int(pk), bool(on)) for pk, on in boxes] == [(u.pk, True) for u in (
        users["lead"], users["sales"], users["product"], users["finance"], users["logistics"], users["viewer"])]
    assert html.count('name="ai-0-title"') == 1 and 'name="ai-__prefix__-title"' in html   # one row + the template
    burst = Phase.objects.get(campaign=demo, kind="burst")                    # the phase running on 06-17
    assert f'<option value="{burst.pk}" selected>爆发期（直播+线下）</option>' in html
