"""Safe spreadsheet I/O shared by every feature.

Writing: `write_xlsx([SheetSpec(...)])` -> .xlsx bytes, through XlsxWriter with
`strings_to_formulas=False`; text starting with = + - @ (or a tab / carriage return) gets Excel's
quote prefix, so Excel and LibreOffice show it as text and never evaluate it. Header styling,
column widths, real date cells, a frozen header row and filters come with it.

Reading: `guard_upload(name, data)` refuses an upload BEFORE anything parses it (size limit,
zip-bomb checks from the zip central directory); `read_rows(upload)` then returns the first (or a
named) sheet as a list of rows of cell values: XLSX/XLSM/ODS/XLS through python-calamine, CSV/TSV
with dialect sniffing (`,` `;` tab) in UTF-8 (with or without BOM), UTF-16 (BOM) or GB18030.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gc
import io
import math
import threading
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

import xlsxwriter
from django.conf import settings
from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from .errors import ValidationFailed

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# ---- bulk work ---------------------------------------------------------------------------------

_gc_lock = threading.Lock()
_gc_holders = 0
_gc_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large sheet is read or written.

    A 10,000-row sheet allocates a few hundred thousand short-lived, acyclic lists, dicts and
    tuples; reference counting frees them all, but each of them also triggers the cyclic
    collector, whose full passes then dominate the run time (about 2× on a 10,000-row import).
    Nesting and threads are safe: the collector resumes when the last holder leaves."""
    global _gc_holders, _gc_was_enabled
    with _gc_lock:
        if _gc_holders == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_holders += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_holders -= 1
            if _gc_holders == 0 and _gc_was_enabled:
                gc.enable()


# ---- writing ------------------------------------------------------------------------------------


def needs_neutralising(text: str) -> bool:
    """True for text a spreadsheet program could take for a formula (CSV/formula injection)."""
    return text.startswith(FORMULA_TRIGGERS)


def neutralise_for_csv(text: str) -> str:
    """For CSV output, where no cell attribute exists: a leading apostrophe keeps it text."""
    return "'" + text if needs_neutralising(text) else text


def strip_neutraliser(text: str) -> str:
    """Undo `neutralise_for_csv` when reading a file back."""
    return text[1:] if text.startswith("'") and needs_neutralising(text[1:]) else text


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 16
    kind: Literal["text", "wrap", "number", "date"] = "text"


@dataclass
class SheetSpec:
    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Cell]]
    freeze_header: bool = True
    autofilter: bool = True


WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "default_date_format": "yyyy-mm-dd",
}


class _RowSheet(Worksheet):
    """An XlsxWriter worksheet that also takes whole rows already encoded by `_RowEncoder`.

    XlsxWriter spends most of a large export in its generic per-cell path (a cell object per
    value, then one formatting call per cell at close). Rows encoded here go into the same
    <sheetData>, after any cell written the ordinary way, and share the workbook's string table
    and formats; everything else (styles, widths, panes, filters, the package) stays XlsxWriter's."""

    def __init__(self) -> None:
        super().__init__()
        self._encoded_rows: list[str] = []

    def add_encoded_rows(self, first_row: int, last_row: int, last_col: int, rows: list[str]) -> None:
        self._check_dimensions(first_row, 0)
        self._check_dimensions(last_row, last_col)
        self._encoded_rows.extend(rows)

    def _write_rows(self) -> None:
        super()._write_rows()
        self.fh.write("".join(self._encoded_rows))


EXCEL_EPOCH = dt.datetime(1899, 12, 30)
EXCEL_STRING_MAX = 32767


