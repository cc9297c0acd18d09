"""The demo: the seed document's campaign and one user per department. Idempotent."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from campaignops.accounts.models import Department, Profile
from campaignops.campaigns.models import Campaign, Channel, KpiTarget, Membership, Role
from campaignops.campaigns.services import channels_ensure_builtin

from .models import Phase, Task
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
    return campaign, True


