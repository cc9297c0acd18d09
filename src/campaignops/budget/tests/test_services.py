"""Services: the Finance gate (unapproved lines, 90 % warning, refusal at 100 % until an override),
revisions (draft → submitted → approved / rejected; the approved one stays in force while a new one
is drafted), receipts, versions. Every refusal leaves every row exactly as it was."""

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest

from campaignops.budget import selectors, services
from campaignops.budget.models import BudgetLine, BudgetRevision, Expense, Material
from campaignops.core.errors import DomainError, NotAllowed, StaleVersion

from .conftest import JPEG, PDF, line, snapshot

pytestmark = pytest.mark.django_db
DAY = dt.date(2024, 6, 15)


def _refused(campaign, exc_type, call, message: str):
    before = snapshot(campaign)
    with pytest.raises(exc_type) as info:
        call()
    assert str(info.value.message) == message
    assert snapshot(campaign) == before
    return info.value


# ---- the demo's budget --------------------------------------------------------------------------

def test_demo_budget_is_approved_with_its_figures(demo):
    view = selectors.budget_view(demo)
    assert [(ln.category, ln.planned, ln.approved_amount) for ln in view.lines][:3] == [
        ("materials", D("18000.00"), D("18000.00")), ("materials", D("12000.00"), D("12000.00")),
        ("promotion", D("30000.00"), D("30000.00"))]
    assert (view.in_force.number, view.in_force.status, view.open_revision) == (1, "approved", None)
    t = view.totals
    assert (t.planned, t.approved, t.committed, t.open_committed, t.actual, t.forecast) == (
        D("214000.00"), D("214000.00"), D("12900.00"), D("9900.00"), D("47300.00"), D("57200.00"))
    print_line = line(demo, "宣传物料")
    # posters 3000 (ready, invoiced 3000) + brochures 4800 (received) + stands 5100 (ordered)
    assert view.figures[print_line.pk] == selectors.line_figures(demo.pk, "CNY", [print_line.pk])[print_line.pk]
    f = view.figures[print_line.pk]
    assert (f.committed, f.open_committed, f.actual, f.forecast, f.used_percent) == (
        D("12900.00"), D("9900.00"), D("3000.00"), D("12900.00"), 72)
    assert [(c, f.planned) for c, _l, f in view.categories] == [
        ("materials", D("30000.00")), ("promotion", D("80000.00")), ("kol", D("40000.00")), ("staff", D("8000.00")),
        ("venue", D("35000.00")), ("logistics", D("6000.00")), ("gifts", D("15000.00")), ("other", D("0"))]
    assert [(d.isoformat(), v) for d, v in view.burn] == [
        ("2024-06-03", D("17500.00")), ("2024-06-05", D("37500.00")), ("2024-06-06", D("40500.00")),
        ("2024-06-10", D("47300.00"))]


# ---- the Finance gate ---------------------------------------------------------------------------

def test_ordering_on_an_unapproved_line_is_refused_then_works_after_approval(demo, users):
    lead, finance, logistics = users["lead"], users["finance"], users["logistics"]
    booth = services.line_create(campaign=demo, actor=lead, category="materials", name="直播间背景板", planned="4000")
    assert booth.approved_amount is None
    backdrop = services.material_create(campaign=demo, actor=logistics, name="背景板", line=booth, quantity=2,
                                        unit_cost="1500")
    _refused(demo, DomainError, lambda: services.material_update(material=backdrop, actor=logistics,
                                                                 version=backdrop.version, status="ordered"),
             "The budget line “直播间背景板” is not approved yet: Finance must approve the budget before its "
             "materials are ordered.")
    _refused(demo, DomainError, lambda: services.expense_create(
        campaign=demo, actor=finance, line=booth, amount="100", spent_on=DAY, vendor="x"),
        "The budget line “直播间背景板” is not approved yet: Finance must approve the budget before expenses "
        "are recorded on it.")
    revision = services.revision_submit(campaign=demo, actor=lead)
    services.revision_approve(revision=revision, actor=finance, comment="OK")
    backdrop.refresh_from_db()
    ordered = services.material_update(material=backdrop, actor=logistics, version=backdrop.version, status="ordered")
    assert (ordered.status, ordered.spend_warning) == ("ordered", None)
    assert Material.objects.get(pk=backdrop.pk).ordered_on is not None
    f = selectors.line_figures(demo.pk, "CNY", [booth.pk])[booth.pk]
    assert (f.approved, f.committed, f.open_committed, f.forecast) == (D("4000.00"), D("3000.00"), D("3000.00"),
                                                                        D("3000.00"))


