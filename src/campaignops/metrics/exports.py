"""A campaign's observations as .xlsx or CSV, one number per row, in the long form the importer
reads back (day, hour, channel code, metric code, value, attribution, currency …): export, edit,
import again updates in place. Headers in the user's language; text that a spreadsheet could take
for a formula is neutralised (core.spreadsheets)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from campaignops.core.spreadsheets import Cell, Column, SheetSpec, gc_paused, neutralise_for_csv, write_xlsx

from . import catalogue as cat
from .models import WHOLE_DAY, Observation

CHUNK = 10_000


def columns() -> list[Column]:
    zh = (get_language() or "").startswith("zh")
    names = (("日期", "小时", "渠道", "指标", "数值", "归因", "币种", "来源", "平台", "渠道名称", "指标名称") if zh else
             ("Day", "Hour", "Channel", "Metric", "Value", "Attribution", "Currency", "Source", "Platform",
              "Channel name", "Metric name"))
    kinds = ("date", "number", "text", "text", "number", "text", "text", "text", "text", "text", "text")
    widths = (12, 6, 14, 18, 14, 12, 8, 10, 12, 16, 22)
    return [Column(n, w, k) for n, w, k in zip(names, widths, kinds, strict=True)]


def rows(campaign) -> Iterator[list[Cell]]:
    """One query, streamed in chunks; names from the catalogue (custom metrics included)."""
    names = {code: info.name for code, info in cat.catalogue(campaign).items()}
    sources = dict(Observation._meta.get_field("source").choices)
    zh = (get_language() or "").startswith("zh")
    qs = (Observation.objects.filter(campaign=campaign).order_by("day", "hour", "channel__sort", "channel__code",
                                                                 "metric", "attribution")
          .values_list("day", "hour", "channel__code", "channel__name_en", "channel__name_zh", "metric", "value",
                       "attribution", "currency", "source", "platform"))
    for day, hour, code, en, zh_name, metric, value, attribution, currency, source, platform in qs.iterator(CHUNK):
        yield [day, None if hour == WHOLE_DAY else hour, code, metric, value.normalize() if value else value,
               attribution, currency, str(sources.get(source, source)), platform, zh_name if zh else en,
               names.get(metric, metric)]


def observations_xlsx(campaign) -> bytes:
    with gc_paused():
        return write_xlsx([SheetSpec(_("Data"), columns(), rows(campaign))])


def observations_csv(campaign) -> bytes:
    """UTF-8 with a BOM (so that Excel shows Chinese right), comma-separated."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in columns()])
    with gc_paused():
        for row in rows(campaign):
            writer.writerow(["" if v is None else neutralise_for_csv(v) if isinstance(v, str)
                             else v.isoformat() if hasattr(v, "isoformat") else format(v, "f") if hasattr(v, "normalize")
                             else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_filename(campaign, suffix: str) -> str:
    name = re.sub(r'[\\/:*?"<>|\r\n\t]+', " ", campaign.name).strip()[:60].strip() or f"campaign-{campaign.pk}"
    return f"{name} - {_('data')}.{suffix}"
