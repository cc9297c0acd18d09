"""From a sheet's rows to validated plan rows (no database; messages in the user's language).

Every problem names the row number of the file and the column as it is headed in the file.
Nothing here writes: the importer diffs the result against the plan and applies it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

from django.utils.translation import gettext as _

from campaignops.core.spreadsheets import strip_neutraliser

from .columns import HEADERS, SEED_FIELDS, Field, HeaderMap, column_letter, find_header, normalise_word
from .windows import WindowError, WindowProblem, YearHint, parse_date, parse_window

MAX_LENGTH = {Field.PHASE: 120, Field.OWNER: 100, Field.TITLE: 300, Field.DELIVERABLE: 120}
PLAIN_TEXT = (Field.TITLE, Field.STANDARD, Field.RESOURCES, Field.RISK, Field.NOTES, Field.DELIVERABLE)


@dataclass
class Issue:
    """A problem (error) or a remark (warning) about one cell, one row or the whole file (row 0)."""

    row: int
    column: str = ""
    letter: str = ""
    message: str = ""

    def where(self) -> str:
        if not self.row:
            return ""
        if self.column:
            return _("Row %(row)s, column %(letter)s “%(column)s”") % {
                "row": self.row, "letter": self.letter, "column": self.column}
        return _("Row %(row)s") % {"row": self.row}

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else str(self.message)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "column_letter": self.letter, "message": str(self.message)}


@dataclass(slots=True)
class ParsedRow:
    """One data row: its file row number and the values of the columns the file has; `fields`
    is the set of their names (shared between rows of the same shape)."""

    row: int
    values: dict[str, Any]
    task_id: int | None = None
    fields: frozenset[str] = field(default=frozenset())

    def to_json(self) -> dict[str, Any]:
        values = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.values.items()}
        return {"row": self.row, "task_id": self.task_id, "values": values}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ParsedRow:
        values = dict(data["values"])
        for key in (Field.START, Field.END):
            if values.get(key):
                values[key] = dt.date.fromisoformat(values[key])
        return cls(row=data["row"], values=values, task_id=data.get("task_id"), fields=frozenset(values))


@dataclass
class ParseContext:
    hint: YearHint
    statuses: dict[str, str]               # normalised word -> status value
    channels: dict[str, int]               # normalised code / name -> channel id
    lang: str = "en"
    tz: dt.tzinfo | None = None


@dataclass
class ParseResult:
    header: HeaderMap | None
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)


# ---- cell readers: value in, (value or raise CellProblem) out -------------------------------------


class CellProblem(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def text_of(cell: object) -> str:
    """A cell as text: numbers without a useless ".0", dates in ISO form, newlines normalised."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        s = cell
    elif isinstance(cell, bool):
        s = "TRUE" if cell else "FALSE"
    elif isinstance(cell, float) and cell.is_integer():
        s = str(int(cell))
    elif isinstance(cell, dt.datetime):
        s = cell.isoformat(sep=" ") if (cell.hour or cell.minute or cell.second) else cell.date().isoformat()
    elif isinstance(cell, dt.date):
        s = cell.isoformat()
    else:
        s = str(cell)
    return strip_neutraliser(s.replace("\r\n", "\n").replace("\r", "\n").strip())


def count_of(cell: object) -> int | None:
    if cell is None or cell == "":
        return None
    if isinstance(cell, bool):
        raise CellProblem(_("“%(value)s” is not a whole number.") % {"value": cell})
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, int):
        number = cell
    else:
        s = text_of(cell).replace(",", "")
        if not s:
            return None
        try:
            as_float = float(s)
        except ValueError:
            raise CellProblem(_("“%(value)s” is not a whole number.") % {"value": s}) from None
        if not as_float.is_integer():
            raise CellProblem(_("“%(value)s” is not a whole number.") % {"value": s})
        number = int(as_float)
    if number < 0 or number > 2_147_483_647:
        raise CellProblem(_("%(value)s is out of range: use a whole number from 0.") % {"value": number})
    return number


