"""The schedule over the stored plan: dependencies (loops refused, naming the tasks), slip previews
and reschedules across the 2024 Dragon Boat holiday, baselines and variance, pinned queries."""

from __future__ import annotations

import datetime as dt

import pytest

from campaignops.campaigns.models import Campaign
from campaignops.core.errors import StaleVersion, ValidationFailed
from campaignops.core.models import AuditEntry
from campaignops.planning import scheduling, services
from campaignops.planning.models import BaselineTask, Phase, PlanBaseline, Task, TaskDependency
from campaignops.planning.seed import SEED_ROWS

D = dt.date
PREP, WARM, BURST, WRAP, REVIEW = (row["zh"][2] for row in SEED_ROWS)
CHAIN = [PREP, WARM, BURST, WRAP, REVIEW]


@pytest.fixture
def tasks(demo):
    return {t.title: t for t in Task.objects.filter(campaign=demo)}


@pytest.fixture
def chain(demo, tasks, users):
    """The seed chain added through the service (the demo's own links removed first)."""
    TaskDependency.objects.filter(campaign=demo).delete()
    for a, b in zip(CHAIN, CHAIN[1:], strict=False):
        scheduling.dependency_add(campaign=demo, predecessor=tasks[a], successor=tasks[b], actor=users["lead"])
    return tasks


def windows(demo) -> dict[str, tuple[dt.date, dt.date, int]]:
    return {t.title: (t.start_date, t.end_date, t.version) for t in Task.objects.filter(campaign=demo)}


def moves(preview) -> list[tuple]:
    return [(m.title, m.old_start, m.old_end, m.new_start, m.new_end, m.shift) for m in preview.moves]


# ---- the demo and the chain ---------------------------------------------------------------------

def test_the_demo_has_the_seed_chain_and_a_baseline_and_loading_it_again_adds_nothing(demo, tasks):
    from campaignops.planning.demo import load_demo

    links = [(d.predecessor.title, d.successor.title, d.type, d.lag)
             for d in TaskDependency.objects.filter(campaign=demo).select_related("predecessor", "successor")]
    assert links == [(a, b, "fs", 0) for a, b in zip(CHAIN, CHAIN[1:], strict=False)]
    baseline = PlanBaseline.objects.get(campaign=demo)
    assert baseline.taken_by.username == "lead"
    assert BaselineTask.objects.filter(baseline=baseline).count() == 5
    load_demo()
    assert (TaskDependency.objects.count(), PlanBaseline.objects.count(), BaselineTask.objects.count()) == (4, 1, 5)


def test_adding_the_chain_is_audited_and_the_schedule_is_all_critical(demo, chain):
    assert list(AuditEntry.objects.filter(action="dependency.add").values_list("summary", flat=True)) == [
        f"{b} → {a} (fs+0)" for a, b in reversed(list(zip(CHAIN[1:], CHAIN, strict=False)))]
    sched = scheduling.campaign_schedule(demo)
    rows = {t.row.title: t for t in sched.tasks}
    assert [(rows[t].early_start, rows[t].early_finish, rows[t].duration, rows[t].slack, rows[t].critical)
            for t in CHAIN] == [
        (D(2024, 6, 3), D(2024, 6, 7), 5, 0, True),     # 06-01/02 weekend
        (D(2024, 6, 11), D(2024, 6, 14), 4, 0, True),   # 06-08..10 Dragon Boat
        (D(2024, 6, 17), D(2024, 6, 17), 1, 0, True),   # 06-15/16 weekend
        (D(2024, 6, 18), D(2024, 6, 21), 4, 0, True),
        (D(2024, 6, 24), D(2024, 6, 28), 5, 0, True),
    ]
    assert [chain[t].pk for t in CHAIN] == sched.critical_path
    assert sched.project_end == D(2024, 6, 28)
    assert [(t.start_variance, t.finish_variance, t.conflict) for t in sched.tasks] == [(0, 0, False)] * 5


# ---- slip preview and reschedule across the Dragon Boat holiday ---------------------------------

