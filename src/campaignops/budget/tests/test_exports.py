"""The exports read back: the Resource Preparation List (.xlsx) and the Budget Approval Form (.xlsx,
.docx) with the right figures as real numbers; text starting with = + - @ is stored as text with
the quote prefix, never as a formula."""

import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from campaignops.budget import services
from campaignops.budget.models import BudgetRevision, Material

from .conftest import line

pytestmark = pytest.mark.django_db
EVIL = ["=HYPERLINK(\"http://evil\",\"x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]


def _book(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.content))


def _rows(sheet):
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_resource_list_xlsx_has_the_figures(client_as, demo):
    response = client_as("viewer").get(reverse("budget:resources_export", args=[demo.pk]))
    assert "attachment;" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    sheet = _book(response).worksheets[0]
    rows = _rows(sheet)
    assert rows[0][:8] == ["No.", "Material", "Quantity", "Unit", "Unit cost (CNY)", "Cost (CNY)", "Supplier",
                           "Needed by"]
    assert [(r[1][:5], r[2], r[4], r[5], r[9]) for r in rows[1:]] == [
        ("A3海报 ", 500, 6, 3000, "Ready"), ("产品折页 ", 3000, 1.6, 4800, "Received"),
        ("快闪店展架", 6, 850, 5100, "Ordered"), ("直播补光灯", 2, 3200, 6400, "Requested"),
        ("返现赠品小", 200, 28.5, 5700, "Planned")]
    assert rows[1][7].date().isoformat() == "2024-06-06"
    assert rows[1][13] == "宣传物料（海报/折页）/ Posters and brochures"


def test_resource_list_xlsx_neutralises_formulas(client_as, demo, users):
    for text in EVIL:
        services.material_create(campaign=demo, actor=users["logistics"], name=text, supplier=text, note=text)
    sheet = _book(client_as("lead").get(reverse("budget:resources_export", args=[demo.pk]))).worksheets[0]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str) and c.value in EVIL]
    assert len(cells) == len(EVIL) * 3
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_approval_form_xlsx_has_lines_total_and_decision(client_as, demo, users):
    services.line_update(line=line(demo, "物流"), actor=users["lead"], version=1, name="=1+1 物流")
    revision = services.revision_submit(campaign=demo, actor=users["lead"], note="@Finance 请审批")
    services.revision_approve(revision=revision, actor=users["finance"], comment="-同意")
    book = _book(client_as("viewer").get(reverse("budget:revision_xlsx", args=[demo.pk, revision.pk])))
    lines, facts = book.worksheets
    rows = _rows(lines)
    assert rows[0] == ["No.", "Category", "Budget line", "Planned amount (CNY)", "Note"]
    assert rows[6][:4] == [6, "Venue", "快闪店场地费 / Pop-up store venue", 35000]
    assert rows[-1][2:4] == ["Total", 214000]
    assert sum(r[3] for r in rows[1:-1]) == 214000
    cells = {c.value: c for row in lines.iter_rows() for c in row}
    assert cells["=1+1 物流"].quotePrefix and cells["=1+1 物流"].data_type == "s"
    fact = {r[0]: r[1] for r in _rows(facts)[1:]}
    assert (fact["Revision"], fact["Status"], fact["Total"], fact["Decided by"]) == (2, "Approved", 214000,
                                                                                      "陈静 Chen Jing")
    fact_cells = {c.value: c for row in facts.iter_rows() for c in row}
    assert fact_cells["@Finance 请审批"].quotePrefix and fact_cells["-同意"].quotePrefix


def test_approval_form_docx_reads_back(client_as, demo):
    from docx import Document

    revision = BudgetRevision.objects.get(campaign=demo, number=1)
    response = client_as("viewer").get(reverse("budget:revision_docx", args=[demo.pk, revision.pk]))
    assert response.status_code == 200 and ".docx" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    assert doc.paragraphs[0].text == "Budget Approval Form"
    facts, lines, signs = doc.tables
    assert {r.cells[0].text: r.cells[1].text for r in facts.rows}["Total"] == "214,000.00"
    assert [c.text for c in lines.rows[6].cells] == ["6", "Venue", "快闪店场地费 / Pop-up store venue", "35,000.00",
                                                     "3天"]
    assert [c.text for c in lines.rows[-1].cells][2:4] == ["Total", "214,000.00"]
    assert [c.text for c in signs.rows[2].cells][:2] == ["Approved by (Finance)", "陈静 Chen Jing"]
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "Noto Sans CJK SC"


def test_material_cost_is_exact_in_the_export(client_as, demo, users):
    services.material_create(campaign=demo, actor=users["logistics"], name="贴纸", quantity=D("3000"),
                             unit_cost=D("0.35"))
    sheet = _book(client_as("lead").get(reverse("budget:resources_export", args=[demo.pk]))).worksheets[0]
    row = next(r for r in _rows(sheet) if r[1] == "贴纸")
    assert (row[2], row[4], row[5]) == (3000, 0.35, 1050)
    assert Material.objects.get(name="贴纸").unit_cost == D("0.35")
