"""Shared test data of the risks app: a frozen clock and the demo campaign on the morning of
2024-06-17 (the burst's last day), one stand-up after the previous one."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from contextlib import contextmanager
from types import SimpleNamespace
from unittest import mock

import pytest

CST = zoneinfo.ZoneInfo("Asia/Shanghai")
HX = {"HTTP_HX_REQUEST": "true"}


def at(*args) -> dt.datetime:
    """A moment in the campaign's time zone: at(2024, 6, 17, 9, 0)."""
    return dt.datetime(*args, tzinfo=CST)


NOW = at(2024, 6, 17, 9, 0)            # the stand-up
LAST = at(2024, 6, 16, 9, 10)          # the previous stand-up
OVERNIGHT = at(2024, 6, 17, 0, 5)      # the nightly job
BEFORE = at(2024, 6, 10, 12, 0)        # when the plan was last edited before that


@contextmanager
def frozen(moment: dt.datetime):
    """`timezone.now()` (and with it auto_now fields) answers `moment`."""
    with mock.patch("django.utils.timezone.now", return_value=moment.astimezone(dt.UTC)):
        yield


def ids_in(html: str, section: str, attr: str = "task") -> list[int]:
    """The `data-<attr>` ids listed in the stand-up section `data-section=<section>`, in order."""
    match = re.search(rf'data-section="{section}".*?</section>', html, re.S)
    assert match, section
    return [int(x) for x in re.findall(rf'data-{attr}="(\d+)"', match.group(0))]


@pytest.fixture
def scenario(demo, users):
    """The demo plan as the stand-up of 2024-06-17 09:00 (Shanghai) finds it.

    prep done · warm-up in progress, ended 06-14 (the nightly job marks it delayed) · burst due today,
    its owner wrote an update yesterday evening · wrap-up blocked · review not started; plus a task
    its owner marked delayed before its end, a cancelled one past its end, and one added after the
    previous stand-up. Issues: the demo's open one (overdue by 2 days), one overdue by 23 h, one due
    in 2 h, one due tomorrow, one resolved. The weather risk is triggered."""
    from campaignops.planning.models import DailyUpdate, Phase, Task
    from campaignops.planning.progress import mark_overdue_delayed
    from campaignops.risks import services, standups
    from campaignops.risks.models import Issue, Risk

    kinds = {p.kind: p for p in Phase.objects.filter(campaign=demo)}
    plan = {p.kind: Task.objects.get(campaign=demo, phase=p) for p in kinds.values()}
    statuses = {"preparation": "done", "warm_up": "in_progress", "burst": "in_progress", "continuation": "blocked",
                "review": "not_started"}
    for kind, status in statuses.items():
        Task.objects.filter(pk=plan[kind].pk).update(status=status)
    extra = {
        "reshoot": Task.objects.create(campaign=demo, phase=kinds["burst"], order=2, title="补拍短视频",
                                       start_date=dt.date(2024, 6, 16), end_date=dt.date(2024, 6, 20),
                                       status="delayed", owner=users["product"]),
        "recycle": Task.objects.create(campaign=demo, phase=kinds["warm_up"], order=2, title="旧物料回收",
                                       start_date=dt.date(2024, 6, 10), end_date=dt.date(2024, 6, 12),
                                       status="cancelled"),
    }
    Task.objects.filter(campaign=demo).update(created_at=BEFORE, updated_at=BEFORE)
    with frozen(LAST):
        previous = standups.standup_create(campaign=demo, actor=users["lead"], minutes="昨日同步",
                                           attendees=[users["lead"], users["sales"]])
    with frozen(at(2024, 6, 16, 15, 0)):
        extra["price_card"] = Task.objects.create(
            campaign=demo, phase=kinds["burst"], order=3, title="直播间价格说明卡", start_date=dt.date(2024, 6, 16),
            end_date=dt.date(2024, 6, 18), owner=users["sales"])
    with frozen(at(2024, 6, 16, 18, 0)):
        DailyUpdate.objects.create(campaign=demo, task=plan["burst"], date=dt.date(2024, 6, 16),
                                   status="in_progress", percent_complete=60, note="直播设备到位",
                                   author=users["sales"])
    with frozen(OVERNIGHT):
        marked = mark_overdue_delayed(now=OVERNIGHT.astimezone(dt.UTC))
    demo_open = Issue.objects.get(campaign=demo, status="open")
    issues = {
        "late": services.issue_create(campaign=demo, actor=users["sales"], problem="达人临时改期", severity="high",
                                      reported_at=at(2024, 6, 15, 10, 0), owner=users["product"]),
        "soon": services.issue_create(campaign=demo, actor=users["sales"], problem="直播间评论集中问价格",
                                      severity="high", reported_at=at(2024, 6, 16, 11, 0), owner=users["sales"]),
        "later": services.issue_create(campaign=demo, actor=users["sales"], problem="赠品包装破损",
                                       reported_at=at(2024, 6, 17, 8, 0)),
        "solved": services.issue_create(campaign=demo, actor=users["sales"], problem="门店导航错误",
                                        severity="critical", reported_at=at(2024, 6, 15, 9, 0)),
    }
    Issue.objects.filter(pk=issues["solved"].pk).update(status="resolved", solution="更新导航",
                                                         resolved_at=at(2024, 6, 15, 12, 0))
    weather = Risk.objects.get(campaign=demo, category="weather")
    Risk.objects.filter(pk=weather.pk).update(status="triggered", triggered_at=at(2024, 6, 16, 20, 0))
    return SimpleNamespace(plan=plan, extra=extra, issues=issues, demo_open=demo_open, weather=weather,
                           previous=previous, marked=marked)
