"""Renderers of a report `Document` (presenters.py): charts as PNG (matplotlib), the printable HTML
page and its PDF (WeasyPrint), Word (python-docx) and the data workbook (core.spreadsheets)."""
