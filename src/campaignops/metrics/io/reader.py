"""From the rows of a sheet to observations: find the header, recognise the columns, skip title,
date-range and Total rows, read every number and date, convert cents, and sum rows that share a key
(a Google Ads report has one row per campaign and day; the campaign's number is their sum).

Everything is checked before anything is written: errors name the file row (1-based, as a
spreadsheet shows it) and the column (header and letter)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import repeat
from operator import itemgetter

from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name

from .headers import CENT, ColumnMap, Target, header_row, metric_header_row, recognise, total_markers
from .values import BadValue, decimal_style, parse_day, parse_hour, parse_number, report_span, slash_order

WHOLE_DAY = -1
CENTS = Decimal("0.01")
TOO_BIG = Decimal(10) ** 16        # a value has at most 16 digits before the decimal point
MAX_ERRORS = 200

Key = tuple[str, str, dt.date, int, str]      # channel code, metric, day, hour, attribution
_METRIC = itemgetter(1)


@dataclass
class Issue:
    row: int              # 1-based row of the file; 0 for the file as a whole
    column: str           # the header
    letter: str           # the column letter
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "column_letter": self.letter, "message": self.message}


@dataclass
class Parsed:
    cmap: ColumnMap
    header_index: int
    values: dict[Key, Decimal] = field(default_factory=dict)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    rows_read: int = 0
    totals_skipped: int = 0
    currency: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def totals(self) -> dict[str, Decimal]:
        return dict(sorted(metric_totals(self.values).items()))

    def days(self) -> list[dt.date]:
        return sorted({k[2] for k in self.values})

    def channels(self) -> list[str]:
        return sorted({k[0] for k in self.values})


def metric_totals(values: dict[Key, Decimal]) -> dict[str, Decimal]:
    """The sum of each metric's numbers."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for metric, v in zip(map(_METRIC, values), values.values(), strict=True):
        totals[metric] += v
    return totals


@dataclass
class Context:
    """What the reader needs to know about the campaign."""

    metrics: set[str]                      # raw metric codes an observation may carry
    channels: dict[str, str]               # any spelling of a channel (code, names, lower-cased) -> code
    default_channel: str = ""              # the channel chosen for files that name none
    currency: str = "CNY"                  # the campaign's currency
    catalogue: dict = field(default_factory=dict)
    saved: list = field(default_factory=list)   # saved mappings: (platform, name, {header: target})


def _letter(i: int) -> str:
    return xl_col_to_name(i)


def _is_total(row: list, day_col: int | None) -> bool:
    markers = total_markers()
    for c in row[: (day_col or 0) + 2]:
        if isinstance(c, str):
            text = c.strip().lower()
            if text and (text.startswith(markers) or text in markers):
                return True
    return False


def _blank(row: list) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


DAY_COLUMN = "Day"


def read_table(rows: list[list], ctx: Context, *, mapping: dict[str, str | None] | None = None,
               delimiter: str = ",") -> Parsed:
    """Parse the rows of a sheet. `mapping` (header -> metric/field/None) overrides recognition."""
    index = header_row(rows, ctx.catalogue)
    if index is None:
        index = metric_header_row(rows, ctx.catalogue)
    if index is None:
        index = next((r for r, row in enumerate(rows[:30])
                      if sum(1 for c in row if isinstance(c, str) and c.strip()) >= 2), 0)
    headers = rows[index] if rows else []
    saved = list(ctx.saved)
    if mapping is not None:
        saved.insert(0, ("custom", _("Chosen columns"), {h: v for h, v in mapping.items() if h}))
    cmap = recognise(headers, ctx.catalogue, saved)
    span = report_span(rows[:index]) if "day" not in cmap.fields else None
    if span is not None and span[0] == span[1]:
        # A one-day report without a day column (Google Ads' default download): every row is that day.
        day = span[0].isoformat()
        rows = [*rows[:index], [*headers, DAY_COLUMN], *([*row, day] for row in rows[index + 1:])]
        headers = rows[index]
        cmap = recognise(headers, ctx.catalogue, saved)
    parsed = Parsed(cmap=cmap, header_index=index)
    if span is not None and span[0] != span[1]:
        parsed.errors.append(Issue(index + 1, "", "", _(
            "This report adds up %(start)s – %(end)s with no day column, so its numbers cannot be put on days: "
            "download it again segmented by day (in Google Ads: Segment → Time → Day), or for one day.") % {
            "start": span[0].isoformat(), "end": span[1].isoformat()}))
        return parsed
    _check_columns(parsed, ctx)
    if parsed.errors:
        return parsed
    body = rows[index + 1:]
    fields = cmap.fields
    day_col = fields["day"]
    samples = [str(r[i]) for r in body[:500] for i in cmap.metrics if i < len(r) and isinstance(r[i], str)]
    if "value" in fields:
        samples += [str(r[fields["value"]]) for r in body[:500]
                    if fields["value"] < len(r) and isinstance(r[fields["value"]], str)]
    decimal = decimal_style(samples, delimiter)
    slash = slash_order([r[day_col] for r in body[:500] if day_col < len(r) and isinstance(r[day_col], str)])
    parsed.currency = cmap.currency()
    _read_rows(parsed, body, index, ctx, decimal, slash)
    if parsed.currency and parsed.currency != ctx.currency and not parsed.errors:
        parsed.errors.append(Issue(0, "", "", _(
            "The amounts in this file are in %(file)s but the campaign counts in %(campaign)s: convert them "
            "before importing.") % {"file": parsed.currency, "campaign": ctx.currency}))
    return parsed


