"""Demo share of the lessons app: what the seed campaign taught (zh + en), one lesson shared with
everyone. A campaign created from the seed template then shows them beside its Xiaohongshu,
Douyin and pop-up rows. Idempotent (a lesson with the same text is not made twice)."""

from decimal import Decimal

from campaignops.campaigns.models import Channel

from .models import Lesson
from .services import lesson_create

# kind, channel code, phase kind, text, evidence, evidence figure, tags, shared
DEMO_LESSONS = [
    ("keep", "xiaohongshu", "warm_up",
     "小红书素人笔记的单条线索成本低于达人测评：下次多投素人笔记，达人测评只留 1 篇做背书。",
     "每条线索成本：素人笔记 ¥18，达人测评 ¥42", Decimal("18"), ["小红书", "素人笔记", "成本"], True),
    ("improve", "xiaohongshu", "warm_up",
     "The influencer's schedule clashed with launch week: sign a backup KOL early and keep two amateur "
     "back-ups on standby.",
     "2 warm-up days lost waiting for the KOL", Decimal("2"), ["kol", "influencer", "schedule"], False),
    ("improve", "pop-up", "burst",
     "快闪店场地费预算超支：签约前锁定场地总价（含电费、保洁），并预留 10% 备用金。",
     "场地费 ¥86,000，预算 ¥70,000（超支 23%）", Decimal("23"), ["预算", "快闪店", "场地"], False),
    ("keep", "douyin", "burst",
     "Testing the live-stream network the day before kept both Douyin live streams free of outages.",
     "0 outages in 2 live streams", Decimal("0"), ["live stream", "直播"], False),
    ("improve", None, "preparation",
     "跨部门沟通慢：活动开始前建立共享文档和每日同步群，销售每天同步门店客流。",
     "", None, ["沟通", "cross-department"], False),
]


def extend_demo(campaign, users) -> None:
    if Lesson.objects.filter(campaign=campaign).exists():
        return
    channels = {c.code: c for c in Channel.objects.filter(code__in=[row[1] for row in DEMO_LESSONS if row[1]])}
    for kind, channel, phase_kind, text, evidence, value, tags, shared in DEMO_LESSONS:
        lesson_create(campaign=campaign, kind=kind, text=text, evidence=evidence, evidence_value=value,
                      channel=channels.get(channel) if channel else None, phase_kind=phase_kind, tags=tags,
                      shared=shared, actor=users.get("lead"))
