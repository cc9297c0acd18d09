"""The plan page and its htmx fragments: exact content, filters, pinned queries, in-place edits,
conflicts, validation, access; and the working-day calendar page."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from campaignops.campaigns.models import Campaign, Channel, Membership
from campaignops.core.models import AuditEntry
from campaignops.planning import services
from campaignops.planning.models import Phase, Task, WorkdayOverride
from campaignops.planning.seed import SEED_ROWS

D = dt.date
HX = {"HTTP_HX_REQUEST": "true"}
SEED_TITLES = [row["zh"][2] for row in SEED_ROWS]
END_BEFORE_START = "The end date must be on or after the start date."


# ---- a small HTML reader (stdlib only) -----------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict, parent: Node | None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    def iter(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.iter()

    def find_all(self, tag: str, cls: str | None = None, **attrs) -> list[Node]:
        out = []
        for n in self.iter():
            if n.tag != tag:
                continue
            if cls is not None and cls not in (n.attrs.get("class") or "").split():
                continue
            if all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items()):
                out.append(n)
        return out

    def cells(self) -> list[str]:
        return [td.text() for td in self.children if isinstance(td, Node) and td.tag in ("td", "th")]


class Reader(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = self.cur = Node("#root", {}, None)
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def doc(response) -> Node:
    return Reader(response.content.decode()).root


def task_rows(response) -> list[list[str]]:
    return [tr.cells() for tr in doc(response).find_all("tr", "task-row")]


def titles(response) -> list[str]:
    return [cells[3] for cells in task_rows(response)]


# ---- fixtures and helpers -------------------------------------------------------------------------

@pytest.fixture
def plan_url(demo):
    return reverse("planning:plan", args=[demo.pk])


def tasks_of(campaign) -> list[Task]:
    return list(Task.objects.filter(campaign=campaign).order_by("phase__order", "order", "id"))


def task_url(task, suffix: str = "") -> str:
    return f"/campaigns/{task.campaign_id}/plan/tasks/{task.pk}/{suffix}"


def form_data(task: Task, **changes) -> dict:
    """What the edit form posts for `task` (every field), with `changes` applied."""
    data = {
        "phase": task.phase_id, "start_date": task.start_date.isoformat(), "end_date": task.end_date.isoformat(),
        "owner": task.owner_id or "", "owner_name": task.owner_name, "title": task.title,
        "completion_standard": task.completion_standard, "resource_needs": task.resource_needs,
        "risk_plan": task.risk_plan, "notes": task.notes, "status": task.status,
        "channel": task.channel.code if task.channel_id else "", "deliverable": task.deliverable,
        "deliverables_done": task.deliverables_done if task.deliverables_done is not None else "",
        "deliverables_planned": task.deliverables_planned if task.deliverables_planned is not None else "",
        "version": task.version,
    }
    data.update(changes)
    return data


def snapshot(campaign) -> list[tuple]:
    return list(Task.objects.filter(campaign=campaign).order_by("id").values_list(
        "id", "phase_id", "order", "start_date", "end_date", "owner_id", "owner_name", "title", "notes", "status",
        "channel_id", "deliverables_done", "version"))


def phase_snapshot(campaign) -> list[tuple]:
    return list(Phase.objects.filter(campaign=campaign).order_by("id").values_list(
        "id", "name", "kind", "start_date", "end_date", "order", "version"))


# ---- exact content of the demo plan --------------------------------------------------------------

def test_demo_plan_shows_the_five_phases_and_the_seed_rows_exactly(client_as, plan_url, demo):
    response = client_as("lead").get(plan_url)
    assert response.status_code == 200
    page = doc(response)
    headers = [th.text() for th in page.find_all("thead")[0].find_all("th")]
    assert headers == ["Phase", "Time window", "Owner", "Core task", "Completion standard", "Resource needs",
                       "Risk plan", "Notes", "Status", "Channel", "Deliverables", "Actions"]
    heads = [(ph.find_all("span", "phase-name")[0].text(), ph.find_all("span", "kind")[0].text(),
              ph.find_all("span", "phase-window")[0].text(), ph.find_all("span", "phase-counts")[0].text())
             for ph in page.find_all("tr", "phase-row")]
    assert heads == [
        ("筹备期", "Preparation", "2024-06-01 ~ 2024-06-07", "0/1 done"),
        ("预热期（线上）", "Warm-up", "2024-06-08 ~ 2024-06-14", "0/1 done"),
        ("爆发期（直播+线下）", "Burst", "2024-06-15 ~ 2024-06-17", "0/1 done"),
        ("收尾期", "Continuation / wrap-up", "2024-06-18 ~ 2024-06-23", "0/1 done"),
        ("复盘期", "Review", "2024-06-24 ~ 2024-06-30", "0/1 done"),
    ]
    workdays = [re.search(r"(\d+) working days?", ph.text()).group(1) for ph in page.find_all("tr", "phase-row")]
    assert workdays == ["5", "4", "1", "4", "5"]
    assert [cells[:11] for cells in task_rows(response)] == [
        ["筹备期", "2024-06-01 ~ 2024-06-07", "王芳 Wang Fang", "确认目标、细化方案", "输出《目标确认书》和《执行细则表》",
         "市场部与产品部协同", "目标分歧：召开对齐会", "销售部须参与目标制定", "Not started", "", ""],
        ["预热期（线上）", "2024-06-08 ~ 2024-06-14", "王芳 Wang Fang", "小红书/抖音内容发布与达人对接",
         "发布3篇素人笔记、1篇达人测评", "内容素材（海报/脚本）、达人费用", "达人档期冲突：备选2名素人", "关注笔记互动数据",
         "Not started", "Xiaohongshu", "0/4 篇笔记"],
        ["爆发期（直播+线下）", "2024-06-15 ~ 2024-06-17", "李明 Li Ming", "直播带货、线下快闪店", "直播观看10万+、门店到访500人",
         "直播设备、快闪店物料、场地费", "线下人流不足：联合周边商场发优惠券", "提前测试直播网络", "Not started", "Douyin",
         "0/2 场直播"],
        ["收尾期", "2024-06-18 ~ 2024-06-23", "赵六", "评价返现审核、售后跟进", "收集200条评价、投诉率<1%", "返现礼品、客服人员",
         "投诉集中：24小时内响应", "收集用户反馈", "Not started", "", "0/200 条评价"],
        ["复盘期", "2024-06-24 ~ 2024-06-30", "王芳 Wang Fang", "数据汇总与报告", "提交《复盘报告》", "无", "无", "召开跨部门复盘会",
         "Not started", "", ""],
    ]
    assert page.find_all("div", "plan-summary")[0].text() == "5 tasks"


def test_plan_page_links_the_calendar_and_leaves_a_spot_for_the_excel_pages(client_as, plan_url, demo):
    page = doc(client_as("lead").get(plan_url))
    hrefs = [a.attrs.get("href") for a in page.find_all("a")]
    assert "/campaigns/calendar/?country=CN&year=2024" in hrefs
    assert len(page.find_all("div", "plan-io")) == 1


def test_plan_page_in_chinese_uses_the_chinese_holiday_language(client_as, plan_url, settings):
    client = client_as("lead")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.get(plan_url)
    assert response.status_code == 200
    assert '<html lang="zh-hans"' in response.content.decode()
    assert titles(response) == SEED_TITLES


# ---- filters -------------------------------------------------------------------------------------

@pytest.fixture
def varied(demo, users):
    """The demo with a status, an unmatched owner and a second task in the warm-up."""
    tasks = tasks_of(demo)
    Task.objects.filter(pk=tasks[0].pk).update(status="done")
    Task.objects.filter(pk=tasks[3].pk).update(owner=None, owner_name="赵六")
    warm = tasks[1].phase
    services.task_create(campaign=demo, actor=users["lead"], phase=warm, title="抖音短视频3条",
                         owner=users["sales"], channel=Channel.objects.get(code="douyin"), status="in_progress")
    return demo


@pytest.mark.parametrize("query, expected", [
    ("owner={lead}", ["确认目标、细化方案", "小红书/抖音内容发布与达人对接", "数据汇总与报告"]),
    ("owner={sales}", ["抖音短视频3条", "直播带货、线下快闪店"]),
    ("owner=none", ["评价返现审核、售后跟进"]),
    ("status=done", ["确认目标、细化方案"]),
    ("status=in_progress", ["抖音短视频3条"]),
    ("status=not_started", ["小红书/抖音内容发布与达人对接", "直播带货、线下快闪店", "评价返现审核、售后跟进", "数据汇总与报告"]),
    ("channel=douyin", ["抖音短视频3条", "直播带货、线下快闪店"]),
    ("channel=xiaohongshu", ["小红书/抖音内容发布与达人对接"]),
    ("phase={warm}", ["小红书/抖音内容发布与达人对接", "抖音短视频3条"]),
    ("channel=douyin&owner={sales}&phase={warm}", ["抖音短视频3条"]),
    ("status=blocked", []),
    ("owner=abc&phase=x", ["确认目标、细化方案", "小红书/抖音内容发布与达人对接", "抖音短视频3条", "直播带货、线下快闪店",
                           "评价返现审核、售后跟进", "数据汇总与报告"]),
])
def test_filters_return_exactly_the_matching_rows(client_as, plan_url, varied, users, query, expected):
    warm = Phase.objects.get(campaign=varied, order=2)
    q = query.format(lead=users["lead"].pk, sales=users["sales"].pk, warm=warm.pk)
    response = client_as("lead").get(f"{plan_url}?{q}")
    assert response.status_code == 200
    assert titles(response) == expected


def test_filtering_hides_empty_phases_and_shows_counts(client_as, plan_url, varied, users):
    response = client_as("lead").get(f"{plan_url}?channel=douyin")
    page = doc(response)
    assert [ph.find_all("span", "phase-name")[0].text() for ph in page.find_all("tr", "phase-row")] == [
        "预热期（线上）", "爆发期（直播+线下）"]
    assert page.find_all("div", "plan-summary")[0].text() == "Showing 2 of 6 tasks · Clear filters"
    options = {sel.attrs["name"]: [o.text() for o in sel.find_all("option")] for sel in page.find_all("select")
               if sel.attrs.get("id", "").startswith("f-")}
    assert options["owner"] == ["All owners (6)", "王芳 Wang Fang (3)", "李明 Li Ming (2)", "张伟 Zhang Wei (0)",
                                "陈静 Chen Jing (0)", "赵六 (0)", "孙丽 Sun Li (0)", "No user owner (1)"]
    assert options["status"] == ["All statuses", "Not started (4)", "In progress (1)", "Done (1)", "Delayed (0)",
                                 "Blocked (0)", "Cancelled (0)"]
    assert options["channel"] == ["All channels", "Xiaohongshu (1)", "Douyin (2)", "Pop-up store (0)"]
    selected = [o.text() for o in page.find_all("form", id="plan-filters")[0].find_all("option") if "selected" in o.attrs]
    assert selected == ["Douyin (2)"]


def test_htmx_filter_request_returns_only_the_table(client_as, plan_url, varied):
    response = client_as("lead").get(f"{plan_url}?status=done", HTTP_HX_TARGET="plan-table-wrap", **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="plan-table-wrap"')
    assert "<html" not in html
    assert titles(response) == ["确认目标、细化方案"]


def test_unmatched_owner_is_flagged_not_a_user_yet(client_as, plan_url, varied):
    row = [tr for tr in doc(client_as("lead").get(plan_url)).find_all("tr", "task-row")
           if tr.cells()[3] == "评价返现审核、售后跟进"][0]
    flag = row.find_all("span", "owner-unmatched")[0]
    assert flag.text() == "赵六"
    assert flag.attrs["title"] == "Not a user yet"


# ---- query counts --------------------------------------------------------------------------------

PLAN_PAGE_QUERIES = 12  # session, user, profile, campaign, role, facets, overrides, phases, tasks, team, channels, scope
FRAGMENT_QUERIES = [7, 9, 21, 19]  # row, edit form, quick status (3 CHECK constraints validated), move


def _grow(campaign, n_tasks: int, actor) -> None:
    phases = list(Phase.objects.filter(campaign=campaign).order_by("order"))
    people = [m.user for m in Membership.objects.filter(campaign=campaign).select_related("user")]
    channels = list(Channel.objects.all()[:4]) + [None]
    rows = []
    for i in range(n_tasks - Task.objects.filter(campaign=campaign).count()):
        phase = phases[i % len(phases)]
        rows.append(Task(campaign=campaign, phase=phase, order=10 + i, start_date=phase.start_date,
                         end_date=phase.end_date, owner=None if i % 5 == 0 else people[i % len(people)],
                         owner_name="外部顾问" if i % 5 == 0 else "", title=f"任务 {i}", status="in_progress",
                         channel=channels[i % len(channels)], deliverables_planned=3, deliverables_done=1))
    Task.objects.bulk_create(rows)


def test_plan_page_query_count_is_pinned_and_constant_from_5_to_50_tasks(
        client_as, plan_url, demo, users, django_assert_num_queries):
    client = client_as("lead")
    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        assert client.get(plan_url).status_code == 200
    _grow(demo, 50, users["lead"])
    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        response = client.get(plan_url)
    assert len(task_rows(response)) == 50
    with django_assert_num_queries(PLAN_PAGE_QUERIES - 1):  # the htmx table: no filter options (scope)
        response = client.get(f"{plan_url}?owner=none", HTTP_HX_TARGET="plan-table-wrap", **HX)
    assert len(task_rows(response)) == 9


def test_viewer_plan_page_runs_the_same_number_of_queries(client_as, plan_url, django_assert_num_queries):
    client = client_as("viewer")
    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        assert client.get(plan_url).status_code == 200


# ---- in-place edits through the row endpoint -----------------------------------------------------

@pytest.mark.parametrize("field, value, stored, shown", [
    ("title", "确认目标、细化方案（第二版）", "确认目标、细化方案（第二版）", "确认目标、细化方案（第二版）"),
    ("notes", "销售部李明参会", "销售部李明参会", "销售部李明参会"),
    ("completion_standard", "目标确认书已签字", "目标确认书已签字", "目标确认书已签字"),
    ("start_date", "2024-06-11", D(2024, 6, 11), "2024-06-11 ~ 2024-06-14"),
    ("end_date", "2024-06-12", D(2024, 6, 12), "2024-06-08 ~ 2024-06-12"),
    ("status", "delayed", "delayed", "Delayed"),
    ("deliverables_done", "2", 2, "2/4 篇笔记"),
    ("deliverables_planned", "6", 6, "0/6 篇笔记"),
    ("deliverable", "篇测评", "篇测评", "0/4 篇测评"),
])
def test_edit_one_field_in_place(client_as, demo, users, field, value, stored, shown):
    task = tasks_of(demo)[1]  # the warm-up row: has deliverables
    response = client_as("product").post(task_url(task), form_data(task, **{field: value}), **HX)
    assert response.status_code == 200, response.content.decode()[:500]
    task.refresh_from_db()
    assert getattr(task, field) == stored
    assert task.version == 2
    html = response.content.decode()
    assert html.startswith(f'<tr id="t{task.pk}" class="task-row"')
    assert shown in task_rows(response)[0]
    entry = AuditEntry.objects.filter(action="task.update", object_id=task.pk).get()
    assert list(entry.changes) == [field] and entry.actor == users["product"]


def test_edit_owner_select_and_channel_select(client_as, demo, users):
    task = tasks_of(demo)[0]
    response = client_as("lead").post(task_url(task), form_data(task, owner=users["product"].pk, channel="wechat"),
                                      **HX)
    assert response.status_code == 200
    task.refresh_from_db()
    assert (task.owner, task.owner_name, task.channel.code) == (users["product"], "", "wechat")
    assert task_rows(response)[0][2] == "张伟 Zhang Wei" and task_rows(response)[0][9] == "WeChat"


def test_free_text_owner_clears_the_user_and_is_flagged(client_as, demo):
    task = tasks_of(demo)[0]
    response = client_as("lead").post(task_url(task), form_data(task, owner="", owner_name="外部顾问 Alex"), **HX)
    task.refresh_from_db()
    assert (task.owner_id, task.owner_name, task.owner_unmatched) == (None, "外部顾问 Alex", True)
    assert doc(response).find_all("span", "owner-unmatched")[0].text() == "外部顾问 Alex"


def test_edit_form_offers_to_link_an_unmatched_owner_and_linking_works(client_as, demo, users):
    task = tasks_of(demo)[3]
    Task.objects.filter(pk=task.pk).update(owner=None, owner_name="赵六")
    task.refresh_from_db()
    client = client_as("lead")
    form = client.get(task_url(task, "edit/"), **HX)
    assert form.status_code == 200
    page = doc(form)
    note = page.find_all("div", "owner-note")[0]
    assert note.text() == "“赵六” is not a user yet. Choose a member here to link the row to them. Link to 赵六"
    assert note.find_all("button")[0].attrs["data-link-owner"] == str(users["logistics"].pk)
    response = client.post(task_url(task), form_data(task, owner=users["logistics"].pk), **HX)
    assert response.status_code == 200
    task.refresh_from_db()
    assert (task.owner, task.owner_name) == (users["logistics"], "")


def test_partial_post_changes_only_the_posted_field(client_as, demo):
    task = tasks_of(demo)[2]
    before = snapshot(demo)
    response = client_as("sales").post(task_url(task), {"notes": "网络已测试", "version": 1}, **HX)
    assert response.status_code == 200
    after = {row[0]: row for row in snapshot(demo)}
    old = {row[0]: row for row in before}
    assert after[task.pk][8] == "网络已测试" and after[task.pk][12] == 2
    assert {k: v for k, v in after.items() if k != task.pk} == {k: v for k, v in old.items() if k != task.pk}


def test_moving_a_task_to_another_phase_redraws_the_table(client_as, demo):
    tasks = tasks_of(demo)
    review = tasks[4].phase
    response = client_as("lead").post(task_url(tasks[0]), form_data(tasks[0], phase=review.pk), **HX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#plan-table-wrap"
    assert titles(response) == SEED_TITLES[1:4] + [SEED_TITLES[0], SEED_TITLES[4]]
    assert Task.objects.get(pk=tasks[0].pk).phase == review


def test_without_htmx_the_edit_is_a_page_and_saving_redirects(client_as, demo, plan_url):
    task = tasks_of(demo)[0]
    client = client_as("lead")
    page = client.get(task_url(task, "edit/"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<html" in html and 'name="title"' in html and "hx-post" not in html.split('class="task-form"')[1][:300]
    response = client.post(task_url(task), form_data(task, title="新标题"))
    assert response.status_code == 302
    assert response["Location"] == f"{plan_url}#t{task.pk}"
    assert Task.objects.get(pk=task.pk).title == "新标题"
    assert client.get(task_url(task)).status_code == 302  # the bare row URL sends a browser to the plan


def test_edit_form_fragment_focuses_the_clicked_cell(client_as, demo):
    task = tasks_of(demo)[0]
    response = client_as("lead").get(task_url(task, "edit/?focus=risk_plan"), **HX)
    page = doc(response)
    assert page.find_all("tr", "task-edit")[0].attrs["id"] == f"t{task.pk}"
    focused = [n for n in page.iter() if "autofocus" in n.attrs]
    assert [(n.tag, n.attrs["name"]) for n in focused] == [("textarea", "risk_plan")]


def test_stale_version_returns_the_form_with_a_conflict_message_and_changes_nothing(client_as, demo, users):
    task = tasks_of(demo)[0]
    services.task_update(task=Task.objects.get(pk=task.pk), actor=users["sales"], version=1, notes="李明：已改")
    before = snapshot(demo)
    response = client_as("lead").post(task_url(task), form_data(task, title="王芳的标题", version=1), **HX)
    assert response.status_code == 409
    assert snapshot(demo) == before
    page = doc(response)
    assert page.find_all("div", "alert-warning")[0].find_all("strong")[0].text() == (
        "Someone else changed this row while you were editing it.")
    assert page.find_all("textarea", name="title")[0].text() == "王芳的标题"          # the user's input is kept
    assert page.find_all("textarea", name="notes")[0].text() == "销售部须参与目标制定"
    assert page.find_all("input", name="version")[0].attrs["value"] == "2"           # saving again overwrites
    now = [n.text() for n in page.find_all("div", "conflict-now")]
    assert now == ["Now saved: 确认目标、细化方案", "Now saved: 李明：已改"]


def test_end_before_start_is_refused_with_the_message_next_to_the_field(client_as, demo):
    task = tasks_of(demo)[0]
    before = snapshot(demo)
    response = client_as("lead").post(task_url(task), form_data(task, end_date="2024-05-30"), **HX)
    assert response.status_code == 422
    assert snapshot(demo) == before
    page = doc(response)
    end_cell = page.find_all("input", name="end_date")[0].parent
    assert [e.text() for e in end_cell.find_all("div", "invalid-feedback")] == [END_BEFORE_START]
    assert "is-invalid" in page.find_all("input", name="end_date")[0].attrs["class"]
    assert not AuditEntry.objects.filter(action="task.update").exists()


@pytest.mark.parametrize("changes, field, message", [
    ({"title": ""}, "title", "This field is required."),
    ({"start_date": "2024-13-01"}, "start_date", "Enter a valid date."),
    ({"deliverables_done": "-1"}, "deliverables_done", "Ensure this value is greater than or equal to 0."),
    ({"status": "finished"}, "status", "Select a valid choice. finished is not one of the available choices."),
    ({"owner": "999999"}, "owner", "Select a valid choice. 999999 is not one of the available choices."),
])
def test_bad_input_is_refused_with_the_field_named(client_as, demo, changes, field, message):
    task = tasks_of(demo)[0]
    before = snapshot(demo)
    response = client_as("lead").post(task_url(task), form_data(task, **changes), **HX)
    assert response.status_code == 422
    assert snapshot(demo) == before
    page = doc(response)
    widget = [n for n in page.iter() if n.attrs.get("name") == field][0]
    assert [e.text() for e in widget.parent.find_all("div", "invalid-feedback")] == [message]


def test_a_save_without_version_is_refused(client_as, demo):
    task = tasks_of(demo)[0]
    before = snapshot(demo)
    data = form_data(task, title="无版本")
    del data["version"]
    response = client_as("lead").post(task_url(task), data, **HX)
    assert response.status_code == 422
    assert doc(response).find_all("div", "alert-danger")[0].text() == (
        "This form has no version: reload the page and edit the row again.")
    assert snapshot(demo) == before
    assert client_as("lead").post(task_url(task, "status/"), {"status": "done"}, **HX).status_code == 400
    assert snapshot(demo) == before


def test_owner_who_is_not_a_member_is_refused(client_as, demo, users):
    task = tasks_of(demo)[0]
    response = client_as("lead").post(task_url(task), form_data(task, owner=users["outsider"].pk), **HX)
    assert response.status_code == 422
    assert Task.objects.get(pk=task.pk).owner == users["lead"]


# ---- quick status, add, delete, move -------------------------------------------------------------

def test_quick_status_change_returns_the_row_and_the_phase_counts(client_as, demo):
    task = tasks_of(demo)[2]
    response = client_as("sales").post(task_url(task, "status/"), {"status": "done", "version": 1}, **HX)
    assert response.status_code == 200
    assert Task.objects.get(pk=task.pk).status == "done"
    assert task_rows(response)[0][8] == "Done"
    oob = doc(response).find_all("span", id=f"pc-{task.phase_id}")[0]
    assert oob.attrs["hx-swap-oob"] == "true" and oob.text() == "1/1 done"


def test_quick_status_change_on_a_stale_row_shows_the_current_row(client_as, demo, users):
    task = tasks_of(demo)[2]
    services.task_update(task=Task.objects.get(pk=task.pk), actor=users["lead"], version=1, status="blocked")
    response = client_as("sales").post(task_url(task, "status/"), {"status": "done", "version": 1}, **HX)
    assert response.status_code == 409
    assert Task.objects.get(pk=task.pk).status == "blocked"
    assert task_rows(response)[0][8] == "Blocked"
    assert "plan-message" in response["HX-Trigger"]


def test_add_a_task_at_the_end_of_a_phase(client_as, demo, users):
    warm = tasks_of(demo)[1].phase
    client = client_as("product")
    url = f"/campaigns/{demo.pk}/plan/phases/{warm.pk}/tasks/new/"
    form = doc(client.get(url, **HX))
    assert form.find_all("tr", "task-edit")[0].attrs["id"] == f"t-new-{warm.pk}"
    assert form.find_all("input", name="start_date")[0].attrs["value"] == "2024-06-08"
    response = client.post(url, {"phase": warm.pk, "start_date": "2024-06-11", "end_date": "2024-06-12",
                                 "title": "1篇达人深度测评", "status": "not_started", "owner": users["product"].pk,
                                 "channel": "xiaohongshu", "deliverable": "篇测评", "deliverables_planned": "1"}, **HX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#pg-{warm.pk}"
    assert titles(response) == ["小红书/抖音内容发布与达人对接", "1篇达人深度测评"]
    new = Task.objects.get(title="1篇达人深度测评")
    assert (new.phase, new.order, new.owner, new.start_date, new.deliverables_planned) == (
        warm, 2, users["product"], D(2024, 6, 11), 1)
    assert doc(response).find_all("span", id=f"pc-{warm.pk}")[0].text() == "0/2 done"


def test_add_task_with_end_before_start_is_refused(client_as, demo):
    warm = tasks_of(demo)[1].phase
    url = f"/campaigns/{demo.pk}/plan/phases/{warm.pk}/tasks/new/"
    response = client_as("lead").post(url, {"phase": warm.pk, "start_date": "2024-06-12", "end_date": "2024-06-11",
                                            "title": "x", "status": "not_started"}, **HX)
    assert response.status_code == 422
    assert END_BEFORE_START in response.content.decode()
    assert Task.objects.filter(campaign=demo).count() == 5


def test_delete_a_task(client_as, demo, plan_url):
    task = tasks_of(demo)[4]
    client = client_as("lead")
    confirm = client.get(task_url(task, "delete/"))
    assert confirm.status_code == 200 and "数据汇总与报告" in confirm.content.decode()
    response = client.post(task_url(task, "delete/"), **HX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#pg-{task.phase_id}"
    assert titles(response) == []
    assert not Task.objects.filter(pk=task.pk).exists()
    assert AuditEntry.objects.filter(action="task.delete", object_id=task.pk).count() == 1


def test_move_a_task_up_and_down_within_its_phase(client_as, demo, users):
    warm = tasks_of(demo)[1].phase
    for title in ("B", "C"):
        services.task_create(campaign=demo, actor=users["lead"], phase=warm, title=title)
    c_task = Task.objects.get(title="C")
    client = client_as("lead")
    response = client.post(task_url(c_task, "move/"), {"direction": "up"}, **HX)
    assert response.status_code == 200
    assert titles(response) == ["小红书/抖音内容发布与达人对接", "C", "B"]
    response = client.post(task_url(c_task, "move/"), {"direction": "up"}, **HX)
    assert titles(response) == ["C", "小红书/抖音内容发布与达人对接", "B"]
    response = client.post(task_url(c_task, "move/"), {"direction": "up"}, **HX)  # already first
    assert titles(response) == ["C", "小红书/抖音内容发布与达人对接", "B"]
    client.post(task_url(c_task, "move/"), {"direction": "down"})
    assert list(Task.objects.filter(phase=warm).order_by("order").values_list("title", "order")) == [
        ("小红书/抖音内容发布与达人对接", 1), ("C", 2), ("B", 3)]


# ---- phases --------------------------------------------------------------------------------------

def test_add_edit_and_delete_a_phase(client_as, demo):
    client = client_as("lead")
    base = f"/campaigns/{demo.pk}/plan/phases/"
    assert doc(client.get(base + "new/", **HX)).find_all("tr", "phase-edit")[0].attrs["id"] == "ph-new"
    response = client.post(base + "new/", {"name": "618 返场", "kind": "custom", "start_date": "2024-07-01",
                                           "end_date": "2024-07-03", "order": "6"}, **HX)
    assert response.status_code == 200 and response["HX-Retarget"] == "#plan-table-wrap"
    phase = Phase.objects.get(campaign=demo, name="618 返场")
    assert [ph.find_all("span", "phase-name")[0].text() for ph in doc(response).find_all("tr", "phase-row")][-1] == (
        "618 返场")
    response = client.post(f"{base}{phase.pk}/edit/", {"name": "618 返场期", "kind": "continuation",
                                                       "start_date": "2024-07-01", "end_date": "2024-07-05",
                                                       "order": "0", "version": "1"}, **HX)
    assert response.status_code == 200
    phase.refresh_from_db()
    assert (phase.name, phase.kind, phase.end_date, phase.order, phase.version) == (
        "618 返场期", "continuation", D(2024, 7, 5), 0, 2)
    assert doc(response).find_all("tr", "phase-row")[0].find_all("span", "phase-name")[0].text() == "618 返场期"
    response = client.post(f"{base}{phase.pk}/delete/", **HX)
    assert response.status_code == 200
    assert not Phase.objects.filter(pk=phase.pk).exists()


def test_phase_edit_refuses_end_before_start_and_stale_versions(client_as, demo, users):
    phase = Phase.objects.get(campaign=demo, order=1)
    client = client_as("lead")
    url = f"/campaigns/{demo.pk}/plan/phases/{phase.pk}/edit/"
    good = {"name": "筹备期", "kind": "preparation", "start_date": "2024-06-01", "end_date": "2024-06-07",
            "order": "1", "version": "1"}
    before = phase_snapshot(demo)
    response = client.post(url, good | {"end_date": "2024-05-01"}, **HX)
    assert response.status_code == 422 and END_BEFORE_START in response.content.decode()
    services.phase_update(phase=Phase.objects.get(pk=phase.pk), actor=users["product"], version=1, name="筹备")
    before = phase_snapshot(demo)
    response = client.post(url, good | {"name": "筹备阶段"}, **HX)
    assert response.status_code == 409
    assert "Someone else changed this item in the meantime" in response.content.decode()
    assert phase_snapshot(demo) == before


def test_deleting_a_phase_deletes_its_tasks(client_as, demo):
    phase = Phase.objects.get(campaign=demo, order=5)
    client = client_as("lead")
    confirm = client.get(f"/campaigns/{demo.pk}/plan/phases/{phase.pk}/delete/")
    assert "The phase “复盘期” and its 1 task will be deleted." in doc(confirm).text()
    response = client.post(f"/campaigns/{demo.pk}/plan/phases/{phase.pk}/delete/")
    assert response.status_code == 302
    assert titles(client.get(f"/campaigns/{demo.pk}/plan/")) == SEED_TITLES[:4]


# ---- access --------------------------------------------------------------------------------------

def endpoints(campaign) -> list[tuple[str, str]]:
    """(method, url) of every plan endpoint of `campaign`."""
    task = Task.objects.filter(campaign=campaign).order_by("id").first()
    phase = task.phase
    t, p = f"/campaigns/{campaign.pk}/plan/tasks/{task.pk}/", f"/campaigns/{campaign.pk}/plan/phases/{phase.pk}/"
    return [
        ("get", f"/campaigns/{campaign.pk}/plan/"), ("get", t), ("post", t), ("get", t + "edit/"),
        ("post", t + "status/"), ("post", t + "move/"), ("get", t + "delete/"), ("post", t + "delete/"),
        ("get", p), ("get", p + "edit/"), ("post", p + "edit/"), ("get", p + "delete/"), ("post", p + "delete/"),
        ("get", p + "tasks/new/"), ("post", p + "tasks/new/"),
        ("get", f"/campaigns/{campaign.pk}/plan/phases/new/"), ("post", f"/campaigns/{campaign.pk}/plan/phases/new/"),
    ]


WRITE_DATA = {"title": "x", "status": "done", "direction": "up", "name": "x", "kind": "custom",
              "start_date": "2024-06-01", "end_date": "2024-06-02", "version": "1"}


def test_endpoints_cover_every_campaign_url_of_the_app(demo):
    from campaignops.planning import urls

    names = {p.name for p in urls.urlpatterns if "pk" in p.pattern.converters}
    assert names == {"plan", "phase_new", "phase", "phase_edit", "phase_delete", "task_new", "task", "task_edit",
                     "task_status", "task_move", "task_delete"}
    assert len(endpoints(demo)) == 17


@pytest.mark.parametrize("htmx", [False, True])
def test_outsider_gets_404_on_every_endpoint(client_as, demo, htmx):
    client = client_as("outsider")
    before, phases = snapshot(demo), phase_snapshot(demo)
    for url in {url for _method, url in endpoints(demo)}:
        for method in ("get", "post"):      # whatever the method: 404, never 405
            response = getattr(client, method)(url, WRITE_DATA if method == "post" else None,
                                               **(HX if htmx else {}))
            assert response.status_code == 404, (method, url)
    assert (snapshot(demo), phase_snapshot(demo)) == (before, phases)


def test_a_member_using_the_wrong_method_gets_405(client_as, demo):
    task = tasks_of(demo)[0]
    assert client_as("lead").get(task_url(task, "status/")).status_code == 405
    assert client_as("lead").post(f"/campaigns/{demo.pk}/plan/").status_code == 405


def test_viewer_reads_but_every_write_is_403(client_as, demo):
    client = client_as("viewer")
    before, phases, audited = snapshot(demo), phase_snapshot(demo), AuditEntry.objects.count()
    reads = [(m, u) for m, u in endpoints(demo) if m == "get" and u.endswith(("/plan/", "/edit/", "/new/",
                                                                                "/delete/")) is False]
    reads.append(("get", f"/campaigns/{demo.pk}/plan/"))
    assert len(reads) == 3  # the page, a row, a phase header
    for method, url in endpoints(demo):
        response = getattr(client, method)(url, WRITE_DATA if method == "post" else None, **HX)
        if (method, url) in reads:
            assert response.status_code == 200, (method, url)
        else:
            assert response.status_code == 403, (method, url)
    assert (snapshot(demo), phase_snapshot(demo)) == (before, phases)
    assert AuditEntry.objects.count() == audited  # the demo's own rows only


def test_viewer_sees_no_edit_affordances(client_as, plan_url, demo):
    response = client_as("viewer").get(plan_url)
    html = response.content.decode()
    page = doc(response)
    assert titles(response) == SEED_TITLES
    assert page.find_all("button", "js-st") == [] and page.find_all("a", "js-edit") == []
    assert "data-u=" not in html and "hx-post" not in html and "/edit/" not in html and "/tasks/new/" not in html
    assert "Add phase" not in html and 'id="status-menu-tpl"' not in html
    assert [b.text() for b in page.find_all("span", "st")] == ["Not started"] * 5
    assert "Read only" in page.find_all("div", "plan-header")[0].text()


def test_rows_of_another_campaign_are_404_through_this_campaigns_urls(client_as, demo, users):
    other = services.campaign_create_from_template(
        template=services.PlanTemplate.objects.get(language="en"), actor=users["lead"], name="Other",
        start_date=D(2026, 6, 1))
    foreign = Task.objects.filter(campaign=other).first()
    client = client_as("lead")
    assert client.get(f"/campaigns/{demo.pk}/plan/tasks/{foreign.pk}/edit/", **HX).status_code == 404
    assert client.post(f"/campaigns/{demo.pk}/plan/tasks/{foreign.pk}/", {"title": "x"}, **HX).status_code == 404
    assert client.get(f"/campaigns/{demo.pk}/plan/phases/{foreign.phase_id}/edit/", **HX).status_code == 404
    assert Task.objects.get(pk=foreign.pk).title == foreign.title


def test_anonymous_is_sent_to_sign_in(client, plan_url):
    response = client.get(plan_url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_site_admin_who_is_not_a_member_may_edit(demo, plan_url):
    from django.test import Client

    admin = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    client = Client()
    client.force_login(admin)
    task = tasks_of(demo)[0]
    assert client.get(plan_url).status_code == 200
    assert client.post(task_url(task, "status/"), {"status": "done", "version": 1}, **HX).status_code == 200
    assert Campaign.objects.get(pk=demo.pk).tasks.get(pk=task.pk).status == "done"


# ---- the working-day calendar --------------------------------------------------------------------

CAL = "/campaigns/calendar/"


def day_cell(page: Node, day: str) -> Node:
    return page.find_all("td", data_date=day)[0]


def test_calendar_shows_dragon_boat_day_off_and_a_make_up_working_day_in_chinese(client_as, settings):
    client = client_as("viewer")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.get(CAL + "?country=CN&year=2024")
    assert response.status_code == 200
    page = doc(response)
    cell = day_cell(page, "2024-06-10")
    assert cell.attrs["class"].split() == ["holiday"] and cell.attrs["title"] == "端午节" and cell.text() == "10"
    assert day_cell(page, "2024-02-04").attrs["class"].split() == ["makeup"]
    assert day_cell(page, "2024-06-08").attrs["class"].split() == ["weekend"]
    assert day_cell(page, "2024-06-11").attrs["class"].split() == ["work"]
    june = [n.text() for n in page.find_all("ul", "cal-notes")[5].find_all("li")]
    assert june == ["06-10 端午节"]
    assert page.find_all("ul", "cal-notes")[1].find_all("li")[0].text().startswith("02-04 ")


def test_calendar_in_english_names_the_holiday_in_english(client_as):
    page = doc(client_as("lead").get(CAL + "?country=CN&year=2024"))
    assert day_cell(page, "2024-06-10").attrs["title"] == "Dragon Boat Festival"
    assert day_cell(page, "2024-02-04").attrs["title"] == "Make-up working day"
    assert page.find_all("form", "override-form") == []   # not a site admin


def test_calendar_warns_when_the_year_is_beyond_the_holiday_data(client_as):
    from campaignops.planning.domain.workdays import covered_until

    year = covered_until("CN") + 1
    page = doc(client_as("lead").get(f"{CAL}?country=CN&year={year}"))
    banner = page.find_all("div", "holiday-gap")
    assert len(banner) == 1 and str(year) in banner[0].text()
    assert doc(client_as("lead").get(CAL + "?country=CN&year=2024")).find_all("div", "holiday-gap") == []


@pytest.fixture
def staff(users):
    user = users["lead"]
    user.is_staff = True
    user.save()
    return user


def test_site_admin_adds_and_removes_an_override(client_as, staff):
    client = client_as("lead")
    response = client.post(CAL + "?country=CN&year=2024", {"date": "2024-06-11", "is_working_day": "0",
                                                            "note": "公司团建"})
    assert response.status_code == 302 and response["Location"] == CAL + "?country=CN&year=2024"
    override = WorkdayOverride.objects.get()
    assert (override.country, override.date, override.is_working_day, override.note) == (
        "CN", D(2024, 6, 11), False, "公司团建")
    assert services.calendar_for("CN").is_working_day(D(2024, 6, 11)) is False
    page = doc(client.get(CAL + "?country=CN&year=2024"))
    assert day_cell(page, "2024-06-11").attrs["class"].split() == ["override-off"]
    assert "公司团建" in page.find_all("table", "override-list")[0].text()
    client.post(CAL + "?country=CN&year=2024", {"date": "2024-06-11", "is_working_day": "1", "note": "改回"})
    assert WorkdayOverride.objects.get().is_working_day is True
    response = client.post(f"{CAL}overrides/{override.pk}/delete/")
    assert response.status_code == 302
    assert not WorkdayOverride.objects.exists()
    assert list(AuditEntry.objects.filter(action__startswith="workday_override").order_by("id")
                .values_list("action", flat=True)) == [
        "workday_override.set", "workday_override.set", "workday_override.delete"]


def test_override_form_errors_are_shown(client_as, staff):
    response = client_as("lead").post(CAL + "?country=CN&year=2024", {"date": "2024-02-30", "is_working_day": "0"})
    assert response.status_code == 422
    assert "Enter a valid date." in response.content.decode()
    assert not WorkdayOverride.objects.exists()


def test_members_who_are_not_site_admins_cannot_change_the_calendar(client_as, users):
    override = WorkdayOverride.objects.create(country="CN", date=D(2024, 6, 11), is_working_day=False)
    client = client_as("lead")
    assert client.post(CAL, {"date": "2024-06-12", "is_working_day": "0"}).status_code == 403
    assert client.post(f"{CAL}overrides/{override.pk}/delete/").status_code == 403
    assert list(WorkdayOverride.objects.values_list("date", flat=True)) == [D(2024, 6, 11)]


def test_override_service_refuses_non_admins(users):
    from campaignops.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.workday_override_set(country="CN", date=D(2024, 6, 11), is_working_day=False, actor=users["lead"])
    assert not WorkdayOverride.objects.exists()


def test_unknown_country_falls_back_to_china(client_as):
    page = doc(client_as("lead").get(CAL + "?country=XX&year=2024"))
    assert day_cell(page, "2024-06-10").attrs["class"].split() == ["holiday"]


def test_fragments_run_a_fixed_number_of_queries_whatever_the_plan_size(client_as, demo, users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("lead")

    def counts() -> list[int]:
        task = Task.objects.get(campaign=demo, title="小红书/抖音内容发布与达人对接")
        out = []
        for method, url, data in [("get", task_url(task), None), ("get", task_url(task, "edit/"), None),
                                  ("post", task_url(task, "status/"), {"status": "done", "version": task.version}),
                                  ("post", task_url(task, "move/"), {"direction": "down"})]:
            with CaptureQueriesContext(connection) as ctx:
                assert getattr(client, method)(url, data, **HX).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    warm = Phase.objects.get(campaign=demo, order=2)
    services.task_create(campaign=demo, actor=users["lead"], phase=warm, title="second")  # something to swap with
    small = counts()
    _grow(demo, 50, users["lead"])
    assert counts() == small
    assert small == FRAGMENT_QUERIES


def test_plan_page_warns_when_the_campaign_runs_beyond_the_holiday_data(client_as, demo, users, plan_url):
    from campaignops.planning.domain.workdays import covered_until

    year = covered_until("CN") + 1
    assert doc(client_as("lead").get(plan_url)).find_all("div", "alert-warning") == []
    Campaign.objects.filter(pk=demo.pk).update(end_date=D(year, 1, 15))
    banner = doc(client_as("lead").get(plan_url)).find_all("div", "alert-warning")
    assert len(banner) == 1 and f"There is no holiday data for {year} yet" in banner[0].text()
