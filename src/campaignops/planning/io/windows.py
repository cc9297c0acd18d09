"""Time windows as people type them in a plan (pure Python, no Django).

"2024-06-01~06-07", "2024-06-01 ~ 2024-06-07", "2024/6/1-2024/6/7", "6/1-6/7", "6月1日-6月7日",
"2024年6月1日～6月7日", "6/1-7", a single day, a real date cell or an Excel serial number. A date
without a year takes the campaign's year (the year in which it falls inside the campaign when the
campaign spans a new year); an end without a year takes the start's year. An end before the start
is an error, as is an impossible date such as 2024-02-30.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class WindowProblem(StrEnum):
    EMPTY = "empty"
    UNRECOGNISED = "unrecognised"
    IMPOSSIBLE = "impossible"
    END_BEFORE_START = "end_before_start"


class WindowError(ValueError):
    """`problem` says what is wrong; `text` is the offending part as written."""

    def __init__(self, problem: WindowProblem, text: str = "") -> None:
        super().__init__(f"{problem}: {text}")
        self.problem = problem
        self.text = text


@dataclass(frozen=True)
class YearHint:
    """The campaign's span: where a date typed without a year belongs."""

    start: dt.date
    end: dt.date

    def year_for(self, month: int, day: int) -> int:
        for year in range(self.start.year, self.end.year + 1):
            try:
                if self.start <= dt.date(year, month, day) <= self.end:
                    return year
            except ValueError:
                continue
        return self.start.year