def window_message(exc: WindowError) -> str:
    if exc.problem == WindowProblem.IMPOSSIBLE:
        return _("“%(value)s” is not a real date.") % {"value": exc.text}
    if exc.problem == WindowProblem.END_BEFORE_START:
        return _("The end date is before the start date (“%(value)s”).") % {"value": exc.text}
    if exc.problem == WindowProblem.EMPTY:
        return _("Enter the time window, e.g. 2024-06-01 ~ 2024-06-07.")
    return _("“%(value)s” is not a time window we understand: write it like 2024-06-01 ~ 2024-06-07 or "
             "6/1-6/7.") % {"value": exc.text}


def owner_text(cell: object) -> str:
    """ClickUp writes assignees as "[Zhao Liu]", Trello members as "@zhaoliu"."""
    s = text_of(cell)
    if s.startswith("[") and s.endswith("]"):
        s = s[1:-1].strip()
    return s[1:] if s.startswith("@") else s


# ---- rows: read column by column (a 10,000-row file in a few tens of milliseconds) ----------------


def fast_text(cell: object) -> str:
    """text_of() with a short path for the common case, a plain string."""
    if type(cell) is str:
        s = cell.strip()
        if "\r" in s or s[:1] == "'":
            return text_of(s)
        return s
    return text_of(cell)


_MISSING = object()


class _Sheet:
    """The data rows below the header, read column by column; problems keep their row and column."""

    def __init__(self, header: HeaderMap, ctx: ParseContext, rows: Sequence[Sequence[object]], result: ParseResult):
        self.header, self.ctx, self.result = header, ctx, result
        width = max(header.columns.values()) + 1
        self.numbers, kept = _kept_rows(rows, header.row_index + 1)
        if kept and min(map(len, kept)) >= width:     # a spreadsheet's rows are all as wide as its widest
            self.cells = kept
        else:
            self.cells = [row if len(row) >= width else [*row, *[""] * (width - len(row))] for row in kept]
        self.bad: set[int] = set()       # positions (in self.numbers) of rows with an error
        self._columns: list[tuple[object, ...]] | None = None

    def column(self, f: Field) -> Sequence[object] | None:
        i = self.header.columns.get(f)
        if i is None:
            return None
        if self._columns is None:
            self._columns = list(zip(*self.cells, strict=False)) if self.cells else []
        return self._columns[i] if self.cells else []

    def issue(self, pos: int, f: Field | None, message: str, *, warning: bool = False) -> None:
        i = self.header.columns.get(f) if f is not None else None
        entry = Issue(self.numbers[pos], self.header.headers[i] if i is not None else "",
                      column_letter(i) if i is not None else "", message)
        if warning:
            self.result.warnings.append(entry)
        else:
            self.result.errors.append(entry)
            self.bad.add(pos)

    def convert(self, f: Field, reader: Callable[[object], Any], cells: Sequence[object] | None = None) -> list[Any]:
        """reader() over a column, memoised per distinct cell; failures become issues and None.
        Text cells are memoised by their text, other cells by (type, value) (1 and 1.0 and True differ)."""
        cells = self.column(f) if cells is None else cells
        if cells is None:
            return [None] * len(self.numbers)
        if _TEXT_OR_NONE.issuperset(map(type, cells)):   # text cells (or None): one reader call per distinct
            return self._convert_texts(f, reader, cells)
        seen: dict[object, Any] = {}
        out: list[Any] = []
        failed = False
        for cell in cells:
            key = cell if type(cell) is str else (type(cell), cell)
            value = seen.get(key, _MISSING)
            if value is _MISSING:
                try:
                    value = reader(cell)
                except (CellProblem, WindowError) as exc:
                    value, failed = exc, True
                seen[key] = value
            out.append(value)
        if failed:
            for pos, value in enumerate(out):
                if isinstance(value, Exception):
                    self.issue(pos, f, exc_message(value))
                    out[pos] = None
        return out

    def _convert_texts(self, f: Field, reader: Callable[[object], Any], cells: Sequence[object]) -> list[Any]:
        """convert() of a column of str / None cells: the reader runs once per distinct cell, the
        column is then looked up from C."""
        seen: dict[object, Any] = {}
        failed = False
        for cell in set(cells):
            try:
                seen[cell] = reader(cell)
            except (CellProblem, WindowError) as exc:
                seen[cell], failed = exc, True
        out = list(map(seen.__getitem__, cells))
        if failed:
            for pos, value in enumerate(out):
                if isinstance(value, Exception):
                    self.issue(pos, f, exc_message(value))
                    out[pos] = None
        return out

    def counts(self, f: Field) -> list[int | None]:
        """Whole numbers (counts, IDs): whole float cells straight away, anything else through count_of()."""
        cells = self.column(f)
        if cells is None:
            return [None] * len(self.numbers)
        whole = _whole_floats(cells)
        if whole is not None:
            return whole
        if _FLOAT_OR_TEXT.issuperset(map(type, cells)):   # e.g. counts with empty cells: by distinct cell
            known = {c: _quick_count(c) for c in set(cells)}
            fast = list(map(known.__getitem__, cells))
        else:
            fast = list(map(_quick_count, cells))
        if _MISSING in fast:
            slow = self.convert(f, count_of, [c if v is _MISSING else None for c, v in zip(cells, fast, strict=True)])
            fast = [s if v is _MISSING else v for v, s in zip(fast, slow, strict=True)]
        return fast


