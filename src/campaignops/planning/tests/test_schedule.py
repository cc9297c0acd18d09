"""Schedule engine: earliest/latest dates, slack, critical path, cycles, slips — in working days."""

import datetime as dt

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaignops.planning.domain.schedule import (
    CycleError,
    Dependency,
    DepType,
    Schedule,
    TaskSpec,
    UnknownTaskError,
    longest_path_lengths,
)
from campaignops.planning.domain.workdays import WorkCalendar

CN = WorkCalendar(country="CN")
D = dt.date


def seed_tasks():
    # The seed's rows (2024), one task per phase.
    return [
        TaskSpec("prep", D(2024, 6, 3), D(2024, 6, 7), group="prep"),       # Mon–Fri, 5 wd
        TaskSpec("warm", D(2024, 6, 11), D(2024, 6, 14), group="warm"),     # after Dragon Boat, 4 wd
        TaskSpec("burst", D(2024, 6, 17), D(2024, 6, 17), group="burst"),   # 1 wd
        TaskSpec("wrap", D(2024, 6, 18), D(2024, 6, 21), group="wrap"),     # 4 wd
        TaskSpec("review", D(2024, 6, 24), D(2024, 6, 28), group="review"),  # 5 wd
    ]


def chain():
    ids = ["prep", "warm", "burst", "wrap", "review"]
    return [Dependency(a, b) for a, b in zip(ids, ids[1:], strict=False)]


def test_chain_is_all_critical_and_dates_unchanged():
    s = Schedule(seed_tasks(), chain(), CN)
    r = s.result()
    assert [r[t].early_start for t in ("prep", "warm", "burst", "wrap", "review")] == [
        D(2024, 6, 3), D(2024, 6, 11), D(2024, 6, 17), D(2024, 6, 18), D(2024, 6, 24)]
    assert s.critical_path() == ["prep", "warm", "burst", "wrap", "review"]
    assert s.project_end() == D(2024, 6, 28)
    assert r["warm"].duration == 4


def test_slip_of_three_working_days_across_dragon_boat_moves_exactly_the_successors():
    s = Schedule(seed_tasks(), chain(), CN)
    effect = s.slip("prep", 3)
    moved = {m.id: (m.new_start, m.new_end, m.shift) for m in effect.moves}
    # prep 06-03..06-07 + 3 wd -> 06-06..06-13 (06-08..06-10 Dragon Boat off); the chain follows by 3 wd
    assert moved["prep"] == (D(2024, 6, 6), D(2024, 6, 13), 3)
    assert moved["warm"] == (D(2024, 6, 14), D(2024, 6, 19), 3)
    assert moved["burst"] == (D(2024, 6, 20), D(2024, 6, 20), 3)
    assert moved["wrap"] == (D(2024, 6, 21), D(2024, 6, 26), 3)
    assert moved["review"] == (D(2024, 6, 27), D(2024, 7, 3), 3)
    assert effect.project_end == (D(2024, 6, 28), D(2024, 7, 3))
    assert effect.project_end_moves
    assert set(effect.group_end_moves) == {"prep", "warm", "burst", "wrap", "review"}


def test_slack_absorbs_a_small_slip():
    tasks = seed_tasks() + [TaskSpec("poster", D(2024, 6, 3), D(2024, 6, 4))]
    deps = chain() + [Dependency("poster", "burst")]
    s = Schedule(tasks, deps, CN)
    r = s.result()
    # poster can end as late as the day before burst (06-14): 06-05, 06-06, 06-07, 06-11..06-14 -> 7 wd slack
    assert r["poster"].slack == 7
    assert not r["poster"].critical
    effect = s.slip("poster", 7)
    assert [m.id for m in effect.moves] == ["poster"]
    assert not effect.project_end_moves
    effect = s.slip("poster", 8)
    assert {m.id for m in effect.moves} == {"poster", "burst", "wrap", "review"}


def test_start_to_start_with_lag():
    tasks = [TaskSpec("a", D(2024, 6, 3), D(2024, 6, 7)), TaskSpec("b", D(2024, 6, 3), D(2024, 6, 4))]
    s = Schedule(tasks, [Dependency("a", "b", DepType.START_TO_START, lag=2)], CN)
    assert s.result()["b"].early_start == D(2024, 6, 5)