def test_spending_past_the_line_is_refused_until_finance_records_an_override(demo, users):
    venue, finance, lead = line(demo, "快闪店"), users["finance"], users["lead"]
    # 35,000 approved, 17,500 spent (the deposit)
    first = services.expense_create(campaign=demo, actor=finance, line=venue, amount="14000", spent_on=DAY,
                                    vendor="静安嘉里中心")
    assert first.spend_warning == ("The budget line “快闪店场地费 / Pop-up store venue” now stands at 90% of its "
                                   "approved CNY 35,000.00 (CNY 31,500.00).")
    _refused(demo, DomainError, lambda: services.expense_create(
        campaign=demo, actor=lead, line=venue, amount="3500.01", spent_on=DAY, vendor="静安嘉里中心"),
        "This would take the budget line “快闪店场地费 / Pop-up store venue” to CNY 35,000.01, beyond the "
        "CNY 35,000.00 it may use (approved CNY 35,000.00 plus overrides). A Finance member must record an "
        "override first.")
    with pytest.raises(NotAllowed):
        services.override_record(line=venue, actor=lead, amount="5000", reason="延长一天")
    services.override_record(line=venue, actor=finance, amount="5000", reason="加场一天 / one extra day")
    extra = services.expense_create(campaign=demo, actor=lead, line=venue, amount="3500.01", spent_on=DAY,
                                    vendor="静安嘉里中心")
    assert extra.amount == D("3500.01") and "100%" in extra.spend_warning
    f = selectors.line_figures(demo.pk, "CNY", [venue.pk])[venue.pk]
    assert (f.actual, f.overrides, f.cap, f.used_percent) == (D("35000.01"), D("5000.00"), D("40000.00"), 100)


def test_exactly_100_percent_is_allowed(demo, users):
    staff = line(demo, "临时客服")
    expense = services.expense_create(campaign=demo, actor=users["finance"], line=staff, amount="8000",
                                      spent_on=DAY, vendor="外包客服")
    assert "100%" in expense.spend_warning


def test_an_order_beyond_the_line_is_refused(demo, users):
    gifts = line(demo, "评价返现")
    fans = Material.objects.get(campaign=demo, name__startswith="返现赠品")      # 200 × 28.50 = 5,700, planned
    _refused(demo, DomainError, lambda: services.material_update(
        material=fans, actor=users["logistics"], version=fans.version, quantity=D("600"), status="ordered"),
        "This would take the budget line “评价返现与赠品 / Review cash-back and gifts” to CNY 17,100.00, beyond the "
        "CNY 15,000.00 it may use (approved CNY 15,000.00 plus overrides). A Finance member must record an "
        "override first.")
    ok = services.material_update(material=fans, actor=users["logistics"], version=fans.version, status="ordered")
    assert ok.spend_warning is None
    assert selectors.line_figures(demo.pk, "CNY", [gifts.pk])[gifts.pk].committed == D("5700.00")


def test_an_invoice_against_an_ordered_material_replaces_its_commitment(demo, users):
    print_line = line(demo, "宣传物料")
    stands = Material.objects.get(campaign=demo, name__startswith="快闪店展架")         # 6 × 850 = 5,100 ordered
    before = selectors.line_figures(demo.pk, "CNY", [print_line.pk])[print_line.pk]
    services.expense_create(campaign=demo, actor=users["finance"], line=print_line, material=stands, amount="5100",
                            spent_on=DAY, vendor="杭州展研展览")
    after = selectors.line_figures(demo.pk, "CNY", [print_line.pk])[print_line.pk]
    assert (after.actual - before.actual, after.open_committed - before.open_committed, after.forecast) == (
        D("5100.00"), D("-5100.00"), before.forecast)


def test_an_expense_on_a_material_of_another_line_is_refused(demo, users):
    stands = Material.objects.get(campaign=demo, name__startswith="快闪店展架")
    _refused(demo, DomainError, lambda: services.expense_create(
        campaign=demo, actor=users["finance"], line=line(demo, "物流"), material=stands, amount="10", spent_on=DAY,
        vendor="x"), "The material is paid from another budget line: book the expense on “宣传物料（海报/折页）/ "
                     "Posters and brochures”.")


