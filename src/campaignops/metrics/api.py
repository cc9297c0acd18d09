"""Metrics ingest endpoints (the dashboard's read endpoints live in api_dashboard.py).

- POST /campaigns/{id}/metrics            bulk numbers as JSON, with an optional Idempotency-Key header:
  a replay answers the first answer (same status) and writes nothing; the same key with another body
  is refused (422). Concurrent requests with one key store the numbers once.
- POST /campaigns/{id}/metrics/import     a platform export (multipart `file`, optional `channel`);
  `apply=false` answers the preview, `apply=true` writes everything or nothing.
- GET  /campaigns/{id}/metrics/catalogue  built-in and custom metrics, and the type's core metrics.
- POST /campaigns/{id}/metrics/custom     a custom metric (raw, or a ratio of two raw metrics).
Access: VIEW for reads, EDIT for writes (non-members 404, viewers 403).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import File, Form, Header, Router, Status
from ninja.files import UploadedFile

from campaignops.access.policy import Action, get_for
from campaignops.campaigns.models import Campaign
from campaignops.core.errors import StaleVersion, ValidationFailed
from campaignops.core.schemas import WRITE_ERRORS, ErrorOut, Id
from campaignops.core.spreadsheets import guard_uploaded_file

from . import catalogue as cat
from . import services
from .schemas import BulkIn, BulkOut, CatalogueOut, CustomMetricIn, ImportOut, MetricOut

router = Router(tags=["metrics ingest"])


def _campaign(request, campaign_id: int, action: Action = Action.VIEW) -> Campaign:
    return get_for(request.user, action, Campaign, campaign_id)


@router.post("/campaigns/{int:campaign_id}/metrics", response={200: BulkOut, 201: BulkOut, **WRITE_ERRORS},
             summary="Record numbers in bulk (idempotent with an Idempotency-Key)")
def metrics_bulk(request, campaign_id: Id, payload: BulkIn,
                 idempotency_key: str = Header("", alias="Idempotency-Key", max_length=255)):  # noqa: B008
    """Each number is an upsert on (channel, metric, day, hour, attribution): sending a day again
    updates it. With `Idempotency-Key`, retries of the same request are safe: the first answer is
    stored and returned again; the same key with a different body answers 422."""
    campaign = _campaign(request, campaign_id, Action.EDIT)
    items = [services.BulkItem(day=o.day, channel=o.channel, metric=o.metric, value=o.value, hour=o.hour,
                               attribution=o.attribution) for o in payload.observations]
    status, body = services.bulk_record(campaign=campaign, items=items, actor=request.user,
                                        key=idempotency_key.strip(), platform=payload.platform,
                                        payload=payload.model_dump(mode="json"))
    return Status(status, body)


@router.post("/campaigns/{int:campaign_id}/metrics/import", response={200: ImportOut, 413: ErrorOut, **WRITE_ERRORS},
             summary="Import a platform export (.csv/.xlsx): preview, or apply")
def metrics_import(request, campaign_id: Id, file: UploadedFile | None = File(None),  # noqa: B008
                   channel: str = Form("", max_length=40),  # noqa: B008
                   apply: bool = Form(False),  # noqa: B008
                   fingerprint: str = Form("", max_length=64)):  # noqa: B008
    """A file with mistakes answers 422 with `errors`: [{row, column, column_letter, message}]."""
    campaign = _campaign(request, campaign_id, Action.EDIT)
    if file is None:
        raise ValidationFailed(_("Send the file as the multipart field “file”."), field="file")
    upload = guard_uploaded_file(file)
    parsed = services.parse_upload(campaign, upload, channel=channel)
    if not parsed.ok:
        raise ValidationFailed(parsed.errors[0].message, field="file", details=services.issues_json(parsed.errors))
    seen = services.preview(campaign, parsed)
    out = {"applied": False, "platform": parsed.cmap.platform, **seen.as_json(), "rows_read": parsed.rows_read,
           "totals_skipped": parsed.totals_skipped}
    if apply:
        if fingerprint and fingerprint != seen.fingerprint:
            raise StaleVersion(_("The numbers changed since this preview: look at the preview again, then "
                                 "apply."), current_version=0)
        _batch, written = services.observations_write(
            campaign=campaign, values=parsed.values, source="file", actor=request.user,
            platform=parsed.cmap.platform, file_name=upload.name)
        out.update(applied=True, created=written.created, updated=written.updated, unchanged=written.unchanged)
    return out


@router.get("/campaigns/{int:campaign_id}/metrics/catalogue", response={200: CatalogueOut, **WRITE_ERRORS},
            summary="The metric catalogue of a campaign")
def metrics_catalogue(request, campaign_id: Id):
    campaign = _campaign(request, campaign_id)
    return {"metrics": [MetricOut(name=m.name, **{k: getattr(m, k) for k in (
        "code", "name_en", "name_zh", "kind", "unit", "higher_is_better", "formula", "custom")})
        for m in cat.catalogue(campaign).values()], "core": list(cat.core_metrics(campaign.kind))}


@router.post("/campaigns/{int:campaign_id}/metrics/custom", response={201: MetricOut, **WRITE_ERRORS},
             summary="Add a custom metric")
def custom_metric_create(request, campaign_id: Id, payload: CustomMetricIn):
    campaign = _campaign(request, campaign_id, Action.EDIT)
    metric = services.custom_metric_create(campaign=campaign, actor=request.user, **payload.model_dump())
    info = cat.catalogue(campaign)[metric.code]
    return Status(201, MetricOut(name=info.name, **{k: getattr(info, k) for k in (
        "code", "name_en", "name_zh", "kind", "unit", "higher_is_better", "formula", "custom")}))
