"""Safe spreadsheet I/O: the writer, the upload guard, the readers."""

import codecs
import csv
import datetime as dt
import io
import subprocess
import zipfile
from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from campaignops.core.spreadsheets import (
    WORKBOOK_OPTIONS,
    Column,
    Limits,
    SheetSpec,
    UploadRejected,
    UploadTooLarge,
    check_size,
    decode_text,
    guard_upload,
    read_csv,
    read_rows,
    read_workbook,
    sniff_delimiter,
    strip_neutraliser,
    write_xlsx,
)

COLUMNS = [Column("Text", 20), Column("Long text", 30, "wrap"), Column("Number", 8, "number"),
           Column("Day", 12, "date")]


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English whatever language an earlier test left active."""
    with translation.override("en"):
        yield
DANGEROUS = ["=SUM(A1:A2)", "+8613800000000", "-1+2", "@SUM(1,2)", "\t=1+1", "\r=1+1", "=HYPERLINK(\"http://x\")"]


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English whatever language an earlier test left active."""
    with translation.override("en"):
        yield


def _open(data: bytes, sheet: int = 0):
    return openpyxl.load_workbook(io.BytesIO(data)).worksheets[sheet]


def _sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("xl/worksheets/sheet1.xml").decode()


# ---- writing ------------------------------------------------------------------------------------

def test_values_are_written_as_real_cells():
    day, moment = dt.date(2024, 6, 1), dt.datetime(2024, 6, 1, 9, 30)
    data = write_xlsx([SheetSpec("Plan", COLUMNS, [["a", "b\nc", 3, day], ["", None, 2.5, moment],
                                                   [True, "x", Decimal("1.25"), ""]])])
    ws = _open(data)
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["Text", "Long text", "Number", "Day"],
        ["a", "b\nc", 3, dt.datetime(2024, 6, 1)],
        [None, None, 2.5, moment],
        [True, "x", 1.25, None],
    ]
    assert ws["D2"].is_date and ws["D2"].number_format == "yyyy-mm-dd"
    assert ws["D3"].number_format == "yyyy-mm-dd hh:mm"
    assert ws["B2"].alignment.wrap_text is True
    assert ws["A2"].alignment.wrap_text is not True


def test_formula_like_text_is_neutralised_and_never_a_formula():
    data = write_xlsx([SheetSpec("Plan", COLUMNS, [[text, text, None, None] for text in DANGEROUS] +
                                 [["plain", "a - dash inside is fine", None, None]])])
    ws = _open(data)
    for r, text in enumerate(DANGEROUS, start=2):
        for col in "AB":
            cell = ws[f"{col}{r}"]
            assert cell.value == text.replace("\r", "_x000D_")     # OOXML's escape; Excel shows a CR
            assert cell.data_type == "s"
            assert cell.quotePrefix is True, (text, col)
    assert ws["A9"].quotePrefix is False and ws["B9"].quotePrefix is False
    assert "<f>" not in _sheet_xml(data)
    assert [row[0] for row in read_workbook(data)[1:8]] == DANGEROUS


def test_header_style_widths_panes_and_filter():
    data = write_xlsx([SheetSpec("Plan", COLUMNS, [["a", "b", 1, None]])])
    ws = _open(data)
    assert [c.value for c in ws[1]] == ["Text", "Long text", "Number", "Day"]
    assert ws["A1"].font.b is True
    assert ws["A1"].fill.fgColor.rgb == "FFDCE6F1"
    assert round(ws.column_dimensions["B"].width) == 31       # XlsxWriter adds its padding
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:D2"


def test_sheet_names_are_made_valid_and_unique():
    data = write_xlsx([SheetSpec("a/b:c*?", COLUMNS[:1], []), SheetSpec("A/B:C*?", COLUMNS[:1], [])])
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["a b c", "A B C (2)"]


