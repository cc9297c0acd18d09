"""In a real browser: the lead adds a line and submits the budget, a Finance member approves it from
the approvals page; ordering on an unapproved line is refused on the page; Finance records an
expense with a receipt upload and the receipt downloads; the budget page in Chinese draws its
charts (no CSP error, no JS error: page_as fails the test otherwise)."""

import os
import re
from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from campaignops.budget import services
from campaignops.budget.models import BudgetLine, BudgetRevision, Expense, Material

from .conftest import PDF, line

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("BUDGET_SCREENSHOTS", "")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.django_db(transaction=True)
def test_submit_then_finance_approves_from_the_approvals_page(page_as, demo):
    lead = page_as("lead")
    lead.goto(lead.url_for(f"/campaigns/{demo.pk}/budget/"))
    expect(lead.locator("#budget-chart canvas")).to_have_count(1)
    form = lead.locator("#line-new")
    form.locator("select[name=category]").select_option("venue")
    form.locator("input[name=name]").fill("快闪店加场一天 / Extra pop-up day")
    form.locator("input[name=planned]").fill("12000")
    form.locator("button[type=submit]").click()
    new_line = BudgetLine.objects.get(campaign=demo, name__startswith="快闪店加场一天")
    row = lead.locator(f"#l{new_line.pk}")
    expect(row.locator("[data-f=approved]")).to_have_text("not approved")
    expect(lead.locator("[data-open-revision='2']")).to_contain_text("Draft")
    lead.locator(".submit-card textarea[name=note]").fill("加场一天")
    lead.locator(".js-submit-budget").click()
    expect(lead.locator(".alert-success")).to_contain_text("Revision 2 is submitted")
    expect(lead.locator(".waiting-card")).to_contain_text("waits for Finance")
    expect(lead.locator(".js-approve")).to_have_count(0)                 # the lead is not Finance
    shot(lead, "budget-submitted")

    finance = page_as("finance")
    finance.goto(finance.url_for("/campaigns/"))
    finance.get_by_role("link", name="Approvals").click()
    revision = BudgetRevision.objects.get(campaign=demo, number=2)
    item = finance.locator(f"[data-revision='{revision.pk}']")
    expect(item).to_contain_text("revision 2, CNY 226,000.00")
    shot(finance, "approvals")
    item.get_by_role("link").click()
    finance.locator(".decide-form textarea[name=comment]").fill("同意加场")
    finance.locator(".js-approve").click()
    expect(finance.locator(".alert-success")).to_contain_text("Revision 2 is approved: its amounts are now in force.")
    expect(finance.locator("[data-in-force='2']")).to_be_visible()
    expect(finance.locator(f"#l{new_line.pk} [data-f=approved]")).to_have_text("12,000.00")
    shot(finance, "budget-approved")
    assert BudgetRevision.objects.get(pk=revision.pk).decided_by.username == "finance"
    assert BudgetLine.objects.get(pk=new_line.pk).approved_amount == D("12000.00")

    finance.goto(finance.url_for(f"/campaigns/{demo.pk}/budget/revisions/{revision.pk}/"))
    expect(finance.locator(".approval-form")).to_contain_text("快闪店加场一天")
    expect(finance.locator("[data-total=form]")).to_have_text("CNY 226,000.00")
    shot(finance, "approval-form")
    finance.emulate_media(media="print")                               # printable: no navigation, no buttons
    expect(finance.locator(".app-navbar")).to_be_hidden()
    expect(finance.locator(".js-print")).to_be_hidden()
    expect(finance.locator(".approval-form")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_ordering_on_an_unapproved_line_is_refused_then_works_after_approval(page_as, demo, users):
    backdrop_line = services.line_create(campaign=demo, actor=users["lead"], category="materials",
                                         name="直播间背景板", planned="4000")
    material = services.material_create(campaign=demo, actor=users["logistics"], name="背景板 / Backdrop",
                                        line=backdrop_line, quantity=2, unit="块", unit_cost="1500",
                                        status="requested")
    page = page_as("logistics")
    page.goto(page.url_for(f"/campaigns/{demo.pk}/resources/"))
    page.locator(f"#m{material.pk} .js-advance").click()
    expect(page.locator(".alert-danger")).to_contain_text("The budget line “直播间背景板” is not approved yet")
    assert Material.objects.get(pk=material.pk).status == "requested"
    shot(page, "resources-refused")

    revision = services.revision_submit(campaign=demo, actor=users["lead"])
    services.revision_approve(revision=revision, actor=users["finance"])
    page.goto(page.url_for(f"/campaigns/{demo.pk}/resources/"))
    page.locator(f"#m{material.pk} .js-advance").click()
    expect(page.locator(f"#m{material.pk} .mstatus")).to_have_text("Ordered")
    assert Material.objects.get(pk=material.pk).status == "ordered"


@pytest.mark.django_db(transaction=True)
def test_finance_records_an_expense_with_a_receipt(page_as, demo, tmp_path):
    receipt = tmp_path / "场地尾款发票.pdf"
    receipt.write_bytes(PDF)
    venue = line(demo, "快闪店")
    page = page_as("finance")
    page.goto(page.url_for(f"/campaigns/{demo.pk}/expenses/"))
    form = page.locator("#expense-new")
    form.locator("select[name=line]").select_option(str(venue.pk))
    form.locator("input[name=amount]").fill("14000")
    form.locator("input[name=spent_on]").fill("2024-06-16")
    form.locator("input[name=vendor]").fill("静安嘉里中心")
    form.locator("input[name=receipt]").set_input_files(str(receipt))
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("The expense of CNY 14,000.00 is recorded.")
    expect(page.locator(".alert-warning")).to_contain_text("now stands at 90% of its approved CNY 35,000.00")
    expense = Expense.objects.get(campaign=demo, amount=D("14000"))
    link = page.locator(f"#e{expense.pk} .js-receipt")
    expect(link).to_have_text(re.compile("场地尾款发票.pdf"))
    shot(page, "expenses")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "场地尾款发票.pdf"
    assert open(download.path(), "rb").read() == PDF

    # beyond the line: refused with the reason, the input kept
    form.locator("select[name=line]").select_option(str(venue.pk))
    form.locator("input[name=amount]").fill("4000")
    form.locator("input[name=spent_on]").fill("2024-06-17")
    form.locator("input[name=vendor]").fill("静安嘉里中心")
    form.locator("button[type=submit]").click()
    expect(page.locator("#expense-new .invalid-feedback")).to_contain_text("A Finance member must record an override")
    assert Expense.objects.filter(campaign=demo, amount=D("4000")).count() == 0


@pytest.mark.django_db(transaction=True)
def test_budget_page_in_chinese_draws_both_charts(page_as, demo):
    page = page_as("finance", lang="zh-hans")
    page.goto(page.url_for(f"/campaigns/{demo.pk}/budget/"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#budget-chart canvas")).to_have_count(1)
    expect(page.locator("#burn-chart canvas")).to_have_count(1)
    expect(page.locator("#budget-chart[data-ready='1']")).to_have_count(1)
    shot(page, "budget-zh")
    page.goto(page.url_for(f"/campaigns/{demo.pk}/resources/"))
    expect(page.locator(".material-row")).to_have_count(5)
    shot(page, "resources-zh")
