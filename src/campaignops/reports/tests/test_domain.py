"""The pure report logic: verdicts, channel ranking, the funnel's weakest step, schedule and issue
facts, before/after, drafting points."""

import datetime as dt
from decimal import Decimal as D

from campaignops.reports.domain import analysis as an
from campaignops.reports.domain import draft


def test_percent_of_target_and_verdicts():
    assert an.percent_of_target(D(600000), D(500000)) == D(120)
    assert an.percent_of_target(D(4), D(5)) == D(80)
    assert an.percent_of_target(D("0.8"), D(1), lower_is_better=True) == D(125)
    assert an.percent_of_target(None, D(5)) is None
    assert an.percent_of_target(D(1), D(0)) is None
    assert [an.verdict(p) for p in (D(120), D(100), D("99.9"), D(90), D("89.9"), None)] == [
        "met", "met", "close", "close", "missed", "no_data"]


def test_channels_are_ranked_by_cost_per_result_unrankable_last():
    rows = an.rank_channels({
        "douyin": {"spend": D(30000), "conversions": D(300)},
        "xiaohongshu": {"spend": D(12000), "conversions": D(240)},
        "pop-up": {"spend": D(9000), "conversions": D(60)},
        "weibo": {"spend": D(500)},
        "email": {"conversions": D(10)},
    }, "conversions")
    assert [(r.key, r.cost_per_result, r.rank) for r in rows] == [
        ("xiaohongshu", D(50), 1), ("douyin", D(100), 2), ("pop-up", D(150), 3),
        ("email", None, None), ("weibo", None, None)]


def test_result_metric_is_the_first_with_data():
    assert an.result_metric({"a": {"leads": D(3)}}) == "leads"
    assert an.result_metric({"a": {"conversions": D(1), "leads": D(3)}}) == "conversions"
    assert an.result_metric({}) == "conversions"


def test_funnel_names_the_step_furthest_below_its_target_with_the_gap():
    f = an.funnel({"impressions": D(600000), "clicks": D(15000), "conversions": D(600)}, {"cvr": D(5)})
    assert [s.rate for s in f.steps] == [D("2.5"), D(4)]
    assert f.weakest == 1
    assert (f.steps[1].target_rate, f.steps[1].percent_of_target, f.steps[1].gap_points) == (D(5), D(80), D(1))
    assert f.steps[0].target_rate is None


def test_funnel_target_rate_from_count_targets_and_lowest_rate_without_targets():
    f = an.funnel({"impressions": D(1000), "clicks": D(10), "conversions": D(5)}, {},
                  {"impressions": D(1000), "clicks": D(20)})
    assert f.steps[0].target_rate == D(2) and f.steps[0].percent_of_target == D(50) and f.weakest == 0
    g = an.funnel({"impressions": D(1000), "clicks": D(100), "conversions": D(5)}, {})
    assert g.weakest == 1   # 5 % < 10 %
    assert an.funnel({"impressions": D(1000), "clicks": D(100), "conversions": D(10)}, {"cvr": D(5)}).weakest is None


def test_schedule_late_phase_and_slipped_tasks():
    phases = [an.PhaseFact(1, "预热期", dt.date(2024, 6, 8), dt.date(2024, 6, 14)),
              an.PhaseFact(2, "爆发期", dt.date(2024, 6, 15), dt.date(2024, 6, 17))]
    tasks = [an.TaskFact(10, 1, "笔记", dt.date(2024, 6, 16), "done", dt.date(2024, 6, 14)),
             an.TaskFact(11, 2, "直播", dt.date(2024, 6, 17), "done", dt.date(2024, 6, 17)),
             an.TaskFact(12, 2, "快闪", dt.date(2024, 6, 17), "in_progress", dt.date(2024, 6, 17)),
             an.TaskFact(13, 2, "取消", dt.date(2024, 6, 30), "cancelled", dt.date(2024, 6, 17))]
    results, delayed = an.schedule(phases, tasks, today=dt.date(2024, 6, 20))
    assert [(r.name, r.late_days, r.open_tasks, r.on_time) for r in results] == [
        ("预热期", 2, 0, False), ("爆发期", 0, 1, False)]
    assert [(d.key, d.late_days) for d in delayed] == [(10, 2), (12, 0)]


