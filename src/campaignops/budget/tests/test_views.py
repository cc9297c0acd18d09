"""The budget pages: what they show, the forms (add, submit, decide, override, order, record with a
receipt) and their refusals (the page again with the reason, nothing written), pinned query counts
that stay constant as rows grow, the approvals page."""

import datetime as dt
import re
from decimal import Decimal as D
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaignops.budget import services
from campaignops.budget.models import BudgetLine, BudgetRevision, Expense, Material

from .conftest import PDF, line, snapshot

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2024, 6, 12, 2, 0, tzinfo=dt.UTC)        # 10:00 in Shanghai, during the warm-up
BUDGET_QUERIES = 12
RESOURCES_QUERIES = 10
EXPENSES_QUERIES = 8


def url(name, demo, *args):
    return reverse(f"budget:{name}", args=[demo.pk, *args])


def ids(html: str, attr: str) -> list[int]:
    return [int(x) for x in re.findall(rf'data-{attr}="(\d+)"', html)]


def test_budget_page_shows_lines_totals_chart_data_and_revisions(client_as, demo):
    html = client_as("viewer").get(url("budget", demo)).content.decode()
    assert ids(html, "line") == list(BudgetLine.objects.filter(campaign=demo).order_by("order", "id")
                                     .values_list("pk", flat=True))
    assert 'data-total="approved">214,000.00<' in html and 'data-total="forecast">57,200.00<' in html
    assert 'data-in-force="1"' in html and "Read only" in html
    assert 'id="budget-chart-data"' in html and "Plan (approved)" in html
    assert "line-new" not in html and "js-approve" not in html        # a viewer writes nothing


def test_budget_query_count_is_pinned_and_constant(client_as, demo, users, django_assert_num_queries):
    client = client_as("finance")
    with django_assert_num_queries(BUDGET_QUERIES):
        client.get(url("budget", demo))
    for n in range(15):
        ln = services.line_create(campaign=demo, actor=users["lead"], name=f"线 {n}", planned="100")
        BudgetLine.objects.filter(pk=ln.pk).update(approved_amount=D("100"))
        services.expense_create(campaign=demo, actor=users["finance"], line=ln, amount="10",
                                spent_on=dt.date(2024, 6, n % 28 + 1), vendor="v")
    with django_assert_num_queries(BUDGET_QUERIES):
        html = client.get(url("budget", demo)).content.decode()
    assert len(ids(html, "line")) == 24


def test_resources_query_count_is_pinned_and_constant(client_as, demo, users, django_assert_num_queries):
    client = client_as("logistics")
    with django_assert_num_queries(RESOURCES_QUERIES):
        client.get(url("resources", demo))
    for n in range(20):
        services.material_create(campaign=demo, actor=users["logistics"], name=f"物料 {n}", line=line(demo, "物流"),
                                 owner=users["logistics"], phase=demo.phases.first(), task=demo.tasks.first())
    with django_assert_num_queries(RESOURCES_QUERIES):
        html = client.get(url("resources", demo)).content.decode()
    assert len(ids(html, "material")) == 25


def test_expenses_query_count_is_pinned_and_constant(client_as, demo, users, django_assert_num_queries):
    client = client_as("finance")
    with django_assert_num_queries(EXPENSES_QUERIES):
        client.get(url("expenses", demo))
    stands = Material.objects.get(campaign=demo, name__startswith="快闪店展架")
    for n in range(10):
        services.expense_create(campaign=demo, actor=users["finance"], line=stands.line, material=stands,
                                amount="10", spent_on=dt.date(2024, 6, 12), vendor=f"v{n}")
    with django_assert_num_queries(EXPENSES_QUERIES):
        html = client.get(url("expenses", demo)).content.decode()
    assert len(ids(html, "expense")) == 14


def test_resources_page_marks_the_items_at_risk(client_as, demo):
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        html = client_as("viewer").get(url("resources", demo)).content.decode()
    risky = dict(re.findall(r'data-material="(\d+)" data-status="\w+" data-risk="(\w+)"', html))
    names = {str(m.pk): m.name[:5] for m in Material.objects.filter(campaign=demo)}
    assert sorted(names[k] for k in risky) == ["快闪店展架", "直播补光灯"]
    assert set(risky.values()) == {"soon"}
    assert 'data-at-risk="2"' in html