EXPECTED_MOVES = [
    (PREP, D(2024, 6, 1), D(2024, 6, 7), D(2024, 6, 6), D(2024, 6, 13), 3),
    (WARM, D(2024, 6, 8), D(2024, 6, 14), D(2024, 6, 14), D(2024, 6, 19), 3),
    (BURST, D(2024, 6, 15), D(2024, 6, 17), D(2024, 6, 20), D(2024, 6, 20), 3),
    (WRAP, D(2024, 6, 18), D(2024, 6, 23), D(2024, 6, 21), D(2024, 6, 26), 3),
    (REVIEW, D(2024, 6, 24), D(2024, 6, 30), D(2024, 6, 27), D(2024, 7, 3), 3),
]


def test_slipping_preparation_by_three_working_days_previews_exactly_the_chain_and_writes_nothing(demo, chain):
    before, audits = windows(demo), AuditEntry.objects.count()
    preview = scheduling.slip_preview(task=chain[PREP], days=3)
    assert moves(preview) == EXPECTED_MOVES
    assert [m.title for m in preview.knock_on] == CHAIN[1:]
    assert preview.shifts == (3, 3)
    assert [(p.name, p.old_end, p.new_end) for p in preview.phase_moves] == [
        ("筹备期", D(2024, 6, 7), D(2024, 6, 13)), ("预热期（线上）", D(2024, 6, 14), D(2024, 6, 19)),
        ("爆发期（直播+线下）", D(2024, 6, 17), D(2024, 6, 20)), ("收尾期", D(2024, 6, 23), D(2024, 6, 26)),
        ("复盘期", D(2024, 6, 30), D(2024, 7, 3))]
    assert (preview.campaign_old, preview.campaign_new) == ((D(2024, 6, 1), D(2024, 6, 30)),
                                                            (D(2024, 6, 1), D(2024, 7, 3)))
    assert preview.campaign_end_moves and preview.earliest_start is None
    # The same move given as a new start date (a drag on the timeline) previews the same outcome.
    dragged = scheduling.slip_preview(task=chain[PREP], new_start=D(2024, 6, 6))
    assert moves(dragged) == EXPECTED_MOVES and dragged.fingerprint == preview.fingerprint
    assert windows(demo) == before and AuditEntry.objects.count() == audits


def test_rescheduling_applies_the_preview_at_once_with_versions_audit_phases_and_campaign_end(demo, chain, users):
    preview = scheduling.slip_preview(task=chain[PREP], new_start=D(2024, 6, 6))
    audits = AuditEntry.objects.count()
    done = scheduling.task_reschedule(task=chain[PREP], new_start=D(2024, 6, 6), version=1, actor=users["lead"],
                                      expected=preview.fingerprint)
    assert moves(done) == EXPECTED_MOVES
    assert windows(demo) == {title: (new_start, new_end, 2) for title, _a, _b, new_start, new_end, _s in EXPECTED_MOVES}
    assert list(Phase.objects.filter(campaign=demo).values_list("name", "start_date", "end_date", "version")) == [
        ("筹备期", D(2024, 6, 1), D(2024, 6, 13), 2), ("预热期（线上）", D(2024, 6, 8), D(2024, 6, 19), 2),
        ("爆发期（直播+线下）", D(2024, 6, 15), D(2024, 6, 20), 2), ("收尾期", D(2024, 6, 18), D(2024, 6, 26), 2),
        ("复盘期", D(2024, 6, 24), D(2024, 7, 3), 2)]
    campaign = Campaign.objects.get(pk=demo.pk)
    assert (campaign.start_date, campaign.end_date, campaign.version) == (D(2024, 6, 1), D(2024, 7, 3), 2)
    entries = AuditEntry.objects.order_by("id")[audits:]
    assert [e.action for e in entries] == ["task.reschedule"] * 5 + ["phase.update"] * 5 + ["campaign.update"]
    assert entries[0].changes == {"start_date": ["2024-06-01", "2024-06-06"], "end_date": ["2024-06-07", "2024-06-13"]}
    assert {e.actor.username for e in entries} == {"lead"}
    # Each task is now 3 working days late against the baseline taken with the demo.
    sched = scheduling.campaign_schedule(demo)
    assert [(t.row.title, t.start_variance, t.finish_variance) for t in sched.tasks] == [(t, 3, 3) for t in CHAIN]
    assert sched.project_end == D(2024, 7, 3)


