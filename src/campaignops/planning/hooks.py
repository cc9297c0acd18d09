"""Extension points of the plan: apps that build on planning register what must happen, in the same
transaction, when rows are added to a plan (from a template or an import). Explicit calls made by
the planning services, not signals; registered once in the other app's AppConfig.ready()."""

from collections.abc import Callable

RowsAdded = Callable[..., object]
_rows_added: list[RowsAdded] = []


def on_rows_added(fn: RowsAdded) -> RowsAdded:
    """Register `fn(*, campaign, tasks, actor)`."""
    if fn not in _rows_added:
        _rows_added.append(fn)
    return fn


def rows_added(*, campaign, tasks: list, actor) -> None:
    for fn in _rows_added:
        fn(campaign=campaign, tasks=tasks, actor=actor)
