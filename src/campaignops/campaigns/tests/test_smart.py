"""SMART check on a table of real-world goal phrasings, Chinese and English."""

import pytest

from campaignops.campaigns.domain.smart import Target, check

SEED_EN = ("Within 3 days, through Xiaohongshu seeding + Douyin live streaming, reach 500k+ exposures for new "
           "product A and a 5% online pre-sale conversion rate")
SEED_ZH = "3天内通过小红书种草+抖音直播，实现新品A曝光量50万+、线上预售转化率5%"


def codes(goal, **kw):
    return [f.code for f in check(goal, **kw).findings]


@pytest.mark.parametrize("goal", [SEED_EN, SEED_ZH])
def test_the_seed_example_passes_for_a_launch(goal):
    result = check(goal, kind="product_launch")
    assert result.passes, result.findings
    assert result.metrics_found[:2] == ["exposure", "conversion"]
    assert result.letters == {"S": True, "M": True, "A": True, "R": True, "T": True}


@pytest.mark.parametrize(("goal", "kind", "expected"), [
    ("raise brand awareness", "product_launch",
     ["specific_channel", "measurable_metric", "measurable_number", "time_bound", "relevant_core"]),
    ("提升品牌知名度", "product_launch",
     ["specific_channel", "measurable_metric", "measurable_number", "time_bound", "relevant_core"]),
    ("Increase sales on Tmall", "ecommerce_promotion", ["measurable_number", "time_bound", "relevant_core"]),
    ("双11期间天猫旗舰店GMV突破2000万，投产比不低于3", "ecommerce_promotion", []),
    ("During Double 11, hit ¥20M GMV on Tmall at a ROAS of at least 3", "ecommerce_promotion", []),
    ("展会3天内收集500条有效销售线索、展位到访2000人", "trade_show", []),
    ("Collect 500 qualified leads and 2,000 booth visitors over the 3-day trade show", "trade_show", []),
    ("周年庆线下活动互动量10万+，参与者好感度80%以上，6月30日前完成", "anniversary", []),
    ("在抖音做一场直播，观看人数越多越好", "product_launch", ["measurable_number", "time_bound", "relevant_core"]),
    ("Get 1 million views on TikTok", "product_launch", ["time_bound", "relevant_core"]),
    ("Within two weeks, reach 1M impressions on Douyin and convert 3% of clicks", "product_launch", []),
    ("两周内小红书笔记曝光100万，互动率5%", "product_launch", ["relevant_core"]),
    ("By end of Q3 grow WeChat followers", "other", ["measurable_number"]),
    ("Q3 目标：公众号涨粉", "other", ["measurable_number"]),
    ("公众号涨粉", "other", ["measurable_number", "time_bound"]),
])
def test_real_world_phrasings(goal, kind, expected):
    assert codes(goal, kind=kind) == expected


def test_relevant_core_names_the_missing_families():
    result = check("两周内小红书笔记曝光100万，互动率5%", kind="product_launch")
    assert result.missing_core == ["conversion"]
    assert result.findings[-1].params == {"missing": "conversion"}


def test_kpi_targets_fill_what_the_text_leaves_out():
    targets = [Target("impressions", 500000, channel="xiaohongshu", due="2026-06-12"),
               Target("cvr", 5, unit="percent", due="2026-06-12")]
    assert codes("新品上市推广", kind="product_launch", targets=targets) == []


def test_achievability_of_targets():
    targets = [Target("cvr", 150, unit="percent", due="2026-06-12"), Target("impressions", 0, due="2026-06-12")]
    result = check(SEED_EN, kind="product_launch", targets=targets)
    assert [(f.code, f.params) for f in result.findings] == [
        ("achievable_rate", {"metric": "cvr", "value": "150"}),
        ("achievable_positive", {"metric": "impressions"}),
    ]


# ---- more real-world phrasings, both languages ---------------------------------------------------