def test_our_row_path_writes_what_xlsxwriter_itself_writes():
    """The fast row encoder must agree with XlsxWriter's own cell API, value by value and style by style."""
    rows = [["文本", "多行\n文本", 42, dt.date(2024, 6, 1)], ["=1+1", "+1", 3.5, dt.datetime(2024, 6, 1, 12, 0)],
            ["@x", "", -7, None], [False, "<&>\"'", 10**15, dt.date(2024, 12, 31)]]
    ours = _open(write_xlsx([SheetSpec("S", COLUMNS, rows, freeze_header=False, autofilter=False)]))

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    ws = book.add_worksheet("S")
    top = {"valign": "top"}
    fmt = {"text": book.add_format(top), "wrap": book.add_format({**top, "text_wrap": True})}
    quoted = {k: book.add_format({**top, "text_wrap": k == "wrap", "quote_prefix": True}) for k in fmt}
    for c, col in enumerate(COLUMNS):
        ws.write_string(0, c, col.header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            kind = "wrap" if COLUMNS[c].kind == "wrap" else "text"
            if value in ("", None):
                continue
            if isinstance(value, str):
                ws.write_string(r, c, value, quoted[kind] if value[:1] in "=+-@" else fmt[kind])
            elif isinstance(value, dt.datetime):
                ws.write_datetime(r, c, value, book.add_format({**top, "num_format": "yyyy-mm-dd hh:mm"}))
            elif isinstance(value, dt.date):
                ws.write_datetime(r, c, value, book.add_format({**top, "num_format": "yyyy-mm-dd"}))
            elif isinstance(value, bool):
                ws.write_boolean(r, c, value)
            else:
                ws.write_number(r, c, value)
    book.close()
    stock = _open(buffer.getvalue())
    for mine, theirs in zip(ours.iter_rows(min_row=2), stock.iter_rows(min_row=2), strict=True):
        for a, b in zip(mine, theirs, strict=True):
            assert (a.value, a.data_type, a.number_format, a.quotePrefix, bool(a.alignment.wrap_text)) == (
                b.value, b.data_type, b.number_format, b.quotePrefix, bool(b.alignment.wrap_text)), a.coordinate


def test_libreoffice_shows_neutralised_cells_as_text(tmp_path):
    (tmp_path / "in.xlsx").write_bytes(write_xlsx([SheetSpec("Plan", COLUMNS[:1], [[t] for t in DANGEROUS[:4]])]))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path), str(tmp_path / "in.xlsx")],
                   check=True, capture_output=True, timeout=120)
    cells = [row[0] for row in csv.reader(io.StringIO((tmp_path / "in.csv").read_text(encoding="utf-8")))]
    assert cells == ["Text", *DANGEROUS[:4]]     # shown as typed, never computed


def test_strip_neutraliser():
    assert strip_neutraliser("'=1+1") == "=1+1"
    assert strip_neutraliser("'hello") == "'hello"
    assert strip_neutraliser("=1+1") == "=1+1"


# ---- the upload guard ---------------------------------------------------------------------------

SMALL = Limits(max_bytes=1_000_000, max_uncompressed=5_000_000, max_ratio=100, max_members=50)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members.items():
            z.writestr(name, content)
    return buffer.getvalue()


def test_a_real_workbook_passes_the_guard():
    data = write_xlsx([SheetSpec("Plan", COLUMNS, [["a", "b", 1, None]] * 50)])
    upload = guard_upload("plan.xlsx", data, SMALL)
    assert upload.kind == "xlsx"
    assert read_rows(upload)[1] == ["a", "b", 1.0, ""]


def test_oversize_is_refused_before_reading():
    with pytest.raises(UploadTooLarge) as info:
        guard_upload("plan.xlsx", b"PK\x03\x04" + b"x" * 1_000_001, SMALL)
    assert info.value.status == 413
    assert str(info.value.message) == "The file is too large: the limit is 1.0 MB."
    with pytest.raises(UploadTooLarge):
        check_size(1_000_001, SMALL)
    check_size(1_000_000, SMALL)


