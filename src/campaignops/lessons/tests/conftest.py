"""Shared test data of the lessons app: the demo's lessons by a short name, a second campaign the
demo team is not on, and a campaign created from the seed template (lessons beside its rows)."""

import datetime as dt

import pytest

from campaignops.campaigns.services import campaign_create
from campaignops.lessons.models import Lesson


def by_tag(campaign, tag: str) -> Lesson:
    return Lesson.objects.get(campaign=campaign, tags__contains=f",{tag},")


@pytest.fixture
def lessons(demo):
    """The demo lessons: notes (素人笔记, shared), kol (influencer), venue (预算), live (Douyin), comms."""
    return {"notes": by_tag(demo, "素人笔记"), "kol": by_tag(demo, "kol"), "venue": by_tag(demo, "预算"),
            "live": by_tag(demo, "直播"), "comms": by_tag(demo, "沟通")}


@pytest.fixture
def other(users):
    """A campaign of the outsider's, where nobody of the demo team is a member."""
    return campaign_create(actor=users["outsider"], name="Outsider's launch", start_date=dt.date(2025, 3, 1),
                           end_date=dt.date(2025, 3, 20))


@pytest.fixture
def from_template(demo, users):
    """A new campaign created by the lead from the Chinese seed template."""
    from campaignops.planning.models import PlanTemplate
    from campaignops.planning.services import campaign_create_from_template

    template = PlanTemplate.objects.get(builtin=True, language="zh-hans")
    return campaign_create_from_template(template=template, actor=users["lead"], name="秋季新品上市",
                                         start_date=dt.date(2026, 9, 1))
