"""Cell values of platform exports: numbers and dates in the forms real files use.

Numbers: `1234`, `1,234.56`, `1.234,56`, `1 234,56`, `"1,234"`, `¥1,234`, `$12.50`, `12.5%`, `< 10%`,
`(12.50)`; `--`, `-`, `—`, `N/A` and blanks are "no value". Dates: `YYYY-MM-DD`, `YYYY/M/D`,
`DD-MM-YYYY`, `D.MM.YYYY`, `YYYYMMDD`, `2024年6月1日`, `M/D/YYYY` (or `D/M/YYYY` when the file
shows it), `Jun 1, 2024`, with an optional time, and real date cells of a workbook."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

MISSING = frozenset({"", "-", "--", "—", "–", "n/a", "na", "null", "none", "nan", "#n/a", "/", "－"})
CURRENCY_MARKS = str.maketrans("", "", "$€£¥￥₩₹元 \u00a0\u2009\u202f'’")
_TRAILING_CODE = re.compile(r"^(?:[A-Z]{3}|US\$|CN¥)\s*(?=[\d.,])|(?<=[\d.])\s*[A-Z]{3}$")


class BadValue(ValueError):
    """A cell that is not a number / not a date; the message is built by the caller."""


def decimal_style(samples: list[str], delimiter: str = ",") -> str:
    """"." or "," as the file's decimal mark, decided from its numeric cells (1,5 / 1.234,56 → ",")."""
    comma = dot = 0
    for s in samples:
        s = s.strip().strip('"')
        if "," in s and "." in s:
            if s.rfind(",") > s.rfind("."):
                comma += 1
            else:
                dot += 1
        elif re.search(r"\d,\d{1,2}$|\d,\d{4,}", s):
            comma += 1
        elif re.search(r"\d\.\d{1,2}$|\d\.\d{4,}", s):
            dot += 1
    if comma > dot:
        return ","
    if dot > comma:
        return "."
    return "," if delimiter == ";" else "."


def parse_number(value, decimal: str = ".") -> Decimal | None:
    """A Decimal, None for "no value", or BadValue. Percent signs and < / > bounds are dropped."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise BadValue(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise BadValue(value)
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    text = str(value).strip()
    if (decimal == "." or "." not in text) and text.replace(".", "", 1).removeprefix("-").isdigit() \
            and text.isascii():
        return Decimal(text)                # the common case first: a plain number
    return _parse_slow(text, decimal)


def _parse_slow(text: str, decimal: str) -> Decimal | None:
    if text.lower() in MISSING:
        return None
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    text = text.lstrip("<>≤≥~≈ ").rstrip("%％ ").strip()
    text = _TRAILING_CODE.sub("", text).translate(CURRENCY_MARKS)
    if text.startswith(("-", "−")):
        negative, text = not negative, text[1:]
    if text.startswith("+"):
        text = text[1:]
    if text.lower() in MISSING:
        return None
    if decimal == ",":
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", "")
    if not text or not re.fullmatch(r"\d+(\.\d*)?|\.\d+", text):
        raise BadValue(text)
    d = Decimal(text)
    return -d if negative else d


_ISO = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_DMY = re.compile(r"(\d{1,2})[-.](\d{1,2})[-.](\d{4})")
_SLASH = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_TIME = re.compile(r"[ T](\d{1,2}):(\d{2})(?::(\d{2}))?")
_MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
_WORDS = re.compile(r"([A-Za-z]{3})[a-z]*\.? (\d{1,2}),? (\d{4})|(\d{1,2}) ([A-Za-z]{3})[a-z]*\.? (\d{4})")


def slash_order(samples: list[str]) -> str:
    """"mdy" unless a first part above 12 shows the file writes D/M/YYYY."""
    for s in samples:
        m = _SLASH.match(str(s).strip())
        if m and int(m.group(1)) > 12:
            return "dmy"
    return "mdy"


def parse_day(value, slash: str = "mdy") -> tuple[dt.date, int | None]:
    """(date, hour or None) from a cell; BadValue when it is not a date."""
    if isinstance(value, dt.datetime):
        return value.date(), (value.hour if value.time() != dt.time(0) else None)
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 < value < 80000:
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value)), None      # an Excel serial day
    text = str(value or "").strip()
    if not text:
        raise BadValue(text)
    try:
        if m := _ISO.match(text):
            y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        elif m := _DMY.match(text):
            d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        elif m := _SLASH.match(text):
            a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
            mo, d = (b, a) if slash == "dmy" else (a, b)
        elif (m := _COMPACT.fullmatch(text)) or (m := _COMPACT.match(text.split(" ")[0])):
            y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        elif m := _WORDS.match(text):
            if m.group(1):
                mo, d, y = _MONTHS[m.group(1).lower()], int(m.group(2)), int(m.group(3))
            else:
                d, mo, y = int(m.group(4)), _MONTHS[m.group(5).lower()], int(m.group(6))
        else:
            raise BadValue(text)
        day = dt.date(y, mo, d)
    except (ValueError, KeyError) as exc:
        raise BadValue(text) from exc
    hour = None
    if t := _TIME.search(text[m.end():] if m.end() < len(text) else ""):
        h, minute = int(t.group(1)), int(t.group(2))
        if (h, minute) != (0, 0):
            hour = h
    return day, hour


def parse_hour(value) -> int | None:
    """0–23 from `13`, `13:00`, `13:00-14:00`, `13点`; None when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 0 <= value <= 23:
            return int(value)
        raise BadValue(value)
    if isinstance(value, dt.time):
        return value.hour
    if isinstance(value, dt.datetime):
        return value.hour
    m = re.match(r"\s*(\d{1,2})(?::00)?(?:\s*[点时])?", str(value))
    if not m or not 0 <= int(m.group(1)) <= 23:
        raise BadValue(value)
    return int(m.group(1))


_SPAN_PARTS = re.compile(r"\s+(?:-|–|—|~|to|至|到)\s+|\s*[~～至到]\s*")


def report_span(lines: list[list]) -> tuple[dt.date, dt.date] | None:
    """The date range a report covers, from the lines above its header ("Aug 1, 2026 - Aug 31, 2026",
    "2024-06-08 ~ 2024-06-20", "2024年6月8日 至 2024年6月20日"), or None when no line names one."""
    for row in lines:
        text = ", ".join(str(c).strip() for c in row if c is not None and str(c).strip()).strip("\" ")
        for candidate in (text, *re.findall(r"\(([^()]*)\)", text)):
            parts = [p.strip(" ,\"") for p in _SPAN_PARTS.split(candidate.strip()) if p.strip(" ,\"")]
            if len(parts) != 2:
                continue
            try:
                start, end = _labelled_day(parts[0]), _labelled_day(parts[1])
            except BadValue:
                continue
            if start <= end:
                return start, end
    return None


def _labelled_day(text: str) -> dt.date:
    """A day, possibly after a label ("统计时间：2024-06-08", "Date range: Jun 8, 2024")."""
    try:
        return parse_day(text)[0]
    except BadValue:
        tail = re.split(r"[:：]", text)[-1].strip(" ,")
        if tail == text:
            raise
        return parse_day(tail)[0]
