"""Pages of the risks app: the stand-up, the issue log, the risk register (with "Activate
contingency") and the strategy adjustment log.

Every view takes the same three steps: access (`campaign_view`: 404 for non-members whatever the
method, 405 for a wrong method, 403 for viewers on writes), selectors/services, then one template
with named partials — the partial alone for htmx requests, the full page (or a redirect) otherwise.
"""

from .activate import risk_activate
from .adjustments import (
    adjustment_delete,
    adjustment_edit,
    adjustment_list,
    adjustment_measure,
    adjustment_new,
    adjustment_row,
)
from .issues import issue_delete, issue_edit, issue_export, issue_list, issue_new, issue_resolve, issue_row
from .risks import (
    contingency_add,
    contingency_delete,
    risk_delete,
    risk_detail,
    risk_list,
    risk_new,
    risks_import,
)
from .standup import standup_detail, standup_page

__all__ = [
    "adjustment_delete", "adjustment_edit", "adjustment_list", "adjustment_measure", "adjustment_new", "adjustment_row",
    "contingency_add", "contingency_delete", "issue_delete", "issue_edit", "issue_export", "issue_list",
    "issue_new", "issue_resolve", "issue_row", "risk_activate", "risk_delete", "risk_detail", "risk_list",
    "risk_new", "risks_import", "standup_detail", "standup_page",
]
