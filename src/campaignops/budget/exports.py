"""Exports: the Resource Preparation List (资源筹备清单) as .xlsx, the Budget Approval Form
(预算审批表) as .xlsx and .docx. Spreadsheets go through `core.spreadsheets` (text starting with
= + - @ is stored as text, never as a formula); amounts are real numbers; headers in the user's
language."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

from campaignops.accounts.models import display_name
from campaignops.core.documents import use_cjk_font
from campaignops.core.spreadsheets import Column, SheetSpec, write_xlsx

from .domain import money
from .models import BudgetCategory, BudgetRevision

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def export_filename(campaign, what: str, day: dt.date, ext: str) -> str:
    """"<campaign name> - <what> 2024-06-16.<ext>" (characters file systems refuse are dropped)."""
    name = re.sub(r'[\\/:*?"<>|\r\n\t]+', " ", campaign.name).strip()[:60].strip() or f"campaign-{campaign.pk}"
    return f"{name} - {what} {day.isoformat()}.{ext}"


def _local(moment: dt.datetime | None, tz) -> dt.datetime | None:
    return moment.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0) if moment else None


# ---- the Resource Preparation List --------------------------------------------------------------

def material_columns(currency: str) -> list[Column]:
    return [
        Column(_("No."), 6, "number"), Column(_("Material"), 30, "wrap"), Column(_("Quantity"), 10, "number"),
        Column(_("Unit"), 8), Column(_("Unit cost (%(currency)s)") % {"currency": currency}, 14, "number"),
        Column(_("Cost (%(currency)s)") % {"currency": currency}, 14, "number"), Column(_("Supplier"), 22, "wrap"),
        Column(_("Needed by"), 12, "date"), Column(_("Owner"), 14), Column(_("Status"), 12),
        Column(_("At risk"), 12), Column(_("Phase"), 16), Column(_("Plan row"), 24, "wrap"),
        Column(_("Budget line"), 28, "wrap"), Column(_("Ordered on"), 12, "date"), Column(_("Note"), 30, "wrap"),
    ]


def materials_xlsx(materials: Iterable, currency: str) -> bytes:
    """Materials labelled by `selectors.label_materials` (`.cost`, `.risk`)."""
    risk_labels = {"late": _("Late"), "soon": _("Due soon")}

    def rows():
        for n, m in enumerate(materials, start=1):
            yield [n, m.name, m.quantity, m.unit, m.unit_cost, m.cost, m.supplier, m.needed_by,
                   display_name(m.owner), m.get_status_display(), risk_labels.get(m.risk or "", ""),
                   m.phase.name if m.phase_id else "", m.task.title if m.task_id else "",
                   m.line.name if m.line_id else "", m.ordered_on, m.note]

    return write_xlsx([SheetSpec(_("Resource Preparation List"), material_columns(currency), rows())])


# ---- the Budget Approval Form -------------------------------------------------------------------

def _category_label(code: str) -> str:
    return str(dict(BudgetCategory.choices).get(code, code))


def form_facts(revision: BudgetRevision, tz) -> list[tuple[str, object]]:
    """The form's header: what, whose, when, decided how (label, value)."""
    c = revision.campaign
    return [
        (_("Campaign"), c.name), (_("Campaign period"), f"{c.start_date:%Y-%m-%d} ~ {c.end_date:%Y-%m-%d}"),
        (_("Revision"), revision.number), (_("Status"), revision.get_status_display()),
        (_("Currency"), revision.currency), (_("Total"), money.to_money(revision.total, revision.currency)),
        (_("Submitted by"), display_name(revision.submitted_by)), (_("Submitted at"), _local(revision.submitted_at, tz)),
        (_("Note to Finance"), revision.submit_note), (_("Decided by"), display_name(revision.decided_by)),
        (_("Decided at"), _local(revision.decided_at, tz)), (_("Finance's comment"), revision.comment),
    ]


def revision_xlsx(revision: BudgetRevision, tz) -> bytes:
    currency = revision.currency
    lines = [[n, _category_label(r["category"]), r["name"], money.to_money(r["planned"], currency), r.get("note", "")]
             for n, r in enumerate(revision.lines, start=1)]
    lines.append(["", "", _("Total"), money.to_money(revision.total, currency), ""])
    line_cols = [Column(_("No."), 6, "number"), Column(_("Category"), 22), Column(_("Budget line"), 40, "wrap"),
                 Column(_("Planned amount (%(currency)s)") % {"currency": currency}, 18, "number"),
                 Column(_("Note"), 30, "wrap")]
    fact_cols = [Column(_("Item"), 20), Column(_("Value"), 60, "wrap")]
    return write_xlsx([SheetSpec(_("Budget Approval Form"), line_cols, lines),
                       SheetSpec(_("Approval"), fact_cols, [list(f) for f in form_facts(revision, tz)],
                                 autofilter=False)])


def _widths(table, cm: list[float]) -> None:
    from docx.shared import Cm

    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, cm, strict=True):
            cell.width = Cm(width)


def revision_docx(revision: BudgetRevision, tz) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    currency = revision.currency
    doc = Document()
    use_cjk_font(doc)
    doc.add_heading(_("Budget Approval Form"), level=0)
    facts = doc.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    for label, value in form_facts(revision, tz):
        cells = facts.add_row().cells
        cells[0].text = str(label)
        if isinstance(value, dt.datetime):
            value = f"{value:%Y-%m-%d %H:%M}"
        elif value is None:
            value = ""
        elif hasattr(value, "quantize"):
            value = f"{value:,.2f}"
        cells[1].text = str(value)
    doc.add_heading(_("Budget lines"), level=1)
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    headers = [_("No."), _("Category"), _("Budget line"), _("Planned amount (%(currency)s)") % {"currency": currency},
               _("Note")]
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for n, r in enumerate(revision.lines, start=1):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = str(n), _category_label(r["category"]), r["name"]
        cells[3].text = f"{money.to_money(r['planned'], currency):,.2f}"
        cells[3].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        cells[4].text = r.get("note", "")
    cells = table.add_row().cells
    _widths(table, [1.2, 3.4, 6.2, 3.2, 3.0])
    cells[2].text = _("Total")
    cells[3].text = f"{money.to_money(revision.total, currency):,.2f}"
    cells[3].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for cell in (cells[2], cells[3]):
        cell.paragraphs[0].runs[0].bold = True
    doc.add_heading(_("Signatures"), level=1)
    signs = doc.add_table(rows=3, cols=3)
    signs.style = "Table Grid"
    for cell, text in zip(signs.rows[0].cells, [_("Role"), _("Name"), _("Date")], strict=True):
        cell.text = text
    submitted, decided = _local(revision.submitted_at, tz), _local(revision.decided_at, tz)
    rows = [(_("Submitted by"), display_name(revision.submitted_by), submitted),
            (_("Approved by (Finance)") if revision.status == "approved" else _("Decided by (Finance)"),
             display_name(revision.decided_by), decided)]
    for row, (role, name, when) in zip(signs.rows[1:], rows, strict=True):
        row.cells[0].text, row.cells[1].text = role, name
        row.cells[2].text = f"{when:%Y-%m-%d %H:%M}" if when else ""
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