class _RowEncoder:
    """Encodes one row of Python values as <row> XML: strings through the shared string table,
    numbers, booleans, dates and date-times as real cells; formula-like text with the quote prefix."""

    def __init__(self, sheet: _RowSheet, styles: _Styles, columns: Sequence[Column]):
        self.sst = sheet.str_table._get_shared_string_index
        self.letters = [xl_col_to_name(c) for c in range(len(columns))]
        self.text = [styles.for_text(col, "")._get_xf_index() for col in columns]
        self.quoted = [styles.for_text(col, "=")._get_xf_index() for col in columns]
        self.date = styles.date._get_xf_index()
        self.datetime = styles.datetime._get_xf_index()
        self.header = styles.header._get_xf_index()

    def _string(self, ref: str, xf: int, text: str) -> str:
        return f'<c r="{ref}" s="{xf}" t="s"><v>{self.sst(text[:EXCEL_STRING_MAX])}</v></c>'

    def _other(self, ref: str, c: int, value: Cell) -> str:
        if isinstance(value, bool):
            return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, (int, float, Decimal)) and math.isfinite(value):
            # No style: a styled number makes every reader check whether its format is a date's
            # (python-calamine reads a 10,000-row plan a third faster without them).
            return f'<c r="{ref}"><v>{value:.16G}</v></c>'
        if isinstance(value, dt.datetime) and value.replace(tzinfo=None) >= EXCEL_EPOCH + dt.timedelta(days=61):
            delta = value.replace(tzinfo=None) - EXCEL_EPOCH
            return f'<c r="{ref}" s="{self.datetime}"><v>{delta.days + delta.seconds / 86400:.16G}</v></c>'
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime) and value >= dt.date(1900, 3, 1):
            return f'<c r="{ref}" s="{self.date}"><v>{(value - EXCEL_EPOCH.date()).days}</v></c>'
        text = value.isoformat() if isinstance(value, (dt.date, dt.time)) else str(value)
        return self._string(ref, self.quoted[c] if needs_neutralising(text) else self.text[c], text)

    def row(self, r: int, values: Sequence[Cell], *, header: bool = False) -> str:
        """One <row>: the innermost loop of an export, so string cells are written inline."""
        n, letters, sst, text, quoted, parts = r + 1, self.letters, self.sst, self.text, self.quoted, []
        for c, value in enumerate(values):
            if type(value) is str:
                if not value:
                    continue
                if len(value) > EXCEL_STRING_MAX:
                    value = value[:EXCEL_STRING_MAX]
                xf = self.header if header else (quoted[c] if value.startswith(FORMULA_TRIGGERS) else text[c])
                parts.append(f'<c r="{letters[c]}{n}" s="{xf}" t="s"><v>{sst(value)}</v></c>')
            elif value is not None:
                parts.append(self._other(f"{letters[c]}{n}", c, value))
        return f'<row r="{n}">{"".join(parts)}</row>' if parts else ""


class _Styles:
    def __init__(self, book: xlsxwriter.Workbook):
        top = {"valign": "top"}
        self.header = book.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "border_color": "#9BB0CC",
                                       "text_wrap": True, "valign": "vcenter"})
        self.text = book.add_format(top)
        self.wrap = book.add_format({**top, "text_wrap": True})
        self.text_q = book.add_format({**top, "quote_prefix": True})
        self.wrap_q = book.add_format({**top, "text_wrap": True, "quote_prefix": True})
        self.date = book.add_format({**top, "num_format": "yyyy-mm-dd"})
        self.datetime = book.add_format({**top, "num_format": "yyyy-mm-dd hh:mm"})

    def for_text(self, column: Column, text: str):
        quoted = needs_neutralising(text)
        if column.kind == "wrap":
            return self.wrap_q if quoted else self.wrap
        return self.text_q if quoted else self.text