def test_issue_response_times_against_deadlines():
    t0 = dt.datetime(2024, 6, 13, 10, tzinfo=dt.UTC)
    h = dt.timedelta(hours=1)
    rows = [an.IssueFact(1, "a", t0, t0 + 8 * h, t0 + 6.5 * h), an.IssueFact(2, "b", t0, t0 + 4 * h, t0 + 10 * h),
            an.IssueFact(3, "c", t0, t0 + 4 * h, None), an.IssueFact(4, "d", t0, t0 + 100 * h, None)]
    r = an.issues(rows, now=t0 + 24 * h)
    assert (r.count, r.resolved, r.on_time, r.late, r.open_overdue, r.median_hours) == (4, 2, 1, 1, 1, D("8.3"))
    assert r.slow == [(3, "c", D(24), D(4)), (2, "b", D(10), D(4))]


def test_before_after_ratio_of_sums_and_count_average():
    days = {dt.date(2024, 6, 13) + dt.timedelta(days=k): {"clicks": D(1500), "conversions": D(45 if k < 3 else 55)}
            for k in range(6)}
    before, after = an.before_after(days, on=dt.date(2024, 6, 16), numerator="conversions", denominator="clicks",
                                    scale=D(100))
    assert before == D(3) and after.quantize(D("0.01")) == D("3.67")
    assert an.before_after(days, on=dt.date(2024, 6, 16), numerator="clicks", denominator=None) == (D(1500), D(1500))


def test_retrospective_points_from_the_data():
    f = an.funnel({"impressions": D(600000), "clicks": D(15000), "conversions": D(600)}, {"cvr": D(5)})
    chans = an.rank_channels({"x": {"spend": D(10), "conversions": D(1)}, "y": {"spend": D(40), "conversions": D(2)}},
                             "conversions")
    retro = draft.retrospective_points(
        kpis=[draft.KpiFact("曝光量", D(120), "met", "impressions"), draft.KpiFact("转化率", D(80), "missed", "cvr"),
              draft.KpiFact("评价", D(40), "missed", "reviews")], channels=chans, f=f,
        phases=[an.PhaseResult(1, "预热期", dt.date(2024, 6, 14), dt.date(2024, 6, 16), 2, 0)], delayed=[1],
        budget=[an.BudgetLine("venue", D(100), D(120)), an.BudgetLine("kol", D(100), D(90))],
        issues=an.IssueResult(count=2, late=1), result_metric="conversions")
    assert [p.code for p in retro.well] == ["best_channel", "kpi_met"]
    assert [p.code for p in retro.improve] == ["worst_channel", "kpi_missed_cause", "kpi_missed", "phase_late",
                                               "tasks_delayed", "line_overspent", "issues_slow"]
    assert retro.improve[1].values == {"kpi": "转化率", "percent": D(80), "source": "clicks", "target": "conversions"}


def test_missing_departments_keeps_team_order():
    assert draft.missing_departments(["marketing", "sales", "product", "sales"], ["sales"]) == ["marketing", "product"]


def test_a_missed_kpi_is_blamed_on_a_funnel_step_only_if_it_depends_on_it():
    f = an.funnel({"impressions": D(1000), "clicks": D(10), "conversions": D(5)}, {"ctr": D(2), "cvr": D(40)})
    assert f.weakest == 0
    assert draft.funnel_cause(draft.KpiFact("点击", D(50), "missed", "clicks"), f) == 0
    assert draft.funnel_cause(draft.KpiFact("GMV", D(50), "missed", "gmv"), f) == 0
    assert draft.funnel_cause(draft.KpiFact("评价", D(50), "missed", "reviews"), f) is None
    g = an.funnel({"impressions": D(1000), "clicks": D(100), "conversions": D(1)}, {"cvr": D(5)})
    assert draft.funnel_cause(draft.KpiFact("点击", D(50), "missed", "clicks"), g) is None   # the loss is later
