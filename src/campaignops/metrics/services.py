"""Writes of the metrics app: file imports (upload → preview → all-or-nothing apply), the bulk API
with its Idempotency-Key, quick manual entry, saved column mappings and custom metrics.

Every write of numbers is an upsert on (campaign, channel, metric, day, hour, attribution): sending
the same day again updates it, never duplicates it, and an unchanged value is not written at all."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import repeat

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaignops.campaigns.models import Campaign, Channel
from campaignops.core import audit
from campaignops.core.errors import StaleVersion, ValidationFailed
from campaignops.core.spreadsheets import Limits, Upload, gc_paused, guard_upload, read_rows, sniff_delimiter

from . import catalogue as cat
from .io.headers import FIELDS
from .io.reader import WHOLE_DAY, Context, Issue, Parsed, metric_totals, read_table
from .io.writer import Written, upsert
from .models import (
    BatchState,
    CustomMetric,
    HeaderMapping,
    IdempotencyRecord,
    ImportBatch,
    MetricKind,
    Observation,
    Source,
)

PREVIEW_ROWS = 50


# ---- reading a file -----------------------------------------------------------------------------

def channel_index() -> tuple[dict[str, str], dict[str, int]]:
    """(any spelling -> code, code -> id) for every channel (one query)."""
    spellings, ids = {}, {}
    for pk, code, en, zh in Channel.objects.values_list("pk", "code", "name_en", "name_zh"):
        ids[code] = pk
        for name in (code, en, zh):
            if name:
                spellings.setdefault(name.strip().lower(), code)
    return spellings, ids


def saved_mappings(campaign: Campaign) -> list[tuple[str, str, dict]]:
    from django.db.models import Q

    return [(m.platform, m.name, m.columns) for m in HeaderMapping.objects.filter(
        Q(campaign=campaign) | Q(campaign__isnull=True)).order_by("-campaign_id", "-id")]


def reader_context(campaign: Campaign, *, channel: str = "") -> Context:
    custom = list(CustomMetric.objects.filter(campaign=campaign))
    spellings, _ids = channel_index()
    return Context(metrics=cat.raw_codes(custom=custom), channels=spellings, default_channel=channel,
                   currency=campaign.currency, catalogue=cat.catalogue(custom=custom),
                   saved=saved_mappings(campaign))


def parse_upload(campaign: Campaign, upload: Upload, *, channel: str = "",
                 mapping: dict[str, str | None] | None = None, ctx: Context | None = None) -> Parsed:
    """Read and check the whole file (nothing is written)."""
    with gc_paused():
        rows = read_rows(upload)
        delimiter = ","
        if upload.kind == "csv":
            from campaignops.core.spreadsheets import decode_text

            delimiter = sniff_delimiter(decode_text(upload.data[:20000]) if len(upload.data) > 20000
                                        else decode_text(upload.data))
        return read_table(rows, ctx or reader_context(campaign, channel=channel), mapping=mapping,
                          delimiter=delimiter)


# ---- preview ------------------------------------------------------------------------------------

@dataclass
class PreviewRow:
    channel: str
    metric: str
    day: dt.date
    hour: int
    attribution: str
    value: Decimal
    old: Decimal | None
    action: str                    # new | changed | unchanged


@dataclass
class Preview:
    counts: dict[str, int]
    totals: dict[str, Decimal]
    days: list[dt.date]
    channels: list[str]
    rows: list[PreviewRow] = field(default_factory=list)
    fingerprint: str = ""

    def as_json(self) -> dict:
        return {"counts": self.counts, "totals": {k: str(v) for k, v in self.totals.items()},
                "first_day": self.days[0].isoformat() if self.days else None,
                "last_day": self.days[-1].isoformat() if self.days else None, "day_count": len(self.days),
                "channels": self.channels, "fingerprint": self.fingerprint}


def _existing(campaign: Campaign, values: dict, ids: dict[str, int]) -> dict[tuple, Decimal]:
    """The stored values of the keys in `values` (one query over the file's days and metrics)."""
    if not values:
        return {}
    days = [k[2] for k in values]
    codes = {pk: code for code, pk in ids.items()}
    qs = Observation.objects.filter(campaign=campaign, day__gte=min(days), day__lte=max(days),
                                    metric__in={k[1] for k in values},
                                    channel_id__in={ids[k[0]] for k in values if k[0] in ids})
    return {(codes[c], m, d, h, a): v for c, m, d, h, a, v in qs.values_list(
        "channel_id", "metric", "day", "hour", "attribution", "value").iterator(chunk_size=5000)}


def preview(campaign: Campaign, parsed: Parsed) -> Preview:
    _spellings, ids = channel_index()
    old = _existing(campaign, parsed.values, ids)
    counts = {"new": 0, "changed": 0, "unchanged": 0}
    rows: list[PreviewRow] = []
    digest = hashlib.sha256()
    for key, value in parsed.values.items():
        before = old.get(key)
        action = "new" if before is None else ("unchanged" if before == value else "changed")
        counts[action] += 1
        if before is not None:
            digest.update(f"{key}={before}".encode())
        if action != "unchanged" and len(rows) < PREVIEW_ROWS:
            rows.append(PreviewRow(*key, value=value, old=before, action=action))
    rows.sort(key=lambda r: (r.day, r.hour, r.channel, r.metric))
    return Preview(counts=counts, totals=parsed.totals(), days=parsed.days(), channels=parsed.channels(),
                   rows=rows, fingerprint=digest.hexdigest()[:32])


# ---- writing ------------------------------------------------------------------------------------

def _rows(campaign: Campaign, values: dict, ids: dict[str, int], *, source: str, batch_id: int | None,
          platform: str, money: set[str]) -> list[tuple]:
    """Rows for the writer, days and values already as text (what both databases read fastest),
    built column by column in C loops (each distinct day, channel and metric looked up once)."""
    if not values:
        return []
    channels, metrics, days, hours, attributions = zip(*values, strict=True)
    iso = {day: day.isoformat() for day in set(days)}
    channel_ids = {code: ids[code] for code in set(channels)}
    currency = {m: campaign.currency if m in money else "" for m in set(metrics)}
    return list(zip(repeat(campaign.pk), map(channel_ids.__getitem__, channels), metrics, map(iso.__getitem__, days),
                    hours, map(str, values.values()), repeat(source), repeat(batch_id), repeat(platform),
                    attributions, map(currency.__getitem__, metrics), strict=False))


def _money(campaign: Campaign) -> set[str]:
    return {code for code, info in cat.catalogue(campaign).items() if info.is_money}


def observations_write(*, campaign: Campaign, values: dict, source: str, actor, platform: str = "",
                       batch: ImportBatch | None = None, file_name: str = "") -> tuple[ImportBatch, Written]:
    """Upsert {(channel code, metric, day, hour, attribution): value} as one batch (the caller's
    transaction, or a new one: all or nothing)."""
    _spellings, ids = channel_index()
    with transaction.atomic():
        if batch is None:
            batch = ImportBatch.objects.create(campaign=campaign, source=source, platform=platform,
                                               file_name=file_name, created_by=_person(actor),
                                               state=BatchState.APPLIED, applied_at=timezone.now())
        totals = metric_totals(values)
        written = upsert(campaign.pk, _rows(campaign, values, ids, source=source, batch_id=batch.pk,
                                            platform=platform, money=_money(campaign)))
        batch.row_count = len(values)
        batch.totals = {k: str(v) for k, v in sorted(totals.items())}
        batch.summary = {**batch.summary, "created": written.created, "updated": written.updated,
                         "unchanged": written.unchanged}
        batch.save(update_fields=["row_count", "totals", "summary"])
        audit.record(actor=actor, action="metrics.write", obj=batch, summary=_(
            "%(n)s numbers: %(created)s new, %(updated)s changed, %(unchanged)s unchanged") % {
            "n": written.received, "created": written.created, "updated": written.updated,
            "unchanged": written.unchanged})
    return batch, written


def _person(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def ingest(*, campaign: Campaign, upload: Upload, actor, channel: str = "",
           mapping: dict | None = None) -> tuple[Parsed, Written | None]:
    """Parse a file and apply it at once (scripts, the bench): refused whole when any row is wrong."""
    parsed = parse_upload(campaign, upload, channel=channel, mapping=mapping)
    if not parsed.ok:
        return parsed, None
    with gc_paused():
        _batch, written = observations_write(campaign=campaign, values=parsed.values, source=Source.FILE,
                                             actor=actor, platform=parsed.cmap.platform, file_name=upload.name)
    return parsed, written


# ---- upload → preview → apply (the pages and the import endpoint) -------------------------------

def import_stage(*, campaign: Campaign, upload: Upload, actor, channel: str = "",
                 mapping: dict | None = None) -> tuple[ImportBatch, Parsed]:
    """Keep the uploaded file (guarded already) as a pending batch of its uploader and read it."""
    parsed = parse_upload(campaign, upload, channel=channel, mapping=mapping)
    ImportBatch.objects.filter(campaign=campaign, created_by=_person(actor), state=BatchState.PENDING).update(
        state=BatchState.DISCARDED, payload=None)
    batch = ImportBatch.objects.create(
        campaign=campaign, source=Source.FILE, platform=parsed.cmap.platform, file_name=upload.name[:255],
        sha256=hashlib.sha256(upload.data).hexdigest(), created_by=_person(actor), state=BatchState.PENDING,
        channel=Channel.objects.filter(code=channel).first() if channel else None, mapping=mapping or {},
        payload=upload.data, row_count=len(parsed.values))
    return batch, parsed


def batch_upload(batch: ImportBatch) -> Upload:
    return guard_upload(batch.file_name, bytes(batch.payload or b""))


def batch_parse(batch: ImportBatch) -> Parsed:
    return parse_upload(batch.campaign, batch_upload(batch), channel=batch.channel.code if batch.channel else "",
                        mapping=batch.mapping or None)


def import_remap(*, batch: ImportBatch, mapping: dict[str, str | None], channel: str, actor) -> Parsed:
    """The user chose what each column holds (and the channel): read the kept file again."""
    allowed = set(FIELDS) | cat.raw_codes(batch.campaign)
    bad = [v for v in mapping.values() if v and v not in allowed]
    if bad:
        raise ValidationFailed(_("“%(value)s” is not a metric or a field.") % {"value": bad[0]}, field="mapping")
    batch.mapping = mapping
    batch.channel = Channel.objects.filter(code=channel).first() if channel else None
    batch.save(update_fields=["mapping", "channel"])
    return batch_parse(batch)


def import_apply(*, batch: ImportBatch, actor, fingerprint: str | None = None) -> Written:
    """Apply a pending batch: everything or nothing. A fingerprint from the preview refuses (409)
    when the stored numbers changed since."""
    campaign = batch.campaign
    parsed = batch_parse(batch)
    if not parsed.ok:
        first = parsed.errors[0]
        raise ValidationFailed(first.message, field="file", details=[e.as_dict() for e in parsed.errors])
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().filter(pk=batch.pk, state=BatchState.PENDING).first()
        if locked is None:
            raise StaleVersion(_("This import was already applied or discarded."), current_version=0)
        if fingerprint is not None and preview(campaign, parsed).fingerprint != fingerprint:
            raise StaleVersion(_("The numbers changed since this preview: look at the preview again, then "
                                 "apply."), current_version=0)
        locked.state, locked.applied_at, locked.payload = BatchState.APPLIED, timezone.now(), None
        locked.platform = parsed.cmap.platform
        locked.save(update_fields=["state", "applied_at", "payload", "platform"])
        with gc_paused():
            _b, written = observations_write(campaign=campaign, values=parsed.values, source=Source.FILE,
                                             actor=actor, platform=parsed.cmap.platform, batch=locked)
    return written


def import_discard(*, batch: ImportBatch) -> None:
    ImportBatch.objects.filter(pk=batch.pk, state=BatchState.PENDING).update(state=BatchState.DISCARDED,
                                                                            payload=None)


def mapping_save(*, campaign: Campaign, name: str, columns: dict[str, str | None], actor,
                 platform: str = "custom") -> HeaderMapping:
    """Keep a column mapping for the next file with the same headers (same name: replaced)."""
    name = (name or "").strip()[:120]
    if not name:
        raise ValidationFailed(_("Give the mapping a name."), field="name")
    allowed = set(FIELDS) | cat.raw_codes(campaign)
    clean = {h: (v or None) for h, v in columns.items() if h and (not v or v in allowed)}
    with transaction.atomic():
        mapping, _created = HeaderMapping.objects.update_or_create(
            campaign=campaign, name=name, defaults={"platform": platform or "custom", "columns": clean,
                                                    "created_by": _person(actor)})
        audit.record(actor=actor, action="metrics.mapping_save", obj=mapping, campaign_id=campaign.pk,
                     summary=name)
    return mapping


# ---- the bulk API -------------------------------------------------------------------------------

@dataclass
class BulkItem:
    day: dt.date
    channel: str
    metric: str
    value: Decimal
    hour: int | None = None
    attribution: str = ""


def bulk_values(campaign: Campaign, items: Iterable[BulkItem]) -> dict:
    """Check a request's items (errors name the item index and field), keyed like a file's."""
    spellings, ids = channel_index()
    metrics = cat.raw_codes(campaign)
    values: dict[tuple, Decimal] = {}
    errors: list[dict] = []
    for n, item in enumerate(items):
        where = f"observations.{n}"
        if item.channel not in ids:
            errors.append({"field": f"{where}.channel", "message": _("Unknown channel: %(codes)s") % {
                "codes": item.channel}})
        if item.metric not in metrics:
            errors.append({"field": f"{where}.metric", "message": _("“%(metric)s” is not a metric of this "
                                                                    "campaign.") % {"metric": item.metric}})
        key = (item.channel, item.metric, item.day, WHOLE_DAY if item.hour is None else item.hour, item.attribution)
        if key in values:
            errors.append({"field": f"{where}", "message": _("This number is sent twice in the same request.")})
        values[key] = item.value
    if errors:
        raise ValidationFailed(_("%(field)s: %(message)s") % errors[0], field=errors[0]["field"], details=errors)
    return values


def fingerprint_of(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str, separators=(",", ":")).encode()).hexdigest()


class KeyReused(ValidationFailed):
    """The Idempotency-Key was used before with another body."""

    status = 422


def _replay(campaign: Campaign, key: str, fingerprint: str) -> tuple[int, dict] | None:
    record = IdempotencyRecord.objects.filter(campaign=campaign, key=key).first()
    if record is None:
        return None
    if record.fingerprint != fingerprint:
        raise KeyReused(_("This Idempotency-Key was already used with another request body: use a new key for "
                          "new data."), field="Idempotency-Key")
    return record.status_code, {**record.response, "replayed": True}


def bulk_record(*, campaign: Campaign, items: list[BulkItem], actor, key: str = "", platform: str = "",
                payload: dict | None = None) -> tuple[int, dict]:
    """Store a request's numbers once per Idempotency-Key: a replay answers the first answer and
    writes nothing; the same key with another body is refused. Concurrent requests with one key
    serialise on the key's unique constraint, so exactly one of them writes."""
    for attempt in range(LOCK_RETRIES):
        try:
            return _bulk_record(campaign=campaign, items=items, actor=actor, key=key, platform=platform,
                                payload=payload)
        except OperationalError as exc:
            # SQLite answers "database table is locked" at once (no busy wait) when its database is
            # shared in memory, as in tests: wait a little and try the whole request again.
            if connection.vendor != "sqlite" or "locked" not in str(exc) or connection.in_atomic_block \
                    or attempt == LOCK_RETRIES - 1:
                raise
            time.sleep(0.005 * (1 + attempt % 10))
    raise AssertionError("unreachable")


LOCK_RETRIES = 200


def _bulk_record(*, campaign: Campaign, items: list[BulkItem], actor, key: str, platform: str,
                 payload: dict | None) -> tuple[int, dict]:
    fp = fingerprint_of(payload if payload is not None else [vars(i) for i in items])
    if key and (hit := _replay(campaign, key, fp)):
        return hit
    values = bulk_values(campaign, items)
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(campaign=campaign, key=key, fingerprint=fp,
                                                      created_by=_person(actor)) if key else None
            batch, written = observations_write(campaign=campaign, values=values, source=Source.API, actor=actor,
                                                platform=platform)
            body = {"batch": batch.pk, "received": written.received, "created": written.created,
                    "updated": written.updated, "unchanged": written.unchanged, "replayed": False}
            if record is not None:
                record.response, record.status_code = body, 201
                record.save(update_fields=["response", "status_code"])
    except IntegrityError:
        if key and (hit := _replay(campaign, key, fp)):
            return hit
        raise
    return 201, body


# ---- quick manual entry -------------------------------------------------------------------------

def manual_entry(*, campaign: Campaign, day: dt.date, metric: str, values: dict[str, Decimal | None],
                 actor) -> Written:
    """A day's number per channel (channel code -> value; None leaves the channel as it is)."""
    if metric not in cat.raw_codes(campaign):
        raise ValidationFailed(_("“%(metric)s” is not a metric of this campaign.") % {"metric": metric},
                               field="metric")
    if not campaign.start_date - dt.timedelta(days=90) <= day <= campaign.end_date + dt.timedelta(days=90):
        raise ValidationFailed(_("The day is far outside the campaign's period."), field="day")
    chosen = {(code, metric, day, WHOLE_DAY, ""): v for code, v in values.items() if v is not None}
    for v in chosen.values():
        if v < 0:
            raise ValidationFailed(_("A count or an amount cannot be below zero."), field="values")
    if not chosen:
        raise ValidationFailed(_("Enter at least one number."), field="values")
    _batch, written = observations_write(campaign=campaign, values=chosen, source=Source.MANUAL, actor=actor)
    return written


# ---- custom metrics -----------------------------------------------------------------------------

def custom_metric_create(*, campaign: Campaign, code: str, name_en: str, actor, name_zh: str = "",
                         kind: str = MetricKind.RAW, numerator: str = "", denominator: str = "",
                         scale: Decimal = Decimal(1), unit: str = "count", higher_is_better: bool = True
                         ) -> CustomMetric:
    if code in cat.BUILTIN:
        raise ValidationFailed(_("“%(code)s” is a built-in metric: choose another code.") % {"code": code},
                               field="code")
    if kind == MetricKind.DERIVED:
        raws = cat.raw_codes(campaign)
        for name, value in (("numerator", numerator), ("denominator", denominator)):
            if value not in raws:
                raise ValidationFailed(_("“%(metric)s” is not a raw metric of this campaign.") % {"metric": value},
                                       field=name)
    metric = CustomMetric(campaign=campaign, code=code, name_en=name_en, name_zh=name_zh, kind=kind,
                          numerator=numerator if kind == MetricKind.DERIVED else "",
                          denominator=denominator if kind == MetricKind.DERIVED else "", scale=scale, unit=unit,
                          higher_is_better=higher_is_better)
    metric.full_clean()
    with transaction.atomic():
        metric.save()
        audit.record(actor=actor, action="metrics.custom_metric_create", obj=metric, summary=code)
    return metric


def column_letter(index: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(index)


def issues_json(issues: list[Issue]) -> list[dict]:
    return [i.as_dict() for i in issues]


def big_limits() -> Limits:
    """Limits for files given on the command line (not through the browser)."""
    base = Limits.from_settings()
    return Limits(max_bytes=max(base.max_bytes, 512 * 1024 * 1024), max_uncompressed=2 * 1024 ** 3,
                  max_ratio=base.max_ratio, max_members=base.max_members)