def _sheet_name(name: str, taken: set[str]) -> str:
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip("' ")[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def _write_sheet(book: xlsxwriter.Workbook, styles: _Styles, spec: SheetSpec, taken: set[str]) -> None:
    ws = book.add_worksheet(_sheet_name(spec.name, taken), worksheet_class=_RowSheet)
    columns = list(spec.columns)
    encoder = _RowEncoder(ws, styles, columns)
    for c, column in enumerate(columns):
        ws.set_column(c, c, column.width)
    encoded = [encoder.row(0, [c.header for c in columns], header=True)]
    r = 0
    for r, row in enumerate(spec.rows, start=1):
        encoded.append(encoder.row(r, row))
    ws.add_encoded_rows(0, r, max(len(columns) - 1, 0), encoded)
    if spec.freeze_header:
        ws.freeze_panes(1, 0)
    if spec.autofilter and columns:
        ws.autofilter(0, 0, max(r, 1), len(columns) - 1)


def write_xlsx(sheets: Sequence[SheetSpec]) -> bytes:
    """Write sheets into an .xlsx file and return its bytes (formulas never evaluated)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    styles, taken = _Styles(book), set()
    for spec in sheets:
        _write_sheet(book, styles, spec, taken)
    book.close()
    return buffer.getvalue()


# ---- the upload guard ---------------------------------------------------------------------------


class UploadRejected(ValidationFailed):
    """The file was refused before parsing (too big, not a spreadsheet, an archive bomb)."""

    status = 422


class UploadTooLarge(UploadRejected):
    status = 413


Kind = Literal["xlsx", "ods", "xls", "csv"]
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls", ".csv", ".tsv", ".txt")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_uncompressed: int
    max_ratio: float
    max_members: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=settings.MAX_UPLOAD_BYTES,
            max_uncompressed=getattr(settings, "MAX_UPLOAD_UNCOMPRESSED_BYTES", 200 * 1024 * 1024),
            max_ratio=getattr(settings, "MAX_UPLOAD_COMPRESSION_RATIO", 100.0),
            max_members=getattr(settings, "MAX_UPLOAD_ZIP_MEMBERS", 1000),
        )


@dataclass(frozen=True)
class Upload:
    """A guarded upload: its name, detected kind and bytes."""

    name: str
    kind: Kind
    data: bytes = field(repr=False)


def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}"


def _too_large(limit: int) -> UploadTooLarge:
    return UploadTooLarge(_("The file is too large: the limit is %(size)s MB.") % {"size": _megabytes(limit)},
                          field="file")


def check_size(size: int | None, limits: Limits | None = None) -> None:
    """Refuse by declared size, before reading the body (e.g. an UploadedFile's `size`)."""
    limits = limits or Limits.from_settings()
    if size is not None and size > limits.max_bytes:
        raise _too_large(limits.max_bytes)


def detect_kind(name: str, data: bytes) -> Kind:
    """What the bytes are (by their magic number first, then by the file name)."""
    lower = name.lower()
    if data.startswith(ZIP_MAGIC):
        return "ods" if lower.endswith(".ods") or b"mimetypeapplication/vnd.oasis" in data[:100] else "xlsx"
    if data.startswith(OLE_MAGIC):
        return "xls"
    if lower.endswith((".xlsx", ".xlsm", ".ods", ".xls")):
        raise UploadRejected(_("The file is not a valid Excel or OpenDocument spreadsheet."), field="file")
    if lower and not lower.endswith(SPREADSHEET_SUFFIXES):
        raise UploadRejected(_("Upload an .xlsx, .xls, .ods or .csv file."), field="file")
    return "csv"


def check_zip(data: bytes, limits: Limits) -> None:
    """Zip-bomb checks from the central directory (no member is decompressed to decide), then a
    capped, streamed CRC check so that a lying directory cannot slip through either."""
    bomb = UploadRejected(_("The file looks like a compressed archive bomb (it would expand far beyond "
                            "a normal spreadsheet), so it was refused."), field="file")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UploadRejected(_("The file is damaged or not a spreadsheet."), field="file") from exc
    if len(members) > limits.max_members:
        raise bomb
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    if total > limits.max_uncompressed:
        raise bomb
    for m in members:
        if m.file_size > 1024 * 1024 and m.file_size > limits.max_ratio * max(m.compress_size, 1):
            raise bomb
    if total > 1024 * 1024 and total > limits.max_ratio * max(packed, 1):
        raise bomb
    _verify_members(archive, members, limits, bomb)


def _verify_members(archive: zipfile.ZipFile, members, limits: Limits, bomb: UploadRejected) -> None:
    seen = 0
    try:
        for m in members:
            with archive.open(m) as stream:
                while chunk := stream.read(1 << 20):
                    seen += len(chunk)
                    if seen > limits.max_uncompressed:
                        raise bomb
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, RuntimeError) as exc:
        raise UploadRejected(_("The file is damaged or not a spreadsheet."), field="file") from exc


def guard_upload(name: str, data: bytes, limits: Limits | None = None) -> Upload:
    """Refuse oversize files and archive bombs before any parser sees the bytes."""
    limits = limits or Limits.from_settings()
    if len(data) > limits.max_bytes:
        raise _too_large(limits.max_bytes)
    if not data:
        raise UploadRejected(_("The file is empty."), field="file")
    kind = detect_kind(name, data)
    if kind in ("xlsx", "ods"):
        check_zip(data, limits)
    return Upload(name=name, kind=kind, data=data)


def guard_uploaded_file(uploaded, limits: Limits | None = None) -> Upload:
    """Guard a Django UploadedFile: its declared size first, then at most the limit + 1 bytes."""
    limits = limits or Limits.from_settings()
    check_size(getattr(uploaded, "size", None), limits)
    uploaded.seek(0)
    data = uploaded.read(limits.max_bytes + 1)
    return guard_upload(getattr(uploaded, "name", "") or "", data, limits)


# ---- reading ------------------------------------------------------------------------------------


def read_rows(upload: Upload, *, sheet: str | None = None) -> list[list[Cell]]:
    """The rows of the first sheet (or the named one); row 1 of the file is index 0."""
    if upload.kind == "csv":
        return read_csv(upload.data)
    return read_workbook(upload.data, sheet=sheet)


def read_workbook(data: bytes, *, sheet: str | None = None) -> list[list[Cell]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
            if sheet is not None:
                if sheet not in book.sheet_names:
                    raise UploadRejected(_("The file has no sheet named “%(name)s”.") % {"name": sheet},
                                         field="file")
                found = book.get_sheet_by_name(sheet)
            else:
                found = book.get_sheet_by_index(_first_worksheet(book))
            return found.to_python(skip_empty_area=False)
    except UploadRejected:
        raise
    except (CalamineError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise UploadRejected(_("The file is damaged or not a spreadsheet."), field="file") from exc


def _first_worksheet(book) -> int:
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    for i, meta in enumerate(book.sheets_metadata):
        if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible:
            return i
    return 0


def decode_text(data: bytes) -> str:
    """Text of a CSV file: UTF-8 with or without BOM, UTF-16 with BOM, else GB18030 (Chinese Excel)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    head = data[:2000]
    if head and head.count(0) > len(head) // 4:
        return data.decode("utf-16-le" if head[1:2] == b"\x00" else "utf-16-be", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise UploadRejected(_("The file's text encoding is not recognised: save it as UTF-8 CSV or .xlsx."),
                             field="file") from exc


def sniff_delimiter(text: str, candidates: str = ",;\t") -> str:
    """The delimiter that splits the first lines into the most consistent number of columns."""
    lines = [line for line in text.splitlines()[:30] if line.strip()]
    best, best_score = ",", (0.0, 0)
    for delimiter in candidates:
        widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if not widths or max(widths) < 2:
            continue
        common = max(set(widths), key=widths.count)
        score = (widths.count(common) / len(widths), common)
        if common > 1 and score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(data: bytes) -> list[list[Cell]]:
    text = decode_text(data)
    first, _sep, rest = text.partition("\n")
    delimiter = None
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        delimiter, text = first.strip()[4], rest    # Excel's "sep=;" hint line
    delimiter = delimiter or sniff_delimiter(text)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))    # each row a list
    except csv.Error as exc:
        raise UploadRejected(_("The CSV file could not be read: %(error)s") % {"error": exc}, field="file") from exc
