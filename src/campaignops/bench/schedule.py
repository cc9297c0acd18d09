"""Schedule engine on a 10,000-task, 30,000-dependency plan against networkx doing the same
longest-path work (graph build + topological longest paths)."""

import datetime as dt
import random

from campaignops.bench import Result, median_time
from campaignops.planning.domain.schedule import Dependency, Schedule, TaskSpec
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


def networkx_longest_paths(tasks, deps, durations):
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(t.id for t in tasks)
    g.add_weighted_edges_from((d.predecessor, d.successor, durations[d.predecessor] + d.lag) for d in deps)
    es = dict.fromkeys(g, 0)
    for node in nx.topological_sort(g):
        base = es[node]
        for succ, attrs in g[node].items():
            if base + attrs["weight"] > es[succ]:
                es[succ] = base + attrs["weight"]
    return es, nx.dag_longest_path_length(g)


def run() -> list[Result]:
    tasks, deps, cal = make_plan()
    Schedule(tasks[:10], [], cal)  # warm the holiday cache
    durations = {t.id: 1 + (t.end - t.start).days for t in tasks}
    ours = median_time(lambda: Schedule(tasks, deps, cal).result(), repeat=5)
    theirs = median_time(lambda: networkx_longest_paths(tasks, deps, durations), repeat=5)
    return [Result("schedule 10k tasks / 30k deps (fwd+bwd, dates)", ours, "networkx longest paths", theirs,
                   min_speedup=3, max_seconds=0.2)]