EXCEL_EPOCH = dt.date(1899, 12, 30)
MONTHS = {name: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
     ("nov", "november"), ("dec", "december")], start=1) for name in names}

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?\s*(?:Z|[+-]\d{2}:?\d{2}|[A-Z]{2,5})?)?"
_YMD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?" + _TIME, re.I)
_MDY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})" + _TIME, re.I)            # US: ClickUp, Trello
_DMY = re.compile(r"(\d{1,2})[.-](\d{1,2})[.-](\d{4})" + _TIME, re.I)       # 07.06.2024, 07-06-2024
_MD = re.compile(r"(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_D = re.compile(r"(\d{1,2})\s*日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_TIMESTAMP = re.compile(r"\d{10}|\d{13}")
_AT_TIME = r"(?:,?\s*(?:at\s+)?\d{1,2}:\d{2}[\w:.+\- ]*)?"
_WORDS_MDY = re.compile(r"(?:[a-z]+,?\s+)?([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?(?:\s+(\d{4}))?" + _AT_TIME, re.I)
_WORDS_DMY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?,?(?:\s+(\d{4}))?", re.I)
_SEP_STRONG = re.compile(r"\s*(?:~|〜|至|到|–|—|\bto\b|\buntil\b)\s*", re.I)
_SEP_DASH = re.compile(r"\s*-{1,2}\s*")


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _make(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise WindowError(WindowProblem.IMPOSSIBLE, text) from None


def from_excel_serial(number: float) -> dt.date:
    """An Excel serial day number (1900 system) as a date."""
    if not 1 <= number < 2958466:
        raise WindowError(WindowProblem.UNRECOGNISED, f"{number:g}")
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


def _from_timestamp(digits: str, tz: dt.tzinfo | None) -> dt.date:
    seconds = int(digits) / (1000 if len(digits) == 13 else 1)
    return dt.datetime.fromtimestamp(seconds, tz or dt.UTC).date()


def _iso_aware(text: str, tz: dt.tzinfo | None) -> dt.date | None:
    """An ISO date-time with a zone ("2024-06-06T16:00:00.000Z") seen in the campaign's zone."""
    if tz is None or not re.search(r"(?:Z|[+-]\d{2}:?\d{2})$", text) or "T" not in text.upper():
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None
    return moment.astimezone(tz).date() if moment.tzinfo else None


def _word_month(name: str) -> int | None:
    return MONTHS.get(name.lower().rstrip("."))


def parse_date_text(text: str, *, hint: YearHint, tz: dt.tzinfo | None = None,
                    year: int | None = None, month: int | None = None) -> dt.date:
    """One date typed as text. `year`/`month` complete a partial date (the end of a window)."""
    s = _normalise(text)
    if not s:
        raise WindowError(WindowProblem.EMPTY)
    if (aware := _iso_aware(s, tz)) is not None:
        return aware
    if m := _YMD.fullmatch(s):
        return _make(int(m[1]), int(m[2]), int(m[3]), s)
    if m := _MDY.fullmatch(s):
        return _make(int(m[3]), int(m[1]), int(m[2]), s)
    if m := _DMY.fullmatch(s):
        return _make(int(m[3]), int(m[2]), int(m[1]), s)
    if m := _COMPACT.fullmatch(s):
        return _make(int(m[1]), int(m[2]), int(m[3]), s)
    if _TIMESTAMP.fullmatch(s):
        return _from_timestamp(s, tz)
    if m := _MD.fullmatch(s):
        mo, d = int(m[1]), int(m[2])
        return _make(year if year is not None else _year_for(hint, mo, d), mo, d, s)
    if month is not None and (m := _D.fullmatch(s)):
        return _make(year if year is not None else _year_for(hint, month, int(m[1])), month, int(m[1]), s)
    return _parse_words(s, hint=hint, year=year)


def _year_for(hint: YearHint, month: int, day: int) -> int:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return hint.start.year
    return hint.year_for(month, day)


def _parse_words(s: str, *, hint: YearHint, year: int | None) -> dt.date:
    for pattern, month_group, day_group in ((_WORDS_MDY, 1, 2), (_WORDS_DMY, 2, 1)):
        m = pattern.fullmatch(s)
        if m and (mo := _word_month(m[month_group])) is not None:
            day = int(m[day_group])
            y = int(m[3]) if m[3] else (year if year is not None else _year_for(hint, mo, day))
            return _make(y, mo, day, s)
    raise WindowError(WindowProblem.UNRECOGNISED, s)


def parse_date(value: object, *, hint: YearHint, tz: dt.tzinfo | None = None) -> dt.date | None:
    """A date cell: a real date, an Excel serial number or text. None when the cell is empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(tz).date() if (value.tzinfo and tz) else value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise WindowError(WindowProblem.UNRECOGNISED, str(value))
    if isinstance(value, (int, float)):
        return from_excel_serial(value)
    return parse_date_text(str(value), hint=hint, tz=tz)


def _end_with(start: dt.date, text: str, *, hint: YearHint, tz: dt.tzinfo | None) -> tuple[dt.date, bool]:
    """The end date of a window; the flag says it was typed without a year."""
    s = _normalise(text)
    full = any(p.fullmatch(s) for p in (_YMD, _MDY, _DMY, _COMPACT, _TIMESTAMP)) or bool(re.search(r"\d{4}", s))
    return parse_date_text(s, hint=hint, tz=tz, year=start.year, month=start.month), not full


def _split_candidates(s: str) -> list[tuple[str, str]]:
    strong = [(s[: m.start()], s[m.end():]) for m in _SEP_STRONG.finditer(s)]
    if strong:
        return strong
    return [(s[: m.start()], s[m.end():]) for m in _SEP_DASH.finditer(s)]


def _roll_over(start: dt.date, end: dt.date, yearless: bool) -> dt.date:
    """"12/28-1/3": a year-less end before the start means the next year, if the window stays short."""
    if yearless and end < start:
        try:
            later = end.replace(year=end.year + 1)
        except ValueError:
            return end
        if (later - start).days <= 62:
            return later
    return end


def parse_window_text(text: str, *, hint: YearHint, tz: dt.tzinfo | None = None) -> tuple[dt.date, dt.date]:
    s = _normalise(text)
    if not s:
        raise WindowError(WindowProblem.EMPTY)
    try:
        day = parse_date_text(s, hint=hint, tz=tz)
        return day, day
    except WindowError as exc:
        if exc.problem == WindowProblem.IMPOSSIBLE:
            raise
    impossible: WindowError | None = None
    for left, right in _split_candidates(s):
        if not left.strip() or not right.strip():
            continue
        try:
            start = parse_date_text(left, hint=hint, tz=tz)
            end, yearless = _end_with(start, right, hint=hint, tz=tz)
        except WindowError as exc:
            if exc.problem == WindowProblem.IMPOSSIBLE and impossible is None:
                impossible = exc
            continue
        end = _roll_over(start, end, yearless)
        if end < start:
            raise WindowError(WindowProblem.END_BEFORE_START, s)
        return start, end
    raise impossible or WindowError(WindowProblem.UNRECOGNISED, s)


def parse_window(value: object, *, hint: YearHint, tz: dt.tzinfo | None = None) -> tuple[dt.date, dt.date]:
    """A time-window cell: text, a real date cell (one day) or an Excel serial number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise WindowError(WindowProblem.EMPTY)
    if isinstance(value, str):
        return parse_window_text(value, hint=hint, tz=tz)
    day = parse_date(value, hint=hint, tz=tz)
    assert day is not None
    return day, day


def parse_start_end(start_value: object, end_value: object, *, hint: YearHint,
                    tz: dt.tzinfo | None = None) -> tuple[dt.date | None, dt.date | None]:
    """Separate start and end cells; either may be empty (the other then stands for both)."""
    start = parse_date(start_value, hint=hint, tz=tz)
    end = parse_date(end_value, hint=hint, tz=tz)
    if start and end and end < start:
        raise WindowError(WindowProblem.END_BEFORE_START, f"{start.isoformat()} ~ {end.isoformat()}")
    return start, end


def format_window(start: dt.date, end: dt.date) -> str:
    """The export form: "YYYY-MM-DD ~ YYYY-MM-DD"."""
    return f"{start.isoformat()} ~ {end.isoformat()}"
