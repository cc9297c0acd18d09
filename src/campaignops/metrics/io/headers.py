"""Header recognition from the mapping table in headers.json (plus mappings saved in the database):
which row is the header, which platform wrote the file, and what each column means."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

FIELDS = ("day", "day_end", "hour", "channel", "metric", "value", "currency", "attribution", "campaign")
CENT, MAJOR = "cent", "major"
_UNIT = re.compile(r"\s*[(（\[]\s*([A-Z]{3}|[A-Z]{2}\$|元|分|%|％|¥|￥|RMB)\s*[)）\]]\s*$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


@cache
def table() -> dict:
    return json.loads((Path(__file__).parent / "headers.json").read_text(encoding="utf-8"))


def split_header(text) -> tuple[str, str]:
    """('amount spent', 'USD') from 'Amount spent (USD)': the normalised name and a bracketed unit."""
    raw = " ".join(str(text or "").replace("\ufeff", "").split())
    unit = ""
    if m := _UNIT.search(raw):
        unit, raw = m.group(1).strip(), raw[: m.start()]
    return raw.strip().lower(), unit


def norm(text) -> str:
    return split_header(text)[0]


@dataclass(frozen=True)
class Target:
    """What a column holds: a field (day, hour, channel, …) or a metric code, with its money unit."""

    to: str
    unit: str = MAJOR
    part: bool = False

    @property
    def is_field(self) -> bool:
        return self.to in FIELDS


def _target(value) -> Target | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return Target(value)
    return Target(value["to"], value.get("unit", MAJOR), bool(value.get("part", False)))


@dataclass
class Platform:
    code: str
    name_en: str
    name_zh: str
    channel: str
    columns: dict[str, Target | None]      # normalised header -> target (None: known, not imported)
    signature: frozenset[str] = frozenset()


@cache
def field_aliases() -> dict[str, str]:
    return {norm(alias): name for name, aliases in table()["fields"].items() for alias in aliases}


@cache
def builtin_platforms() -> dict[str, Platform]:
    out = {}
    for code, spec in table()["platforms"].items():
        out[code] = Platform(code, spec["name_en"], spec["name_zh"], spec.get("channel", ""),
                             {norm(h): _target(v) for h, v in spec["columns"].items()},
                             frozenset(norm(s) for s in spec.get("signature", ())))
    return out


def total_markers() -> tuple[str, ...]:
    return tuple(table()["total_markers"])


def metric_names(catalogue) -> dict[str, str]:
    """Headers that name a metric directly: its code, English and Chinese names."""
    out = {}
    for code, info in catalogue.items():
        if info.kind == "raw":
            for name in (code, info.name_en, info.name_zh):
                if name:
                    out[norm(name)] = code
    return out


@dataclass
class ColumnMap:
    """The meaning of each column of a header row."""

    platform: str = "custom"
    platform_name: str = ""
    channel: str = ""
    columns: dict[int, Target] = field(default_factory=dict)    # column index -> target
    headers: list[str] = field(default_factory=list)
    units: dict[int, str] = field(default_factory=dict)         # bracketed unit per column
    unknown: list[int] = field(default_factory=list)            # columns nobody recognised

    @property
    def fields(self) -> dict[str, int]:
        return {t.to: i for i, t in self.columns.items() if t.is_field}

    @property
    def metrics(self) -> dict[int, Target]:
        return {i: t for i, t in self.columns.items() if not t.is_field}

    def currency(self) -> str:
        """A currency named in a money column's header, e.g. Amount spent (EUR)."""
        for i in self.metrics:
            unit = self.units.get(i, "")
            if _CURRENCY.match(unit):
                return unit
            if unit in ("元", "人民币", "RMB"):
                return "CNY"
        return ""


