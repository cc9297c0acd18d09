"""Lessons library search over 20,000 lessons (half Chinese, half English) on 40 campaigns, as a
member of half of them (so the access policy's filter is part of every query), against a plain
LIKE scan of the same lessons with the same visibility, measured in the same run.

- Search: what the library page runs for a query — the count and the first page of 50, newest
  first — through the full-text index (SQLite FTS5 / PostgreSQL tsvector + GIN) for 预算, 素人笔记,
  influencer, 快闪店 超支 and "live stream". Target: p95 under 50 ms.
- Similar lessons: candidates from the index, ranked with rapidfuzz, against ranking every visible
  lesson with rapidfuzz (no index). Target: under 100 ms.
Both sides are checked to return the same lessons (search: same count and same first page).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time

from . import Result, median_time

LESSONS = 20_000
CAMPAIGNS = 40
QUERIES = ["预算", "素人笔记", "influencer", "快闪店 超支", "live stream"]
ROUNDS = 20

ZH_SUBJECTS = ["小红书素人笔记", "达人测评", "抖音直播", "快闪店", "线下门店", "微信社群", "天猫旗舰店", "KOL 合作",
               "短视频投放", "直播间"]
ZH_FINDINGS = ["单条线索成本低于预期", "预算超支", "转化率偏低", "曝光量超出目标 20%", "档期冲突", "物料延迟到货",
               "客流不足", "投诉集中", "复购率高", "点击率提升"]
ZH_ACTIONS = ["下次提前锁定场地总价", "提前签约备用达人", "增加价格说明", "预留 10% 备用金", "多投素人笔记",
              "提前测试直播网络", "建立共享文档", "每天同步门店客流"]
EN_SUBJECTS = ["Amateur notes", "Influencer reviews", "Douyin live streams", "The pop-up venue", "Store traffic",
               "WeChat groups", "The Tmall flagship store", "KOL partnerships", "Short videos", "The live room"]
EN_FINDINGS = ["cost less per lead than planned", "went over budget", "converted below target",
               "beat the exposure target by 20%", "clashed with the launch week", "arrived late",
               "drew fewer visitors than hoped", "caused a pile of complaints", "brought repeat buyers",
               "lifted the click-through rate"]
EN_ACTIONS = ["lock the venue's total price before signing", "sign a backup influencer early",
              "add a price notice", "keep a 10% reserve", "post more amateur notes",
              "test the live stream network the day before", "set up a shared document", "sync store traffic daily"]


def _text(rng: random.Random, n: int) -> str:
    if n % 2:
        return f"{rng.choice(ZH_SUBJECTS)}{rng.choice(ZH_FINDINGS)}：{rng.choice(ZH_ACTIONS)}（第 {n} 条）"
    return f"{rng.choice(EN_SUBJECTS)} {rng.choice(EN_FINDINGS)}: {rng.choice(EN_ACTIONS)} (no. {n})."


def build(lessons: int = LESSONS, campaigns: int = CAMPAIGNS):
    """`lessons` lessons over `campaigns` campaigns, indexed as the services index them (in bulk);
    returns the user who is a member of half of the campaigns."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from campaignops.campaigns.models import Campaign, Channel, Membership
    from campaignops.lessons import search
    from campaignops.lessons.models import Lesson

    user, _ = get_user_model().objects.get_or_create(username="bench-lessons")
    rng = random.Random(6)
    start = dt.date(2024, 1, 1)
    made = [Campaign.objects.create(name=f"Bench lessons {i}", start_date=start, end_date=start) for i in range(campaigns)]
    mine = [c for i, c in enumerate(made) if i % 4 < 2]          # half of them, Chinese and English lessons alike
    Membership.objects.bulk_create([Membership(campaign=c, user=user, role="planning") for c in mine])
    channels = list(Channel.objects.all()) + [None] * 4
    rows = []
    for n in range(lessons):
        lesson = Lesson(campaign=made[n % campaigns], kind="keep" if n % 3 else "improve", text=_text(rng, n),
                        channel=rng.choice(channels), phase_kind=rng.choice(["warm_up", "burst", "", "review"]),
                        campaign_kind="product_launch", tags=",bench,", shared=n % 50 == 0)
        lesson.search_tokens = search.tokens_for(lesson)
        rows.append(lesson)
    Lesson.objects.bulk_create(rows, batch_size=2000)
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.executemany(f"INSERT INTO {search.FTS_TABLE}(rowid, tokens) VALUES (%s, %s)",
                            list(Lesson.objects.filter(tags=",bench,").values_list("id", "search_tokens")))
    else:
        with connection.cursor() as cur:
            cur.execute("ANALYZE lessons_lesson")
    return user


def _page(qs) -> tuple[int, list[int]]:
    return qs.count(), [le.pk for le in qs[:50]]


def _indexed(user, query: str):
    from campaignops.lessons import selectors

    return _page(selectors.lesson_list(user=user, filters=selectors.LessonFilters(q=query)))


def _like(user, query: str):
    from campaignops.access.policy import visible
    from campaignops.lessons import selectors

    qs = visible(user, selectors.lesson_qs())
    for word in query.split():
        qs = qs.filter(text__icontains=word)
    return _page(qs.order_by("-id"))


def _p95(fn, user) -> float:
    samples = []
    for query in QUERIES:
        fn(user, query)                       # warm-up
    for _ in range(ROUNDS):
        for query in QUERIES:
            t0 = time.perf_counter()
            fn(user, query)
            samples.append(time.perf_counter() - t0)
    return statistics.quantiles(samples, n=20)[-1]


def _similar_brute(user, lesson) -> list[int]:
    from campaignops.access.policy import visible
    from campaignops.lessons.domain.similarity import most_similar
    from campaignops.lessons.models import Lesson

    pool = visible(user, Lesson.objects.exclude(pk=lesson.pk)).values_list("id", "text")
    return [m.key for m in most_similar(lesson.text, list(pool))]


def run() -> list[Result]:
    from campaignops.lessons import selectors
    from campaignops.lessons.models import Lesson

    user = build()
    for query in QUERIES:
        indexed, like = _indexed(user, query), _like(user, query)
        assert indexed == like, (query, indexed[0], like[0])
        print(f"   {query!r}: {indexed[0]} lessons found", flush=True)
    search_p95, like_p95 = _p95(_indexed, user), _p95(_like, user)

    lesson = Lesson.objects.filter(campaign__memberships__user=user, text__contains="预算超支").order_by("id")[0]
    indexed = [le.pk for le, _ in selectors.similar_lessons(user=user, lesson=lesson)]
    print(f"   similar to {lesson.text!r}: {len(indexed)} lessons", flush=True)
    similar = median_time(lambda: selectors.similar_lessons(user=user, lesson=lesson), repeat=7)
    brute = median_time(lambda: _similar_brute(user, lesson), repeat=3)
    return [
        Result(f"search p95, {LESSONS:,} lessons (full-text index)", search_p95, "LIKE scan p95", like_p95,
               max_seconds=0.05),
        Result("similar lessons (index candidates + rapidfuzz)", similar, "rapidfuzz over every visible lesson",
               brute, max_seconds=0.1),
    ]
