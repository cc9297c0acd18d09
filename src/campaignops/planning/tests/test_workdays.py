"""Working-day calendar: China's holidays and make-up days, overrides, fallback years."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from campaignops.planning.domain.templating import Offsets, Window, to_offsets, to_window
from campaignops.planning.domain.workdays import WorkCalendar, covered_until

CN = WorkCalendar(country="CN")
D = dt.date


def test_dragon_boat_2024_days_off_and_warm_up_has_four_working_days():
    assert [CN.is_working_day(D(2024, 6, d)) for d in range(8, 15)] == [False, False, False, True, True, True, True]
    assert CN.working_days_in(D(2024, 6, 8), D(2024, 6, 14)) == 4


def test_make_up_working_sunday_2024_02_04():
    assert D(2024, 2, 4).weekday() == 6
    assert CN.is_working_day(D(2024, 2, 4)) is True


def test_override_wins_over_holiday_data():
    cal = WorkCalendar(country="CN", overrides={D(2024, 6, 10): True, D(2024, 6, 11): False})
    assert cal.is_working_day(D(2024, 6, 10)) is True
    assert cal.is_working_day(D(2024, 6, 11)) is False


def test_years_beyond_holiday_data_fall_back_to_weekends_and_are_reported():
    assert covered_until("CN") == 2026  # holidays 0.109 lists China's make-up days up to 2026
    year = covered_until("CN") + 1
    jan1 = D(year, 1, 1)
    assert CN.is_working_day(jan1) is (jan1.weekday() < 5)
    assert CN.missing_years([D(2024, 6, 1), jan1]) == [year]


def test_add_working_days_skips_national_day_week_2026():
    # 2026-09-30 (Wed) + 1 working day: Oct 1–7 off (Oct 8 is Thursday), make-up day Oct 10 (Sat)
    assert CN.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert CN.add_working_days(D(2026, 10, 9), 1) == D(2026, 10, 10)


def test_seed_template_moved_to_2026_06_01():
    anchor = D(2024, 6, 1)
    rows = [(D(2024, 6, 1), D(2024, 6, 7)), (D(2024, 6, 8), D(2024, 6, 14)), (D(2024, 6, 15), D(2024, 6, 17)),
            (D(2024, 6, 18), D(2024, 6, 23)), (D(2024, 6, 24), D(2024, 6, 30))]
    offsets = [to_offsets(CN, anchor, Window(a, b)) for a, b in rows]
    assert offsets == [Offsets(0, 5), Offsets(5, 4), Offsets(9, 1), Offsets(10, 4), Offsets(14, 5)]
    moved = [to_window(CN, D(2026, 6, 1), o) for o in offsets]
    assert moved == [
        Window(D(2026, 6, 1), D(2026, 6, 5)),
        Window(D(2026, 6, 8), D(2026, 6, 11)),
        Window(D(2026, 6, 12), D(2026, 6, 12)),
        Window(D(2026, 6, 15), D(2026, 6, 18)),
        Window(D(2026, 6, 22), D(2026, 6, 26)),  # 06-19 is the Dragon Boat holiday
    ]


dates = st.dates(min_value=D(2020, 1, 1), max_value=D(2026, 12, 31))


@given(dates, st.integers(min_value=0, max_value=60))
def test_add_then_count_round_trips(start, n):
    first = CN.next_working_day(start)
    end = CN.add_working_days(first, n)
    assert CN.is_working_day(end)
    assert CN.working_days_between(first, end) == n


@given(dates, st.integers(min_value=0, max_value=40), st.integers(min_value=1, max_value=20), dates)
def test_offsets_survive_a_move(anchor, offset, duration, new_anchor):
    window = to_window(CN, anchor, Offsets(offset, duration))
    assert to_offsets(CN, anchor, window) == Offsets(offset, duration)
    moved = to_window(CN, new_anchor, Offsets(offset, duration))
    assert to_offsets(CN, new_anchor, moved) == Offsets(offset, duration)
    assert CN.is_working_day(moved.start) and CN.is_working_day(moved.end)
