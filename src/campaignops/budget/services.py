"""Writes of the budget app. Every write is atomic and audited; edits carry the version read (409
when stale); refusals raise a DomainError and leave nothing written.

The Finance gate: nothing is ordered or spent on a line until a revision containing it is approved;
a new order or expense that would take a line's forecast (actual + open commitments) beyond its
approved amount plus Finance's overrides is refused; from 90 % on it goes through with a warning
(`obj.spend_warning`). Two Finance members deciding the same revision at once: the conditional UPDATE
(… WHERE status = 'submitted') lets exactly one of them through."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import time
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import OperationalError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from campaignops.access.policy import Action, can
from campaignops.campaigns.models import Campaign, Membership
from campaignops.campaigns.services import _validate
from campaignops.core import audit
from campaignops.core.errors import DomainError, NotAllowed
from campaignops.core.versioning import save_versioned

from . import selectors
from .domain import money
from .domain.resources import sniff_receipt
from .models import (
    COMMITTED_STATUSES,
    BudgetLine,
    BudgetRevision,
    Expense,
    Material,
    RevisionStatus,
    SpendOverride,
)

LINE_FIELDS = ["category", "name", "planned", "note", "order"]
MATERIAL_FIELDS = ["name", "quantity", "unit", "unit_cost", "supplier", "needed_by", "owner", "status", "phase",
                   "task", "line", "note", "ordered_on"]
EXPENSE_FIELDS = ["line", "material", "amount", "spent_on", "vendor", "note"]


class AlreadyDecided(DomainError):
    """The revision is no longer waiting for a decision (someone decided first): 409."""

    status = 409


class SpendRefused(DomainError):
    status = 422


class ReceiptRejected(DomainError):
    """Not a PDF / JPEG / PNG, or empty: 422."""

    status = 422


class ReceiptTooLarge(ReceiptRejected):
    status = 413


def retry_when_locked(func):
    """Run a whole write again when SQLite answers "database/table is locked" (a second writer held the
    lock longer than the busy timeout, or the shared-cache in-memory database of the tests, which does
    not wait at all). Only at the outermost level: inside someone else's transaction the error is
    theirs to handle. PostgreSQL waits on its row locks and never needs this."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        for attempt in range(LOCK_RETRIES):
            try:
                return func(*args, **kwargs)
            except OperationalError as exc:
                if ("locked" not in str(exc) or connection.vendor != "sqlite" or connection.in_atomic_block
                        or attempt == LOCK_RETRIES - 1):
                    raise
                time.sleep(0.02 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    return wrapper


LOCK_RETRIES = 20


def fmt(amount: Decimal | None, currency: str) -> str:
    """'CNY 12,000.00' (the amount in the currency's minor unit)."""
    if amount is None:
        return "—"
    return f"{currency} {money.to_money(amount, currency):,}"


def _money(value, currency: str, field: str) -> Decimal:
    try:
        return money.to_money(value, currency)
    except money.MoneyError:
        raise DomainError(_("Enter an amount."), field=field) from None


def _same_campaign(campaign_id: int, **refs) -> None:
    for name, obj in refs.items():
        if obj is not None and getattr(obj, "campaign_id", campaign_id) != campaign_id:
            raise DomainError(_("The %(item)s belongs to another campaign.") % {"item": obj._meta.verbose_name},
                              field=name)


def _check_owner(campaign_id: int, owner) -> None:
    if owner is not None and not owner.is_superuser and not Membership.objects.filter(
            campaign_id=campaign_id, user=owner).exists():
        raise DomainError(_("The owner must be a member of the campaign."), field="owner")


def _update(obj, *, actor, version, allowed, action, **changes):
    unknown = set(changes) - set(allowed)
    if unknown:
        raise DomainError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    diff = {f: (getattr(obj, f), v) for f, v in changes.items() if getattr(obj, f) != v}
    for name, value in changes.items():
        setattr(obj, name, value)
    _validate(obj)
    save_versioned(obj, expected_version=version, fields=list(changes) or [allowed[0]])
    audit.record(actor=actor, action=action, obj=obj, changes=diff)
    return obj


# ---- budget lines and revisions -----------------------------------------------------------------

def _editable_draft(campaign: Campaign, actor) -> BudgetRevision:
    """The open draft revision (created when there is none); refused while one waits for Finance."""
    Campaign.objects.select_for_update().filter(pk=campaign.pk).values_list("pk").first()   # one writer at a time
    open_rev = BudgetRevision.objects.filter(campaign=campaign, status__in=["draft", "submitted"]).first()
    if open_rev is not None and open_rev.status == RevisionStatus.SUBMITTED:
        raise DomainError(_("Revision %(n)s of the budget is waiting for Finance's decision. Withdraw it to "
                            "change the budget, or wait for the decision.") % {"n": open_rev.number})
    if open_rev is not None:
        return open_rev
    number = (BudgetRevision.objects.filter(campaign=campaign).aggregate(n=Max("number"))["n"] or 0) + 1
    rev = BudgetRevision.objects.create(campaign=campaign, number=number, currency=campaign.currency)
    audit.record(actor=actor, action="budget_revision.draft", obj=rev, summary=f"#{number}")
    return rev


@transaction.atomic
def line_create(*, campaign: Campaign, actor, name: str, planned, category: str = "other", note: str = "",
                order: int | None = None) -> BudgetLine:
    _editable_draft(campaign, actor)
    if order is None:
        order = (BudgetLine.objects.filter(campaign=campaign).aggregate(n=Max("order"))["n"] or 0) + 1
    line = BudgetLine(campaign=campaign, name=(name or "").strip(), category=category, note=note, order=order,
                      planned=_money(planned, campaign.currency, "planned"))
    if line.planned < 0:
        raise DomainError(_("A planned amount cannot be negative."), field="planned")
    _validate(line)
    line.save()
    audit.record(actor=actor, action="budget_line.create", obj=line, summary=f"{line.name}: {line.planned}")
    return line


@transaction.atomic
def line_update(*, line: BudgetLine, actor, version: int | None, **changes) -> BudgetLine:
    campaign = line.campaign
    _editable_draft(campaign, actor)
    if "planned" in changes:
        changes["planned"] = _money(changes["planned"], campaign.currency, "planned")
        if changes["planned"] < 0:
            raise DomainError(_("A planned amount cannot be negative."), field="planned")
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    return _update(line, actor=actor, version=version, allowed=LINE_FIELDS, action="budget_line.update", **changes)


@transaction.atomic
def line_delete(*, line: BudgetLine, actor) -> None:
    _editable_draft(line.campaign, actor)
    if line.materials.exists() or line.expenses.exists():
        raise DomainError(_("Materials or expenses are booked on the line “%(line)s”: move them to another "
                            "line before deleting it.") % {"line": line.name})
    audit.record(actor=actor, action="budget_line.delete", obj=line, summary=line.name)
    line.delete()


def _snapshot(campaign: Campaign) -> list[dict]:
    return [{"line": pk, "category": category, "name": name, "planned": str(planned), "note": note}
            for pk, category, name, planned, note in selectors.lines_of(campaign)
            .values_list("pk", "category", "name", "planned", "note")]


def _same_content(a: list[dict], b: list[dict]) -> bool:
    key = [(r["line"], r["category"], r["name"], Decimal(r["planned"])) for r in a]
    return key == [(r["line"], r["category"], r["name"], Decimal(r["planned"])) for r in b]


@retry_when_locked
@transaction.atomic
def revision_submit(*, campaign: Campaign, actor, note: str = "") -> BudgetRevision:
    """Freeze the working budget into the open revision and ask Finance to approve it."""
    revision = _editable_draft(campaign, actor)
    lines = _snapshot(campaign)
    if not lines:
        raise DomainError(_("Add at least one budget line before submitting the budget."))
    in_force = (BudgetRevision.objects.filter(campaign=campaign, status=RevisionStatus.APPROVED)
                .order_by("-number").first())
    if in_force is not None and _same_content(in_force.lines, lines):
        raise DomainError(_("Nothing changed since revision %(n)s was approved.") % {"n": in_force.number})
    now = timezone.now()
    total = money.total((Decimal(r["planned"]) for r in lines), campaign.currency)
    updated = BudgetRevision.objects.filter(pk=revision.pk, status=RevisionStatus.DRAFT).update(
        status=RevisionStatus.SUBMITTED, lines=lines, total=total, currency=campaign.currency,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None, submitted_at=now,
        submit_note=note.strip(), decided_by=None, decided_at=None, comment="", updated_at=now)
    if not updated:   # pragma: no cover - the campaign row lock above serialises writers
        raise AlreadyDecided(_("This revision was submitted or decided in the meantime. Reload the page."))
    revision.refresh_from_db()
    audit.record(actor=actor, action="budget_revision.submit", obj=revision,
                 summary=f"#{revision.number}: {fmt(total, campaign.currency)}")
    return revision


@retry_when_locked
@transaction.atomic
def revision_withdraw(*, revision: BudgetRevision, actor) -> BudgetRevision:
    """Take a submitted revision back to draft (to change it before Finance decides)."""
    updated = BudgetRevision.objects.filter(pk=revision.pk, status=RevisionStatus.SUBMITTED).update(
        status=RevisionStatus.DRAFT, submitted_at=None, updated_at=timezone.now())
    if not updated:
        raise AlreadyDecided(_("This revision is not waiting for a decision any more. Reload the page."))
    revision.refresh_from_db()
    audit.record(actor=actor, action="budget_revision.withdraw", obj=revision, summary=f"#{revision.number}")
    return revision


def _decide_guard(revision: BudgetRevision, actor) -> None:
    if not can(actor, Action.APPROVE, revision.campaign):
        raise NotAllowed(_("Only a Finance member of the campaign may approve or reject its budget."))
    if revision.submitted_by_id is not None and revision.submitted_by_id == actor.pk:
        raise NotAllowed(_("You submitted this revision yourself: another Finance member must decide on it."))


def _decide(revision: BudgetRevision, actor, status: str, comment: str) -> None:
    now = timezone.now()
    updated = (BudgetRevision.objects.filter(pk=revision.pk, status=RevisionStatus.SUBMITTED)
               .exclude(submitted_by=actor)
               .update(status=status, decided_by=actor, decided_at=now, comment=comment, updated_at=now))
    if not updated:
        current = BudgetRevision.objects.filter(pk=revision.pk).values_list("status", flat=True).first()
        if current == RevisionStatus.APPROVED:
            raise AlreadyDecided(_("This revision has already been approved."))
        if current == RevisionStatus.REJECTED:
            raise AlreadyDecided(_("This revision has already been rejected."))
        raise AlreadyDecided(_("This revision is not waiting for a decision. Reload the page."))
    revision.refresh_from_db()


@retry_when_locked
@transaction.atomic
def revision_approve(*, revision: BudgetRevision, actor, comment: str = "") -> BudgetRevision:
    """Finance approves: the revision's lines become the amounts in force."""
    _decide_guard(revision, actor)
    _decide(revision, actor, RevisionStatus.APPROVED, comment.strip())
    amounts = {row["line"]: Decimal(row["planned"]) for row in revision.lines}
    for line in BudgetLine.objects.filter(campaign_id=revision.campaign_id):
        value = amounts.get(line.pk)
        if line.approved_amount != value:
            BudgetLine.objects.filter(pk=line.pk).update(approved_amount=value)
    audit.record(actor=actor, action="budget_revision.approve", obj=revision,
                 summary=f"#{revision.number}: {fmt(revision.total, revision.currency)}")
    return revision


@retry_when_locked
@transaction.atomic
def revision_reject(*, revision: BudgetRevision, actor, comment: str) -> BudgetRevision:
    _decide_guard(revision, actor)
    if not (comment or "").strip():
        raise DomainError(_("Say why the budget is rejected, so that it can be corrected."), field="comment")
    _decide(revision, actor, RevisionStatus.REJECTED, comment.strip())
    audit.record(actor=actor, action="budget_revision.reject", obj=revision,
                 summary=f"#{revision.number}: {comment.strip()[:200]}")
    return revision


# ---- the spend gate -----------------------------------------------------------------------------

def _gate(line: BudgetLine, added: Decimal, *, verb: str) -> money.SpendCheck:
    """Lock the line and check that it may take `added` more (refusals raise, warnings return)."""
    locked = BudgetLine.objects.select_for_update().select_related("campaign").get(pk=line.pk)
    currency = locked.campaign.currency
    figures = selectors.line_figures(locked.campaign_id, currency, [locked.pk])[locked.pk]
    check = money.spend_check(approved=locked.approved_amount, overrides=figures.overrides,
                              forecast=figures.forecast, added=added)
    if check.level == money.Level.UNAPPROVED:
        if verb == "order":
            msg = _("The budget line “%(line)s” is not approved yet: Finance must approve the budget before "
                    "its materials are ordered.")
        else:
            msg = _("The budget line “%(line)s” is not approved yet: Finance must approve the budget before "
                    "expenses are recorded on it.")
        raise SpendRefused(msg % {"line": locked.name}, field="line")
    if check.level == money.Level.REFUSE:
        raise SpendRefused(_("This would take the budget line “%(line)s” to %(after)s, beyond the %(cap)s it may "
                             "use (approved %(approved)s plus overrides). A Finance member must record an "
                             "override first.") % {
            "line": locked.name, "after": fmt(check.after, currency), "cap": fmt(check.cap, currency),
            "approved": fmt(check.approved, currency)}, field="amount" if verb == "spend" else "status")
    return check


def _warning(line: BudgetLine, check: money.SpendCheck | None) -> str | None:
    if check is None or check.level != money.Level.WARN:
        return None
    currency = line.campaign.currency
    return _("The budget line “%(line)s” now stands at %(percent)s%% of its approved %(approved)s "
             "(%(after)s).") % {"line": line.name, "percent": money.percent(check.after, check.approved),
                                "approved": fmt(check.approved, currency), "after": fmt(check.after, currency)}


# ---- materials (the Resource Preparation List) --------------------------------------------------

def _material_open(material: Material, currency: str) -> Decimal:
    """The open commitment a material holds now (0 unless ordered or beyond)."""
    if material.status not in COMMITTED_STATUSES or material.pk is None:
        return money.ZERO
    invoiced = sum(material.expenses.values_list("amount", flat=True), money.ZERO)
    return money.open_commitment(money.line_cost(material.quantity, material.unit_cost, currency), invoiced)


def _clean_material(campaign: Campaign, fields: dict) -> dict:
    _same_campaign(campaign.pk, phase=fields.get("phase"), task=fields.get("task"), line=fields.get("line"))
    if "owner" in fields:
        _check_owner(campaign.pk, fields["owner"])
    if "unit_cost" in fields:
        fields["unit_cost"] = _money(fields["unit_cost"], campaign.currency, "unit_cost")
    if "quantity" in fields:
        try:
            fields["quantity"] = Decimal(fields["quantity"]).quantize(Decimal("0.01"))
        except (ArithmeticError, TypeError, ValueError):
            raise DomainError(_("Enter a quantity."), field="quantity") from None
        if fields["quantity"] <= 0:
            raise DomainError(_("The quantity must be more than zero."), field="quantity")
    if fields.get("task") is not None and fields.get("phase") is None:
        fields["phase"] = fields["task"].phase
    return fields


def _gate_material(material: Material, before_line_id: int | None, before_open: Decimal):
    """After a change: the material's open commitment may grow only within its line."""
    campaign = material.campaign
    if material.status not in COMMITTED_STATUSES:
        return None
    if material.line_id is None:
        raise SpendRefused(_("Choose the budget line that pays for this material before ordering it."),
                           field="line")
    invoiced = sum(material.expenses.values_list("amount", flat=True), money.ZERO) if material.pk else money.ZERO
    after_open = money.open_commitment(money.line_cost(material.quantity, material.unit_cost, campaign.currency),
                                       invoiced)
    added = after_open - (before_open if before_line_id == material.line_id else money.ZERO)
    if added <= 0 and before_line_id == material.line_id and before_open > 0:
        return None
    return _gate(material.line, max(added, money.ZERO), verb="order")


@transaction.atomic
def material_create(*, campaign: Campaign, actor, name: str, **fields) -> Material:
    fields = _clean_material(campaign, fields)
    material = Material(campaign=campaign, name=(name or "").strip(), **fields)
    if material.status in COMMITTED_STATUSES and material.ordered_on is None:
        material.ordered_on = selectors.campaign_today(campaign)
    check = _gate_material(material, None, money.ZERO)
    _validate(material)
    material.save()
    material.spend_warning = _warning(material.line, check) if check else None
    audit.record(actor=actor, action="material.create", obj=material, summary=material.name[:200])
    return material


@transaction.atomic
def material_update(*, material: Material, actor, version: int | None, **changes) -> Material:
    campaign = material.campaign
    changes = _clean_material(campaign, changes)
    before_line, before_open = material.line_id, _material_open(material, campaign.currency)
    if (changes.get("status") in COMMITTED_STATUSES and material.status not in COMMITTED_STATUSES
            and not changes.get("ordered_on") and material.ordered_on is None):
        changes["ordered_on"] = selectors.campaign_today(campaign)
    if (material.expenses.exists() and "status" in changes
            and changes["status"] not in COMMITTED_STATUSES):
        raise DomainError(_("Expenses are booked on this material: it cannot go back before “ordered”."),
                          field="status")
    probe = copy.copy(material)
    for name, value in changes.items():
        setattr(probe, name, value)
    check = _gate_material(probe, before_line, before_open)
    _update(material, actor=actor, version=version, allowed=MATERIAL_FIELDS, action="material.update", **changes)
    material.spend_warning = _warning(material.line, check) if check else None
    return material


@transaction.atomic
def material_delete(*, material: Material, actor) -> None:
    if material.expenses.exists():
        raise DomainError(_("Expenses are booked on this material: delete them or book them elsewhere first."))
    audit.record(actor=actor, action="material.delete", obj=material, summary=material.name[:200])
    material.delete()


# ---- expenses and receipts ----------------------------------------------------------------------

def check_receipt(name: str, data: bytes) -> str:
    """The receipt's content type, or a refusal (too large, empty, not a PDF / JPEG / PNG)."""
    limit = getattr(settings, "MAX_RECEIPT_BYTES", 10 * 1024 * 1024)
    if len(data) > limit:
        raise ReceiptTooLarge(_("The receipt is too large: the limit is %(size)s MB.") % {
            "size": f"{limit / 1024 / 1024:.1f}"}, field="receipt")
    if not data:
        raise ReceiptRejected(_("The receipt file is empty."), field="receipt")
    kind = sniff_receipt(data[:16])
    if kind is None:
        raise ReceiptRejected(_("A receipt must be a PDF, JPEG or PNG file."), field="receipt")
    return kind


def read_upload(uploaded) -> tuple[str, bytes]:
    """Name and bytes of an uploaded file, reading at most the limit + 1 bytes (so that a huge file
    is refused without being read whole)."""
    limit = getattr(settings, "MAX_RECEIPT_BYTES", 10 * 1024 * 1024)
    uploaded.seek(0)
    return (getattr(uploaded, "name", "") or "receipt")[-200:], uploaded.read(limit + 1)


def _attach(expense: Expense, name: str, data: bytes, kind: str) -> None:
    """Write the receipt file (under a random name) and remember its user-facing name and type."""
    expense.receipt_type, expense.receipt_size = kind, len(data)
    expense.receipt_name = name.replace("\\", "/").rsplit("/", 1)[-1][:200] or "receipt"
    expense.receipt.save("receipt", ContentFile(data), save=False)


def _save_with_receipt(expense: Expense, save) -> None:
    """Run `save()`; if it fails, the receipt file just written is removed again."""
    try:
        save()
    except Exception:
        if expense.receipt:
            expense.receipt.storage.delete(expense.receipt.name)
        raise


def _open_excluding(material: Material | None, currency: str, expense_pk: int | None) -> Decimal | None:
    """A material's open commitment without the expense `expense_pk` (None: no material)."""
    if material is None:
        return None
    if material.status not in COMMITTED_STATUSES:
        return money.ZERO
    invoiced = sum(material.expenses.exclude(pk=expense_pk).values_list("amount", flat=True), money.ZERO)
    return money.open_commitment(money.line_cost(material.quantity, material.unit_cost, currency), invoiced)


@transaction.atomic
def expense_create(*, campaign: Campaign, actor, line: BudgetLine, amount, spent_on: dt.date, vendor: str,
                   note: str = "", material: Material | None = None,
                   receipt: tuple[str, bytes] | None = None) -> Expense:
    """Record money spent on an approved line (within its cap), with an optional receipt file."""
    _same_campaign(campaign.pk, line=line, material=material)
    amount = _money(amount, campaign.currency, "amount")
    if amount <= 0:
        raise DomainError(_("The amount must be more than zero."), field="amount")
    if material is not None and material.line_id != line.pk:
        raise DomainError(_("The material is paid from another budget line: book the expense on “%(line)s”.")
                          % {"line": material.line.name if material.line_id else "—"}, field="line")
    kind = check_receipt(*receipt) if receipt else None
    added = money.expense_increase(amount, _open_excluding(material, campaign.currency, None))
    check = _gate(line, added, verb="spend")
    expense = Expense(campaign=campaign, line=line, material=material, amount=amount, spent_on=spent_on,
                      vendor=(vendor or "").strip(), note=note,
                      recorded_by=actor if getattr(actor, "is_authenticated", False) else None)
    _validate(expense, exclude=["receipt"])
    if receipt:
        _attach(expense, receipt[0], receipt[1], kind)

    def save():
        expense.save()
        audit.record(actor=actor, action="expense.create", obj=expense,
                     summary=f"{expense.vendor}: {fmt(amount, campaign.currency)}")

    _save_with_receipt(expense, save)
    expense.spend_warning = _warning(line, check)
    return expense


@transaction.atomic
def expense_update(*, expense: Expense, actor, version: int | None, **changes) -> Expense:
    campaign = expense.campaign
    _same_campaign(campaign.pk, line=changes.get("line"), material=changes.get("material"))
    if "amount" in changes:
        changes["amount"] = _money(changes["amount"], campaign.currency, "amount")
        if changes["amount"] <= 0:
            raise DomainError(_("The amount must be more than zero."), field="amount")
    line = changes.get("line", expense.line)
    material = changes.get("material", expense.material)
    amount = changes.get("amount", expense.amount)
    if material is not None and material.line_id != line.pk:
        raise DomainError(_("The material is paid from another budget line: book the expense on “%(line)s”.")
                          % {"line": material.line.name if material.line_id else "—"}, field="line")
    currency = campaign.currency
    new_effect = money.expense_increase(amount, _open_excluding(material, currency, expense.pk))
    old_effect = money.expense_increase(expense.amount, _open_excluding(expense.material, currency, expense.pk))
    added = new_effect - (old_effect if line.pk == expense.line_id else money.ZERO)
    check = _gate(line, added, verb="spend") if added > 0 else None
    _update(expense, actor=actor, version=version, allowed=EXPENSE_FIELDS, action="expense.update", **changes)
    expense.spend_warning = _warning(line, check)
    return expense


@transaction.atomic
def expense_attach_receipt(*, expense: Expense, actor, name: str, data: bytes) -> Expense:
    kind = check_receipt(name, data)
    old = expense.receipt.name if expense.receipt else ""
    _attach(expense, name, data, kind)

    def save():
        save_versioned(expense, expected_version=None,
                       fields=["receipt", "receipt_name", "receipt_type", "receipt_size"])
        audit.record(actor=actor, action="expense.receipt", obj=expense, summary=expense.receipt_name)

    _save_with_receipt(expense, save)
    if old:
        storage = expense.receipt.storage
        transaction.on_commit(lambda: storage.delete(old))
    return expense


@transaction.atomic
def expense_delete(*, expense: Expense, actor) -> None:
    audit.record(actor=actor, action="expense.delete", obj=expense,
                 summary=f"{expense.vendor}: {fmt(expense.amount, expense.campaign.currency)}")
    name, storage = (expense.receipt.name, expense.receipt.storage) if expense.receipt else ("", None)
    expense.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# ---- overrides ----------------------------------------------------------------------------------

@transaction.atomic
def override_record(*, line: BudgetLine, actor, amount, reason: str) -> SpendOverride:
    """Finance lets the line go `amount` beyond its approved amount, for `reason`."""
    if not can(actor, Action.APPROVE, line.campaign):
        raise NotAllowed(_("Only a Finance member of the campaign may record an override."))
    currency = line.campaign.currency
    amount = _money(amount, currency, "amount")
    if amount <= 0:
        raise DomainError(_("The amount must be more than zero."), field="amount")
    if not (reason or "").strip():
        raise DomainError(_("Give the reason for the override."), field="reason")
    if line.approved_amount is None:
        raise DomainError(_("The budget line “%(line)s” is not approved yet: approve the budget instead of "
                            "overriding it.") % {"line": line.name}, field="line")
    item = SpendOverride.objects.create(campaign=line.campaign, line=line, amount=amount, reason=reason.strip(),
                                        granted_by=actor)
    audit.record(actor=actor, action="spend_override.create", obj=item,
                 summary=f"{line.name}: +{fmt(amount, currency)} — {reason.strip()[:150]}")
    return item