_TEXT_OR_NONE = frozenset((str, type(None)))
_FLOAT_OR_TEXT = frozenset((float, str, type(None)))


def _quick_count(c: object) -> int | None | object:
    """A whole, in-range float cell as an int; an empty cell as None; anything else _MISSING (to be
    read by count_of())."""
    if type(c) is float and c.is_integer() and 0 <= c <= 2_147_483_647:
        return int(c)
    return None if c == "" or c is None else _MISSING


def _whole_floats(cells: Sequence[object]) -> list[int] | None:
    """A column of whole, in-range float cells (a spreadsheet's ID column) as ints in a few C loops;
    None when any cell is something else."""
    try:
        if not all(map(float.is_integer, cells)):
            return None
    except TypeError:   # a cell that is not a float
        return None
    if cells and (min(cells) < 0 or max(cells) > 2_147_483_647):
        return None
    return list(map(int, cells))


def exc_message(exc: Exception) -> str:
    return window_message(exc) if isinstance(exc, WindowError) else str(getattr(exc, "message", exc))


def _plain_texts(cells: Sequence[object]) -> list[str]:
    """A column as text. Carriage returns and neutralising apostrophes are rare: one joined search
    finds whether any cell needs text_of()'s full treatment."""
    try:
        out = list(map(str.strip, cells))     # the common case: every cell is text
    except TypeError:
        out = [c.strip() if type(c) is str else text_of(c) for c in cells]
    joined = "\x00" + "\x00".join(out)
    if "\r" in joined or "\x00'" in joined:
        out = [text_of(t) if ("\r" in t or t[:1] == "'") else t for t in out]
    return out


def _texts(sheet: _Sheet, columns: dict[str, list[Any]]) -> None:
    for f in PLAIN_TEXT:
        cells = sheet.column(f)
        if cells is not None:
            columns[f] = _plain_texts(cells)
    if (cells := sheet.column(Field.OWNER)) is not None:
        owners = _plain_texts(cells)
        columns[Field.OWNER] = [owner_text(o) if o[:1] in ("[", "@") else o for o in owners]
    for f, limit in MAX_LENGTH.items():
        texts = columns.get(f) or ()
        if texts and max(map(len, texts)) <= limit:
            continue
        for pos, text in enumerate(texts):
            if len(text) > limit:
                sheet.issue(pos, f, _("Too long: at most %(limit)s characters (this cell has %(length)s).") % {
                    "limit": limit, "length": len(text)})
    titles = columns.get(Field.TITLE) or ()
    if "" in titles:
        for pos, title in enumerate(titles):
            if not title:
                sheet.issue(pos, Field.TITLE, _("Enter the core task."))


