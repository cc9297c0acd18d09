"""The stand-up's pure rules: which task or issue lands in which section, and the response clock."""

import datetime as dt

import pytest

from campaignops.risks.domain.standup import (
    Clock,
    IssueFact,
    TaskFact,
    clock,
    sections,
    since_when,
    split_minutes,
)

UTC = dt.UTC
NOW = dt.datetime(2024, 6, 17, 1, 0, tzinfo=UTC)          # 09:00 in Shanghai
TODAY = dt.date(2024, 6, 17)
SINCE = dt.datetime(2024, 6, 16, 1, 10, tzinfo=UTC)        # the previous stand-up
OLD = dt.datetime(2024, 6, 10, 4, 0, tzinfo=UTC)
D = dt.date


def task(pk, start, end, status="in_progress", created=OLD, updated=OLD, touched=None):
    return TaskFact(pk, start, end, status, created, updated, touched)


TASKS = [
    task(1, D(2024, 6, 1), D(2024, 6, 7), "done"),                          # finished: nowhere
    task(2, D(2024, 6, 8), D(2024, 6, 14), "delayed",                       # marked delayed overnight
         updated=dt.datetime(2024, 6, 16, 16, 5, tzinfo=UTC)),
    task(3, D(2024, 6, 15), D(2024, 6, 17), touched=dt.datetime(2024, 6, 16, 10, 0, tzinfo=UTC)),  # due today
    task(4, D(2024, 6, 18), D(2024, 6, 23), "blocked"),
    task(5, D(2024, 6, 24), D(2024, 6, 30), "not_started"),
    task(6, D(2024, 6, 16), D(2024, 6, 20), "delayed"),                    # delayed before its end
    task(7, D(2024, 6, 10), D(2024, 6, 12), "cancelled"),
    task(8, D(2024, 6, 16), D(2024, 6, 18), "not_started",                 # new since the last stand-up
         created=dt.datetime(2024, 6, 16, 7, 0, tzinfo=UTC), updated=dt.datetime(2024, 6, 16, 7, 0, tzinfo=UTC)),
    task(9, D(2024, 6, 1), D(2024, 6, 13), "blocked"),                     # blocked and overdue: both lists
    task(10, D(2024, 6, 15), D(2024, 6, 17), "done"),                      # due today but done
]
ISSUES = [
    IssueFact(1, "open", dt.datetime(2024, 6, 15, 1, 0, tzinfo=UTC), None),        # overdue by 2 days
    IssueFact(2, "in_progress", dt.datetime(2024, 6, 17, 3, 0, tzinfo=UTC), None),  # 2 h left
    IssueFact(3, "open", dt.datetime(2024, 6, 17, 5, 0, tzinfo=UTC), None),        # exactly 4 h left
    IssueFact(4, "open", dt.datetime(2024, 6, 17, 5, 1, tzinfo=UTC), None),        # 4 h 1 min left
    IssueFact(5, "resolved", dt.datetime(2024, 6, 15, 1, 0, tzinfo=UTC), dt.datetime(2024, 6, 16, tzinfo=UTC)),
]


def test_sections_list_exactly_the_right_tasks_and_issues_in_order():
    s = sections(TASKS, ISSUES, today=TODAY, now=NOW, since=SINCE)
    assert s.due_today == [3]
    assert s.overdue == [9, 2, 6]                    # by end date: 06-13, 06-14, 06-20
    assert s.days_late == {9: 4, 2: 3, 6: 0}
    assert s.blocked == [9, 4]
    assert s.changed == [2, 3, 8]                    # the most recent change first
    assert s.new == [8]
    assert s.issues == [1, 2, 3]


def test_first_stand_up_counts_changes_of_the_last_24_hours():
    assert since_when(None, NOW) == NOW - dt.timedelta(hours=24)
    assert since_when(SINCE, NOW) == SINCE


@pytest.mark.parametrize(("deadline", "resolved", "expected"), [
    (NOW + dt.timedelta(hours=26, minutes=5), None, Clock("running", 26 * 60 + 5)),
    (NOW + dt.timedelta(hours=4), None, Clock("due_soon", 240)),
    (NOW + dt.timedelta(minutes=1), None, Clock("due_soon", 1)),
    (NOW - dt.timedelta(minutes=90), None, Clock("overdue", 90)),
    (NOW, NOW - dt.timedelta(hours=3), Clock("met", 180)),
    (NOW, NOW + dt.timedelta(hours=2), Clock("missed", 120)),
])
def test_clock(deadline, resolved, expected):
    assert clock(NOW, deadline, resolved) == expected


def test_split_minutes():
    assert split_minutes(2 * 1440 + 3 * 60 + 7) == (2, 3, 7)
    assert split_minutes(59) == (0, 0, 59)
