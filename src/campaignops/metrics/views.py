"""The campaign's "Data" tab: upload a platform export → preview (rows, days, channels, totals per
metric, errors by row and column; columns mapped by hand when the file is not recognised, and the
mapping saved) → apply, all or nothing; quick manual entry of a day's number per channel (phone
friendly); custom metrics; exports of every number as .xlsx and CSV.

Access: VIEW to see and export, EDIT to import and enter (non-members 404, viewers 403)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaignops.access.policy import Action
from campaignops.campaigns.views import campaign_page
from campaignops.core.errors import DomainError
from campaignops.core.spreadsheets import SPREADSHEET_SUFFIXES, UploadRejected, guard_uploaded_file

from . import exports, selectors_ingest, services
from .io.headers import FIELDS
from .models import BatchState, ImportBatch, MetricKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIELD_LABELS = {
    "day": gettext_lazy("Day"), "day_end": gettext_lazy("Day (end of range)"), "hour": gettext_lazy("Hour"),
    "channel": gettext_lazy("Channel"), "metric": gettext_lazy("Metric code"), "value": gettext_lazy("Value"),
    "currency": gettext_lazy("Currency"), "attribution": gettext_lazy("Attribution"),
    "campaign": gettext_lazy("Ad campaign name (not imported)"),
}


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Export file"), help_text=gettext_lazy(
        "A .csv, .tsv or .xlsx export of Meta, Google Ads, TikTok, 巨量引擎, 千川, 小红书聚光, 腾讯广告 or 阿里妈妈 "
        "(Chinese or English), or any table with a date column."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SPREADSHEET_SUFFIXES)}))
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), required=False, help_text=gettext_lazy(
        "For files that name no channel; an ad platform's export goes to its own channel by default."))


class CustomMetricForm(forms.Form):
    code = forms.RegexField(label=gettext_lazy("Code"), regex=r"^[a-z][a-z0-9_]*$", max_length=40,
                            help_text=gettext_lazy("Lower-case letters, digits and _, e.g. samples_given."))
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), max_length=80)
    name_zh = forms.CharField(label=gettext_lazy("Name (Chinese)"), max_length=80, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=MetricKind.choices)
    numerator = forms.ChoiceField(label=gettext_lazy("Numerator"), required=False)
    denominator = forms.ChoiceField(label=gettext_lazy("Denominator"), required=False)
    scale = forms.DecimalField(label=gettext_lazy("Scale"), initial=1, min_value=Decimal("0.0001"),
                               max_digits=12, decimal_places=4)
    unit = forms.ChoiceField(label=gettext_lazy("Unit"), choices=[("count", gettext_lazy("count")),
                                                                 ("percent", "%"), ("money", gettext_lazy("money")),
                                                                 ("ratio", gettext_lazy("ratio"))])
    higher_is_better = forms.BooleanField(label=gettext_lazy("Higher is better"), required=False, initial=True)

    def __init__(self, *args, raw: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["numerator"].choices = self.fields["denominator"].choices = [("", "—"), *raw]


def _channel_choices(campaign) -> list[tuple[str, str]]:
    """The campaign's channels first, then every other one."""
    mine = list(campaign.channels.all())
    others = [c for c in selectors_ingest.all_channels() if c not in mine]
    return [("", _("— from the file —"))] + [(c.code, c.name) for c in mine + others]


def _base(campaign, request, active: str = "data") -> dict:
    from campaignops.access.policy import can

    return {"campaign": campaign, "active": active, "editable": can(request.user, Action.EDIT, campaign),
            "can_manage": can(request.user, Action.MANAGE, campaign)}


@campaign_page(GET=Action.VIEW, POST=Action.EDIT)
def data_home(request, campaign):
    """Upload form, recent imports, links to quick entry and exports, custom metrics."""
    form = UploadForm(request.POST or None, request.FILES or None)
    form.fields["channel"].choices = _channel_choices(campaign)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                upload = guard_uploaded_file(form.cleaned_data["file"])
                services.import_stage(campaign=campaign, upload=upload, actor=request.user,
                                      channel=form.cleaned_data["channel"])
            except UploadRejected as exc:
                form.add_error("file", str(exc.message))
            else:
                return redirect("metrics:preview", pk=campaign.pk)
        status = 422
    page = selectors_ingest.data_page(campaign)
    return TemplateResponse(request, "metrics/data.html", {
        **_base(campaign, request), "form": form, **page,
        "metric_form": CustomMetricForm(raw=selectors_ingest.raw_choices(campaign, page["custom_metrics"]))},
        status=status)


def _pending(request, campaign) -> ImportBatch:
    return get_object_or_404(ImportBatch.objects.select_related("channel", "campaign"), campaign=campaign,
                             created_by=request.user, state=BatchState.PENDING)


def _mapping_rows(parsed, catalogue) -> list[dict]:
    """One row per file column: its header, a sample and what it is read as now."""
    cmap = parsed.cmap
    current = {i: t.to for i, t in cmap.columns.items()}
    return [{"index": i, "header": h, "target": current.get(i, ""), "letter": services.column_letter(i)}
            for i, h in enumerate(cmap.headers) if h]


def _target_choices(catalogue) -> list[tuple[str, str]]:
    out = [("", _("— not imported —"))]
    out += [(f, str(FIELD_LABELS[f])) for f in FIELDS]
    out += [(code, f"{info.name} ({code})") for code, info in catalogue.items() if info.kind == "raw"]
    return out