def _phases(sheet: _Sheet, columns: dict[str, list[Any]]) -> None:
    """Merged phase cells (the value sits on the top cell) give their phase to the rows below."""
    texts = _plain_texts(sheet.column(Field.PHASE) or ())
    if "" not in texts:     # every row names its phase
        columns[Field.PHASE] = texts
        return
    names, previous = [], ""
    for pos, text in enumerate(texts):
        previous = text or previous
        if not previous:
            sheet.issue(pos, Field.PHASE, _("Enter the phase."))
        names.append(previous)
    columns[Field.PHASE] = names


def _dates(sheet: _Sheet, columns: dict[str, list[Any]]) -> None:
    ctx, n = sheet.ctx, len(sheet.numbers)
    windows = sheet.column(Field.WINDOW) or [""] * n
    typed = [w if (type(w) is not str or w.strip()) and w is not None else None for w in windows]
    parsed = sheet.convert(Field.WINDOW, lambda c: None if c is None else parse_window(c, hint=ctx.hint, tz=ctx.tz),
                           typed) if sheet.header.has(Field.WINDOW) else [None] * n
    date = lambda c: parse_date(c, hint=ctx.hint, tz=ctx.tz)  # noqa: E731
    starts, ends = [None] * n, [None] * n
    if sheet.header.has(Field.START):
        starts = sheet.convert(Field.START, date, [None if t is not None else c for t, c in
                                                   zip(typed, sheet.column(Field.START), strict=True)])
    if sheet.header.has(Field.END):
        ends = sheet.convert(Field.END, date, [None if t is not None else c for t, c in
                                               zip(typed, sheet.column(Field.END), strict=True)])
    if not (sheet.header.has(Field.START) or sheet.header.has(Field.END)):     # a window column only
        columns[Field.START] = [w[0] if w is not None else None for w in parsed]
        columns[Field.END] = [w[1] if w is not None else None for w in parsed]
        return
    out_start, out_end = [], []
    for pos, (window, start, end) in enumerate(zip(parsed, starts, ends, strict=True)):
        if window is None and start and end and end < start:
            sheet.issue(pos, Field.END, _("The end date %(end)s is before the start date %(start)s.") % {
                "end": end.isoformat(), "start": start.isoformat()})
        if window is None:
            window = (start or end, end or start) if (start or end) else (None, None)
        out_start.append(window[0])
        out_end.append(window[1])
    columns[Field.START], columns[Field.END] = out_start, out_end


def _choices(sheet: _Sheet, columns: dict[str, list[Any]]) -> None:
    ctx = sheet.ctx
    if (cells := sheet.column(Field.STATUS)) is not None:
        words = _plain_texts(cells)
        known = {w: ctx.statuses.get(normalise_word(w)) for w in set(words) if w}
        statuses = list(map(known.get, words))
        if None in known.values():
            for pos, (word, status) in enumerate(zip(words, statuses, strict=True)):
                if word and status is None:
                    sheet.issue(pos, Field.STATUS, _("Unknown status “%(value)s”: the status is left as it is.") % {
                        "value": word}, warning=True)
        columns[Field.STATUS] = statuses
    if (cells := sheet.column(Field.CHANNEL)) is not None:
        words = _plain_texts(cells)
        known = {w: ctx.channels.get(normalise_word(w)) for w in set(words) if w}
        channels = list(map(known.get, words))
        if None in known.values():
            for pos, (word, channel) in enumerate(zip(words, channels, strict=True)):
                if word and channel is None:
                    sheet.issue(pos, Field.CHANNEL, _("Unknown channel “%(value)s”: use a channel of the catalogue "
                                                      "or leave the cell empty.") % {"value": word})
        columns[Field.CHANNEL] = channels
    for f in (Field.PLANNED, Field.DONE, Field.ID):
        if sheet.header.has(f):
            columns[f] = sheet.counts(f)


