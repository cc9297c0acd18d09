"""Plan export/import endpoints.

- GET  /campaigns/{id}/plan/export  -> the plan as .xlsx (VIEW).
- POST /campaigns/{id}/plan/import  -> multipart `file`; `apply=false` (default) answers the preview,
  `apply=true` writes everything or nothing and answers the summary (EDIT). Pass the preview's
  `fingerprint` with `apply=true` to refuse (409) if the plan changed since that preview. A file with
  mistakes answers 422 with `errors`: [{row, column, column_letter, message}].
"""

import datetime as dt
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from campaignops.access.policy import Action, get_for
from campaignops.campaigns.models import Campaign
from campaignops.core.errors import ValidationFailed
from campaignops.core.schemas import WRITE_ERRORS, ErrorOut
from campaignops.core.spreadsheets import guard_uploaded_file

from .io.export import export_filename, export_plan
from .io.importer import column_names, plan_import_apply, preview_upload
from .io.present import preview_json

router = Router(tags=["plan import/export"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class IssueOut(Schema):
    row: int
    column: str
    column_letter: str
    message: str


class ChangeOut(Schema):
    field: str
    old: Any = None
    new: Any = None


class PreviewRowOut(Schema):
    row: int
    action: str
    task_id: int | None = None
    phase: str
    title: str
    owner_unmatched: bool
    changes: list[ChangeOut]


class NewPhaseOut(Schema):
    name: str
    kind: str
    start_date: dt.date
    end_date: dt.date


class ImportPreviewOut(Schema):
    applied: bool
    counts: dict[str, int]
    fingerprint: str
    not_in_file: int
    new_phases: list[NewPhaseOut]
    rows: list[PreviewRowOut]
    warnings: list[IssueOut]


class ImportAppliedOut(Schema):
    applied: bool
    created: int
    updated: int
    unchanged: int
    phases_created: int
    warnings: list[IssueOut]


@router.get("/campaigns/{campaign_id}/plan/export", response={200: None, **WRITE_ERRORS},
            summary="Export the plan as .xlsx",
            openapi_extra={"responses": {200: {"description": "The plan as an Excel file.",
                                               "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}}})
def plan_export(request, campaign_id: int, lang: str | None = None):
    """The seed's 8 columns (headers in `lang`, default the user's language), then Status, Channel,
    Deliverable, Planned, Done and ID; grouped by phase."""
    campaign = get_for(request.user, Action.VIEW, Campaign, campaign_id)
    lang = lang or get_language()
    response = HttpResponse(export_plan(campaign=campaign, lang=lang), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, export_filename(campaign, lang))
    return response


@router.post("/campaigns/{campaign_id}/plan/import",
             response={200: ImportPreviewOut | ImportAppliedOut, 413: ErrorOut, **WRITE_ERRORS},
             summary="Import the plan from .xlsx/.csv (preview, or apply)")
def plan_import(request, campaign_id: int, file: UploadedFile | None = File(None),  # noqa: B008
                apply: bool = Form(False),  # noqa: B008
                fingerprint: str = Form("")):  # noqa: B008
    campaign = get_for(request.user, Action.EDIT, Campaign, campaign_id)      # access before anything else
    if file is None:
        raise ValidationFailed(_("Send the plan file as the multipart field “file”."), field="file")
    result = preview_upload(campaign=campaign, upload=guard_uploaded_file(file), lang=get_language())
    if not result.ok:
        raise result.refusal()
    warnings = [w.as_dict() for w in result.warnings]
    if not apply:
        return preview_json(result.preview, result.warnings)
    summary = plan_import_apply(campaign=campaign, actor=request.user, rows=result.parsed.rows,
                                columns=column_names(result.parsed.header), expected_fingerprint=fingerprint or None, file_name=file.name or "")
    return {"applied": True, **summary.as_dict(), "warnings": warnings}