def _check_columns(parsed: Parsed, ctx: Context) -> None:
    cmap = parsed.cmap
    fields = cmap.fields
    if "day" not in fields:
        parsed.errors.append(Issue(parsed.header_index + 1, "", "", _(
            "No date column was found: choose which column holds the day.")))
    long_form = "metric" in fields or "value" in fields
    if long_form and not ("metric" in fields and "value" in fields):
        parsed.errors.append(Issue(parsed.header_index + 1, "", "", _(
            "A file with a metric column needs a value column too (and the other way round).")))
    if not long_form and not cmap.metrics:
        parsed.errors.append(Issue(parsed.header_index + 1, "", "", _(
            "No metric column was recognised: choose what each column holds.")))
    for i, t in cmap.metrics.items():
        if t.to not in ctx.metrics:
            parsed.errors.append(Issue(parsed.header_index + 1, cmap.headers[i], _letter(i), _(
                "“%(metric)s” is not a metric of this campaign.") % {"metric": t.to}))
    if "channel" not in fields and not (ctx.default_channel or cmap.channel):
        parsed.errors.append(Issue(parsed.header_index + 1, "", "", _(
            "The file names no channel: choose the channel its numbers belong to.")))


def _error(parsed: Parsed, row: int, col: int, message: str) -> None:
    if len(parsed.errors) < MAX_ERRORS:
        header = parsed.cmap.headers[col] if 0 <= col < len(parsed.cmap.headers) else ""
        parsed.errors.append(Issue(row, header, _letter(col) if col >= 0 else "", message))


