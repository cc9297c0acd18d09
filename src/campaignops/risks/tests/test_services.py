"""Risk services: the seed's risk plans become risks; switching a contingency on is all-or-nothing."""

import datetime as dt
from unittest import mock

import pytest

from campaignops.core.errors import DomainError
from campaignops.planning.models import Task
from campaignops.risks import services
from campaignops.risks.models import ContingencyTask, Issue, Risk, StrategyAdjustment

NOW = dt.datetime(2024, 6, 14, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai, warm-up phase


@pytest.fixture
def seed_risks(demo, users):
    """The plan's risk plans imported afresh (the demo loader has already imported them once)."""
    Risk.objects.filter(campaign=demo).delete()
    return services.risks_from_plan(campaign=demo, actor=users["lead"])


def test_seed_risk_plans_become_four_risks_once(demo, users, seed_risks):
    assert sorted((r.description, r.contingency_plan, r.category) for r in seed_risks) == sorted([
        ("目标分歧", "召开对齐会", "other"),
        ("达人档期冲突", "备选2名素人", "kol_schedule"),
        ("线下人流不足", "联合周边商场发优惠券", "traffic"),
        ("投诉集中", "24小时内响应", "other"),
    ])
    assert services.risks_from_plan(campaign=demo, actor=users["lead"]) == []
    assert Risk.objects.filter(campaign=demo).count() == 4


def test_activate_contingency_creates_tasks_issue_and_adjustment(demo, users, seed_risks):
    risk = next(r for r in seed_risks if r.category == "kol_schedule")
    ContingencyTask.objects.create(risk=risk, title="联系2名备选素人", duration=2, owner=users["product"])
    tasks_before = Task.objects.count()
    created, issue, adjustment = services.contingency_activate(risk=risk, actor=users["lead"],
                                                               version=risk.version, now=NOW)
    assert [(t.title, t.phase.name, t.start_date, t.end_date, t.owner.username) for t in created] == [
        ("联系2名备选素人", "预热期（线上）", dt.date(2024, 6, 14), dt.date(2024, 6, 17), "product")]
    assert Task.objects.count() == tasks_before + 1
    assert issue.response_deadline == NOW + dt.timedelta(hours=24)
    assert issue.risk_id == risk.pk and issue.severity == "high"
    assert adjustment.trigger == "risk" and adjustment.issue_id == issue.pk
    assert adjustment.date == dt.date(2024, 6, 14)
    risk.refresh_from_db()
    assert risk.status == "triggered" and risk.triggered_at == NOW and risk.version == 2
    with pytest.raises(DomainError):
        services.contingency_activate(risk=risk, actor=users["lead"], version=risk.version, now=NOW)


def test_failure_part_way_leaves_nothing_behind(demo, users, seed_risks):
    risk = next(r for r in seed_risks if r.category == "kol_schedule")
    ContingencyTask.objects.create(risk=risk, title="联系2名备选素人", duration=2)
    counts = (Task.objects.count(), Issue.objects.count(), StrategyAdjustment.objects.count())
    with mock.patch.object(services, "adjustment_create", side_effect=RuntimeError("boom")):
        with pytest.raises(RuntimeError):
            services.contingency_activate(risk=risk, actor=users["lead"], version=risk.version, now=NOW)
    assert (Task.objects.count(), Issue.objects.count(), StrategyAdjustment.objects.count()) == counts
    risk.refresh_from_db()
    assert risk.status == "open" and risk.version == 1


def test_resolving_an_issue_needs_a_solution_and_stamps_the_time(demo, users):
    issue = services.issue_create(campaign=demo, actor=users["sales"], problem="达人档期冲突", severity="high",
                                  reported_at=NOW)
    with pytest.raises(DomainError):
        services.issue_update(issue=issue, actor=users["lead"], version=1, status="resolved")
    issue.refresh_from_db()
    assert issue.status == "open" and issue.version == 1
    services.issue_update(issue=issue, actor=users["lead"], version=1, status="resolved", solution="换备选素人")
    issue.refresh_from_db()
    assert issue.resolved_at is not None and issue.version == 2


def test_a_campaign_from_the_seed_template_gets_its_risk_plans_as_risks(demo, users):
    """Rows added from a template bring their risk plans along as risks (planning.hooks)."""
    from campaignops.planning.models import PlanTemplate
    from campaignops.planning.services import campaign_create_from_template

    campaign = campaign_create_from_template(template=PlanTemplate.objects.get(language="en"), actor=users["lead"],
                                             name="Autumn launch", start_date=dt.date(2026, 6, 1))
    assert sorted(Risk.objects.filter(campaign=campaign).values_list("description", "contingency_plan", "category")) == [
        ("Complaints pile up", "respond within 24 hours", "other"),
        ("Goal disagreement", "hold an alignment meeting", "other"),
        ("Influencer schedule clash", "2 amateur back-ups", "kol_schedule"),
        ("Low foot traffic", "hand out coupons with nearby malls", "traffic"),
    ]
    assert all(r.source_task.campaign_id == campaign.pk for r in Risk.objects.filter(campaign=campaign))


def test_imported_rows_bring_their_risk_plans(demo, users):
    from campaignops.core.spreadsheets import guard_upload
    from campaignops.planning.io.importer import plan_import_apply, preview_upload
    from campaignops.planning.tests.io_files import xlsx

    data = xlsx(["活动阶段", "时间节点", "负责人", "核心任务", "完成标准", "资源需求", "风险预案", "备注"],
                [["爆发期（直播+线下）", "2024-06-15 ~ 2024-06-16", "", "城市快闪第二站", "到访300人", "场地",
                  "暴雨：改为云直播", ""]])
    result = preview_upload(campaign=demo, upload=guard_upload("plan.xlsx", data), lang="zh-hans")
    assert result.errors == []
    before = Risk.objects.filter(campaign=demo).count()
    plan_import_apply(campaign=demo, actor=users["lead"], rows=result.parsed.rows)
    new = Risk.objects.filter(campaign=demo).order_by("-id").first()
    assert Risk.objects.filter(campaign=demo).count() == before + 1
    assert (new.description, new.contingency_plan, new.category, new.source_task.title) == (
        "暴雨", "改为云直播", "weather", "城市快闪第二站")
