"""Schedule engine on a 10,000-task, 30,000-dependency plan against networkx doing the same
longest-path work: the same working-day indexing, graph build, topological order, forward pass
(earliest start/finish), backward pass (latest start/finish), slack and dates of every task."""

import datetime as dt
import random

from campaignops.bench import Result, median_time
from campaignops.planning.domain.schedule import DayIndex, Dependency, Schedule, TaskSpec
from campaignops.planning.domain.workdays import WorkCalendar

N_TASKS, N_DEPS = 10_000, 30_000


def make_plan(seed: int = 7):
    rng = random.Random(seed)
    cal = WorkCalendar(country="CN")
    start = dt.date(2026, 3, 2)
    tasks = []
    for i in range(N_TASKS):
        s = cal.add_working_days(start, rng.randrange(0, 120))
        tasks.append(TaskSpec(i, s, cal.add_working_days(s, rng.randrange(0, 5)), group=i // 500))
    edges = set()
    while len(edges) < N_DEPS:
        a, b = rng.randrange(N_TASKS), rng.randrange(N_TASKS)
        if a < b:
            edges.add((a, b))
    deps = [Dependency(a, b, lag=(a + b) % 2) for a, b in sorted(edges)]
    return tasks, deps, cal


def networkx_schedule(tasks, deps, cal):
    """The same schedule computed with networkx (all dependencies here are finish-to-start)."""
    import networkx as nx

    idx = DayIndex(cal, min(t.start for t in tasks) - dt.timedelta(days=60),
                   max(t.end for t in tasks) + dt.timedelta(days=400))
    start = {t.id: idx.index(t.start) for t in tasks}
    dur = {t.id: max(idx.index_end(t.end) - idx.index(t.start) + 1, 1) for t in tasks}
    g = nx.DiGraph()
    g.add_nodes_from(t.id for t in tasks)
    g.add_edges_from((d.predecessor, d.successor, {"lag": d.lag}) for d in deps)
    order = list(nx.topological_sort(g))
    es = dict(start)
    for node in order:
        finish = es[node] + dur[node]
        for succ, attrs in g.succ[node].items():
            if finish + attrs["lag"] > es[succ]:
                es[succ] = finish + attrs["lag"]
    end = max(es[n] + dur[n] - 1 for n in g)
    lf = dict.fromkeys(g, end)
    for node in reversed(order):
        for succ, attrs in g.succ[node].items():
            bound = lf[succ] - dur[succ] - attrs["lag"]
            if bound < lf[node]:
                lf[node] = bound
    return {n: (idx.date(es[n]), idx.date(es[n] + dur[n] - 1), idx.date(lf[n] - dur[n] + 1), idx.date(lf[n]),
                lf[n] - dur[n] + 1 - es[n]) for n in g}


def run() -> list[Result]:
    tasks, deps, cal = make_plan()
    Schedule(tasks[:10], [], cal)  # warm the holiday cache
    ours_result = Schedule(tasks, deps, cal).result()
    theirs_result = networkx_schedule(tasks, deps, cal)
    assert all((r.early_start, r.early_finish, r.late_start, r.late_finish, r.slack) == theirs_result[r.id]
               for r in ours_result.values()), "the two schedules differ"
    ours = median_time(lambda: Schedule(tasks, deps, cal).result(), repeat=5)
    theirs = median_time(lambda: networkx_schedule(tasks, deps, cal), repeat=5)
    return [Result("schedule 10k tasks / 30k deps (fwd+bwd, dates)", ours, "networkx, same fwd+bwd work", theirs,
                   min_speedup=3, max_seconds=0.2)]
