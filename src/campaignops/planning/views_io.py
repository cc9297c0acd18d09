"""Excel round-trip pages: export the plan as .xlsx; import a file in two steps (upload -> preview
with new / changed / unchanged rows and errors by row and column -> apply, all or nothing).

Access: VIEW to export, EDIT to import (non-members 404, viewers 403)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from campaignops.access.policy import Action, get_for
from campaignops.campaigns.models import Campaign
from campaignops.core.errors import DomainError
from campaignops.core.spreadsheets import SPREADSHEET_SUFFIXES, UploadRejected, guard_uploaded_file

from .io.export import export_filename, export_plan
from .io.importer import plan_import_apply_saved, plan_import_save, preview_saved, preview_upload
from .io.present import page_context, summary_line
from .models import PlanImport, PlanImportState

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PlanUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Plan file"), help_text=gettext_lazy(
        "An .xlsx, .xls, .ods or .csv file: an exported plan, the seed's 8-column table, or a ClickUp or "
        "Trello CSV export."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SPREADSHEET_SUFFIXES)}))


@login_required
def plan_export(request, pk: int):
    campaign = get_for(request.user, Action.VIEW, Campaign, pk)       # access first: 404 whatever the method
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    lang = request.GET.get("lang") or get_language()
    response = HttpResponse(export_plan(campaign=campaign, lang=lang), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, export_filename(campaign, lang))
    return response


@login_required
def plan_import(request, pk: int):
    campaign = get_for(request.user, Action.EDIT, Campaign, pk)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            result = preview_upload(campaign=campaign, upload=guard_uploaded_file(upload_file), lang=get_language())
        except UploadRejected as exc:
            form.add_error("file", str(exc.message))
        if result is not None and result.ok:
            plan_import_save(campaign=campaign, actor=request.user, file_name=upload_file.name, result=result)
            return redirect("planning_io:preview", pk=campaign.pk)
    refused = request.method == "POST"
    return TemplateResponse(request, "planning/io/import.html", {
        "campaign": campaign, "form": form, "errors": result.errors if result else [],
        "warnings": result.warnings if result else []}, status=422 if refused else 200)


@login_required
def plan_import_preview(request, pk: int):
    """The signed-in user's pending import of this campaign (one at a time): preview, then apply."""
    campaign = get_for(request.user, Action.EDIT, Campaign, pk)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    plan_import = get_object_or_404(PlanImport, campaign=campaign, created_by=request.user,
                                    state=PlanImportState.PENDING)
    if request.method == "POST":
        try:
            summary = plan_import_apply_saved(plan_import=plan_import, actor=request.user,
                                              fingerprint=request.POST.get("fingerprint", ""))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The plan was imported. %(summary)s") % {"summary": summary_line(
                {"new": summary.created, "changed": summary.updated, "unchanged": summary.unchanged},
                summary.phases_created)})
            return redirect("planning:plan", pk=campaign.pk)
    preview = preview_saved(plan_import=plan_import)
    return TemplateResponse(request, "planning/io/preview.html", {
        "campaign": campaign, "plan_import": plan_import, "errors": preview.errors, "warnings": preview.warnings,
        **page_context(preview, get_language())})
