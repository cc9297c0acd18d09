"""Export -> import round trips, real files (LibreOffice, ClickUp, Trello, CSV encodings), the preview
and the all-or-nothing apply."""

import codecs
import datetime as dt

import pytest
from django.utils import translation

from campaignops.campaigns.models import Channel
from campaignops.campaigns.services import campaign_create
from campaignops.core.errors import ValidationFailed
from campaignops.core.models import AuditEntry
from campaignops.core.spreadsheets import guard_upload
from campaignops.planning import services
from campaignops.planning.io import importer
from campaignops.planning.io.export import export_filename, export_plan
from campaignops.planning.io.importer import PlanChanged, plan_import_apply, preview_upload
from campaignops.planning.models import Phase, Task
from campaignops.planning.seed import SEED_ROWS

from .io_files import DATA, EN_HEADERS, ZH_HEADERS, csv_bytes, edit_xlsx, plan_state, sheet_values, xlsx


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English whatever language an earlier test left active."""
    with translation.override("en"):
        yield

D = dt.date


def preview(campaign, data: bytes, name: str = "plan.xlsx", lang: str = "zh-hans"):
    return preview_upload(campaign=campaign, upload=guard_upload(name, data), lang=lang)


def apply(campaign, data: bytes, actor, name: str = "plan.xlsx", lang: str = "zh-hans"):
    result = preview(campaign, data, name, lang)
    assert result.errors == [], [str(e) for e in result.errors]
    return plan_import_apply(campaign=campaign, actor=actor, rows=result.parsed.rows,
                             columns=importer.column_names(result.parsed.header))


@pytest.fixture
def fresh(users):
    """An empty campaign led by the demo lead (王芳 Wang Fang), the only member."""
    return campaign_create(actor=users["lead"], name="新活动", start_date=D(2024, 6, 1), end_date=D(2024, 6, 30))


# ---- export -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_export_in_chinese_has_the_seed_columns_then_ours(demo):
    rows = sheet_values(export_plan(campaign=demo, lang="zh-hans"))
    first = Task.objects.get(campaign=demo, phase__order=1)
    assert rows[0] == ZH_HEADERS
    assert rows[1] == ["筹备期", "2024-06-01 ~ 2024-06-07", "王芳 Wang Fang", "确认目标、细化方案", "输出《目标确认书》和《执行细则表》",
                       "市场部与产品部协同", "目标分歧：召开对齐会", "销售部须参与目标制定", "未开始", None, None, None, None, first.pk]
    assert rows[2][:3] == ["预热期（线上）", "2024-06-08 ~ 2024-06-14", "王芳 Wang Fang"]
    assert rows[2][8:13] == ["未开始", "小红书", "篇笔记", 4, None]
    assert [r[0] for r in rows[1:]] == ["筹备期", "预热期（线上）", "爆发期（直播+线下）", "收尾期", "复盘期"]


@pytest.mark.django_db
def test_export_in_english(demo):
    rows = sheet_values(export_plan(campaign=demo, lang="en"))
    assert rows[0] == EN_HEADERS
    assert rows[2][8:12] == ["Not started", "Xiaohongshu", "篇笔记", 4]
    assert rows[4][2] == "赵六"


@pytest.mark.django_db
def test_export_groups_rows_by_phase_order(demo, users):
    review = Phase.objects.get(campaign=demo, kind="review")
    services.phase_update(phase=review, actor=users["lead"], version=review.version, order=0)
    rows = sheet_values(export_plan(campaign=demo, lang="en"))
    assert [r[0] for r in rows[1:]] == ["复盘期", "筹备期", "预热期（线上）", "爆发期（直播+线下）", "收尾期"]


@pytest.mark.django_db
def test_export_neutralises_formula_like_text(demo, users):
    task = Task.objects.get(campaign=demo, phase__order=1)
    services.task_update(task=task, actor=users["lead"], version=task.version, title="=cmd|' /C calc'!A0",
                         notes="@SUM(1+1)")
    import io

    import openpyxl
    sheet = openpyxl.load_workbook(io.BytesIO(export_plan(campaign=demo, lang="en"))).worksheets[0]
    assert (sheet["D2"].value, sheet["D2"].data_type, sheet["D2"].quotePrefix) == ("=cmd|' /C calc'!A0", "s", True)
    assert (sheet["H2"].value, sheet["H2"].quotePrefix) == ("@SUM(1+1)", True)
    assert sheet["E2"].quotePrefix is False


@pytest.mark.django_db
def test_export_runs_two_queries_whatever_the_plan_size(demo, users, django_assert_num_queries):
    with django_assert_num_queries(2):            # channels, tasks (joined)
        export_plan(campaign=demo, lang="zh-hans")
    phase = Phase.objects.get(campaign=demo, order=2)
    Task.objects.bulk_create([Task(campaign=demo, phase=phase, order=10 + i, start_date=phase.start_date,
                                   end_date=phase.end_date, owner=users["sales"], title=f"t{i}") for i in range(40)])
    with django_assert_num_queries(2):
        assert len(sheet_values(export_plan(campaign=demo, lang="zh-hans"))) == 46


@pytest.mark.django_db
def test_export_file_name(demo):
    assert export_filename(demo, "zh-hans", D(2024, 6, 1)) == (
        "夏日清凉季新品体验日 · Summer Cool Season new product experience day - 计划 2024-06-01.xlsx")
    demo.name = 'a/b:c*"d"'
    assert export_filename(demo, "en", D(2024, 6, 1)) == "a b c d - plan 2024-06-01.xlsx"


# ---- round trip ---------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_export_then_import_reports_zero_changes_and_applying_it_writes_nothing(demo, users, lang):
    data = export_plan(campaign=demo, lang=lang)
    result = preview(demo, data, lang=lang)
    assert result.errors == [] and result.warnings == []
    assert result.preview.counts == {"new": 0, "changed": 0, "unchanged": 5}
    assert result.preview.new_phases == [] and result.preview.not_in_file == 0
    before = plan_state(demo)
    summary = plan_import_apply(campaign=demo, actor=users["lead"], rows=result.parsed.rows)
    assert summary.as_dict() == {"created": 0, "updated": 0, "unchanged": 5, "phases_created": 0}
    after = plan_state(demo)
    assert after["tasks"] == before["tasks"] and after["phases"] == before["phases"]
    assert after["audit"] == before["audit"] + 1             # the import itself is recorded


@pytest.mark.django_db
def test_preview_runs_four_queries_whatever_the_plan_size(demo, users, django_assert_num_queries):
    data = export_plan(campaign=demo, lang="zh-hans")
    with django_assert_num_queries(4):            # channels, tasks, phases, members
        preview(demo, data)
    phase = Phase.objects.get(campaign=demo, order=2)
    Task.objects.bulk_create([Task(campaign=demo, phase=phase, order=10 + i, start_date=phase.start_date,
                                   end_date=phase.end_date, owner=users["sales"], title=f"t{i}") for i in range(40)])
    data = export_plan(campaign=demo, lang="zh-hans")
    with django_assert_num_queries(4):
        assert preview(demo, data).preview.counts["unchanged"] == 45


@pytest.mark.django_db
def test_edited_cells_are_reported_and_applied_with_new_versions(demo, users):
    data = export_plan(campaign=demo, lang="zh-hans")
    edited = edit_xlsx(data, {"H2": "销售部与产品部都须参与", "B3": "2024-06-08 ~ 06-15", "C4": "赵六", "I5": "进行中",
                              "J6": "抖音", "L6": 3})
    result = preview(demo, edited)
    assert result.errors == []
    p = result.preview
    assert p.counts == {"new": 0, "changed": 5, "unchanged": 0}
    changes = {r.row: r.changes for r in p.rows}
    assert changes[2] == {"notes": ("销售部须参与目标制定", "销售部与产品部都须参与")}
    assert changes[3] == {"end_date": (D(2024, 6, 14), D(2024, 6, 15))}
    assert changes[4] == {"owner": ("李明 Li Ming", "赵六")}
    assert changes[5] == {"status": ("not_started", "in_progress")}
    douyin = Channel.objects.get(code="douyin").pk
    assert changes[6] == {"channel": (None, douyin), "deliverables_planned": (None, 3)}
    before = {t.pk: t.version for t in Task.objects.filter(campaign=demo)}
    summary = plan_import_apply(campaign=demo, actor=users["lead"], rows=result.parsed.rows,
                                expected_fingerprint=p.fingerprint)
    assert summary.as_dict() == {"created": 0, "updated": 5, "unchanged": 0, "phases_created": 0}
    tasks = {t.phase.order: t for t in Task.objects.filter(campaign=demo).select_related("phase")}
    assert tasks[1].notes == "销售部与产品部都须参与"
    assert tasks[2].end_date == D(2024, 6, 15)
    assert (tasks[3].owner, tasks[3].owner_name) == (users["logistics"], "")
    assert tasks[4].status == "in_progress"
    assert (tasks[5].channel.code, tasks[5].deliverables_planned) == ("douyin", 3)
    assert all(t.version == before[t.pk] + 1 for t in tasks.values())
    updates = AuditEntry.objects.filter(campaign_id=demo.pk, action="task.update").order_by("object_id")
    assert updates.count() == 5
    assert updates.get(object_id=tasks[1].pk).changes == {"notes": ["销售部须参与目标制定", "销售部与产品部都须参与"]}
    entry = AuditEntry.objects.get(campaign_id=demo.pk, action="plan.import")
    assert (entry.actor, entry.summary) == (users["lead"], "-: 0 new, 5 changed, 0 unchanged")
    assert preview(demo, export_plan(campaign=demo, lang="zh-hans")).preview.counts["changed"] == 0


@pytest.mark.django_db
def test_a_plan_changed_since_the_preview_is_refused_and_nothing_is_written(demo, users):
    result = preview(demo, edit_xlsx(export_plan(campaign=demo, lang="zh-hans"), {"H2": "new notes"}))
    task = Task.objects.get(campaign=demo, phase__order=3)
    services.task_update(task=task, actor=users["sales"], version=task.version, notes="edited meanwhile")
    before = plan_state(demo)
    with pytest.raises(PlanChanged) as info:
        plan_import_apply(campaign=demo, actor=users["lead"], rows=result.parsed.rows,
                          expected_fingerprint=result.preview.fingerprint)
    assert info.value.status == 409
    assert "changed since this preview" in str(info.value.message)
    assert plan_state(demo) == before


@pytest.mark.django_db(transaction=True)
def test_apply_is_all_or_nothing(demo, users, monkeypatch):
    data = edit_xlsx(export_plan(campaign=demo, lang="zh-hans"), {"H2": "changed", "A7": "新阶段", "B7": "7/1-7/3",
                                                                  "D7": "新任务"})
    result = preview(demo, data)
    assert result.preview.counts == {"new": 1, "changed": 1, "unchanged": 4}
    before = plan_state(demo)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "_audit", boom)
    with pytest.raises(RuntimeError):
        plan_import_apply(campaign=demo, actor=users["lead"], rows=result.parsed.rows)
    assert plan_state(demo) == before


@pytest.mark.django_db
def test_new_rows_and_new_phases(demo, users):
    data = edit_xlsx(export_plan(campaign=demo, lang="zh-hans"), {
        "A7": "复盘期", "B7": "", "D7": "归档经验教训", "C7": "王芳",
        "A8": "返场期", "B8": "7/1-7/3", "D8": "返场直播", "C8": "钱七", "I8": "已完成",
        "A9": "", "B9": "2024-07-05", "D9": "返场总结",           # the phase cell merged from above
    })
    result = preview(demo, data)
    assert result.errors == []
    p = result.preview
    assert p.counts == {"new": 3, "changed": 0, "unchanged": 5}
    assert [(n.name, n.kind, n.start_date, n.end_date, n.order) for n in p.new_phases] == [
        ("返场期", "continuation", D(2024, 7, 1), D(2024, 7, 5), 6)]
    new = [r for r in p.rows if r.action == "new"]
    assert [(r.row, r.phase, r.owner_unmatched) for r in new] == [(7, "复盘期", False), (8, "返场期", True),
                                                                  (9, "返场期", False)]
    assert [str(w) for w in p.warnings] == [
        "Row 8, column C “负责人”: “钱七” is not a member of this campaign: kept as the owner's name, to be matched later."]
    summary = plan_import_apply(campaign=demo, actor=users["lead"], rows=result.parsed.rows)
    assert summary.as_dict() == {"created": 3, "updated": 0, "unchanged": 5, "phases_created": 1}
    review = Task.objects.get(campaign=demo, title="归档经验教训")
    assert (review.phase.name, review.start_date, review.end_date, review.owner, review.order) == (
        "复盘期", D(2024, 6, 24), D(2024, 6, 30), users["lead"], 2)       # the phase's window
    encore = Task.objects.get(campaign=demo, title="返场直播")
    assert (encore.owner, encore.owner_name, encore.owner_unmatched, encore.status) == (None, "钱七", True, "done")
    assert Phase.objects.get(campaign=demo, name="返场期").kind == "continuation"
    assert AuditEntry.objects.filter(campaign_id=demo.pk, action="task.create").count() == 3


def test_a_kept_owner_name_who_has_joined_since_becomes_the_owner_on_reimport(demo, users):
    """An unchanged row is unchanged only while its kept owner name matches nobody: once 钱七 joins
    the team, re-importing the same file makes the member the owner."""
    from django.contrib.auth import get_user_model

    from campaignops.accounts.models import Profile
    from campaignops.campaigns.services import member_add

    task = Task.objects.filter(campaign=demo).order_by("pk").first()
    Task.objects.filter(pk=task.pk).update(owner=None, owner_name="钱七")
    data = export_plan(campaign=demo, lang="zh-hans")
    assert preview(demo, data).preview.counts == {"new": 0, "changed": 0, "unchanged": 5}
    qian = get_user_model().objects.create(username="qianqi", first_name="七", last_name="钱")
    Profile.objects.create(user=qian, display_name="钱七")
    member_add(campaign=demo, actor=users["lead"], user=qian, role="execution")
    p = preview(demo, data).preview
    assert p.counts == {"new": 0, "changed": 1, "unchanged": 4}
    changed = next(r for r in p.rows if r.action == "changed")
    assert (changed.task_id, changed.owner_id, changed.owner_unmatched, changed.changes) == (
        task.pk, qian.pk, False, {"owner": ("钱七", "钱七")})


@pytest.mark.django_db
def test_rows_without_ids_match_by_phase_and_core_task(demo):
    rows = [[r["zh"][0], f"{r['start']:%m/%d}-{r['end']:%m/%d}", "", r["zh"][2], r["zh"][3], r["zh"][4], r["zh"][5],
             r["zh"][6]] for r in SEED_ROWS]
    rows[0][2], rows[1][2], rows[2][2], rows[3][2], rows[4][2] = "lead", "Wang Fang", "李明", "赵六", "王芳"
    rows[4][7] = "改了备注"
    result = preview(demo, xlsx(ZH_HEADERS[:8], rows))
    assert result.errors == []
    assert result.preview.counts == {"new": 0, "changed": 1, "unchanged": 4}
    assert [r.changes for r in result.preview.rows if r.changes] == [{"notes": ("召开跨部门复盘会", "改了备注")}]


@pytest.mark.django_db
def test_an_id_renames_a_task(demo):
    data = edit_xlsx(export_plan(campaign=demo, lang="en"), {"D2": "确认目标", "A2": "Kick-off"})
    p = preview(demo, data, lang="en").preview
    assert p.counts == {"new": 0, "changed": 1, "unchanged": 4}
    assert p.rows[0].changes == {"phase": ("筹备期", "Kick-off"), "title": ("确认目标、细化方案", "确认目标")}
    assert [(n.name, n.kind) for n in p.new_phases] == [("Kick-off", "preparation")]


# ---- refusals -----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_an_impossible_date_is_refused_naming_its_row_and_column(demo):
    data = edit_xlsx(export_plan(campaign=demo, lang="zh-hans"), {"B4": "2024-02-30 ~ 2024-03-02", "H2": "edited"})
    result = preview(demo, data)
    assert not result.ok
    assert [str(e) for e in result.errors] == ["Row 4, column B “时间节点”: “2024-02-30” is not a real date."]
    assert result.errors[0].as_dict() == {"row": 4, "column": "时间节点", "column_letter": "B",
                                          "message": "“2024-02-30” is not a real date."}
    with pytest.raises(ValidationFailed) as info:
        raise result.refusal()
    assert info.value.status == 422 and info.value.details[0]["row"] == 4


@pytest.mark.django_db
def test_every_problem_is_listed_with_its_row_and_column(demo):
    data = edit_xlsx(export_plan(campaign=demo, lang="en"), {
        "B2": "6/7-6/1", "D3": "", "J4": "Myspace", "L5": "three", "N6": demo.tasks.order_by("id").first().pk,
        "A7": "New", "D7": "x" * 301, "B7": "soon",
    })
    assert [str(e) for e in preview(demo, data, lang="en").errors] == [
        "Row 2, column B “Time window”: The end date is before the start date (“6/7-6/1”).",
        "Row 3, column D “Core task”: Enter the core task.",
        "Row 4, column J “Channel”: Unknown channel “Myspace”: use a channel of the catalogue or leave the cell empty.",
        "Row 5, column L “Planned”: “three” is not a whole number.",
        f"Row 6, column N “ID”: ID {demo.tasks.order_by('id').first().pk} is also on row 2: each task can appear only once.",
        "Row 7, column D “Core task”: Too long: at most 300 characters (this cell has 301).",
        "Row 7, column B “Time window”: “soon” is not a time window we understand: write it like 2024-06-01 ~ "
        "2024-06-07 or 6/1-6/7.",
    ]


@pytest.mark.django_db
def test_a_new_row_needs_dates_when_its_phase_has_none(demo):
    data = xlsx(EN_HEADERS[:8], [["Encore", "", "", "Replay", "", "", "", ""]])
    result = preview(demo, data, lang="en")
    assert [str(e) for e in result.errors] == [
        "Row 2, column B “Time window”: Enter the time window: the row is new and its phase has no dates yet."]


@pytest.mark.django_db
@pytest.mark.parametrize("headers, message", [
    (["Owner", "Notes"], "No header row was found: the first rows must name the columns (Phase, Time window, Owner, "
                         "Core task, Completion standard, Resource needs, Risk plan, Notes)."),
    (["Core task", "Owner"], "The file has no phase column (“Phase”, or “List Name” in ClickUp and Trello files)."),
])
def test_a_file_without_the_needed_columns(demo, headers, message):
    assert [str(e) for e in preview(demo, xlsx(headers, [["a", "b"]]), lang="en").errors] == [message]


@pytest.mark.django_db
def test_unknown_status_is_a_warning_and_keeps_the_status(demo):
    data = edit_xlsx(export_plan(campaign=demo, lang="en"), {"I2": "Waiting for Godot"})
    result = preview(demo, data, lang="en")
    assert result.errors == []
    assert [str(w) for w in result.warnings] == [
        "Row 2, column I “Status”: Unknown status “Waiting for Godot”: the status is left as it is."]
    assert result.preview.counts["changed"] == 0


# ---- real files ---------------------------------------------------------------------------------

SEED_ZH = [(r["zh"][0], r["start"], r["end"], r["zh"][2], r["zh"][3], r["zh"][4], r["zh"][5], r["zh"][6])
           for r in SEED_ROWS]


@pytest.mark.django_db
def test_the_seed_plan_saved_by_libreoffice_matches_the_demo(demo):
    result = preview(demo, (DATA / "seed_plan_libreoffice.xlsx").read_bytes())
    assert result.errors == [] and result.warnings == []
    assert result.preview.counts == {"new": 0, "changed": 0, "unchanged": 5}


@pytest.mark.django_db
def test_the_seed_plan_saved_by_libreoffice_imports_all_rows_and_columns(fresh, users):
    summary = apply(fresh, (DATA / "seed_plan_libreoffice.xlsx").read_bytes(), users["lead"])
    assert summary.as_dict() == {"created": 5, "updated": 0, "unchanged": 0, "phases_created": 5}
    tasks = Task.objects.filter(campaign=fresh).select_related("phase", "owner").order_by("phase__order")
    assert [(t.phase.name, t.start_date, t.end_date, t.title, t.completion_standard, t.resource_needs, t.risk_plan,
             t.notes) for t in tasks] == SEED_ZH
    assert [(t.owner, t.owner_name) for t in tasks] == [
        (users["lead"], ""), (users["lead"], ""), (None, "李明"), (None, "赵六"), (users["lead"], "")]
    assert [(p.name, p.kind, p.start_date, p.end_date) for p in Phase.objects.filter(campaign=fresh)] == [
        (r["zh"][0], r["kind"], r["start"], r["end"]) for r in SEED_ROWS]


@pytest.mark.django_db
def test_libreoffice_real_date_cells_in_start_and_end_columns(fresh, users):
    summary = apply(fresh, (DATA / "seed_plan_en_dates_libreoffice.xlsx").read_bytes(), users["lead"], lang="en")
    assert summary.created == 5
    tasks = Task.objects.filter(campaign=fresh).order_by("phase__order")
    assert [(t.phase.name, t.start_date, t.end_date, t.title, t.owner_name) for t in tasks] == [
        (r["en"][0], r["start"], r["end"], r["en"][2], r["en"][1]) for r in SEED_ROWS]


@pytest.mark.django_db
def test_a_clickup_csv(demo, users):
    headers = ["Task ID", "Task Name", "Task Content", "Status", "Date Created", "Date Created Text", "Due Date",
               "Due Date Text", "Start Date", "Start Date Text", "Assignees", "Priority", "List Name", "Folder Name"]
    rows = [
        ["86a1", "KOL brief", "Send the brief to 3 KOLs", "in progress", "1717200000000", "", "1717689600000",
         "Friday, June 7th 2024", "1717430400000", "", "[Li Ming]", "high", "预热期（线上）", "Summer"],
        ["86a2", "Venue booking", "", "to do", "", "", "06/20/2024", "", "06/18/2024", "", "[]", "",
         "Launch day", "Summer"],
    ]
    result = preview(demo, csv_bytes(headers, rows), name="clickup.csv", lang="en")
    assert result.errors == []
    p = result.preview
    assert (p.counts, p.not_in_file) == ({"new": 2, "changed": 0, "unchanged": 0}, 5)
    assert [(n.name, n.kind, n.start_date, n.end_date) for n in p.new_phases] == [
        ("Launch day", "burst", D(2024, 6, 18), D(2024, 6, 20))]
    plan_import_apply(campaign=demo, actor=users["lead"], rows=result.parsed.rows)
    kol = Task.objects.get(campaign=demo, title="KOL brief")
    assert (kol.phase.name, kol.start_date, kol.end_date, kol.status, kol.owner, kol.notes) == (
        "预热期（线上）", D(2024, 6, 4), D(2024, 6, 7), "in_progress", users["sales"], "Send the brief to 3 KOLs")
    venue = Task.objects.get(campaign=demo, title="Venue booking")
    assert (venue.start_date, venue.end_date, venue.status, venue.owner, venue.owner_name) == (
        D(2024, 6, 18), D(2024, 6, 20), "not_started", None, "")


@pytest.mark.django_db
def test_a_trello_csv(demo, users):
    headers = ["Card ID", "Card Name", "Card URL", "Card Description", "Labels", "Members", "Due Date", "List ID",
               "List Name", "Board Name", "Archived"]
    rows = [["c1", "Coupon deal with malls", "https://trello.com/c/1", "Ask 3 malls", "", "logistics",
             "2024-06-14T16:00:00.000Z", "l1", "爆发期（直播+线下）", "Summer", "false"],
            ["c2", "Thank-you notes", "https://trello.com/c/2", "", "", "@zhaoliu", "", "l2", "收尾期", "Summer", "false"]]
    result = preview(demo, csv_bytes(headers, rows), name="trello.csv", lang="en")
    assert result.errors == []
    assert (result.preview.counts, result.preview.not_in_file) == ({"new": 2, "changed": 0, "unchanged": 0}, 5)
    plan_import_apply(campaign=demo, actor=users["lead"], rows=result.parsed.rows)
    coupon = Task.objects.get(campaign=demo, title="Coupon deal with malls")
    assert (coupon.start_date, coupon.end_date, coupon.owner, coupon.notes) == (
        D(2024, 6, 15), D(2024, 6, 15), users["logistics"], "Ask 3 malls")       # 16:00Z is the 15th in Shanghai
    thanks = Task.objects.get(campaign=demo, title="Thank-you notes")
    assert (thanks.start_date, thanks.end_date, thanks.owner_name) == (D(2024, 6, 18), D(2024, 6, 23), "zhaoliu")


@pytest.mark.django_db
@pytest.mark.parametrize("encode, delimiter", [
    (lambda t: t.encode("utf-16"), "\t"),                       # Excel "Unicode text": UTF-16 with BOM, tabs
    (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), ","),       # Excel "CSV UTF-8": BOM
    (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), ";"),       # a European Excel
    (lambda t: t.encode("gb18030"), ","),                       # Excel "CSV" on Chinese Windows
])
def test_csv_encodings_and_dialects(demo, encode, delimiter):
    text = csv_bytes(ZH_HEADERS[:8], [[s[0], f"{s[1]} ~ {s[2]:%m-%d}", o, *s[3:]] for s, o in zip(
        SEED_ZH, ["王芳", "王芳", "李明", "赵六", "王芳"], strict=True)], delimiter=delimiter).decode()
    result = preview(demo, encode(text), name="plan.csv")
    assert result.errors == []
    assert result.preview.counts == {"new": 0, "changed": 0, "unchanged": 5}


@pytest.mark.django_db
def test_a_title_row_above_the_header_and_english_headers_in_odd_spelling(demo):
    rows = [["Summer Cool Season — execution plan", "", "", ""], ["", "", "", ""],
            ["PHASE ", "time-window", "core task*", "Notes（备注）"],
            ["筹备期", "2024-06-01 ~ 06-07", "确认目标、细化方案", "销售部须参与目标制定"]]
    data = xlsx(rows[0], rows[1:])
    result = preview(demo, data, lang="en")
    assert result.errors == []
    assert [(r.row, r.action) for r in result.preview.rows] == [(4, "unchanged")]