def test_cycle_is_refused_naming_its_tasks():
    tasks = [TaskSpec(x, D(2024, 6, 3), D(2024, 6, 3)) for x in "abcd"]
    deps = [Dependency("a", "b"), Dependency("b", "c"), Dependency("c", "d"), Dependency("d", "b")]
    with pytest.raises(CycleError) as exc:
        Schedule(tasks, deps, CN)
    cycle = exc.value.cycle
    assert cycle[0] == cycle[-1]
    assert set(cycle) == {"b", "c", "d"}
    assert len(cycle) == 4


def test_unknown_task_in_a_dependency():
    with pytest.raises(UnknownTaskError):
        Schedule([TaskSpec("a", D(2024, 6, 3), D(2024, 6, 3))], [Dependency("a", "zzz")], CN)


@st.composite
def dags(draw):
    n = draw(st.integers(min_value=1, max_value=25))
    durations = draw(st.lists(st.integers(min_value=1, max_value=5), min_size=n, max_size=n))
    edges = draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    deps = [Dependency(a, b, DepType.FINISH_TO_START, lag=(a + b) % 3) for a, b in edges if a < b]
    return durations, deps


@settings(max_examples=150, deadline=None)
@given(dags())
def test_earliest_starts_match_networkx_longest_paths(graph):
    durations, deps = graph
    ours = longest_path_lengths(dict(enumerate(durations)), deps)
    g = nx.DiGraph()
    g.add_node("src")
    for i in range(len(durations)):
        g.add_edge("src", i, weight=0)
    for d in deps:
        g.add_edge(d.predecessor, d.successor, weight=durations[d.predecessor] + d.lag)
    # longest path from src = negated shortest path with negated weights (DAG)
    dist = nx.single_source_bellman_ford_path_length(g.reverse(copy=True).reverse(copy=False), "src",
                                                      weight=lambda u, v, e: -e["weight"])
    assert ours == {i: -dist[i] for i in range(len(durations))}


@settings(max_examples=100, deadline=None)
@given(dags(), st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 6, 30)))
def test_schedule_invariants_on_random_graphs(graph, start):
    durations, deps = graph
    first = CN.next_working_day(start)
    tasks = [TaskSpec(i, first, CN.add_working_days(first, d - 1)) for i, d in enumerate(durations)]
    s = Schedule(tasks, deps, CN)
    r = s.result()
    for d in deps:
        a, b = r[d.predecessor], r[d.successor]
        assert CN.working_days_between(a.early_finish, b.early_start) >= 1 + d.lag
    for t in r.values():
        assert t.slack >= 0
        assert CN.is_working_day(t.early_start) and CN.is_working_day(t.early_finish)
    assert any(t.critical for t in r.values())
    # the critical path ends at the project end
    assert r[s.critical_path()[-1]].early_finish == s.project_end()


@settings(max_examples=50, deadline=None)
@given(dags(), st.data())
def test_a_slip_never_moves_a_task_earlier_and_moves_the_slipped_task_exactly(graph, data):
    durations, deps = graph
    first = D(2024, 6, 3)
    tasks = [TaskSpec(i, first, CN.add_working_days(first, d - 1)) for i, d in enumerate(durations)]
    s = Schedule(tasks, deps, CN)
    victim = data.draw(st.integers(0, len(durations) - 1))
    days = data.draw(st.integers(1, 10))
    effect = s.slip(victim, days)
    shifts = {m.id: m.shift for m in effect.moves}
    assert shifts[victim] == days
    assert all(v > 0 for v in shifts.values())
    # only descendants of the victim may move
    g = nx.DiGraph([(d.predecessor, d.successor) for d in deps])
    g.add_nodes_from(range(len(durations)))
    assert set(shifts) <= {victim} | nx.descendants(g, victim)