@pytest.mark.parametrize(("goal", "kind", "expected"), [
    ("让更多人知道我们的新品", "product_launch",
     ["specific_channel", "measurable_metric", "measurable_number", "time_bound", "relevant_core"]),
    ("Make the brand more popular among young people", "offline_brand",
     ["specific_channel", "measurable_metric", "measurable_number", "time_bound", "relevant_core"]),
    ("快闪店活动期间互动量达到5万次，现场满意度90%以上", "offline_brand", []),
    ("During the pop-up week, 50k engagements and 90% visitor satisfaction", "offline_brand", []),
    ("618大促天猫GMV 5000万，ROI 1:4", "ecommerce_promotion", []),
    ("提升天猫销量", "ecommerce_promotion", ["measurable_number", "time_bound", "relevant_core"]),
    ("Boost awareness on Weibo by end of June", "product_launch",
     ["measurable_metric", "measurable_number", "relevant_core"]),
])
def test_more_real_world_phrasings(goal, kind, expected):
    assert codes(goal, kind=kind) == expected


# ---- suggested rewrite ---------------------------------------------------------------------------

def test_rewrite_for_a_brand_event_names_metric_number_channel_and_deadline():
    from campaignops.campaigns.domain.smart import RewriteItem, rewrite

    targets = [Target("store_visitors", 500, channel="Pop-up store", due="2026-06-20"),
               Target("engagements", 50000, channel="Xiaohongshu", due="2026-06-18"),
               Target("complaint_rate", 1, unit="percent", due="2026-06-25")]
    parts = rewrite(kind="offline_brand", targets=targets, channels=["Xiaohongshu", "Douyin"],
                    end_date="2026-06-30", lower_is_better=["complaint_rate"])
    assert parts.items == [
        RewriteItem("engagements", 50000, "count", "Xiaohongshu"),
        RewriteItem("store_visitors", 500, "count", "Pop-up store"),
        RewriteItem("complaint_rate", 1, "percent", None, True),
        RewriteItem("favourability", None, "percent"),   # a core metric nobody set: the user fills it in
    ]
    assert parts.channels == ["Xiaohongshu", "Pop-up store", "Douyin"]
    assert parts.deadline == "2026-06-30"


def test_rewrite_without_targets_or_end_date_asks_for_the_core_metrics():
    from campaignops.campaigns.domain.smart import RewriteItem, rewrite

    parts = rewrite(kind="ecommerce_promotion")
    assert parts.items == [RewriteItem("gmv", None, "money"), RewriteItem("roas", None, "ratio")]
    assert (parts.channels, parts.deadline) == ([], None)
    assert rewrite(kind="other").items == []


def test_rewrite_keeps_at_most_four_targets_core_first_and_takes_the_latest_due_date():
    from campaignops.campaigns.domain.smart import rewrite

    targets = [Target("reviews", 200, due="2026-06-20"), Target("live_views", 1e5, due="2026-06-10"),
               Target("cvr", 5, unit="percent", due="2026-06-12"), Target("leads", 10),
               Target("impressions", 5e5, due="2026-06-12")]
    parts = rewrite(kind="product_launch", targets=targets)
    assert [i.metric for i in parts.items] == ["impressions", "cvr", "reviews", "live_views"]
    assert parts.deadline == "2026-06-20"


@pytest.mark.parametrize(("value", "chinese", "expected"), [
    (500000, False, "500k"), (500000, True, "50万"), (12_000_000, False, "12M"), (12_000_000, True, "1200万"),
    (1_500_000, False, "1.5M"), (250_000_000, True, "2.5亿"), (2_000, False, "2,000"), (2_000, True, "2,000"),
    (12_345, False, "12.35k"), (3.5, False, "3.5"), (0, True, "0"),
])
def test_compact_numbers(value, chinese, expected):
    from campaignops.campaigns.domain.smart import compact_number

    assert compact_number(value, chinese=chinese) == expected