def test_add_a_line_then_submit_then_finance_approves(client_as, demo, users):
    lead, finance = client_as("lead"), client_as("finance")
    r = lead.post(url("line_new", demo), {"category": "venue", "name": "快闪店加场", "planned": "5000", "note": ""})
    assert r.status_code == 302
    html = lead.get(url("budget", demo)).content.decode()
    assert 'data-open-revision="2"' in html and "js-submit-budget" in html
    assert lead.post(url("submit", demo), {"note": "加场一天"}).status_code == 302
    revision = BudgetRevision.objects.get(campaign=demo, number=2)
    assert (revision.status, revision.total, revision.submit_note) == ("submitted", D("219000.00"), "加场一天")
    assert lead.post(url("decide", demo, revision.pk), {"decision": "approve"}).status_code == 403
    page = finance.get(url("budget", demo)).content.decode()
    assert "js-approve" in page
    assert finance.post(url("decide", demo, revision.pk), {"decision": "approve", "comment": "同意"}).status_code == 302
    assert BudgetLine.objects.get(campaign=demo, name="快闪店加场").approved_amount == D("5000.00")
    after = finance.get(url("budget", demo)).content.decode()
    assert 'data-in-force="2"' in after and "Revision 2 is approved: its amounts are now in force." in after


def test_reject_without_comment_shows_the_reason_and_writes_nothing(client_as, demo, users):
    services.line_create(campaign=demo, actor=users["lead"], name="备用金", planned="100")
    revision = services.revision_submit(campaign=demo, actor=users["lead"])
    before = snapshot(demo)
    r = client_as("finance").post(url("decide", demo, revision.pk), {"decision": "reject", "comment": ""})
    assert r.status_code == 422
    assert "Say why the budget is rejected, so that it can be corrected." in r.content.decode()
    assert snapshot(demo) == before


def test_finance_does_not_see_approve_on_its_own_submission(client_as, demo, users):
    services.line_create(campaign=demo, actor=users["finance"], name="审计费", planned="100")
    services.revision_submit(campaign=demo, actor=users["finance"])
    html = client_as("finance").get(url("budget", demo)).content.decode()
    assert "js-approve" not in html
    assert "You submitted this revision: another Finance member must decide on it." in html


def test_ordering_on_an_unapproved_line_shows_the_reason(client_as, demo, users):
    ln = services.line_create(campaign=demo, actor=users["lead"], name="背景板", planned="4000")
    material = services.material_create(campaign=demo, actor=users["logistics"], name="背景板", line=ln,
                                        unit_cost="1000", quantity=2)
    before = snapshot(demo)
    client = client_as("logistics")
    r = client.post(url("material_status", demo, material.pk), {"version": material.version, "status": "ordered"},
                    follow=True)
    assert ("The budget line “背景板” is not approved yet: Finance must approve the budget before its materials "
            "are ordered.") in r.content.decode()
    assert snapshot(demo) == before


def test_add_a_material_form_refusal_keeps_the_input(client_as, demo, users):
    data = {"name": "展台", "quantity": "1", "unit": "个", "unit_cost": "99999", "supplier": "", "needed_by": "",
            "owner": "", "status": "ordered", "line": str(line(demo, "物流").pk), "phase": "", "task": "", "note": ""}
    r = client_as("logistics").post(url("material_new", demo), data)
    assert r.status_code == 422
    body = r.content.decode()
    assert "beyond the CNY 6,000.00 it may use" in body and 'value="展台"' in body
    assert not Material.objects.filter(name="展台").exists()


def test_record_an_expense_with_a_receipt_and_download_it(client_as, demo, users):
    xhs = line(demo, "小红书")
    client = client_as("finance")
    r = client.post(url("expense_new", demo), {
        "line": xhs.pk, "material": "", "amount": "3000", "spent_on": "2024-06-12", "vendor": "小红书聚光",
        "note": "第二批加热", "receipt": SimpleUploadedFile("发票.pdf", PDF, content_type="application/pdf")}, follow=True)
    html = r.content.decode()
    assert "The expense of CNY 3,000.00 is recorded." in html and "now stands at" not in html
    expense = Expense.objects.get(campaign=demo, vendor="小红书聚光", amount=D("3000"))
    assert (expense.receipt_name, expense.receipt_type, expense.note) == ("发票.pdf", "application/pdf", "第二批加热")
    assert f'href="{url("receipt", demo, expense.pk)}"' in html
    got = client_as("viewer").get(url("receipt", demo, expense.pk))
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert got["Content-Disposition"].startswith("attachment;")
    assert client_as("outsider").get(url("receipt", demo, expense.pk)).status_code == 404


