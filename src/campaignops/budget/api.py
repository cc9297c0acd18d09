"""Budget, revisions and approvals, the Resource Preparation List, expenses with receipts, overrides.

Access first (VIEW for reads, EDIT for writes, APPROVE — Finance only — for decisions and overrides),
then a selector or a service, then a schema. Refusals by the Finance gate are 422 with a clear
reason; a revision decided by someone else first is 409."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import FileResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from campaignops.access.policy import Action, get_for
from campaignops.campaigns.api import no_nulls
from campaignops.campaigns.models import Campaign
from campaignops.core.errors import ValidationFailed
from campaignops.core.schemas import ERRORS, WRITE_ERRORS, ErrorOut, Id
from campaignops.planning.models import Phase, Task

from . import selectors, services
from .models import BudgetLine, Expense, Material
from .schemas import (
    ApprovalsOut,
    BudgetOut,
    DecisionIn,
    ExpenseIn,
    ExpenseOut,
    ExpensePatch,
    LineIn,
    LineOut,
    LinePatch,
    MaterialIn,
    MaterialOut,
    MaterialPatch,
    OverrideIn,
    OverrideOut,
    RevisionOut,
    SubmitIn,
    figures_out,
)

router = Router(tags=["budget, resources, spend, approvals"])


def _campaign(request, campaign_id: int, action: Action = Action.VIEW) -> Campaign:
    return get_for(request.user, action, Campaign, campaign_id)


def _row(request, qs, campaign_id: int, pk: int, action: Action = Action.VIEW):
    return get_for(request.user, action, qs.filter(campaign_id=campaign_id), pk)


def _ref(model, campaign: Campaign, pk: int | None, field: str):
    if pk is None:
        return None
    row = model.objects.filter(campaign=campaign, pk=pk).first()
    if row is None:
        raise ValidationFailed(_("There is no %(item)s %(id)s in this campaign.") % {
            "item": model._meta.verbose_name, "id": pk}, field=field)
    return row


def _refs(campaign: Campaign, data: dict) -> dict:
    for name, model in (("phase", Phase), ("task", Task), ("line", BudgetLine), ("material", Material)):
        if name in data:
            data[name] = _ref(model, campaign, data[name], name)
    if "owner" in data and data["owner"] is not None:
        user = get_user_model().objects.filter(pk=data["owner"], is_active=True).first()
        if user is None:
            raise ValidationFailed(_("There is no user %(user)s.") % {"user": data["owner"]}, field="owner")
        data["owner"] = user
    return data


def _line_out(line: BudgetLine) -> BudgetLine:
    line.figures = figures_out(selectors.line_figures(line.campaign_id, line.campaign.currency, [line.pk])[line.pk])
    return line


# ---- the budget ---------------------------------------------------------------------------------

@router.get("/campaigns/{int:campaign_id}/budget", response={200: BudgetOut, **ERRORS},
            summary="The budget: lines with plan, approved, committed, actual and forecast; per category; burn")
def budget_read(request, campaign_id: Id):
    campaign = _campaign(request, campaign_id)
    view = selectors.budget_view(campaign)
    for line in view.lines:
        line.figures = figures_out(line.figures)
    return {"campaign_id": campaign.pk, "currency": campaign.currency, "totals": figures_out(view.totals),
            "categories": [{"category": c, "label": str(label), "figures": figures_out(f)}
                           for c, label, f in view.categories],
            "lines": view.lines, "burn": [{"date": d, "cumulative": v} for d, v in view.burn],
            "in_force": view.in_force, "open_revision": view.open_revision}


@router.post("/campaigns/{int:campaign_id}/budget/lines", response={201: LineOut, **ERRORS},
             summary="Add a budget line (to the draft revision)")
def line_create(request, campaign_id: Id, payload: LineIn):
    campaign = _campaign(request, campaign_id, Action.EDIT)
    line = services.line_create(campaign=campaign, actor=request.user, **payload.model_dump())
    return Status(201, _line_out(line))


@router.patch("/campaigns/{int:campaign_id}/budget/lines/{int:line_id}", response={200: LineOut, **WRITE_ERRORS},
              summary="Change a budget line (send the version you read)")
def line_update(request, campaign_id: Id, line_id: Id, payload: LinePatch):
    line = _row(request, BudgetLine.objects.select_related("campaign"), campaign_id, line_id, Action.EDIT)
    data = no_nulls(payload.model_dump(exclude_unset=True), required=("name", "category", "planned", "order"),
                    text=("note",))
    version = data.pop("version")
    services.line_update(line=line, actor=request.user, version=version, **data)
    return _line_out(BudgetLine.objects.select_related("campaign").get(pk=line.pk))


@router.delete("/campaigns/{int:campaign_id}/budget/lines/{int:line_id}", response={204: None, **ERRORS},
               summary="Delete a budget line (none of its materials or expenses may remain)")
def line_delete(request, campaign_id: Id, line_id: Id):
    line = _row(request, BudgetLine.objects.select_related("campaign"), campaign_id, line_id, Action.EDIT)
    services.line_delete(line=line, actor=request.user)
    return Status(204, None)


@router.get("/campaigns/{int:campaign_id}/budget/revisions", response={200: list[RevisionOut], **ERRORS},
            summary="The budget's revisions, newest first")
def revision_list(request, campaign_id: Id):
    return list(selectors.revisions_of(_campaign(request, campaign_id)))


@router.get("/campaigns/{int:campaign_id}/budget/revisions/{int:revision_id}",
            response={200: RevisionOut, **ERRORS}, summary="One revision with its frozen lines")
def revision_read(request, campaign_id: Id, revision_id: Id):
    return _row(request, selectors.revision_detail_qs(), campaign_id, revision_id)


@router.post("/campaigns/{int:campaign_id}/budget/submit", response={201: RevisionOut, **WRITE_ERRORS},
             summary="Freeze the working budget into a revision and ask Finance to approve it")
def revision_submit(request, campaign_id: Id, payload: SubmitIn):
    campaign = _campaign(request, campaign_id, Action.EDIT)
    revision = services.revision_submit(campaign=campaign, actor=request.user, note=payload.note)
    return Status(201, selectors.revision_detail_qs().get(pk=revision.pk))


@router.post("/campaigns/{int:campaign_id}/budget/revisions/{int:revision_id}/withdraw",
             response={200: RevisionOut, **WRITE_ERRORS}, summary="Take a submitted revision back to draft")
def revision_withdraw(request, campaign_id: Id, revision_id: Id):
    revision = _row(request, selectors.revision_detail_qs(), campaign_id, revision_id, Action.EDIT)
    services.revision_withdraw(revision=revision, actor=request.user)
    return selectors.revision_detail_qs().get(pk=revision.pk)


@router.post("/campaigns/{int:campaign_id}/budget/revisions/{int:revision_id}/approve",
             response={200: RevisionOut, **WRITE_ERRORS},
             summary="Approve a submitted revision (Finance; not your own submission; one decision wins)")
def revision_approve(request, campaign_id: Id, revision_id: Id, payload: DecisionIn):
    revision = _row(request, selectors.revision_detail_qs(), campaign_id, revision_id, Action.APPROVE)
    services.revision_approve(revision=revision, actor=request.user, comment=payload.comment)
    return selectors.revision_detail_qs().get(pk=revision.pk)


@router.post("/campaigns/{int:campaign_id}/budget/revisions/{int:revision_id}/reject",
             response={200: RevisionOut, **WRITE_ERRORS},
             summary="Reject a submitted revision with a comment (Finance; not your own submission)")
def revision_reject(request, campaign_id: Id, revision_id: Id, payload: DecisionIn):
    revision = _row(request, selectors.revision_detail_qs(), campaign_id, revision_id, Action.APPROVE)
    services.revision_reject(revision=revision, actor=request.user, comment=payload.comment)
    return selectors.revision_detail_qs().get(pk=revision.pk)


@router.get("/campaigns/{int:campaign_id}/budget/overrides", response={200: list[OverrideOut], **ERRORS},
            summary="Finance's overrides, newest first")
def override_list(request, campaign_id: Id):
    return list(selectors.overrides_of(_campaign(request, campaign_id)))


@router.post("/campaigns/{int:campaign_id}/budget/lines/{int:line_id}/overrides",
             response={201: OverrideOut, **ERRORS},
             summary="Let a line go beyond its approved amount (Finance, with a reason)")
def override_create(request, campaign_id: Id, line_id: Id, payload: OverrideIn):
    line = _row(request, BudgetLine.objects.select_related("campaign"), campaign_id, line_id, Action.APPROVE)
    item = services.override_record(line=line, actor=request.user, amount=payload.amount, reason=payload.reason)
    return Status(201, selectors.overrides_of(line.campaign).get(pk=item.pk))


# ---- materials ----------------------------------------------------------------------------------

def _material_out(material: Material) -> Material:
    fresh = selectors.materials_of(material.campaign).get(pk=material.pk)
    selectors.label_materials([fresh], material.campaign)
    fresh.spend_warning = getattr(material, "spend_warning", None)
    return fresh


@router.get("/campaigns/{int:campaign_id}/materials", response={200: list[MaterialOut], **ERRORS},
            summary="The Resource Preparation List, by needed-by date")
def material_list(request, campaign_id: Id):
    campaign = _campaign(request, campaign_id)
    return selectors.label_materials(selectors.materials_of(campaign), campaign)


@router.post("/campaigns/{int:campaign_id}/materials", response={201: MaterialOut, **ERRORS},
             summary="Add a material (ordering it needs an approved budget line with room)")
def material_create(request, campaign_id: Id, payload: MaterialIn):
    campaign = _campaign(request, campaign_id, Action.EDIT)
    data = _refs(campaign, payload.model_dump(exclude_none=True))
    material = services.material_create(campaign=campaign, actor=request.user, **data)
    return Status(201, _material_out(material))


@router.get("/campaigns/{int:campaign_id}/materials/{int:material_id}", response={200: MaterialOut, **ERRORS},
            summary="One material")
def material_read(request, campaign_id: Id, material_id: Id):
    material = _row(request, Material.objects.select_related("campaign"), campaign_id, material_id)
    return _material_out(material)


@router.patch("/campaigns/{int:campaign_id}/materials/{int:material_id}",
              response={200: MaterialOut, **WRITE_ERRORS},
              summary="Change a material, e.g. its status (to ordered: the Finance gate applies)")
def material_update(request, campaign_id: Id, material_id: Id, payload: MaterialPatch):
    material = _row(request, Material.objects.select_related("campaign"), campaign_id, material_id, Action.EDIT)
    data = no_nulls(payload.model_dump(exclude_unset=True), required=("name", "quantity", "unit_cost", "status"),
                    text=("unit", "supplier", "note"))
    version = data.pop("version")
    material = services.material_update(material=material, actor=request.user, version=version,
                                        **_refs(material.campaign, data))
    return _material_out(material)


@router.delete("/campaigns/{int:campaign_id}/materials/{int:material_id}", response={204: None, **ERRORS},
               summary="Delete a material (no expense may be booked on it)")
def material_delete(request, campaign_id: Id, material_id: Id):
    material = _row(request, Material.objects.all(), campaign_id, material_id, Action.EDIT)
    services.material_delete(material=material, actor=request.user)
    return Status(204, None)


# ---- expenses -----------------------------------------------------------------------------------

@router.get("/campaigns/{int:campaign_id}/expenses", response={200: list[ExpenseOut], **ERRORS},
            summary="Expenses, newest first")
def expense_list(request, campaign_id: Id):
    return list(selectors.expenses_of(_campaign(request, campaign_id)))


@router.post("/campaigns/{int:campaign_id}/expenses", response={201: ExpenseOut, **ERRORS},
             summary="Record an expense on an approved line (refused beyond the line unless overridden)")
def expense_create(request, campaign_id: Id, payload: ExpenseIn):
    campaign = _campaign(request, campaign_id, Action.EDIT)
    data = _refs(campaign, payload.model_dump())
    expense = services.expense_create(campaign=campaign, actor=request.user, **data)
    out = selectors.expenses_of(campaign).get(pk=expense.pk)
    out.spend_warning = expense.spend_warning
    return Status(201, out)


@router.get("/campaigns/{int:campaign_id}/expenses/{int:expense_id}", response={200: ExpenseOut, **ERRORS},
            summary="One expense")
def expense_read(request, campaign_id: Id, expense_id: Id):
    return _row(request, Expense.objects.select_related("recorded_by__profile"), campaign_id, expense_id)


@router.patch("/campaigns/{int:campaign_id}/expenses/{int:expense_id}", response={200: ExpenseOut, **WRITE_ERRORS},
              summary="Change an expense (send the version you read)")
def expense_update(request, campaign_id: Id, expense_id: Id, payload: ExpensePatch):
    expense = _row(request, Expense.objects.select_related("campaign", "line", "material"), campaign_id,
                   expense_id, Action.EDIT)
    data = no_nulls(payload.model_dump(exclude_unset=True), required=("line", "amount", "spent_on", "vendor"),
                    text=("note",))
    version = data.pop("version")
    services.expense_update(expense=expense, actor=request.user, version=version, **_refs(expense.campaign, data))
    out = Expense.objects.select_related("recorded_by__profile").get(pk=expense.pk)
    out.spend_warning = expense.spend_warning
    return out


@router.delete("/campaigns/{int:campaign_id}/expenses/{int:expense_id}", response={204: None, **ERRORS},
               summary="Delete an expense and its receipt")
def expense_delete(request, campaign_id: Id, expense_id: Id):
    expense = _row(request, Expense.objects.select_related("campaign"), campaign_id, expense_id, Action.EDIT)
    services.expense_delete(expense=expense, actor=request.user)
    return Status(204, None)


@router.post("/campaigns/{int:campaign_id}/expenses/{int:expense_id}/receipt",
             response={200: ExpenseOut, 413: ErrorOut, **ERRORS},
             summary="Attach the receipt (multipart field “file”: PDF, JPEG or PNG)")
def expense_receipt_upload(request, campaign_id: Id, expense_id: Id,
                           file: UploadedFile | None = File(None)):  # noqa: B008
    expense = _row(request, Expense.objects.select_related("campaign"), campaign_id, expense_id, Action.EDIT)
    if file is None:
        raise ValidationFailed(_("Send the receipt as the multipart field “file”."), field="file")
    name, data = services.read_upload(file)
    services.expense_attach_receipt(expense=expense, actor=request.user, name=name, data=data)
    return Expense.objects.select_related("recorded_by__profile").get(pk=expense.pk)


@router.get("/campaigns/{int:campaign_id}/expenses/{int:expense_id}/receipt",
            response={200: None, **ERRORS}, summary="Download the receipt (members only)")
def expense_receipt_download(request, campaign_id: Id, expense_id: Id):
    expense = _row(request, Expense.objects.all(), campaign_id, expense_id)
    return receipt_response(expense)


def receipt_response(expense: Expense):
    from django.http import Http404

    if not expense.receipt:
        raise Http404
    try:
        handle = expense.receipt.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=expense.receipt_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, expense.receipt_name or "receipt")
    response["Cache-Control"] = "private, no-store"
    return response


# ---- approvals waiting for me -------------------------------------------------------------------

@router.get("/me/approvals", response={200: ApprovalsOut, **ERRORS},
            summary="What waits for my decision: budget revisions (Finance) and goal sign-offs")
def my_approvals(request):
    from campaignops.campaigns.selectors import goal_signatures_waiting_for

    revisions = selectors.revisions_waiting_for(request.user)
    return {"budget_revisions": [{"campaign_id": r.campaign_id, "campaign": r.campaign.name, "revision": r.pk,
                                  "number": r.number, "total": r.total, "currency": r.currency,
                                  "submitted_by": r.submitted_by, "submitted_at": r.submitted_at}
                                 for r in revisions],
            "goal_confirmations": [{"campaign_id": c.pk, "campaign": c.name}
                                   for c in goal_signatures_waiting_for(request.user)]}