@campaign_page(GET=Action.EDIT, POST=Action.EDIT)
def import_preview(request, campaign):
    """The user's pending import: preview with errors, the column mapping, then apply or discard."""
    batch = _pending(request, campaign)
    action = request.POST.get("action", "")
    if action == "discard":
        services.import_discard(batch=batch)
        messages.info(request, _("The import was discarded; nothing was written."))
        return redirect("metrics:data", pk=campaign.pk)
    status = 200
    if action == "apply":
        try:
            written = services.import_apply(batch=batch, actor=request.user,
                                            fingerprint=request.POST.get("fingerprint") or None)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            status = exc.status
        else:
            messages.success(request, _("Imported: %(created)s new numbers, %(updated)s changed, %(unchanged)s "
                                        "unchanged.") % {"created": written.created, "updated": written.updated,
                                                         "unchanged": written.unchanged})
            return redirect("metrics:data", pk=campaign.pk)
    ctx = services.reader_context(campaign)
    if action == "map":
        mapping = {h: request.POST.get(f"col-{i}") or None
                   for i, h in enumerate(request.POST.getlist("header")) if h}
        try:
            services.import_remap(batch=batch, mapping=mapping, channel=request.POST.get("channel", ""),
                                  actor=request.user)
            if request.POST.get("save_as", "").strip():
                services.mapping_save(campaign=campaign, name=request.POST["save_as"], columns=mapping,
                                      actor=request.user)
                messages.success(request, _("The column mapping was saved: files with these headers will be "
                                            "read the same way."))
        except DomainError as exc:
            messages.error(request, str(exc.message))
            status = exc.status
    parsed = services.batch_parse(batch)
    seen = services.preview(campaign, parsed) if parsed.ok else None
    channels = _channel_choices(campaign)
    return TemplateResponse(request, "metrics/preview.html", {
        **_base(campaign, request), "batch": batch, "parsed": parsed, "preview": seen,
        "totals": selectors_ingest.named_totals(parsed.totals(), ctx.catalogue),
        "mapping_rows": _mapping_rows(parsed, ctx.catalogue), "targets": _target_choices(ctx.catalogue),
        "channels": channels, "channel_labels": [dict(channels).get(c, c) for c in (seen.channels if seen else [])]},
        status=status)


@campaign_page(GET=Action.EDIT, POST=Action.EDIT)
def manual_entry(request, campaign):
    """A day's number per channel: pick the day and the metric, type the numbers, save."""
    today = timezone.localdate()
    day = _day(request.POST.get("day") or request.GET.get("day")) or min(max(today, campaign.start_date),
                                                                         campaign.end_date)
    raw = selectors_ingest.raw_choices(campaign)
    metric = request.POST.get("metric") or request.GET.get("metric") or "store_visitors"
    if metric not in dict(raw):
        metric = raw[0][0]
    channels = selectors_ingest.entry_channels(campaign)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values: dict[str, Decimal | None] = {}
        for ch in channels:
            text = request.POST.get(f"v-{ch.code}", "").strip().replace(",", "")
            if not text:
                continue
            try:
                values[ch.code] = Decimal(text)
                if not values[ch.code].is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                errors[ch.code] = _("“%(value)s” is not a number.") % {"value": text}
        if not errors:
            try:
                written = services.manual_entry(campaign=campaign, day=day, metric=metric, values=values,
                                                actor=request.user)
            except DomainError as exc:
                errors["__all__"] = str(exc.message)
            else:
                messages.success(request, _("Saved: %(created)s new numbers, %(updated)s changed.") % {
                    "created": written.created, "updated": written.updated})
                return redirect(f"{request.path}?day={day.isoformat()}&metric={metric}")
        status = 422
    current = selectors_ingest.day_values(campaign, day, metric)
    rows = [{"channel": ch, "value": request.POST.get(f"v-{ch.code}", "") if request.method == "POST"
             else _plain(current.get(ch.pk)), "error": errors.get(ch.code, "")} for ch in channels]
    return TemplateResponse(request, "metrics/entry.html", {
        **_base(campaign, request), "day": day, "metric": metric, "metrics": raw, "rows": rows,
        "form_error": errors.get("__all__", ""), "has_errors": bool(errors)}, status=status)


def _plain(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f")


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@campaign_page(POST=Action.EDIT)
def custom_metric_create(request, campaign):
    form = CustomMetricForm(request.POST, raw=selectors_ingest.raw_choices(campaign))
    if form.is_valid():
        try:
            services.custom_metric_create(campaign=campaign, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        except ValidationError as exc:                 # e.g. the code is taken
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The metric was added."))
    else:
        messages.error(request, _("The metric was not added: %(errors)s") % {"errors": " ".join(
            f"{form.fields[f].label}: {' '.join(e)}" if f in form.fields else " ".join(e)
            for f, e in form.errors.items())})
    return redirect("metrics:data", pk=campaign.pk)


@campaign_page(GET=Action.VIEW)
def export_xlsx(request, campaign):
    response = HttpResponse(exports.observations_xlsx(campaign), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, exports.export_filename(campaign, "xlsx"))
    return response


@campaign_page(GET=Action.VIEW)
def export_csv(request, campaign):
    response = HttpResponse(exports.observations_csv(campaign), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, exports.export_filename(campaign, "csv"))
    return response