def _read_rows(parsed: Parsed, body: list[list], index: int, ctx: Context, decimal: str, slash: str) -> None:
    cmap, fields = parsed.cmap, parsed.cmap.fields
    day_col, hour_col = fields["day"], fields.get("hour")
    end_col, channel_col = fields.get("day_end"), fields.get("channel")
    currency_col, attribution_col = fields.get("currency"), fields.get("attribution")
    metric_col, value_col = fields.get("metric"), fields.get("value")
    metrics = list(cmap.metrics.items())
    default_channel = ctx.default_channel or cmap.channel
    if default_channel and default_channel not in ctx.channels.values():
        default_channel = ctx.channels.get(default_channel.lower(), "")
    days: dict[object, tuple[dt.date, int | None]] = {}
    channels: dict[object, str] = {}
    currencies = set()
    offsets: Iterable[int] = range(len(body))
    if metric_col is not None and end_col is None and currency_col is None and decimal == ".":
        offsets = _read_long_fast(parsed, body, ctx, default_channel, slash)
    for offset in offsets:
        row = body[offset]
        r = index + 2 + offset                                # the file's row number
        if _blank(row):
            continue
        width = len(row)
        cell = row[day_col] if day_col < width else None
        if cell is None or (isinstance(cell, str) and not cell.strip()) or _is_total(row, day_col):
            if _is_total(row, day_col) or all(row[i] in (None, "") for i, _t in metrics if i < width):
                parsed.totals_skipped += _is_total(row, day_col)
                continue
            _error(parsed, r, day_col, _("The date is missing."))
            continue
        parsed.rows_read += 1
        try:
            day, hour = days[cell] if cell in days else days.setdefault(cell, parse_day(cell, slash))
        except BadValue:
            if isinstance(cell, str) and _looks_like_text(cell):
                parsed.rows_read -= 1
                parsed.totals_skipped += 1                    # a note line below the table
                continue
            _error(parsed, r, day_col, _("“%(value)s” is not a date (write it as YYYY-MM-DD).") % {"value": cell})
            continue
        if end_col is not None and end_col < width and row[end_col] not in (None, ""):
            try:
                if parse_day(row[end_col], slash)[0] != day:
                    _error(parsed, r, end_col, _("This row covers several days: export the report broken down "
                                                 "by day."))
                    continue
            except BadValue:
                _error(parsed, r, end_col, _("“%(value)s” is not a date (write it as YYYY-MM-DD).") % {
                    "value": row[end_col]})
                continue
        if hour_col is not None and hour_col < width:
            try:
                h = parse_hour(row[hour_col])
            except BadValue:
                _error(parsed, r, hour_col, _("“%(value)s” is not an hour from 0 to 23.") % {"value": row[hour_col]})
                continue
            hour = h if h is not None else hour
        hour = WHOLE_DAY if hour is None else hour
        channel = default_channel
        if channel_col is not None and channel_col < width and row[channel_col] not in (None, ""):
            raw = row[channel_col]
            channel = channels.get(raw) or channels.setdefault(raw, ctx.channels.get(str(raw).strip().lower(), ""))
            if not channel:
                _error(parsed, r, channel_col, _("“%(value)s” is not a channel of CampaignOps.") % {"value": raw})
                continue
        if not channel:
            _error(parsed, r, channel_col if channel_col is not None else day_col, _("The channel is missing."))
            continue
        attribution = ""
        if attribution_col is not None and attribution_col < width and row[attribution_col]:
            attribution = str(row[attribution_col]).strip()[:40]
        if currency_col is not None and currency_col < width and row[currency_col]:
            currencies.add(str(row[currency_col]).strip().upper())
        if metric_col is not None:
            _long_row(parsed, ctx, row, r, (channel, day, hour, attribution), metric_col, value_col, decimal)
            continue
        for i, target in metrics:
            if i >= width:
                continue
            try:
                v = parse_number(row[i], decimal)
            except BadValue:
                _error(parsed, r, i, _("“%(value)s” is not a number.") % {"value": row[i]})
                continue
            if v is None:
                continue
            _add(parsed, r, i, target, v, (channel, target.to, day, hour, attribution))
    if len(currencies) > 1:
        parsed.errors.append(Issue(0, "", "", _("The file mixes currencies (%(list)s): import one currency at a "
                                                "time.") % {"list": ", ".join(sorted(currencies))}))
    elif currencies:
        parsed.currency = parsed.currency or currencies.pop()
    if not parsed.values and not parsed.errors:
        parsed.errors.append(Issue(0, "", "", _("The file holds no numbers to import.")))


def _columns(body: list[list], need: int) -> list[tuple] | None:
    """The body column by column when every row has the same width (at least `need`), else None."""
    widths = set(map(len, body))
    if len(widths) != 1 or min(widths) < need:
        return None
    return list(zip(*body, strict=True))


def _read_long_fast(parsed: Parsed, body: list[list], ctx: Context, default_channel: str,
                    slash: str) -> list[int]:
    """The long form (day, hour, channel, metric, value) the quick way for the rows in the plainest
    shape: every distinct day, hour, channel and number text is read once; anything else (blank,
    Total or note rows, odd numbers, unknown names, errors) is left to the careful path, whose row
    offsets are returned."""
    fields = parsed.cmap.fields
    dc, hc, cc = fields["day"], fields.get("hour"), fields.get("channel")
    mc, vc, ac = fields["metric"], fields["value"], fields.get("attribution")
    cols = (dc, hc, cc, mc, vc, ac)
    need = max(c for c in cols if c is not None) + 1
    columns = _columns(body, need)

    def distinct(col: int | None) -> set:
        if col is None:
            return set()
        return set(columns[col]) if columns else {row[col] for row in body if len(row) > col}

    days, hours, channels = {}, {}, {}
    for cell in distinct(dc):
        try:
            day, hour = parse_day(cell, slash)
        except BadValue:
            continue
        if hour is None and (not isinstance(cell, str) or cell.strip()):
            days[cell] = day
    for cell in distinct(hc):
        try:
            hours[cell] = WHOLE_DAY if (h := parse_hour(cell)) is None else h
        except BadValue:
            pass
    for cell in distinct(cc):
        if cell not in (None, "") and (code := ctx.channels.get(str(cell).strip().lower())):
            channels[cell] = code
    metrics, values, careful = ctx.metrics, parsed.values, []
    if columns and not values and _read_long_columns(parsed, columns, cols, (days, hours, channels), metrics,
                                                     default_channel):
        return careful
    read = 0
    for offset, row in enumerate(body):
        try:
            if len(row) < need:
                raise KeyError
            day = days[row[dc]]
            hour = WHOLE_DAY if hc is None else hours[row[hc]]
            channel = default_channel if cc is None or row[cc] in ("", None) else channels[row[cc]]
            metric = row[mc]
            if not channel or metric not in metrics or (v := _plain_number(row[vc])) is None:
                raise KeyError
            attribution = str(row[ac] or "").strip()[:40] if ac is not None else ""
        except (KeyError, TypeError):
            careful.append(offset)
            continue
        read += 1
        key = (channel, metric, day, hour, attribution)
        values[key] = values[key] + v if key in values else v
    parsed.rows_read += read
    return careful