def test_expense_update_is_checked_against_the_line_too(demo, users):
    kol = line(demo, "达人测评")                      # 40,000 approved, 20,000 spent
    deposit = Expense.objects.get(campaign=demo, line=kol)
    _refused(demo, DomainError, lambda: services.expense_update(expense=deposit, actor=users["finance"],
                                                                version=deposit.version, amount="40000.01"),
             "This would take the budget line “达人测评费用 / Influencer review fee” to CNY 40,000.01, beyond the "
             "CNY 40,000.00 it may use (approved CNY 40,000.00 plus overrides). A Finance member must record an "
             "override first.")
    done = services.expense_update(expense=deposit, actor=users["finance"], version=deposit.version, amount="36000")
    assert done.amount == D("36000.00") and "90%" in done.spend_warning
    with pytest.raises(StaleVersion):
        services.expense_update(expense=Expense.objects.get(pk=deposit.pk), actor=users["finance"],
                                version=deposit.version - 1, vendor="y")


# ---- revisions ----------------------------------------------------------------------------------

def test_editing_after_approval_makes_a_new_draft_while_the_approved_one_stays_in_force(demo, users):
    lead, finance = users["lead"], users["finance"]
    douyin = line(demo, "抖音")
    services.line_update(line=douyin, actor=lead, version=douyin.version, planned="60000")
    douyin.refresh_from_db()
    assert (douyin.planned, douyin.approved_amount) == (D("60000.00"), D("50000.00"))
    view = selectors.budget_view(demo)
    assert (view.in_force.number, view.open_revision.number, view.open_revision.status) == (1, 2, "draft")
    # still capped at the amount in force
    with pytest.raises(DomainError):
        services.expense_create(campaign=demo, actor=finance, line=douyin, amount="55000", spent_on=DAY, vendor="巨量")
    revision = services.revision_submit(campaign=demo, actor=lead, note="加投直播")
    assert (revision.status, revision.total, len(revision.lines)) == ("submitted", D("224000.00"), 9)
    _refused(demo, DomainError, lambda: services.line_update(line=douyin, actor=lead, version=douyin.version,
                                                             planned="1"),
             "Revision 2 of the budget is waiting for Finance's decision. Withdraw it to change the budget, or "
             "wait for the decision.")
    services.revision_approve(revision=revision, actor=finance)
    douyin.refresh_from_db()
    assert douyin.approved_amount == D("60000.00")
    assert BudgetRevision.objects.get(campaign=demo, number=1).lines[3]["planned"] == "50000.00"   # frozen
    assert services.expense_create(campaign=demo, actor=finance, line=douyin, amount="55000", spent_on=DAY,
                                   vendor="巨量千川").pk


def test_reject_needs_a_comment_and_the_budget_can_be_resubmitted(demo, users):
    lead, finance = users["lead"], users["finance"]
    services.line_create(campaign=demo, actor=lead, name="应急备用金", planned="10000")
    revision = services.revision_submit(campaign=demo, actor=lead)
    _refused(demo, DomainError, lambda: services.revision_reject(revision=revision, actor=finance, comment=" "),
             "Say why the budget is rejected, so that it can be corrected.")
    services.revision_reject(revision=revision, actor=finance, comment="备用金不超过5000")
    assert BudgetRevision.objects.get(pk=revision.pk).status == "rejected"
    spare = BudgetLine.objects.get(campaign=demo, name="应急备用金")
    services.line_update(line=spare, actor=lead, version=spare.version, planned="5000")
    again = services.revision_submit(campaign=demo, actor=lead)
    assert (again.number, again.total) == (3, D("219000.00"))


def test_nobody_approves_their_own_submission_and_only_finance_decides(demo, users, finance2):
    finance, lead = users["finance"], users["lead"]
    services.line_create(campaign=demo, actor=finance, name="财务审计费", planned="2000")
    revision = services.revision_submit(campaign=demo, actor=finance)
    _refused(demo, NotAllowed, lambda: services.revision_approve(revision=revision, actor=finance),
             "You submitted this revision yourself: another Finance member must decide on it.")
    _refused(demo, NotAllowed, lambda: services.revision_approve(revision=revision, actor=lead),
             "Only a Finance member of the campaign may approve or reject its budget.")
    services.revision_approve(revision=revision, actor=finance2)
    _refused(demo, services.AlreadyDecided, lambda: services.revision_approve(revision=revision, actor=finance2),
             "This revision has already been approved.")
    _refused(demo, services.AlreadyDecided, lambda: services.revision_reject(revision=revision, actor=finance2,
                                                                               comment="x"),
             "This revision has already been approved.")


def test_submitting_nothing_new_is_refused(demo, users):
    _refused(demo, DomainError, lambda: services.revision_submit(campaign=demo, actor=users["lead"]),
             "Nothing changed since revision 1 was approved.")
    # the draft it opened is rolled back with the refusal
    assert not BudgetRevision.objects.filter(campaign=demo, status="draft").exists()


