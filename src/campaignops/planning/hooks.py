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


TemplateSaved = Callable[..., object]
_template_saved: list[TemplateSaved] = []


def on_template_saved(fn: TemplateSaved) -> TemplateSaved:
    """Register `fn(*, campaign, template, actor)`, run when a campaign is saved as a template."""
    if fn not in _template_saved:
        _template_saved.append(fn)
    return fn


def template_saved(*, campaign, template, actor) -> None:
    for fn in _template_saved:
        fn(campaign=campaign, template=template, actor=actor)