def test_a_stale_version_or_a_changed_plan_is_refused_and_nothing_is_written(demo, chain, users):
    preview = scheduling.slip_preview(task=chain[PREP], days=3)
    services.task_update(task=chain[WRAP], actor=users["sales"], version=1, end_date=D(2024, 6, 24))
    before, audits = windows(demo), AuditEntry.objects.count()
    with pytest.raises(StaleVersion) as stale:
        scheduling.task_reschedule(task=chain[PREP], days=3, version=1, actor=users["lead"],
                                   expected=preview.fingerprint)
    assert str(stale.value) == "The plan changed since the preview: look at the new preview before saving."
    with pytest.raises(StaleVersion) as old:
        scheduling.task_reschedule(task=chain[WRAP], days=1, version=1, actor=users["lead"])
    assert old.value.current_version == 2
    assert windows(demo) == before and AuditEntry.objects.count() == audits
    assert Campaign.objects.get(pk=demo.pk).end_date == D(2024, 6, 30)


def test_resizing_a_task_pushes_its_successors_by_what_they_must(demo, chain):
    preview = scheduling.slip_preview(task=chain[WARM], new_end=D(2024, 6, 18))
    assert moves(preview) == [
        (WARM, D(2024, 6, 8), D(2024, 6, 14), D(2024, 6, 8), D(2024, 6, 18), 2),   # the start stays as written
        (BURST, D(2024, 6, 15), D(2024, 6, 17), D(2024, 6, 19), D(2024, 6, 19), 2),
        (WRAP, D(2024, 6, 18), D(2024, 6, 23), D(2024, 6, 20), D(2024, 6, 25), 2),
        (REVIEW, D(2024, 6, 24), D(2024, 6, 30), D(2024, 6, 26), D(2024, 7, 2), 2),
    ]
    assert preview.campaign_new[1] == D(2024, 7, 2)


def test_a_task_never_starts_before_its_dependencies_allow(demo, chain):
    preview = scheduling.slip_preview(task=chain[WARM], new_start=D(2024, 6, 5))
    assert preview.moves == [] and preview.earliest_start == D(2024, 6, 11)
    # A Saturday is read as the next working day: the review stays where it is (after the wrap-up).
    preview = scheduling.slip_preview(task=chain[REVIEW], new_start=D(2024, 6, 22))
    assert (preview.moves, preview.earliest_start) == ([], None)
    # Free of its predecessor, the review moves earlier by 2 working days, keeping its 5 working days.
    TaskDependency.objects.filter(successor=chain[REVIEW]).delete()
    preview = scheduling.slip_preview(task=chain[REVIEW], new_start=D(2024, 6, 20))
    assert moves(preview) == [(REVIEW, D(2024, 6, 24), D(2024, 6, 30), D(2024, 6, 20), D(2024, 6, 26), -2)]
    assert (preview.earliest_start, preview.phase_moves[0].new_start, preview.campaign_end_moves) == (
        None, D(2024, 6, 20), False)


def test_without_cascade_only_the_task_moves_and_its_successor_is_flagged(demo, chain, users):
    scheduling.task_reschedule(task=chain[BURST], days=2, version=1, actor=users["lead"], cascade=False)
    assert windows(demo)[BURST] == (D(2024, 6, 19), D(2024, 6, 19), 2)
    assert windows(demo)[WRAP] == (D(2024, 6, 18), D(2024, 6, 23), 1)
    rows = {t.row.title: t for t in scheduling.campaign_schedule(demo).tasks}
    assert (rows[WRAP].conflict, rows[WRAP].early_start) == (True, D(2024, 6, 20))
    assert not rows[BURST].conflict