def test_a_zip_bomb_is_refused_from_its_directory():
    bomb = _zip({"[Content_Types].xml": b"<x/>", "xl/worksheets/sheet1.xml": b"\0" * 20_000_000})
    assert len(bomb) < 100_000
    with pytest.raises(UploadRejected) as info:
        guard_upload("plan.xlsx", bomb, Limits(10_000_000, 1_000_000_000, 100, 50))
    assert "archive bomb" in str(info.value.message)
    assert info.value.status == 422


def test_too_much_uncompressed_data_or_too_many_members_is_refused():
    with pytest.raises(UploadRejected, match="archive bomb"):
        guard_upload("plan.xlsx", _zip({"a.xml": bytes(range(256)) * 30_000}), SMALL)     # 7.7 MB > 5 MB
    with pytest.raises(UploadRejected, match="archive bomb"):
        guard_upload("plan.xlsx", _zip({f"m{i}.xml": b"<x/>" for i in range(51)}), SMALL)


def test_a_lying_directory_is_caught_by_the_checksum():
    data = bytearray(_zip({"xl/worksheets/sheet1.xml": b"<worksheet>" + b"a" * 5000 + b"</worksheet>"}))
    data[40:44] = b"zzzz"                            # corrupt the compressed stream
    with pytest.raises(UploadRejected, match="damaged"):
        guard_upload("plan.xlsx", bytes(data), SMALL)


@pytest.mark.parametrize("name, data, message", [
    ("plan.xlsx", b"this is not a workbook", "not a valid Excel"),
    ("plan.exe", b"MZ\x90\x00", "Upload an .xlsx"),
    ("plan.csv", b"", "empty"),
])
def test_files_that_are_not_spreadsheets(name, data, message):
    with pytest.raises(UploadRejected, match=message):
        guard_upload(name, data, SMALL)


def test_a_damaged_workbook_is_refused_cleanly():
    with pytest.raises(UploadRejected, match="damaged"):
        read_workbook(_zip({"hello.txt": b"not a workbook"}))


# ---- reading ------------------------------------------------------------------------------------

def test_first_visible_sheet_or_a_named_one():
    data = write_xlsx([SheetSpec("One", COLUMNS[:1], [["a"]]), SheetSpec("Two", COLUMNS[:1], [["b"]])])
    assert read_workbook(data) == [["Text"], ["a"]]
    assert read_workbook(data, sheet="Two") == [["Text"], ["b"]]
    with pytest.raises(UploadRejected, match="no sheet named “Three”"):
        read_workbook(data, sheet="Three")


ROWS = [["活动阶段", "核心任务", "备注"], ["筹备期", "确认目标、细化方案", "含,逗号;分号\n和换行"], ["预热期", "达人对接", ""]]


def _csv(rows, delimiter=",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-8"),
    lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    lambda t: t.encode("utf-16"),                       # with BOM, as Excel's "Unicode text"
    lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    lambda t: t.encode("gb18030"),                      # Excel on Chinese Windows
])
def test_csv_dialects_and_encodings(delimiter, encode):
    assert read_csv(encode(_csv(ROWS, delimiter))) == ROWS


def test_excel_sep_hint_line():
    assert read_csv(b"sep=;\r\n" + _csv(ROWS, ";").encode()) == ROWS


def test_decode_text_refuses_garbage():
    assert decode_text("完成".encode("gb18030")) == "完成"
    with pytest.raises(UploadRejected):
        decode_text(b"plan,\x81\x20\xff")


words = st.text(alphabet=st.characters(blacklist_characters=",;\t\"\r\n", blacklist_categories=("Cs", "Cc")),
                min_size=1, max_size=8)


@given(st.sampled_from([",", ";", "\t"]), st.integers(min_value=2, max_value=6), st.integers(min_value=1, max_value=6),
       st.data())
def test_the_delimiter_is_sniffed(delimiter, width, height, data):
    rows = [[data.draw(words) for _ in range(width)] for _ in range(height + 1)]
    assert sniff_delimiter(_csv(rows, delimiter)) == delimiter