def test_an_expense_at_90_percent_warns(client_as, demo):
    xhs = line(demo, "小红书")                # 30,000 approved, 6,800 spent
    r = client_as("finance").post(url("expense_new", demo), {
        "line": xhs.pk, "amount": "20200", "spent_on": "2024-06-12", "vendor": "聚光"}, follow=True)
    assert ("The budget line “小红书种草推广 / Xiaohongshu seeding promotion” now stands at 90% of its approved "
            "CNY 30,000.00 (CNY 27,000.00).") in r.content.decode()


def test_a_bad_receipt_is_refused_on_the_form(client_as, demo):
    before = snapshot(demo)
    r = client_as("finance").post(url("expense_new", demo), {
        "line": line(demo, "小红书").pk, "amount": "10", "spent_on": "2024-06-12", "vendor": "x",
        "receipt": SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf")})
    assert r.status_code == 422 and "A receipt must be a PDF, JPEG or PNG file." in r.content.decode()
    assert snapshot(demo) == before


def test_override_form_for_finance_only(client_as, demo):
    venue = line(demo, "快闪店")
    assert client_as("lead").post(url("override_new", demo), {"line": venue.pk, "amount": "10",
                                                              "reason": "x"}).status_code == 403
    r = client_as("finance").post(url("override_new", demo), {"line": venue.pk, "amount": "2000",
                                                              "reason": "加场"}, follow=True)
    assert "The override on “快闪店场地费 / Pop-up store venue” is recorded." in r.content.decode()
    assert 'data-override="' in r.content.decode()


def test_approval_form_page_is_printable(client_as, demo):
    revision = BudgetRevision.objects.get(campaign=demo, number=1)
    html = client_as("viewer").get(url("revision", demo, revision.pk)).content.decode()
    assert "Budget Approval Form" in html and 'data-total="form">CNY 214,000.00<' in html
    assert "Pop-up store venue" in html and "陈静 Chen Jing" in html and "js-print" in html


def test_line_edit_stale_version_keeps_the_input(client_as, demo, users):
    venue = line(demo, "快闪店")
    services.line_update(line=venue, actor=users["lead"], version=venue.version, note="新")
    r = client_as("lead").post(url("line_edit", demo, venue.pk), {"version": 1, "category": "venue",
                                                                  "name": venue.name, "planned": "36000", "note": "旧"})
    assert r.status_code == 409 and "Someone else changed this item" in r.content.decode()
    assert BudgetLine.objects.get(pk=venue.pk).planned == D("35000.00")


def test_approvals_page_lists_what_waits_for_me(client_as, demo, users, finance2):
    services.line_create(campaign=demo, actor=users["lead"], name="加投", planned="100")
    revision = services.revision_submit(campaign=demo, actor=users["lead"])
    html = client_as("finance").get(reverse("budget:approvals")).content.decode()
    assert ids(html, "revision") == [revision.pk]
    assert ids(client_as("sales").get(reverse("budget:approvals")).content.decode(), "revision") == []
    assert ids(client_as("outsider").get(reverse("budget:approvals")).content.decode(), "revision") == []


def test_approvals_page_links_goal_sign_offs(client_as, demo):
    from campaignops.campaigns.selectors import goal_signatures_waiting_for

    for who in ("lead", "sales", "viewer"):
        client = client_as(who)
        html = client.get(reverse("budget:approvals")).content.decode()
        waiting = goal_signatures_waiting_for(client.session and demo.memberships.get(user__username=who).user)
        assert ids(html, "goal") == [c.pk for c in waiting]
        for c in waiting:
            assert reverse("campaigns:goal", args=[c.pk]) in html


def test_receipts_have_no_public_url(client_as, demo, users, settings):
    expense = services.expense_create(campaign=demo, actor=users["finance"], line=line(demo, "小红书"), amount="10",
                                      spent_on=dt.date(2024, 6, 12), vendor="x", receipt=("r.pdf", PDF))
    assert not settings.MEDIA_URL or settings.MEDIA_URL == "/"
    for path in (f"/media/{expense.receipt.name}", f"/media/private/{expense.receipt.name}",
                 f"/static/private/{expense.receipt.name}", f"/{expense.receipt.name}"):
        assert client_as("lead").get(path).status_code == 404, path
