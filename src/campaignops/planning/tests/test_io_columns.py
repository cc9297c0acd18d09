"""Header recognition, status words, phase kinds (pure, no database)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaignops.planning.io.columns import (
    EXPORT_FIELDS,
    HEADERS,
    SEED_FIELDS,
    Field,
    Shape,
    column_letter,
    field_for,
    find_header,
    guess_phase_kind,
    normalise_header,
    status_table,
)

ZH = ["活动阶段", "时间节点", "负责人", "核心任务", "完成标准", "资源需求", "风险预案", "备注"]
EN = ["Phase", "Time window", "Owner", "Core task", "Completion standard", "Resource needs", "Risk plan", "Notes"]


@pytest.mark.parametrize("headers", [ZH, EN])
def test_the_seed_headers_in_both_languages(headers):
    found = find_header([headers])
    assert found is not None
    assert found.columns == {f: i for i, f in enumerate(SEED_FIELDS)}
    assert found.shape == Shape.PLAN


@pytest.mark.parametrize("written, field", [
    ("  time WINDOW ", Field.WINDOW), ("Time-Window", Field.WINDOW), ("TIME_WINDOW", Field.WINDOW),
    ("核心任务*", Field.TITLE), ("时间节点（起止）", Field.WINDOW), ("时间节点(起止)", Field.WINDOW),
    ("负责人：", Field.OWNER), ("Core task", Field.TITLE), ("core-task", Field.TITLE), ("备　注", Field.NOTES),
    ("开始日期", Field.START), ("结束日期", Field.END), ("Start", Field.START), ("End", Field.END),
    ("Due Date", Field.END), ("Start Date", Field.START), ("List Name", Field.PHASE), ("List", Field.PHASE),
    ("Task Name", Field.TITLE), ("Card Name", Field.TITLE), ("Assignees", Field.OWNER), ("Members", Field.OWNER),
    ("Description", Field.NOTES), ("Card Description", Field.NOTES), ("Status", Field.STATUS), ("ID", Field.ID),
    ("状态", Field.STATUS), ("渠道", Field.CHANNEL), ("计划数量", Field.PLANNED), ("完成数量", Field.DONE),
    ("Planned", Field.PLANNED), ("Done", Field.DONE), ("Deliverable", Field.DELIVERABLE),
])
def test_headers_are_matched_whatever_their_spelling(written, field):
    assert field_for(written) is field


@pytest.mark.parametrize("written", ["Task ID", "Card ID", "序号", "编号", "Due Date Text", "Date Created",
                                     "Folder Name", "Space Name", "Priority", ""])
def test_other_columns_are_ignored(written):
    assert field_for(written) is None


def test_every_export_header_is_recognised_in_both_languages():
    for lang in ("zh", "en"):
        for f in EXPORT_FIELDS:
            assert field_for(HEADERS[lang][f]) is f


def test_title_rows_above_the_header_are_skipped():
    rows = [["夏日清凉季 执行计划表", "", ""], ["", "", ""], ZH, ["筹备期", "2024-06-01 ~ 06-07", "赵六"]]
    found = find_header(rows)
    assert found.row_index == 2
    assert found.header(Field.WINDOW) == "时间节点"


def test_no_header_without_a_core_task_column():
    assert find_header([["Phase", "Owner"], ["a", "b"]]) is None
    assert find_header([]) is None


def test_clickup_and_trello_shapes():
    clickup = ["Task ID", "Task Name", "Task Content", "Status", "Date Created", "Due Date", "Start Date",
               "Assignees", "List Name", "Folder Name"]
    found = find_header([clickup])
    assert found.shape == Shape.CLICKUP
    assert found.columns == {Field.TITLE: 1, Field.NOTES: 2, Field.STATUS: 3, Field.END: 5, Field.START: 6,
                             Field.OWNER: 7, Field.PHASE: 8}
    assert found.ignored == ["Task ID", "Date Created", "Folder Name"]
    trello = ["Card ID", "Card Name", "Card URL", "Card Description", "Labels", "Members", "Due Date",
              "List ID", "List Name", "Board Name"]
    found = find_header([trello])
    assert found.shape == Shape.TRELLO
    assert found.columns == {Field.TITLE: 1, Field.NOTES: 3, Field.OWNER: 5, Field.END: 6, Field.PHASE: 8}


def test_a_field_named_twice_keeps_the_first_column():
    found = find_header([["Core task", "Notes", "Description", "Phase"]])
    assert found.columns == {Field.TITLE: 0, Field.NOTES: 1, Field.PHASE: 3}
    assert found.ignored == ["Description"]


def test_status_words():
    table = status_table({"delayed": ["延误"]})
    assert table["进行中"] == "in_progress"
    assert table["in progress"] == "in_progress"
    assert table["complete"] == "done"
    assert table["to do"] == "not_started"
    assert table["已延期"] == "delayed"
    assert table["延误"] == "delayed"
    assert table["cancelled"] == table["canceled"] == "cancelled"


@pytest.mark.parametrize("name, kind", [
    ("筹备期", "preparation"), ("准备阶段", "preparation"), ("预热期（线上）", "warm_up"), ("Warm-up (online)", "warm_up"),
    ("爆发期（直播+线下）", "burst"), ("Burst (live + offline)", "burst"), ("收尾期", "continuation"),
    ("延续期", "continuation"), ("Wrap-up", "continuation"), ("复盘期", "review"), ("Review", "review"),
    ("Preparation", "preparation"), ("其他", "custom"),
])
def test_phase_kind_from_its_name(name, kind):
    assert guess_phase_kind(name) == kind


def test_column_letters():
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]


@given(st.sampled_from(ZH + EN), st.sampled_from(["", " ", "  ", "\t"]), st.sampled_from(["", " ", "*", "：", ":"]),
       st.booleans())
def test_header_spelling_variants_keep_their_field(header, pad, suffix, upper):
    written = pad + (header.upper() if upper else header) + suffix + pad
    assert field_for(written) is field_for(header)


@given(st.text(max_size=30))
def test_normalising_never_fails_and_is_idempotent(text):
    once = normalise_header(text)
    assert normalise_header(once) == once
