"""A report `Document` as a printable HTML page, PDF (WeasyPrint: Noto CJK fonts embedded, charts as
images), Word .docx (python-docx) and the data tables as .xlsx (core.spreadsheets)."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils.translation import get_language

from campaignops.core.spreadsheets import Column, SheetSpec, write_xlsx

from ..presenters import Document
from . import charts

CJK = "Noto Sans CJK SC"


def with_images(doc: Document) -> list[tuple]:
    """(section, [(chart, png bytes)]) pairs: each chart drawn once per rendering."""
    return [(s, [(c, charts.png(c)) for c in s.charts]) for s in doc.sections]


def print_html(doc: Document, *, images: list[tuple] | None = None) -> str:
    """The standalone printable page WeasyPrint renders (styles in the page's <style> block: no
    browser sees this HTML, so the CSP's no-inline-style rule does not apply to it)."""
    images = images if images is not None else with_images(doc)
    parts = [(s, [(c, charts.data_uri(p)) for c, p in imgs]) for s, imgs in images]
    return render_to_string("reports/print.html", {"doc": doc, "parts": parts,
                                                   "lang": get_language() or "en"})


def pdf(doc: Document) -> bytes:
    from weasyprint import HTML

    return HTML(string=print_html(doc)).write_pdf()


def docx(doc: Document) -> bytes:
    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    d = Docx()
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid"):
        try:
            style = d.styles[style_name]
        except KeyError:
            continue
        style.font.name = CJK
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), CJK)
    d.styles["Normal"].font.size = Pt(10)
    section = d.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    lang = "zh-CN" if (get_language() or "").startswith("zh") else "en-US"
    d.core_properties.title = f"{doc.title} · {doc.campaign}"
    d.core_properties.language = lang
    d.add_heading(doc.title, level=0)
    d.add_paragraph(doc.campaign).runs[0].bold = True
    d.add_paragraph(f"{doc.period}  ·  {doc.stamp}")
    if doc.goal:
        d.add_paragraph(doc.goal).runs[0].italic = True
    for s, imgs in with_images(doc):
        d.add_heading(s.title, level=1)
        if s.notice:
            d.add_paragraph(s.notice).runs[0].italic = True
        if s.narrative is not None:
            for line in (s.text or "—").splitlines() or ["—"]:
                d.add_paragraph(line)
        for p in s.paragraphs:
            d.add_paragraph(p)
        for t in s.tables:
            table = d.add_table(rows=1, cols=len(t.headers))
            table.style = d.styles["Table Grid"]
            for i, h in enumerate(t.headers):
                cell = table.rows[0].cells[i]
                cell.text = h
                cell.paragraphs[0].runs[0].bold = True
            for row in t.rows:
                cells = table.add_row().cells
                for i, value in enumerate(row):
                    cells[i].text = value
                    if i in t.numeric:
                        cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            d.add_paragraph()
        for _chart, data in imgs:
            d.add_picture(io.BytesIO(data), width=Cm(15))
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def xlsx(doc: Document) -> bytes:
    """Every table of the report on its own sheet (numbers as numbers where the table has them: money
    in the campaign's currency, rates and % of target in percent), and the narrative on the first."""
    sheets = [SheetSpec(doc.title[:31], [Column(doc.campaign[:60] or "-", 40, "wrap"), Column(" ", 80, "wrap")],
                        _cover_rows(doc), autofilter=False)]
    used = {sheets[0].name}
    for s in doc.sections:
        for t in s.tables:
            name = _sheet_name(t.name or s.title, used)
            kind = "number" if t.raw is not None else "text"
            cols = [Column(h, 14 if i in t.numeric else 28, kind if i in t.numeric else "wrap")
                    for i, h in enumerate(t.headers)]
            sheets.append(SheetSpec(name, cols, [list(r) for r in (t.raw if t.raw is not None else t.rows)]))
    return write_xlsx(sheets)


def _cover_rows(doc: Document):
    yield [doc.period, doc.stamp]
    if doc.goal:
        yield ["", doc.goal]
    for s in doc.sections:
        if s.narrative is not None:
            yield [s.title, s.text]
        for p in s.paragraphs:
            yield [s.title, p]
        if s.notice:
            yield [s.title, s.notice]


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:28] or "Sheet"
    out, n = base, 2
    while out in used:
        out, n = f"{base[:26]} {n}", n + 1
    used.add(out)
    return out
