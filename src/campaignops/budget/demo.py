"""The demo's budget (CNY): lines matching the seed's resource needs, revision 1 submitted by the lead
and approved by Finance, the Resource Preparation List in various states, a few expenses. Idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from .models import BudgetLine, BudgetRevision, Expense, Material

D = Decimal
# key, category, name, planned, note
LINES = [
    ("print", "materials", "宣传物料（海报/折页）/ Posters and brochures", D("18000"), "预热期+快闪店"),
    ("stream", "materials", "直播设备租赁 / Live-stream equipment rental", D("12000"), "2场直播"),
    ("xhs", "promotion", "小红书种草推广 / Xiaohongshu seeding promotion", D("30000"), "3篇素人笔记加热"),
    ("douyin", "promotion", "抖音直播投流 / Douyin live-stream ad spend", D("50000"), "巨量千川"),
    ("kol", "kol", "达人测评费用 / Influencer review fee", D("40000"), "1篇达人测评"),
    ("venue", "venue", "快闪店场地费 / Pop-up store venue", D("35000"), "3天"),
    ("logistics", "logistics", "物流与仓储 / Logistics and storage", D("6000"), ""),
    ("gifts", "gifts", "评价返现与赠品 / Review cash-back and gifts", D("15000"), "200条评价"),
    ("staff", "staff", "临时客服人员 / Temporary customer-service staff", D("8000"), "收尾期"),
]
# name, line key, quantity, unit, unit cost, supplier, needed by, owner, status, phase kind
MATERIALS = [
    ("A3海报 / A3 posters", "print", D("500"), "张", D("6"), "上海印之美印务", dt.date(2024, 6, 6), "logistics",
     "ready", "warm_up"),
    ("产品折页 / Product brochures", "print", D("3000"), "份", D("1.6"), "上海印之美印务", dt.date(2024, 6, 12),
     "logistics", "received", "burst"),
    ("快闪店展架 / Pop-up display stands", "print", D("6"), "个", D("850"), "杭州展研展览", dt.date(2024, 6, 13),
     "logistics", "ordered", "burst"),
    ("直播补光灯与声卡 / Live lights and sound card", "stream", D("2"), "套", D("3200"), "深圳直播优选",
     dt.date(2024, 6, 14), "sales", "requested", "burst"),
    ("返现赠品小风扇 / Cash-back gift: mini fans", "gifts", D("200"), "个", D("28.5"), "义乌小家电批发",
     dt.date(2024, 6, 17), "logistics", "planned", "continuation"),
]
# line key, material name (or None), amount, date, vendor, note
EXPENSES = [
    ("venue", None, D("17500"), dt.date(2024, 6, 3), "静安嘉里中心 / Jing'an Kerry Centre", "场地定金 50%"),
    ("kol", None, D("20000"), dt.date(2024, 6, 5), "小红书达人 @清凉小夏", "测评定金"),
    ("print", "A3海报 / A3 posters", D("3000"), dt.date(2024, 6, 6), "上海印之美印务", "海报发票"),
    ("xhs", None, D("6800"), dt.date(2024, 6, 10), "小红书聚光平台", "素人笔记加热"),
]


def extend_demo(campaign, users) -> None:
    from . import services

    if BudgetLine.objects.filter(campaign=campaign).exists():
        return
    lead, finance = users["lead"], users["finance"]
    lines = {key: services.line_create(campaign=campaign, actor=lead, category=category, name=name,
                                       planned=planned, note=note)
             for key, category, name, planned, note in LINES}
    revision = services.revision_submit(campaign=campaign, actor=lead, note="按执行计划表的资源需求编制")
    services.revision_approve(revision=revision, actor=finance, comment="同意，快闪店场地费请控制在预算内。")
    moment = timezone.make_aware(dt.datetime(2024, 5, 31, 17, 0))
    BudgetRevision.objects.filter(pk=revision.pk).update(submitted_at=moment - dt.timedelta(hours=5),
                                                         decided_at=moment)
    phases = {p.kind: p for p in campaign.phases.all()}
    materials = {}
    for name, key, qty, unit, cost, supplier, needed, owner, status, kind in MATERIALS:
        materials[name] = services.material_create(
            campaign=campaign, actor=users["logistics"], name=name, line=lines[key], quantity=qty, unit=unit,
            unit_cost=cost, supplier=supplier, needed_by=needed, owner=users[owner], status=status,
            phase=phases.get(kind), ordered_on=dt.date(2024, 6, 2) if status in ("ordered", "received", "ready")
            else None)
    for key, material, amount, day, vendor, note in EXPENSES:
        services.expense_create(campaign=campaign, actor=finance, line=lines[key], amount=amount, spent_on=day,
                                vendor=vendor, note=note, material=materials.get(material))
    Expense.objects.filter(campaign=campaign).update(created_at=moment)
    Material.objects.filter(campaign=campaign).update(created_at=moment)