def _resolve(headers: list, platform: Platform | None, names: dict[str, str],
             saved: dict[str, Target | None] | None) -> ColumnMap:
    """Each column's target. Where several columns give one target (and are not parts of a sum),
    the one ranked first wins: for the day, the alias listed first in fields.day ("Day" beats
    "Reporting starts"); for a platform's metric, the header listed first in its data."""
    fields = field_aliases()
    order = {key: n for n, key in enumerate(platform.columns)} if platform else {}
    cmap = ColumnMap(headers=[str(h or "").strip() for h in headers])
    if platform:
        cmap.platform, cmap.platform_name, cmap.channel = platform.code, platform.name_en, platform.channel
    best: dict[str, tuple[int, int]] = {}          # target -> (rank, column)
    for i, h in enumerate(headers):
        key, unit = split_header(h)
        if not key:
            continue
        cmap.units[i] = unit
        target: Target | None
        if saved is not None and (key in saved or str(h).strip() in saved):
            target = saved.get(key, saved.get(str(h).strip()))
        elif platform and key in platform.columns:
            target = platform.columns[key]
        elif key in fields:
            target = Target(fields[key])
        elif key in names:
            target = Target(names[key])
        else:
            cmap.unknown.append(i)
            continue
        if target is None:
            continue
        if unit == "分":
            target = Target(target.to, CENT, target.part)
        if target.part:
            cmap.columns[i] = target
            continue
        rank = _day_rank(key) if target.to == "day" else order.get(key, 1000 + i)
        if target.to not in best or rank < best[target.to][0]:
            if target.to in best:
                del cmap.columns[best[target.to][1]]
            best[target.to] = (rank, i)
            cmap.columns[i] = target
    cmap.columns = dict(sorted(cmap.columns.items()))
    day = cmap.fields.get("day")
    if day is not None and _day_rank(norm(headers[day])) < _day_rank("reporting starts"):
        cmap.columns = {j: t for j, t in cmap.columns.items() if t.to != "day_end"}
    return cmap


def _day_rank(key: str) -> int:
    aliases = [norm(a) for a in table()["fields"]["day"]]
    return aliases.index(key) if key in aliases else len(aliases)


def score(headers: list, platform: Platform) -> int:
    keys = {norm(h) for h in headers if str(h or "").strip()}
    signs = len(keys & platform.signature)
    return len(keys & set(platform.columns)) + 5 * signs if signs else 0


def recognise(headers: list, catalogue, saved: list[tuple[str, str, dict]] | None = None) -> ColumnMap:
    """The best reading of a header row: a saved mapping whose headers all appear, else the built-in
    platform with the highest score, else the field and metric names alone."""
    names = metric_names(catalogue)
    keys = {norm(h) for h in headers if str(h or "").strip()}
    for code, name, columns in saved or ():
        wanted = {norm(h) for h in columns}
        if wanted and wanted <= keys:
            mapped = {norm(h): _target(v) for h, v in columns.items()}
            cmap = _resolve(headers, None, names, mapped)
            cmap.platform, cmap.platform_name = code or "custom", name
            platform = builtin_platforms().get(code)
            cmap.channel = platform.channel if platform else ""
            return cmap
    best, best_score = None, 0
    for platform in builtin_platforms().values():
        s = score(headers, platform)
        if s > best_score:
            best, best_score = platform, s
    return _resolve(headers, best, names, None)


def header_row(rows: list[list], catalogue, limit: int = 30) -> int | None:
    """Index of the header row: the first of the first `limit` rows naming a day column and at least
    one metric (title and date-range lines before it are skipped)."""
    fields, names = field_aliases(), metric_names(catalogue)
    platform_keys = set().union(*(p.columns for p in builtin_platforms().values()))
    for r, row in enumerate(rows[:limit]):
        keys = [norm(c) for c in row if isinstance(c, str) and c.strip()]
        if len(keys) < 2:
            continue
        has_day = any(fields.get(k) == "day" for k in keys)
        metrics = sum(1 for k in keys if k in names or k in platform_keys or fields.get(k) == "value")
        if has_day and metrics:
            return r
    return None


def metric_header_row(rows: list[list], catalogue, limit: int = 30) -> int | None:
    """A header without a day column (a report over a date range): the first of the first `limit`
    rows naming at least two metrics. A title line split at its commas names none."""
    names = metric_names(catalogue)
    platform_keys = set().union(*(p.columns for p in builtin_platforms().values()))
    for r, row in enumerate(rows[:limit]):
        keys = [norm(c) for c in row if isinstance(c, str) and c.strip()]
        if sum(1 for k in keys if k in names or k in platform_keys) >= 2:
            return r
    return None
