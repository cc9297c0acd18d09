"""Time windows as people type them (pure, no database)."""

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaignops.planning.io.windows import (
    WindowError,
    WindowProblem,
    YearHint,
    format_window,
    from_excel_serial,
    parse_date,
    parse_start_end,
    parse_window,
)

D = dt.date
HINT = YearHint(D(2024, 6, 1), D(2024, 6, 30))
SEED = (D(2024, 6, 1), D(2024, 6, 7))


@pytest.mark.parametrize("text", [
    "2024-06-01~06-07", "2024-06-01 ~ 06-07", "2024-06-01 ~ 2024-06-07", "2024-06-01～2024-06-07",
    "2024-06-01 〜 06-07", "2024/6/1-2024/6/7", "2024/06/01 - 2024/06/07", "2024.6.1-2024.6.7", "6/1-6/7",
    "6/1 - 6/7", "6-1~6-7", "06-01~06-07", "6月1日-6月7日", "6月1日～6月7日", "6月1日至6月7日", "2024年6月1日-6月7日",
    "2024年6月1日～2024年6月7日", "6/1-7", "6月1日-7日", "２０２４－０６－０１～０６－０７", "2024-06-01 to 2024-06-07",
    "  2024-06-01 ~ 06-07  ", "2024-06-01—2024-06-07", "June 1 - June 7", "Jun 1, 2024 – Jun 7, 2024",
])
def test_the_forms_people_type(text):
    assert parse_window(text, hint=HINT) == SEED


@pytest.mark.parametrize("value, expected", [
    ("2024-06-15", (D(2024, 6, 15), D(2024, 6, 15))),
    ("6/15", (D(2024, 6, 15), D(2024, 6, 15))),
    (D(2024, 6, 15), (D(2024, 6, 15), D(2024, 6, 15))),
    (dt.datetime(2024, 6, 15, 9, 30), (D(2024, 6, 15), D(2024, 6, 15))),
    (45458.0, (D(2024, 6, 15), D(2024, 6, 15))),     # an Excel serial day number
    (45458, (D(2024, 6, 15), D(2024, 6, 15))),
    ("20240615", (D(2024, 6, 15), D(2024, 6, 15))),
])
def test_a_single_day_or_a_real_date_cell(value, expected):
    assert parse_window(value, hint=HINT) == expected


def test_a_date_without_a_year_takes_the_campaigns_year():
    assert parse_window("6/1-6/7", hint=YearHint(D(2026, 5, 20), D(2026, 7, 1))) == (D(2026, 6, 1), D(2026, 6, 7))


def test_a_campaign_across_new_year_places_january_in_the_next_year():
    hint = YearHint(D(2024, 12, 20), D(2025, 1, 20))
    assert parse_window("1/3-1/5", hint=hint) == (D(2025, 1, 3), D(2025, 1, 5))
    assert parse_window("12/28-1/3", hint=hint) == (D(2024, 12, 28), D(2025, 1, 3))
    assert parse_window("2024-12-28~01-03", hint=HINT) == (D(2024, 12, 28), D(2025, 1, 3))


@pytest.mark.parametrize("text, problem, offending", [
    ("2024-02-30", WindowProblem.IMPOSSIBLE, "2024-02-30"),
    ("2024-02-30 ~ 2024-03-02", WindowProblem.IMPOSSIBLE, "2024-02-30"),
    ("2024-06-01 ~ 06-31", WindowProblem.IMPOSSIBLE, "06-31"),
    ("2/30-3/2", WindowProblem.IMPOSSIBLE, "2/30"),
    ("2023-02-29", WindowProblem.IMPOSSIBLE, "2023-02-29"),
    ("2024-06-07 ~ 2024-06-01", WindowProblem.END_BEFORE_START, "2024-06-07 ~ 2024-06-01"),
    ("6/7-6/1", WindowProblem.END_BEFORE_START, "6/7-6/1"),
    ("next week", WindowProblem.UNRECOGNISED, "next week"),
    ("2024-06", WindowProblem.UNRECOGNISED, "2024-06"),
    ("  ", WindowProblem.EMPTY, ""),
])
def test_problems_say_what_is_wrong_and_where(text, problem, offending):
    with pytest.raises(WindowError) as info:
        parse_window(text, hint=HINT)
    assert info.value.problem == problem
    assert info.value.text == offending