def test_withdraw_brings_the_revision_back_to_draft(demo, users):
    lead = users["lead"]
    services.line_create(campaign=demo, actor=lead, name="备用", planned="100")
    revision = services.revision_submit(campaign=demo, actor=lead)
    services.revision_withdraw(revision=revision, actor=lead)
    assert BudgetRevision.objects.get(pk=revision.pk).status == "draft"
    _refused(demo, services.AlreadyDecided, lambda: services.revision_withdraw(revision=revision, actor=lead),
             "This revision is not waiting for a decision any more. Reload the page.")


def test_a_line_with_materials_or_expenses_cannot_be_deleted(demo, users):
    _refused(demo, DomainError, lambda: services.line_delete(line=line(demo, "宣传物料"), actor=users["lead"]),
             "Materials or expenses are booked on the line “宣传物料（海报/折页）/ Posters and brochures”: move them "
             "to another line before deleting it.")


def test_stale_line_edit_is_refused(demo, users):
    logistics = line(demo, "物流")
    services.line_update(line=logistics, actor=users["lead"], version=logistics.version, note="顺丰")
    stale = BudgetLine.objects.get(pk=logistics.pk)
    before = snapshot(demo)
    with pytest.raises(StaleVersion):
        services.line_update(line=stale, actor=users["lead"], version=1, note="京东")
    assert snapshot(demo) == before


# ---- receipts -----------------------------------------------------------------------------------

def test_a_receipt_is_stored_privately_under_a_random_name(demo, users, settings):
    xhs = line(demo, "小红书")
    expense = services.expense_create(campaign=demo, actor=users["finance"], line=xhs, amount="1200", spent_on=DAY,
                                      vendor="聚光", receipt=("../../发票 6月.pdf", PDF))
    stored = expense.receipt.path
    assert stored.startswith(str(settings.MEDIA_ROOT / "private" / "receipts" / str(demo.pk)))
    assert stored.endswith(".pdf") and "发票" not in stored
    assert (expense.receipt_name, expense.receipt_type, expense.receipt_size) == ("发票 6月.pdf", "application/pdf",
                                                                                 len(PDF))
    with open(stored, "rb") as fh:
        assert fh.read() == PDF


@pytest.mark.parametrize(("name", "data", "message"), [
    ("invoice.pdf", b"<html><script>alert(1)</script>", "A receipt must be a PDF, JPEG or PNG file."),
    ("invoice.png", b"GIF89a....", "A receipt must be a PDF, JPEG or PNG file."),
    ("empty.pdf", b"", "The receipt file is empty."),
    ("huge.jpg", JPEG + b"\x00" * 1024 * 1024, "The receipt is too large: the limit is 1.0 MB."),
])
def test_bad_receipts_are_refused_and_nothing_is_written(demo, users, settings, name, data, message):
    settings.MAX_RECEIPT_BYTES = 1024 * 1024
    _refused(demo, DomainError, lambda: services.expense_create(
        campaign=demo, actor=users["finance"], line=line(demo, "小红书"), amount="10", spent_on=DAY, vendor="x",
        receipt=(name, data)), message)
    assert not (settings.MEDIA_ROOT / "private").exists() or not any((settings.MEDIA_ROOT / "private").rglob("*.*"))


def test_a_receipt_written_before_a_failed_save_is_removed(demo, users, settings, monkeypatch):
    from campaignops.core import audit

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", boom)
    with pytest.raises(RuntimeError):
        services.expense_create(campaign=demo, actor=users["finance"], line=line(demo, "小红书"), amount="10",
                                spent_on=DAY, vendor="x", receipt=("r.png", b"\x89PNG\r\n\x1a\n" + b"0" * 10))
    assert not any((settings.MEDIA_ROOT / "private").rglob("*.png"))


def test_deleting_the_campaign_removes_its_receipts_after_commit(demo, users, settings, django_capture_on_commit_callbacks):
    from campaignops.campaigns.services import campaign_delete

    expense = services.expense_create(campaign=demo, actor=users["finance"], line=line(demo, "小红书"), amount="10",
                                      spent_on=DAY, vendor="x", receipt=("r.pdf", PDF))
    stored = expense.receipt.path
    other = settings.MEDIA_ROOT / "private" / "receipts" / str(demo.pk + 1)
    other.mkdir(parents=True)
    (other / "keep.pdf").write_bytes(PDF)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_delete(campaign=demo, actor=users["lead"])
    assert not (settings.MEDIA_ROOT / "private" / "receipts" / str(demo.pk)).exists()
    assert not Path(stored).exists()
    assert (other / "keep.pdf").read_bytes() == PDF
