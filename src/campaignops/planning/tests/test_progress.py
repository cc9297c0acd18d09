"""Daily progress: the pure rules, the versioned update service, the overdue job (time zones,
idempotence, Django Tasks API on an immediate backend) and the selectors (exact values, pinned
query counts)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaignops.campaigns.models import Campaign, Membership
from campaignops.core.errors import StaleVersion, ValidationFailed
from campaignops.core.models import AuditEntry
from campaignops.planning import progress, services
from campaignops.planning.domain.progress import (
    DayCell,
    Mark,
    day_states,
    days_between,
    default_window,
    due_bucket,
    local_date,
    week_segments,
)
from campaignops.planning.models import DailyUpdate, Phase, Task

D = dt.date
SH = ZoneInfo("Asia/Shanghai")
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = IMMEDIATE


def _task(demo, title: str) -> Task:
    return Task.objects.get(campaign=demo, title=title)


PREP, WARM, BURST = "确认目标、细化方案", "小红书/抖音内容发布与达人对接", "直播带货、线下快闪店"
FOLLOW, REPORT = "评价返现审核、售后跟进", "数据汇总与报告"


# ---- pure rules ---------------------------------------------------------------------------------

def test_local_date_follows_the_time_zone():
    now = dt.datetime(2024, 6, 14, 16, 5, tzinfo=dt.UTC)          # 2024-06-15 00:05 in Shanghai
    assert local_date(now, "Asia/Shanghai") == D(2024, 6, 15)
    assert local_date(now, "America/New_York") == D(2024, 6, 14)
    assert local_date(now, "UTC") == D(2024, 6, 14)
    assert local_date(now, "Mars/Olympus_Mons") == D(2024, 6, 14)       # unknown: UTC


def test_due_buckets_and_default_window():
    today = D(2024, 6, 12)                                         # a Wednesday
    assert [due_bucket(D(2024, 6, d), today) for d in (11, 12, 13, 16, 17)] == [
        "overdue", "today", "week", "week", "later"]
    assert default_window(D(2024, 6, 1), D(2024, 6, 30), today) == (D(2024, 6, 10), D(2024, 6, 16))
    assert default_window(D(2024, 6, 1), D(2024, 6, 30), D(2025, 1, 1)) == (D(2024, 6, 24), D(2024, 6, 30))
    assert default_window(D(2024, 6, 1), D(2024, 6, 30), D(2024, 1, 1)) == (D(2024, 5, 27), D(2024, 6, 2))
    assert default_window(D(2024, 6, 3), D(2024, 6, 12), today) == (D(2024, 6, 3), D(2024, 6, 12))


def test_day_states_take_the_last_update_of_a_day_and_carry_it_forward():
    marks = [Mark(D(2024, 6, 3), "in_progress", 20, "kick-off"), Mark(D(2024, 6, 3), "in_progress", 40),
             Mark(D(2024, 6, 5), "blocked", 40, "budget"), Mark(D(2024, 6, 7), "done", 100)]
    cells = day_states(days_between(D(2024, 6, 2), D(2024, 6, 9)), marks, prior=None, today=D(2024, 6, 8))
    assert [(c.date.day, c.mark.status if c.mark else None, c.mark.percent if c.mark else None, c.fresh)
            for c in cells] == [
        (2, None, None, False), (3, "in_progress", 40, True), (4, "in_progress", 40, False),
        (5, "blocked", 40, True), (6, "blocked", 40, False), (7, "done", 100, True), (8, "done", 100, False),
        (9, None, None, False)]
    assert [m.note for m in cells[1].notes] == ["kick-off", ""]
    # A window that starts later: the last update before it is carried in.
    later = day_states(days_between(D(2024, 6, 4), D(2024, 6, 5)), marks, prior=None, today=D(2024, 6, 8))
    assert later == [DayCell(D(2024, 6, 4), marks[1], False, ()), DayCell(D(2024, 6, 5), marks[2], True, (marks[2],))]


def test_week_segments_clip_to_the_week_and_stack_in_lanes():
    monday = D(2024, 6, 10)
    segs = week_segments([("a", D(2024, 6, 8), D(2024, 6, 14)), ("b", D(2024, 6, 12), D(2024, 6, 20)),
                          ("c", D(2024, 6, 15), D(2024, 6, 16)), ("d", D(2024, 6, 17), D(2024, 6, 18))], monday)
    assert [(s.key, s.col, s.span, s.lane, s.starts, s.ends) for s in segs] == [
        ("a", 0, 5, 0, False, True), ("b", 2, 5, 1, True, False), ("c", 5, 2, 0, True, True)]


# ---- the update service -------------------------------------------------------------------------

@pytest.mark.django_db
def test_progress_update_writes_the_task_the_days_update_and_the_audit(demo, users):
    task = _task(demo, WARM)
    update = progress.task_progress_update(task=task, status="in_progress", percent_complete=35,
                                           note="  首批 8 篇已发  ", actor=users["lead"], version=1,
                                           today=D(2024, 6, 10))
    task.refresh_from_db()
    assert (task.status, task.percent_complete, task.version) == ("in_progress", 35, 2)
    row = DailyUpdate.objects.get()
    assert (row.pk, row.campaign_id, row.task_id, row.date, row.status, row.percent_complete, row.note,
            row.author, row.automatic) == (update.pk, demo.pk, task.pk, D(2024, 6, 10), "in_progress", 35,
                                           "首批 8 篇已发", users["lead"], False)
    entry = AuditEntry.objects.get(action="task.progress")
    assert (entry.object_id, entry.actor, entry.changes, entry.summary) == (
        task.pk, users["lead"], {"status": ["not_started", "in_progress"], "percent_complete": [0, 35]}, "首批 8 篇已发")


@pytest.mark.django_db
def test_done_means_100_percent_and_no_percent_keeps_the_figure(demo, users):
    task = _task(demo, WARM)
    progress.task_progress_update(task=task, status="in_progress", percent_complete=60, actor=users["lead"],
                                  version=1, today=D(2024, 6, 10))
    progress.task_progress_update(task=task, status="blocked", actor=users["lead"], version=2, today=D(2024, 6, 11))
    progress.task_progress_update(task=task, status="done", percent_complete=80, actor=users["lead"], version=3,
                                  today=D(2024, 6, 12))
    assert list(DailyUpdate.objects.order_by("id").values_list("date", "status", "percent_complete")) == [
        (D(2024, 6, 10), "in_progress", 60), (D(2024, 6, 11), "blocked", 60), (D(2024, 6, 12), "done", 100)]


@pytest.mark.django_db
def test_stale_version_is_refused_and_nothing_is_written(demo, users):
    task = _task(demo, WARM)
    services.task_update(task=Task.objects.get(pk=task.pk), actor=users["sales"], version=1, notes="改过")
    before = (DailyUpdate.objects.count(), AuditEntry.objects.count())
    with pytest.raises(StaleVersion) as exc:
        progress.task_progress_update(task=task, status="done", actor=users["lead"], version=1, today=D(2024, 6, 10))
    assert exc.value.current_version == 2
    task.refresh_from_db()
    assert (task.status, task.percent_complete, task.version) == ("not_started", 0, 2)
    assert (DailyUpdate.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "percent", "field"), [("finished", 10, "status"), ("done", 101, "percent_complete"),
                                                         ("in_progress", -1, "percent_complete")])
def test_bad_input_names_the_field_and_writes_nothing(demo, users, status, percent, field):
    task = _task(demo, WARM)
    with pytest.raises(ValidationFailed) as exc:
        progress.task_progress_update(task=task, status=status, percent_complete=percent, actor=users["lead"],
                                      version=1, today=D(2024, 6, 10))
    assert exc.value.field == field
    assert DailyUpdate.objects.count() == 0
    assert Task.objects.get(pk=task.pk).version == 1


@pytest.mark.django_db
def test_the_update_is_dated_in_the_campaign_time_zone(demo, users, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2024, 6, 11, 17, 30, tzinfo=dt.UTC))  # 01:30 on 06-12
    progress.task_progress_update(task=_task(demo, WARM), status="in_progress", percent_complete=10,
                                  actor=users["lead"], version=1)
    assert DailyUpdate.objects.get().date == D(2024, 6, 12)


# ---- the overdue job ----------------------------------------------------------------------------

def _new_york_campaign(users) -> tuple[Campaign, Task]:
    c = Campaign.objects.create(name="NY launch", start_date=D(2024, 6, 10), end_date=D(2024, 6, 20),
                                time_zone="America/New_York", country="US")
    Membership.objects.create(campaign=c, user=users["lead"], role="lead")
    phase = Phase.objects.create(campaign=c, name="Launch", start_date=D(2024, 6, 10), end_date=D(2024, 6, 20))
    task = Task.objects.create(campaign=c, phase=phase, title="Ship the page", start_date=D(2024, 6, 10),
                               end_date=D(2024, 6, 14), percent_complete=70, status="in_progress")
    return c, task


@pytest.mark.django_db
def test_overdue_tasks_become_delayed_at_local_midnight_once_and_never_when_done(demo, users):
    prep, warm = _task(demo, PREP), _task(demo, WARM)
    progress.task_progress_update(task=prep, status="done", actor=users["lead"], version=1, today=D(2024, 6, 7))
    Task.objects.filter(pk=warm.pk).update(percent_complete=55)
    _ny, ny_task = _new_york_campaign(users)

    before_midnight = dt.datetime(2024, 6, 14, 23, 55, tzinfo=SH)
    assert progress.mark_overdue_delayed(now=before_midnight) == []
    after_midnight = dt.datetime(2024, 6, 15, 0, 5, tzinfo=SH)     # still 2024-06-14 in New York
    assert progress.mark_overdue_delayed(now=after_midnight) == [warm.pk]
    warm.refresh_from_db()
    assert (warm.status, warm.percent_complete, warm.version) == ("delayed", 55, 2)
    auto = DailyUpdate.objects.get(automatic=True)
    assert (auto.task_id, auto.date, auto.status, auto.percent_complete, auto.author, auto.note) == (
        warm.pk, D(2024, 6, 15), "delayed", 55, None, "")
    assert AuditEntry.objects.filter(action="task.auto_delayed").values_list("object_id", "changes").get() == (
        warm.pk, {"status": ["not_started", "delayed"]})

    # Idempotent: a second run changes nothing.
    assert progress.mark_overdue_delayed(now=after_midnight + dt.timedelta(minutes=15)) == []
    assert (DailyUpdate.objects.filter(automatic=True).count(), Task.objects.get(pk=warm.pk).version) == (1, 2)
    # New York's midnight comes 12 hours later; the done task is never touched.
    ny_midnight = dt.datetime(2024, 6, 15, 0, 5, tzinfo=ZoneInfo("America/New_York"))
    assert progress.mark_overdue_delayed(now=ny_midnight) == [ny_task.pk]
    assert Task.objects.get(pk=prep.pk).status == "done"
    assert DailyUpdate.objects.filter(task=prep, automatic=True).count() == 0


@pytest.mark.django_db
def test_an_owners_update_today_stands_until_the_next_day(demo, users):
    warm = _task(demo, WARM)
    progress.task_progress_update(task=warm, status="in_progress", percent_complete=90, note="明早收尾",
                                  actor=users["lead"], version=1, today=D(2024, 6, 15))
    prep = _task(demo, PREP)             # also overdue, and nobody spoke for it today
    assert progress.mark_overdue_delayed(now=dt.datetime(2024, 6, 15, 9, 0, tzinfo=SH)) == [prep.pk]
    assert Task.objects.get(pk=warm.pk).status == "in_progress"
    assert progress.mark_overdue_delayed(now=dt.datetime(2024, 6, 16, 0, 5, tzinfo=SH)) == [warm.pk]


@pytest.mark.django_db
def test_the_overdue_job_runs_a_fixed_number_of_queries(demo, users):
    phase = Phase.objects.filter(campaign=demo).first()

    def run(now):
        with CaptureQueriesContext(connection) as ctx:
            marked = progress.mark_overdue_delayed(now=now)
        return len(marked), len(ctx.captured_queries)

    Task.objects.bulk_create([Task(campaign=demo, phase=phase, title=f"t{i}", start_date=D(2024, 6, 1),
                                   end_date=D(2024, 6, 2)) for i in range(3)])
    few = run(dt.datetime(2024, 6, 3, 8, tzinfo=SH))
    Task.objects.bulk_create([Task(campaign=demo, phase=phase, title=f"u{i}", start_date=D(2024, 6, 1),
                                   end_date=D(2024, 6, 3)) for i in range(60)])
    many = run(dt.datetime(2024, 6, 4, 8, tzinfo=SH))
    assert (few[0], many[0]) == (3, 60)
    assert few[1] == many[1]


@pytest.mark.django_db
def test_the_django_task_and_the_periodic_tick(demo, django_capture_on_commit_callbacks):
    from campaignops.planning import tasks

    warm = _task(demo, WARM)
    result = tasks.mark_overdue.enqueue(dt.datetime(2024, 6, 15, 0, 5, tzinfo=SH).isoformat())
    assert (result.status, result.return_value) == ("SUCCESSFUL", [_task(demo, PREP).pk, warm.pk])
    # The tick enqueues the job after commit; with the immediate backend it runs right then (now: today).
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tasks.overdue_tick.call_local()
    assert len(callbacks) == 1
    assert set(Task.objects.filter(campaign=demo).values_list("status", flat=True)) == {"delayed"}


# ---- selectors ----------------------------------------------------------------------------------

def _script(demo, users):
    """A scripted week of updates on the preparation and warm-up tasks."""
    prep, warm = _task(demo, PREP), _task(demo, WARM)
    lead = users["lead"]
    steps = [(prep, D(2024, 6, 3), "in_progress", 20, "kick-off"), (prep, D(2024, 6, 3), "in_progress", 40, ""),
             (prep, D(2024, 6, 5), "blocked", 40, "等预算审批"), (prep, D(2024, 6, 7), "done", 100, "")]
    for task, day, status, pct, note in steps:
        task.refresh_from_db()
        progress.task_progress_update(task=task, status=status, percent_complete=pct, note=note, actor=lead,
                                      version=task.version, today=day)
    progress.task_progress_update(task=warm, status="in_progress", percent_complete=10, actor=lead, version=1,
                                  today=D(2024, 6, 1))
    return prep, warm


@pytest.mark.django_db
def test_daily_table_statuses_for_a_scripted_sequence(demo, users):
    prep, warm = _script(demo, users)
    table = progress.daily_table(campaign=demo, start=D(2024, 6, 4), end=D(2024, 6, 9), today=D(2024, 6, 8))
    by_title = {r.task.title: [(c.mark.status, c.mark.percent, c.fresh) if c.mark else None for c in r.cells]
                for r in table.rows}
    assert by_title[PREP] == [("in_progress", 40, False), ("blocked", 40, True), ("blocked", 40, False),
                              ("done", 100, True), ("done", 100, False), None]
    assert by_title[WARM] == [("in_progress", 10, False)] * 5 + [None]
    assert by_title[BURST] == [None] * 6
    assert [r.task.title for r in table.rows][:2] == [PREP, WARM]
    assert [(u.date, u.status, u.note) for u in table.updates] == [
        (D(2024, 6, 7), "done", ""), (D(2024, 6, 5), "blocked", "等预算审批")]


@pytest.mark.django_db
def test_daily_table_runs_two_queries_whatever_the_size(demo, users, django_assert_num_queries):
    _script(demo, users)
    with django_assert_num_queries(2):
        progress.daily_table(campaign=demo, start=D(2024, 6, 1), end=D(2024, 6, 30), today=D(2024, 6, 20))
    phase = Phase.objects.filter(campaign=demo).first()
    made = Task.objects.bulk_create([Task(campaign=demo, phase=phase, title=f"x{i}", start_date=D(2024, 6, 1),
                                          end_date=D(2024, 6, 9), owner=users["sales"]) for i in range(30)])
    DailyUpdate.objects.bulk_create([DailyUpdate(campaign=demo, task=t, date=D(2024, 6, 2 + i % 5), status="in_progress",
                                                 percent_complete=i, author=users["sales"]) for i, t in enumerate(made)])
    with django_assert_num_queries(2):
        table = progress.daily_table(campaign=demo, start=D(2024, 6, 1), end=D(2024, 6, 30), today=D(2024, 6, 20))
    assert len(table.rows) == 35


@pytest.mark.django_db
def test_board_columns_and_overdue_flags(demo, users, django_assert_num_queries):
    prep, warm = _task(demo, PREP), _task(demo, WARM)
    progress.task_progress_update(task=prep, status="done", actor=users["lead"], version=1, today=D(2024, 6, 7))
    progress.task_progress_update(task=warm, status="blocked", actor=users["lead"], version=1, today=D(2024, 6, 9))
    with django_assert_num_queries(1):
        board = progress.board(campaign=demo, today=D(2024, 6, 16))
    assert [(c.status, [t.title for t in c.tasks]) for c in board.columns] == [
        ("not_started", [BURST, FOLLOW, REPORT]), ("in_progress", []), ("delayed", []),
        ("blocked", [WARM]), ("done", [PREP])]
    assert [(t.title, t.overdue) for c in board.columns for t in c.tasks if t.overdue] == [(WARM, True)]
    filtered = progress.board(campaign=demo, today=D(2024, 6, 16),
                              filters=progress.selectors.PlanFilters(owner=str(users["sales"].pk), status="done"))
    assert [[t.title for t in c.tasks] for c in filtered.columns] == [[BURST], [], [], [], []]


@pytest.mark.django_db
def test_my_tasks_groups_by_due_in_each_campaign_time_zone(demo, users, django_assert_num_queries):
    lead = users["lead"]
    _ny, ny_task = _new_york_campaign(users)
    Task.objects.filter(pk=ny_task.pk).update(owner=lead, end_date=D(2024, 6, 14))
    now = dt.datetime(2024, 6, 14, 16, 5, tzinfo=dt.UTC)       # 06-15 00:05 Shanghai, 06-14 12:05 New York
    with django_assert_num_queries(2):
        mine = progress.my_tasks(user=lead, now=now)
    assert {k: [t.title for t in v] for k, v in mine.groups.items()} == {
        "overdue": [PREP, WARM], "today": ["Ship the page"], "week": [], "later": [REPORT]}
    assert mine.total == 4 and all(t.editable for group in mine.groups.values() for t in group)
    viewer_mine = progress.my_tasks(user=users["viewer"], now=now)
    assert viewer_mine.total == 0
