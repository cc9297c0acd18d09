"""The demo: the seed document's campaign and one user per department. Idempotent."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from campaignops.accounts.models import Department, Profile
from campaignops.campaigns.models import Campaign, Channel, KpiTarget, Membership, Role
from campaignops.campaigns.services import channels_ensure_builtin

from .models import BaselineTask, Phase, PlanBaseline, Task, TaskDependency
from .seed import SEED_ROWS, SEED_TEMPLATE
from .services import seed_templates_ensure

DEMO_PASSWORD = "campaignops-demo"
DEMO_CAMPAIGN = "夏日清凉季新品体验日 · Summer Cool Season new product experience day"

# username, display name, department, role on the demo campaign, department head?
DEMO_USERS = [
    ("lead", "王芳 Wang Fang", Department.MARKETING, Role.LEAD, True),
    ("sales", "李明 Li Ming", Department.SALES, Role.EXECUTION, True),
    ("product", "张伟 Zhang Wei", Department.PRODUCT, Role.PLANNING, True),
    ("finance", "陈静 Chen Jing", Department.FINANCE, Role.FINANCE, True),
    ("logistics", "赵六", Department.LOGISTICS, Role.LOGISTICS, True),
    ("viewer", "孙丽 Sun Li", Department.OTHER, Role.VIEWER, False),
]
ROW_OWNERS = ["lead", "lead", "sales", "logistics", "lead"]


@transaction.atomic
def load_demo() -> tuple[Campaign, bool]:
    """Load the demo; returns the campaign and whether anything was created."""
    channels_ensure_builtin()
    seed_templates_ensure()
    User = get_user_model()
    users = {}
    for username, name, dept, _role, _head in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.com"})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        Profile.objects.get_or_create(user=user, defaults={"display_name": name, "department": dept})
        users[username] = user
    existing = Campaign.objects.filter(name=DEMO_CAMPAIGN).first()
    if existing is not None:
        _ensure_schedule(existing, users["lead"])
        _ensure_risks(existing, users)
        return existing, False
    meta = SEED_TEMPLATE["zh-hans"]
    campaign = Campaign.objects.create(
        name=DEMO_CAMPAIGN, kind="product_launch", theme=meta["theme"], goal_statement=meta["goal"],
        start_date=SEED_ROWS[0]["start"], end_date=SEED_ROWS[-1]["end"], status="draft", currency="CNY",
        time_zone="Asia/Shanghai", country="CN", lead=users["lead"], audience_age_min=18, audience_age_max=35,
        audience_regions="一线及新一线城市 / Tier-1 and new tier-1 cities",
        audience_habits="注重性价比，常刷小红书、看抖音直播 / Value-minded, browse Xiaohongshu, watch Douyin lives",
    )
    channels = {c.code: c for c in Channel.objects.all()}
    campaign.channels.set([channels["xiaohongshu"], channels["douyin"], channels["pop-up"]])
    for username, _name, dept, role, head in DEMO_USERS:
        Membership.objects.create(campaign=campaign, user=users[username], role=role, department=dept,
                                  is_department_head=head)
    burst_end = SEED_ROWS[2]["end"]
    targets = [
        ("impressions", "曝光量 / exposures", None, Decimal("500000"), "count", "higher", burst_end),
        ("cvr", "线上预售转化率 / online pre-sale conversion", None, Decimal("5"), "percent", "higher", burst_end),
        ("live_views", "直播观看 / live views", "douyin", Decimal("100000"), "count", "higher", burst_end),
        ("store_visitors", "门店到访 / store visitors", "pop-up", Decimal("500"), "count", "higher", burst_end),
        ("reviews", "评价 / reviews", None, Decimal("200"), "count", "higher", SEED_ROWS[3]["end"]),
        ("complaint_rate", "投诉率 / complaint rate", None, Decimal("1"), "percent", "lower", SEED_ROWS[3]["end"]),
    ]
    for metric, label, channel, value, unit, direction, due in targets:
        KpiTarget.objects.create(campaign=campaign, metric=metric, label=label,
                                 channel=channels.get(channel) if channel else None, target_value=value,
                                 unit=unit, direction=direction, due_date=due)
    for i, (row, owner_key) in enumerate(zip(SEED_ROWS, ROW_OWNERS, strict=True), start=1):
        phase_name, _owner, title, standard, resources, risk, notes = row["zh"]
        phase = Phase.objects.create(campaign=campaign, kind=row["kind"], name=phase_name, order=i,
                                     start_date=row["start"], end_date=row["end"])
        owner = users[owner_key]
        deliverable = row["deliverable"]
        Task.objects.create(
            campaign=campaign, phase=phase, order=1, start_date=row["start"], end_date=row["end"], owner=owner,
            owner_name="", title=title, completion_standard=standard, resource_needs=resources, risk_plan=risk,
            notes=notes, channel=channels.get(row["channel"]) if row["channel"] else None,
            deliverable=deliverable[0] if deliverable else "",
            deliverables_planned=deliverable[2] if deliverable else None,
        )
    _ensure_schedule(campaign, users["lead"])
    _ensure_risks(campaign, users)
    return campaign, True


SEED_CHAIN = ["preparation", "warm_up", "burst", "continuation", "review"]


def _ensure_schedule(campaign: Campaign, lead) -> None:
    """Finish-to-start dependencies along the seed chain (preparation → warm-up → burst → wrap-up →
    review) when the campaign has none yet, and a baseline of the plan when it has none (idempotent)."""
    if not TaskDependency.objects.filter(campaign=campaign).exists():
        first: dict[str, int] = {}
        for pk, kind in (Task.objects.filter(campaign=campaign, phase__kind__in=SEED_CHAIN)
                         .order_by("phase__order", "order", "id").values_list("pk", "phase__kind")):
            first.setdefault(kind, pk)
        chain = [first[kind] for kind in SEED_CHAIN if kind in first]
        TaskDependency.objects.bulk_create([TaskDependency(campaign=campaign, predecessor_id=a, successor_id=b)
                                            for a, b in zip(chain, chain[1:], strict=False)])
    if not PlanBaseline.objects.filter(campaign=campaign).exists() and campaign.tasks.exists():
        baseline = PlanBaseline.objects.create(campaign=campaign, taken_by=lead,
                                               label="计划确认 / Plan as confirmed")
        BaselineTask.objects.bulk_create([
            BaselineTask(baseline=baseline, task_id=pk, start_date=start, end_date=end)
            for pk, start, end in campaign.tasks.values_list("pk", "start_date", "end_date")])


# ---- risks, issues, adjustments (the risks app's demo rows) --------------------------------------

# (description, category, probability, impact, trigger, contingency plan, phase kind) beyond the seed's
# own risk plans: the seed's step 4 contingencies (bad weather, late materials).
EXTRA_RISKS = [
    ("天气突变（暴雨/高温）影响线下快闪店", "weather", 2, 5, "活动前48小时气象预警为橙色及以上",
     "线下活动改为线上云直播", "burst"),
    ("快闪店物料延迟到货", "supply_chain", 3, 3, "物料供应商发货延迟超过1天", "优先保障核心渠道的物料", "burst"),
]
# seed risk description -> (probability, impact, trigger)
SEED_RISK_SCORES = {
    "达人档期冲突": (3, 4, "达人在发布前48小时内取消或改期"),
    "线下人流不足": (3, 3, "开业首日中午前到访不足100人"),
    "投诉集中": (2, 4, "单日投诉超过10条"),
    "目标分歧": (2, 2, "目标确认书未在筹备期结束前签字"),
}


def _ensure_risks(campaign: Campaign, users: dict) -> None:
    """The seed's risk plans as risks (with scores and triggers), two more prepared contingencies, one
    contingency task on the KOL risk, one resolved and one open issue, one adjustment (idempotent)."""
    import datetime as dt

    from campaignops.core.models import AuditEntry
    from campaignops.risks import services as risks
    from campaignops.risks.models import ContingencyTask, Issue, Risk, StrategyAdjustment

    lead = users["lead"]
    mark = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    if not Risk.objects.filter(campaign=campaign).exists():
        for risk in risks.risks_from_plan(campaign=campaign, actor=lead):
            p, i, trigger = SEED_RISK_SCORES.get(risk.description, (3, 3, ""))
            Risk.objects.filter(pk=risk.pk).update(probability=p, impact=i, trigger=trigger)
        phases = {p.kind: p for p in campaign.phases.all()}
        for text, category, p, i, trigger, plan, kind in EXTRA_RISKS:
            risks.risk_create(campaign=campaign, actor=lead, description=text, category=category, probability=p,
                              impact=i, trigger=trigger, contingency_plan=plan, phase=phases.get(kind),
                              owner=users["logistics"])
    kol = Risk.objects.filter(campaign=campaign, category="kol_schedule").order_by("id").first()
    if kol is not None and not ContingencyTask.objects.filter(risk=kol).exists():
        ContingencyTask.objects.create(risk=kol, title="联系2名备选素人并确认档期", phase=kol.phase, duration=2,
                                       owner=users["product"], completion_standard="2名素人确认档期并签约", order=1)
    if not Issue.objects.filter(campaign=campaign).exists():
        _demo_issues(campaign, users, Risk.objects.filter(campaign=campaign, category="supply_chain").first())
    if not StrategyAdjustment.objects.filter(campaign=campaign).exists():
        cvr = campaign.kpi_targets.filter(metric="cvr").first()
        risks.adjustment_create(
            campaign=campaign, actor=lead, date=dt.date(2024, 6, 16), trigger="user_feedback",
            what_changed="评论反映“价格不透明”：直播间增加价格说明卡，并在商品页置顶价格公示",
            expected_effect="线上预售转化率回到5%", kpi_target=cvr,
            channel=Channel.objects.filter(code="douyin").first())
    # Seed data, like the rest of the demo: it leaves no audit trail (the services above wrote one).
    AuditEntry.objects.filter(id__gt=mark, campaign_id=campaign.pk).delete()


def _demo_issues(campaign: Campaign, users: dict, supply_risk) -> None:
    import datetime as dt
    import zoneinfo

    from campaignops.risks import services as risks
    from campaignops.risks.models import Issue

    cst = zoneinfo.ZoneInfo(campaign.time_zone)
    burst = campaign.tasks.filter(phase__kind="burst").order_by("order", "id").first()
    solved = risks.issue_create(campaign=campaign, actor=users["sales"], problem="直播网络测试：场地上行带宽不足，推流卡顿",
                                severity="high", reported_at=dt.datetime(2024, 6, 13, 10, 0, tzinfo=cst),
                                owner=users["sales"], task=burst)
    Issue.objects.filter(pk=solved.pk).update(status="resolved", solution="更换专线，并准备4G备用推流设备",
                                              resolved_at=dt.datetime(2024, 6, 13, 16, 30, tzinfo=cst))
    risks.issue_create(campaign=campaign, actor=users["logistics"], problem="快闪店展架预计晚到1天",
                       severity="high", reported_at=dt.datetime(2024, 6, 14, 9, 0, tzinfo=cst),
                       owner=users["logistics"], task=burst, risk=supply_risk)
