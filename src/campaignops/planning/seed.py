"""The seed document's plan template (5 rows, 8 columns), in Chinese and in English, with the
seed's own dates (2024) from which the working-day offsets are computed."""

import datetime as dt

SEED_ANCHOR = dt.date(2024, 6, 1)
SEED_COUNTRY = "CN"

# phase kind, start, end, then per language: phase, owner, core task, completion standard,
# resource needs, risk plan, notes; channel code; deliverable, planned count.
SEED_ROWS = [
    {
        "kind": "preparation", "start": dt.date(2024, 6, 1), "end": dt.date(2024, 6, 7), "channel": None,
        "zh": ("筹备期", "", "确认目标、细化方案", "输出《目标确认书》和《执行细则表》", "市场部与产品部协同",
               "目标分歧：召开对齐会", "销售部须参与目标制定"),
        "en": ("Preparation", "", "Confirm goals, refine the plan",
               "Goal Confirmation and Execution Details Table delivered", "Marketing and Product together",
               "Goal disagreement: hold an alignment meeting", "Sales must take part in goal setting"),
        "deliverable": None,
    },
    {
        "kind": "warm_up", "start": dt.date(2024, 6, 8), "end": dt.date(2024, 6, 14), "channel": "xiaohongshu",
        "zh": ("预热期（线上）", "", "小红书/抖音内容发布与达人对接", "发布3篇素人笔记、1篇达人测评",
               "内容素材（海报/脚本）、达人费用", "达人档期冲突：备选2名素人", "关注笔记互动数据"),
        "en": ("Warm-up (online)", "", "Xiaohongshu/Douyin content and KOL coordination",
               "3 amateur notes and 1 influencer review published", "Content assets (posters/scripts), KOL fees",
               "Influencer schedule clash: 2 amateur back-ups", "Watch the notes' engagement data"),
        "deliverable": ("篇笔记", "notes", 4),
    },
    {
        "kind": "burst", "start": dt.date(2024, 6, 15), "end": dt.date(2024, 6, 17), "channel": "douyin",
        "zh": ("爆发期（直播+线下）", "", "直播带货、线下快闪店", "直播观看10万+、门店到访500人",
               "直播设备、快闪店物料、场地费", "线下人流不足：联合周边商场发优惠券", "提前测试直播网络"),
        "en": ("Burst (live + offline)", "", "Live-stream selling, offline pop-up store",
               "100k+ live views, 500 store visitors", "Streaming equipment, pop-up materials, venue fee",
               "Low foot traffic: hand out coupons with nearby malls", "Test the streaming network in advance"),
        "deliverable": ("场直播", "live streams", 2),
    },
    {
        "kind": "continuation", "start": dt.date(2024, 6, 18), "end": dt.date(2024, 6, 23), "channel": None,
        "zh": ("收尾期", "赵六", "评价返现审核、售后跟进", "收集200条评价、投诉率<1%", "返现礼品、客服人员",
               "投诉集中：24小时内响应", "收集用户反馈"),
        "en": ("Wrap-up", "Zhao Liu", "Review cash-back, after-sales follow-up",
               "200 reviews collected, complaint rate < 1%", "Cash-back gifts, customer-service staff",
               "Complaints pile up: respond within 24 hours", "Collect user feedback"),
        "deliverable": ("条评价", "reviews", 200),
    },
    {
        "kind": "review", "start": dt.date(2024, 6, 24), "end": dt.date(2024, 6, 30), "channel": None,
        "zh": ("复盘期", "", "数据汇总与报告", "提交《复盘报告》", "无", "无", "召开跨部门复盘会"),
        "en": ("Review", "", "Data roll-up and report", "Retrospective Report submitted", "None", "None",
               "Hold a cross-department review meeting"),
        "deliverable": None,
    },
]

SEED_TEMPLATE = {
    "zh-hans": {
        "name": "夏日清凉季新品体验日（种子模板）",
        "description": "源文档的五阶段执行计划：筹备、预热、爆发、收尾、复盘。",
        "theme": "夏日清凉季新品体验日",
        "goal": "3天内通过小红书种草+抖音直播，实现新品A曝光量50万+、线上预售转化率5%",
    },
    "en": {
        "name": "Summer Cool Season launch (seed template)",
        "description": "The source document's five-phase plan: preparation, warm-up, burst, wrap-up, review.",
        "theme": "Summer Cool Season new product experience day",
        "goal": "Within 3 days, through Xiaohongshu seeding + Douyin live streaming, reach 500k+ exposures "
                "for new product A and a 5% online pre-sale conversion rate",
    },
}