def _plain_number(text: object) -> Decimal | None:
    """The value of a plain ASCII number with at most 4 decimals below 10^16; None for anything else."""
    if type(text) is not str or not text.replace(".", "", 1).isdigit() or not text.isascii():
        return None
    if "." in text and len(text) - text.index(".") > 5:
        return None
    v = Decimal(text)
    return v if v < TOO_BIG else None


def _read_long_columns(parsed: Parsed, columns: list[tuple], cols: tuple, known: tuple[dict, dict, dict],
                       metrics: set[str], default_channel: str) -> bool:
    """The whole file at once when every cell is in the plainest shape: each column is checked by
    its distinct values and mapped in C loops (no Python code runs per row). False (nothing read)
    when any row needs a closer look."""
    dc, hc, cc, mc, vc, ac = cols
    days, hours, channels = known
    day_cells, value_cells, metric_cells = columns[dc], columns[vc], columns[mc]
    if not set(day_cells) <= days.keys() or not set(metric_cells) <= metrics:
        return False
    numbers = {}
    for text in set(value_cells):
        if (v := _plain_number(text)) is None:
            return False
        numbers[text] = v
    if hc is not None and not set(columns[hc]) <= hours.keys():
        return False
    if cc is None:
        if not default_channel:
            return False
        channel_codes = repeat(default_channel)
    elif set(columns[cc]) <= channels.keys():
        channel_codes = map(channels.__getitem__, columns[cc])
    else:
        return False
    attributions = (repeat("") if ac is None else
                    map({c: str(c or "").strip()[:40] for c in set(columns[ac])}.__getitem__, columns[ac]))
    keys = list(zip(channel_codes, metric_cells, map(days.__getitem__, day_cells),
                    repeat(WHOLE_DAY) if hc is None else map(hours.__getitem__, columns[hc]), attributions,
                    strict=False))             # the repeat()s are endless
    read = dict(zip(keys, map(numbers.__getitem__, value_cells), strict=True))
    if len(read) < len(keys):                   # rows sharing a key (one per campaign, say): their sum
        read = {}
        for key, v in zip(keys, map(numbers.__getitem__, value_cells), strict=True):
            read[key] = read[key] + v if key in read else v
    parsed.values.update(read)
    parsed.rows_read += len(keys)
    return True


def _looks_like_text(cell: str) -> bool:
    """A sentence under the table (a footnote), not a mistyped date."""
    return len(cell) > 12 and sum(ch.isdigit() for ch in cell) < 4


def _add(parsed: Parsed, r: int, col: int, target: Target, v: Decimal, key: Key) -> None:
    if v < 0:
        _error(parsed, r, col, _("%(value)s is negative: a count or an amount cannot be below zero.") % {"value": v})
        return
    if target.unit == CENT:
        v = v * CENTS
    if v.as_tuple().exponent < -4 or abs(v) >= TOO_BIG:
        _error(parsed, r, col, _("%(value)s has too many digits (at most 16 before and 4 after the decimal "
                                 "point).") % {"value": v})
        return
    values = parsed.values
    values[key] = values[key] + v if key in values else v


def _long_row(parsed: Parsed, ctx: Context, row: list, r: int, key: tuple, metric_col: int, value_col: int,
              decimal: str) -> None:
    """A row of the long form: day, channel, metric, value."""
    metric = str(row[metric_col] if metric_col < len(row) else "").strip()
    if metric not in ctx.metrics:
        _error(parsed, r, metric_col, _("“%(metric)s” is not a metric of this campaign.") % {"metric": metric})
        return
    cell = row[value_col] if value_col < len(row) else None
    try:
        v = parse_number(cell, decimal)
    except BadValue:
        _error(parsed, r, value_col, _("“%(value)s” is not a number.") % {"value": cell})
        return
    if v is None:
        return
    channel, day, hour, attribution = key
    _add(parsed, r, value_col, Target(metric), v, (channel, metric, day, hour, attribution))