def test_an_iso_moment_with_a_zone_is_seen_in_the_campaigns_time_zone():
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    assert parse_date("2024-06-06T16:00:00.000Z", hint=HINT, tz=shanghai) == D(2024, 6, 7)
    assert parse_date("2024-06-06T16:00:00.000Z", hint=HINT) == D(2024, 6, 6)
    assert parse_date("1717689600000", hint=HINT, tz=shanghai) == D(2024, 6, 7)   # ClickUp: ms since 1970


@pytest.mark.parametrize("text, expected", [
    ("06/07/2024", D(2024, 6, 7)),                 # ClickUp / Trello: month first
    ("07.06.2024", D(2024, 6, 7)),                 # D.MM.YYYY
    ("07-06-2024", D(2024, 6, 7)),                 # DD-MM-YYYY
    ("Friday, June 7th 2024", D(2024, 6, 7)),
    ("June 7, 2024 at 4:00 pm", D(2024, 6, 7)),
    ("7 Jun 2024", D(2024, 6, 7)),
    ("2024-06-07 00:00:00", D(2024, 6, 7)),
])
def test_single_dates_from_tools(text, expected):
    assert parse_date(text, hint=HINT) == expected


def test_start_and_end_cells():
    assert parse_start_end(D(2024, 6, 1), "2024-06-07", hint=HINT) == (D(2024, 6, 1), D(2024, 6, 7))
    assert parse_start_end("", "6/7", hint=HINT) == (None, D(2024, 6, 7))
    with pytest.raises(WindowError) as info:
        parse_start_end("2024-06-07", "2024-06-01", hint=HINT)
    assert info.value.problem == WindowProblem.END_BEFORE_START


def test_excel_serials():
    assert from_excel_serial(1) == D(1899, 12, 31)
    assert from_excel_serial(45444) == D(2024, 6, 1)
    with pytest.raises(WindowError):
        from_excel_serial(-3)


# ---- properties ---------------------------------------------------------------------------------

dates = st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31))


@st.composite
def windows(draw):
    start = draw(dates)
    end = start + dt.timedelta(days=draw(st.integers(min_value=0, max_value=400)))
    return start, end


FULL_FORMS = [
    lambda s, e: format_window(s, e),
    lambda s, e: f"{s.isoformat()}~{e.isoformat()}",
    lambda s, e: f"{s.year}/{s.month}/{s.day}-{e.year}/{e.month}/{e.day}",
    lambda s, e: f"{s.year}年{s.month}月{s.day}日～{e.year}年{e.month}月{e.day}日",
    lambda s, e: f"{s.year}.{s.month}.{s.day} - {e.year}.{e.month}.{e.day}",
    lambda s, e: f"{s.month}/{s.day}/{s.year} to {e.month}/{e.day}/{e.year}",
]


@given(windows(), st.sampled_from(FULL_FORMS))
def test_any_window_written_in_full_reads_back(window, form):
    start, end = window
    assert parse_window(form(start, end), hint=HINT) == (start, end)


@given(windows(), st.sampled_from([
    lambda s, e: f"{s.month}/{s.day}-{e.month}/{e.day}",
    lambda s, e: f"{s.month}月{s.day}日-{e.month}月{e.day}日",
    lambda s, e: f"{s.isoformat()} ~ {e:%m-%d}",
]))
def test_a_year_less_window_inside_the_campaign_reads_back(window, form):
    start, end = window
    if start.year != end.year:
        return
    hint = YearHint(start, end)
    assert parse_window(form(start, end), hint=hint) == (start, end)


@given(st.text(max_size=40))
def test_any_text_either_parses_or_raises_a_window_error(text):
    try:
        start, end = parse_window(text, hint=HINT)
    except WindowError as exc:
        assert exc.problem in set(WindowProblem)
    else:
        assert start <= end


@given(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), dates,
                 st.datetimes(min_value=dt.datetime(1990, 1, 1))))
def test_any_cell_value_either_parses_or_raises_a_window_error(value):
    try:
        start, end = parse_window(value, hint=HINT)
    except WindowError:
        return
    assert start <= end
