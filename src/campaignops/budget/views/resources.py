"""The Resource Preparation List (资源筹备清单): materials by needed-by date, at-risk ones standing
out, add / edit / move a status on (ordering passes the Finance gate), delete, .xlsx export."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from campaignops.access.policy import Action
from campaignops.campaigns.selectors import members_of
from campaignops.core.errors import DomainError, StaleVersion
from campaignops.planning.models import Phase, Task

from .. import selectors, services
from ..exports import XLSX, export_filename, materials_xlsx
from ..forms import MaterialForm, StatusForm
from ..models import MATERIAL_FLOW, Material, MaterialStatus
from .common import base_context, campaign_page, download, form_error, warn

PAGE = "budget/resources.html"


def _choices(campaign) -> dict:
    """What the material form chooses from (four queries)."""
    return {"members": [m.user for m in members_of(campaign)],
            "lines": list(selectors.lines_of(campaign)),
            "phases": list(Phase.objects.filter(campaign=campaign).order_by("order", "id")),
            "tasks": list(Task.objects.filter(campaign=campaign).select_related("phase")
                          .order_by("phase__order", "order", "id"))}


def _values(form: MaterialForm, choices: dict) -> dict:
    return form.values(lines={ln.pk: ln for ln in choices["lines"]}, phases={p.pk: p for p in choices["phases"]},
                       tasks={t.pk: t for t in choices["tasks"]})


def _next_status(status: str) -> str | None:
    i = MATERIAL_FLOW.index(status)
    return MATERIAL_FLOW[i + 1] if i + 1 < len(MATERIAL_FLOW) else None


def _context(request, campaign, form=None) -> dict:
    ctx = base_context(request, campaign, "resources")
    choices = _choices(campaign)
    materials = selectors.label_materials(selectors.materials_of(campaign), campaign, ctx["today"])
    labels = dict(MaterialStatus.choices)
    for m in materials:
        m.next_status = _next_status(m.status)
        m.next_label = labels.get(m.next_status, "")
    counts = {s: sum(1 for m in materials if m.status == s) for s in MATERIAL_FLOW}
    return {**ctx, "materials": materials, "form": form or MaterialForm(initial={"status": "planned",
                                                                              "quantity": 1}, **choices),
            "at_risk": sum(1 for m in materials if m.risk), "counts": [(s, labels[s], counts[s]) for s in MATERIAL_FLOW],
            "total_cost": sum((m.cost for m in materials), start=0)}


@campaign_page(GET=Action.VIEW)
def resources_page(request, campaign):
    return TemplateResponse(request, PAGE, _context(request, campaign))


def _back(campaign, material=None) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("budget:resources", args=[campaign.pk]) + (f"#m{material.pk}" if material
                                                                                     else ""))


@campaign_page(POST=Action.EDIT)
def material_new(request, campaign):
    choices = _choices(campaign)
    form = MaterialForm(request.POST, **choices)
    if form.is_valid():
        try:
            material = services.material_create(campaign=campaign, actor=request.user, **_values(form, choices))
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("“%(name)s” is on the list.") % {"name": material.name})
            warn(request, material)
            return _back(campaign, material)
    return TemplateResponse(request, PAGE, _context(request, campaign, form), status=422)


def _material(campaign, pk: int) -> Material:
    return get_object_or_404(Material.objects.select_related("campaign", "line"), campaign=campaign, pk=pk)


@campaign_page(GET=Action.EDIT, POST=Action.EDIT)
def material_edit(request, campaign, material_pk: int):
    material = _material(campaign, material_pk)
    choices = _choices(campaign)
    ctx = {**base_context(request, campaign, "resources"), "material": material}
    if request.method == "GET":
        form = MaterialForm(initial={
            "version": material.version, "name": material.name, "quantity": material.quantity, "unit": material.unit,
            "unit_cost": material.unit_cost, "supplier": material.supplier, "needed_by": material.needed_by,
            "owner": material.owner_id, "status": material.status, "line": material.line_id,
            "phase": material.phase_id, "task": material.task_id, "note": material.note}, **choices)
        return TemplateResponse(request, "budget/material_form.html", {**ctx, "form": form})
    form = MaterialForm(request.POST, **choices)
    status = 422
    if form.is_valid():
        try:
            material = services.material_update(material=material, actor=request.user,
                                                version=form.cleaned_data["version"], **_values(form, choices))
        except StaleVersion as exc:
            status, ctx["stale"] = 409, True
            data = request.POST.copy()
            data["version"] = str(exc.current_version)
            form = MaterialForm(data, **choices)
            form.is_valid()
        except DomainError as exc:
            form_error(form, exc)
        else:
            warn(request, material)
            return _back(campaign, material)
    return TemplateResponse(request, "budget/material_form.html", {**ctx, "form": form}, status=status)


@campaign_page(POST=Action.EDIT)
def material_status(request, campaign, material_pk: int):
    """Move a material to another status (the list's one-click "→ next status" button)."""
    material = _material(campaign, material_pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return _back(campaign, material)
    try:
        material = services.material_update(material=material, actor=request.user,
                                            version=form.cleaned_data["version"], status=form.cleaned_data["status"])
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("“%(name)s” is now %(status)s.") % {
            "name": material.name, "status": material.get_status_display()})
        warn(request, material)
    return _back(campaign, material)


@campaign_page(POST=Action.EDIT)
def material_delete(request, campaign, material_pk: int):
    material = _material(campaign, material_pk)
    try:
        services.material_delete(material=material, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _back(campaign, material)
    messages.success(request, _("“%(name)s” is removed from the list.") % {"name": material.name})
    return _back(campaign)


@campaign_page(GET=Action.VIEW)
def resources_export(request, campaign):
    materials = selectors.label_materials(selectors.materials_of(campaign), campaign)
    name = export_filename(campaign, _("Resource Preparation List"), selectors.campaign_today(campaign), "xlsx")
    return download(materials_xlsx(materials, campaign.currency), XLSX, name)
