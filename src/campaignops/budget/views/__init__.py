"""Pages of the budget app: the budget (lines, chart, revisions, decisions, overrides), the Budget
Approval Form (printable, .xlsx, .docx), the Resource Preparation List, expenses with receipts, and
the global "Approvals" page. Every campaign view: access first (`campaign_page`: 404 for
non-members, 405 for a wrong method, 403 for a role that may not), then selectors/services, then a
template; writes answer with a redirect (PRG) or the page again with the form's errors (422)."""

from .approvals import approvals_page
from .budget import (
    budget_page,
    line_delete,
    line_edit,
    line_new,
    override_new,
    revision_decide,
    revision_docx,
    revision_form,
    revision_submit,
    revision_withdraw,
    revision_xlsx,
)
from .expenses import expense_delete, expense_new, expenses_page, receipt_download
from .resources import (
    material_delete,
    material_edit,
    material_new,
    material_status,
    resources_export,
    resources_page,
)

__all__ = [
    "approvals_page", "budget_page", "expense_delete", "expense_new", "expenses_page", "line_delete", "line_edit",
    "line_new", "material_delete", "material_edit", "material_new", "material_status", "override_new",
    "receipt_download", "resources_export", "resources_page", "revision_decide", "revision_docx", "revision_form",
    "revision_submit", "revision_withdraw", "revision_xlsx",
]
