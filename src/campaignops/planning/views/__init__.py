"""Plan pages: the 8-column plan table grouped by phase, edited in place with htmx, and the
working-day calendar.

Every view takes the same three steps: access (policy.get_for → 404 for outsiders, 403 for
viewers on writes), selectors/services, then one template with named partials — the partial alone
for htmx requests, the full page (or a redirect) otherwise.
"""

from .calendar import calendar_page, override_delete, year_grid
from .phases import phase_delete, phase_edit, phase_head, phase_new
from .plan import plan_table
from .tasks import task_delete, task_edit, task_move, task_new, task_row, task_status

__all__ = [
    "calendar_page", "override_delete", "phase_delete", "phase_edit", "phase_head", "phase_new", "plan_table",
    "task_delete", "task_edit", "task_move", "task_new", "task_row", "task_status", "year_grid",
]