def test_start_to_start_with_a_lag(demo, tasks, users):
    TaskDependency.objects.filter(campaign=demo).delete()
    scheduling.dependency_add(campaign=demo, predecessor=tasks[PREP], successor=tasks[WARM], type="ss", lag=2,
                              actor=users["lead"])
    # Preparation starts 06-03 + 5 wd = 06-11; the warm-up waits 2 wd after that start: 06-13.
    preview = scheduling.slip_preview(task=tasks[PREP], days=5)
    assert moves(preview) == [
        (PREP, D(2024, 6, 1), D(2024, 6, 7), D(2024, 6, 11), D(2024, 6, 17), 5),
        (WARM, D(2024, 6, 8), D(2024, 6, 14), D(2024, 6, 13), D(2024, 6, 18), 2),
    ]


def test_bad_moves_are_refused_with_the_field_named(demo, chain):
    cases = [
        ({"new_start": D(2024, 6, 10), "new_end": D(2024, 6, 5)}, "new_end", "The end date must be on or after the start date."),
        ({"new_start": D(2030, 1, 1)}, "new_start", "Choose dates within two years of the campaign."),
        ({}, "new_start", "Give the new start date, the new end date or a number of working days."),
    ]
    for kwargs, field, message in cases:
        with pytest.raises(ValidationFailed) as exc:
            scheduling.slip_preview(task=chain[PREP], **kwargs)
        assert (exc.value.field, str(exc.value)) == (field, message)


# ---- dependencies refused -----------------------------------------------------------------------