def _unique_ids(sheet: _Sheet, ids: list[int | None]) -> None:
    first: dict[int, int] = {}
    for pos, task_id in enumerate(ids):
        if task_id is None:
            continue
        if task_id in first:
            sheet.issue(pos, Field.ID, _("ID %(id)s is also on row %(row)s: each task can appear only once.") % {
                "id": task_id, "row": sheet.numbers[first[task_id]]})
        else:
            first[task_id] = pos


def _assemble(sheet: _Sheet, columns: dict[str, list[Any]], ids: list[int | None]) -> list[ParsedRow]:
    """Columns -> one ParsedRow per good row, built in one pass; rows without dates or with an empty
    status (the task keeps its own) drop those keys afterwards."""
    keys = list(columns)
    full = frozenset(keys)
    # dict(zip(keys, cells)) per row and ParsedRow(...) per row, driven from C (map) rather than a loop.
    values = map(dict, map(zip, repeat(keys), zip(*columns.values(), strict=True)))
    rows = list(map(ParsedRow, sheet.numbers, values, ids, repeat(full)))
    if len(rows) != len(ids):
        raise AssertionError("a column is shorter than the sheet")
    undated = None in columns[Field.START]
    no_status = Field.STATUS in columns and None in columns[Field.STATUS]
    if undated or no_status:
        shapes: dict[frozenset[str], frozenset[str]] = {}
        for row in rows:
            if row.values[Field.START] is None:
                del row.values[Field.START], row.values[Field.END]
            if no_status and row.values[Field.STATUS] is None:
                del row.values[Field.STATUS]
            shape = frozenset(row.values)
            row.fields = shapes.setdefault(shape, shape)
    return [row for pos, row in enumerate(rows) if pos not in sheet.bad] if sheet.bad else rows


def _blank(row: Sequence[object]) -> bool:
    for c in row:
        if c is not None and (type(c) is not str or c.strip()):
            return False
    return True


def _kept_rows(rows: Sequence[Sequence[object]], first: int) -> tuple[list[int], list[Sequence[object]]]:
    """(file row numbers, rows) of the non-blank rows from index `first` on (no call per row)."""
    numbers: list[int] = []
    kept: list[Sequence[object]] = []
    for n, row in enumerate(rows[first:], start=first + 1):
        for c in row:
            if c is not None and (type(c) is not str or c.strip()):
                numbers.append(n)
                kept.append(row)
                break
    return numbers, kept


def _no_header(ctx: ParseContext) -> ParseResult:
    names = HEADERS["zh" if ctx.lang.startswith("zh") else "en"]
    return ParseResult(None, errors=[Issue(0, message=_(
        "No header row was found: the first rows must name the columns (%(headers)s).") % {
        "headers": ", ".join(names[f] for f in SEED_FIELDS)})])


def parse_rows(rows: Sequence[Sequence[object]], ctx: ParseContext) -> ParseResult:
    """Find the header row, then read every non-blank row below it."""
    header = find_header(rows)
    if header is None:
        return _no_header(ctx)
    result = ParseResult(header)
    if not header.has(Field.PHASE):
        names = HEADERS["zh" if ctx.lang.startswith("zh") else "en"]
        result.errors.append(Issue(0, message=_("The file has no phase column (“%(header)s”, or “List Name” in "
                                                "ClickUp and Trello files).") % {"header": names[Field.PHASE]}))
        return result
    sheet = _Sheet(header, ctx, rows, result)
    columns: dict[str, list[Any]] = {}
    _phases(sheet, columns)
    _texts(sheet, columns)
    _dates(sheet, columns)
    _choices(sheet, columns)
    ids = columns.pop(Field.ID, [None] * len(sheet.numbers))
    _unique_ids(sheet, ids)
    result.rows = _assemble(sheet, columns, ids)
    result.errors.sort(key=lambda i: i.row)
    result.warnings.sort(key=lambda i: i.row)
    return result