def _reference_schedule(tasks, deps, cal):
    """Earliest/latest dates and slack computed independently: networkx's topological order and the
    textbook passes over a day-by-day list of working days (no DayIndex, no engine code)."""
    days, day = [], min(t.start for t in tasks) - dt.timedelta(days=400)
    while day <= max(t.end for t in tasks) + dt.timedelta(days=2000):
        if cal.is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    first = {d: k for k, d in enumerate(days)}
    start = {t.id: next(first[d] for d in days if d >= t.start) for t in tasks}
    finish = {t.id: max(k for k, d in enumerate(days) if d <= t.end) for t in tasks}
    dur = {t.id: max(finish[t.id] - start[t.id] + 1, 1) for t in tasks}
    g = nx.MultiDiGraph()
    g.add_nodes_from(t.id for t in tasks)
    for d in deps:
        g.add_edge(d.predecessor, d.successor, fs=d.type == DepType.FINISH_TO_START, lag=d.lag)
    order = list(nx.topological_sort(g))
    es = dict(start)
    for v in order:
        for u, _v, e in g.in_edges(v, data=True):
            es[v] = max(es[v], (es[u] + dur[u] + e["lag"]) if e["fs"] else (es[u] + e["lag"]))
    end = max(es[v] + dur[v] - 1 for v in g)
    lf = {}
    for v in reversed(order):
        lf[v] = end
        for _u, w, e in g.out_edges(v, data=True):
            ls_w = lf[w] - dur[w] + 1
            lf[v] = min(lf[v], (ls_w - 1 - e["lag"]) if e["fs"] else (ls_w - e["lag"] + dur[v] - 1))
    return {v: (days[es[v]], days[es[v] + dur[v] - 1], days[lf[v] - dur[v] + 1], days[lf[v]],
                lf[v] - dur[v] + 1 - es[v], dur[v]) for v in g}


@st.composite
def mixed_dags(draw):
    n = draw(st.integers(min_value=1, max_value=20))
    base = D(2024, 9, 23)   # the National Day week and its make-up Sundays are inside the window
    tasks = []
    for i in range(n):
        start = base + dt.timedelta(days=draw(st.integers(0, 40)))
        tasks.append(TaskSpec(i, start, start + dt.timedelta(days=draw(st.integers(0, 9))), group=i % 3))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1),
                                    st.sampled_from([DepType.FINISH_TO_START, DepType.START_TO_START, "fs", "ss"]),
                                    st.integers(-3, 6)), max_size=3 * n))
    deps = [Dependency(a, b, DepType(kind), lag) for a, b, kind, lag in edges if a < b]
    return tasks, deps


@settings(max_examples=150, deadline=None)
@given(mixed_dags())
def test_the_whole_schedule_matches_an_independent_reference(graph):
    tasks, deps = graph
    s = Schedule(tasks, deps, CN)
    ref = _reference_schedule(tasks, deps, CN)
    got = {k: (r.early_start, r.early_finish, r.late_start, r.late_finish, r.slack, r.duration)
           for k, r in s.result().items()}
    assert got == ref
    assert all(r.critical == (r.slack == 0) and r.id == k for k, r in s.result().items())


def test_dependency_types_given_as_plain_strings_count_like_the_enum():
    tasks = [TaskSpec("a", D(2024, 6, 3), D(2024, 6, 7)), TaskSpec("b", D(2024, 6, 3), D(2024, 6, 4)),
             TaskSpec("c", D(2024, 6, 3), D(2024, 6, 3))]
    s = Schedule(tasks, [Dependency("a", "b", "ss", lag=2), Dependency("a", "c", "fs")], CN)
    r = s.result()
    assert (r["b"].early_start, r["c"].early_start) == (D(2024, 6, 5), D(2024, 6, 11))   # 06-10 Dragon Boat


def test_a_lag_beyond_the_day_index_still_gives_working_days():
    # 600 working days is far past the index (the last planned end + 400 calendar days).
    tasks = [TaskSpec("a", D(2024, 6, 3), D(2024, 6, 7)), TaskSpec("b", D(2024, 6, 3), D(2024, 6, 3))]
    s = Schedule(tasks, [Dependency("a", "b", lag=600)], CN)
    r = s.result()
    assert r["b"].early_start == CN.add_working_days(D(2024, 6, 7), 601)
    assert r["b"].late_finish == r["b"].early_finish == s.project_end()
    assert r["a"].slack == 0 and r["b"].critical


def test_unknown_task_names_the_first_unknown_id():
    tasks = [TaskSpec("a", D(2024, 6, 3), D(2024, 6, 3))]
    with pytest.raises(UnknownTaskError, match="unknown task 'x'"):
        Schedule(tasks, [Dependency("a", "a2"), Dependency("x", "a")][1:], CN)
    with pytest.raises(UnknownTaskError, match="unknown task 'zz'"):
        Schedule(tasks, [Dependency("a", "zz"), Dependency("y", "a")], CN)


def test_an_empty_plan():
    s = Schedule([], [], CN)
    assert s.result() == {} and s.critical_path() == []