def test_a_loop_is_refused_naming_its_tasks_in_order_and_nothing_is_written(demo, chain, users):
    before = (TaskDependency.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        scheduling.dependency_add(campaign=demo, predecessor=chain[REVIEW], successor=chain[PREP],
                                  actor=users["lead"])
    assert str(exc.value) == (
        "This dependency would close a loop: “确认目标、细化方案” → “小红书/抖音内容发布与达人对接” → "
        "“直播带货、线下快闪店” → “评价返现审核、售后跟进” → “数据汇总与报告” → “确认目标、细化方案”. "
        "A task cannot wait for itself, even through other tasks.")
    assert exc.value.field == "predecessor"
    with pytest.raises(ValidationFailed) as short:
        scheduling.dependency_add(campaign=demo, predecessor=chain[WARM], successor=chain[PREP], type="ss",
                                  actor=users["lead"])
    assert "“确认目标、细化方案” → “小红书/抖音内容发布与达人对接” → “确认目标、细化方案”" in str(short.value)
    assert (TaskDependency.objects.count(), AuditEntry.objects.count()) == before


def test_links_across_campaigns_to_itself_twice_or_with_a_huge_lag_are_refused(demo, chain, users):
    other = services.campaign_create(actor=users["lead"], name="Other", start_date=D(2024, 6, 1))
    phase = services.phase_create(campaign=other, actor=users["lead"], name="P", start_date=D(2024, 6, 1),
                                  end_date=D(2024, 6, 5))
    foreign = services.task_create(campaign=other, actor=users["lead"], phase=phase, title="Foreign")
    before = TaskDependency.objects.count()
    cases = [
        ({"predecessor": foreign, "successor": chain[PREP]}, "predecessor", "The predecessor belongs to another campaign."),
        ({"predecessor": chain[PREP], "successor": foreign}, "successor", "The successor belongs to another campaign."),
        ({"predecessor": chain[PREP], "successor": chain[PREP]}, "predecessor", "A task cannot depend on itself."),
        ({"predecessor": chain[PREP], "successor": chain[WARM]}, "predecessor",
         "“小红书/抖音内容发布与达人对接” already depends on “确认目标、细化方案”."),
        ({"predecessor": chain[PREP], "successor": chain[REVIEW], "lag": 400}, "lag",
         "The lag must be between −365 and 365 working days."),
    ]
    for kwargs, field, message in cases:
        with pytest.raises(ValidationFailed) as exc:
            scheduling.dependency_add(campaign=demo, actor=users["lead"], **kwargs)
        assert (exc.value.field, str(exc.value)) == (field, message)
    assert TaskDependency.objects.count() == before


def test_removing_a_dependency_frees_its_successor(demo, chain, users):
    dep = TaskDependency.objects.get(predecessor=chain[PREP], successor=chain[WARM])
    pk = dep.pk
    scheduling.dependency_remove(dependency=dep, actor=users["lead"])
    preview = scheduling.slip_preview(task=chain[PREP], days=3)
    assert [m.title for m in preview.moves] == [PREP]
    assert AuditEntry.objects.filter(action="dependency.remove", object_id=pk).count() == 1


# ---- baselines ----------------------------------------------------------------------------------

def test_a_new_baseline_resets_the_variance(demo, chain, users):
    scheduling.task_reschedule(task=chain[PREP], days=3, version=1, actor=users["lead"])
    baseline = scheduling.baseline_take(campaign=demo, actor=users["lead"], label="After the slip")
    assert list(BaselineTask.objects.filter(baseline=baseline).order_by("task_id")
                .values_list("start_date", "end_date")) == [(m[3], m[4]) for m in EXPECTED_MOVES]
    sched = scheduling.campaign_schedule(demo)
    assert sched.baseline == baseline
    assert [(t.start_variance, t.finish_variance) for t in sched.tasks] == [(0, 0)] * 5
    assert [b.label for b in scheduling.baseline_list(demo)] == ["After the slip", "计划确认 / Plan as confirmed"]


def test_a_task_added_after_the_baseline_has_no_variance(demo, users):
    phase = Phase.objects.get(campaign=demo, kind="burst")
    services.task_create(campaign=demo, actor=users["lead"], phase=phase, title="Extra",
                         start_date=D(2024, 6, 17), end_date=D(2024, 6, 17))
    rows = {t.row.title: t for t in scheduling.campaign_schedule(demo).tasks}
    assert (rows["Extra"].baseline_start, rows["Extra"].finish_variance) == (None, None)


# ---- queries and time --------------------------------------------------------------------------

def _grow(campaign: Campaign, n: int, lead) -> None:
    phase = Phase.objects.filter(campaign=campaign).order_by("order").first()
    made = [services.task_create(campaign=campaign, actor=lead, phase=phase, title=f"T{i}",
                                 start_date=D(2024, 6, 3), end_date=D(2024, 6, 4)) for i in range(n)]
    for a, b in zip(made, made[1:], strict=False):
        TaskDependency.objects.create(campaign=campaign, predecessor=a, successor=b)


def test_loading_and_computing_the_schedule_runs_a_fixed_number_of_queries(demo, users, django_assert_num_queries):
    with django_assert_num_queries(4):
        scheduling.schedule_load(demo)
    with django_assert_num_queries(6):
        scheduling.campaign_schedule(demo)
    _grow(demo, 30, users["lead"])
    with django_assert_num_queries(6):
        sched = scheduling.campaign_schedule(demo)
    assert len(sched.tasks) == 35


def test_today_is_the_campaigns_date():
    campaign = Campaign(time_zone="Asia/Shanghai")
    now = dt.datetime(2024, 6, 7, 17, 30, tzinfo=dt.UTC)      # 01:30 on 06-08 in Shanghai
    assert scheduling.campaign_today(campaign, now) == D(2024, 6, 8)
    assert scheduling.campaign_today(Campaign(time_zone="Nowhere/Else"), now) == D(2024, 6, 7)


def test_a_loop_written_behind_the_services_back_is_named_not_a_crash(demo, tasks):
    TaskDependency.objects.create(campaign=demo, predecessor=tasks[REVIEW], successor=tasks[PREP])
    with pytest.raises(ValidationFailed) as exc:
        scheduling.schedule_load(demo)
    assert str(exc.value) == (
        f"The dependencies of this plan loop: “{PREP}” → “{WARM}” → “{BURST}” → “{WRAP}” → “{REVIEW}” → “{PREP}”. "
        "Remove one of them.")
