"""The budget API: reads with exact figures, the Finance gate through HTTP (422 with the reason,
nothing written), decisions (403 for non-Finance and for one's own submission, 409 when already
decided), stale versions (409), receipts (upload checked by magic bytes, download members-only as
an attachment), approvals waiting for me."""

import datetime as dt
import os
from decimal import Decimal as D
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaignops.budget.models import BudgetRevision, Expense, Material
from campaignops.campaigns.tests.api_client import bearer, multipart

from .conftest import PDF, PNG, line, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_as(api_token):
    return lambda username: bearer(api_token(username))


def test_budget_read_has_totals_categories_lines_burn_and_revisions(demo, api_as):
    body = api_as("viewer").get(f"/campaigns/{demo.pk}/budget").json()
    assert body["totals"] == {"planned": "214000.00", "approved": "214000.00", "overrides": "0.00",
                              "cap": "214000.00", "committed": "12900.00", "open_committed": "9900.00",
                              "actual": "47300.00", "forecast": "57200.00", "used_percent": 27, "level": "ok"}
    venue = next(c for c in body["categories"] if c["category"] == "venue")
    assert (venue["label"], venue["figures"]["actual"], venue["figures"]["used_percent"]) == ("Venue", "17500.00", 50)
    assert [ln["name"][:6] for ln in body["lines"]][:2] == ["宣传物料（海", "直播设备租赁"]
    assert body["burn"][-1] == {"date": "2024-06-10", "cumulative": "47300.00"}
    assert (body["in_force"]["number"], body["in_force"]["status"], body["open_revision"]) == (1, "approved", None)
    assert body["in_force"]["decided_by"]["username"] == "finance"


def test_chinese_labels_when_asked(demo, api_as):
    api = api_as("viewer")
    api.client.cookies["django_language"] = "zh-hans"
    body = api.get(f"/campaigns/{demo.pk}/budget").json()
    assert body["campaign_id"] == demo.pk          # the labels follow the catalogue once translated


def test_order_refused_on_unapproved_line_then_allowed_after_finance_approves(demo, api_as):
    lead, logistics, finance = api_as("lead"), api_as("logistics"), api_as("finance")
    new_line = lead.post(f"/campaigns/{demo.pk}/budget/lines", {"name": "直播间背景板", "category": "materials",
                                                                "planned": "4000"})
    assert new_line.status_code == 201 and new_line.json()["figures"]["level"] == "unapproved"
    material = logistics.post(f"/campaigns/{demo.pk}/materials", {
        "name": "背景板", "quantity": "2", "unit": "块", "unit_cost": "1500", "line": new_line.json()["id"]}).json()
    before = snapshot(demo)
    refused = logistics.patch(f"/campaigns/{demo.pk}/materials/{material['id']}",
                              {"version": material["version"], "status": "ordered"})
    assert refused.status_code == 422
    assert refused.json()["detail"] == ("The budget line “直播间背景板” is not approved yet: Finance must approve the "
                                        "budget before its materials are ordered.")
    assert snapshot(demo) == before
    submitted = lead.post(f"/campaigns/{demo.pk}/budget/submit", {"note": "新增背景板"}).json()
    assert (submitted["number"], submitted["status"], submitted["total"]) == (2, "submitted", "218000.00")
    assert lead.post(f"/campaigns/{demo.pk}/budget/revisions/{submitted['id']}/approve", {}).status_code == 403
    approved = finance.post(f"/campaigns/{demo.pk}/budget/revisions/{submitted['id']}/approve", {"comment": "同意"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    again = finance.post(f"/campaigns/{demo.pk}/budget/revisions/{submitted['id']}/approve", {})
    assert (again.status_code, again.json()["detail"]) == (409, "This revision has already been approved.")
    ordered = logistics.patch(f"/campaigns/{demo.pk}/materials/{material['id']}",
                              {"version": material["version"], "status": "ordered"})
    assert ordered.status_code == 200
    assert (ordered.json()["status"], ordered.json()["cost"], ordered.json()["warning"]) == ("ordered", "3000.00", None)


def test_own_submission_cannot_be_approved_by_its_finance_submitter(demo, api_as):
    finance = api_as("finance")
    finance.post(f"/campaigns/{demo.pk}/budget/lines", {"name": "审计", "planned": "100"})
    rev = finance.post(f"/campaigns/{demo.pk}/budget/submit", {}).json()
    response = finance.post(f"/campaigns/{demo.pk}/budget/revisions/{rev['id']}/approve", {})
    assert (response.status_code, response.json()["detail"]) == (
        403, "You submitted this revision yourself: another Finance member must decide on it.")
    assert BudgetRevision.objects.get(pk=rev["id"]).status == "submitted"


def test_expense_beyond_the_line_is_refused_until_an_override(demo, api_as):
    venue = line(demo, "快闪店")
    body = {"line": venue.pk, "amount": "17500.01", "spent_on": "2024-06-15", "vendor": "静安嘉里中心"}
    before = snapshot(demo)
    refused = api_as("lead").post(f"/campaigns/{demo.pk}/expenses", body)
    assert refused.status_code == 422 and refused.json()["field"] == "amount"
    assert "beyond the CNY 35,000.00 it may use" in refused.json()["detail"]
    assert snapshot(demo) == before
    assert api_as("lead").post(f"/campaigns/{demo.pk}/budget/lines/{venue.pk}/overrides",
                               {"amount": "1000", "reason": "x"}).status_code == 403
    override = api_as("finance").post(f"/campaigns/{demo.pk}/budget/lines/{venue.pk}/overrides",
                                      {"amount": "1000", "reason": "加场"})
    assert override.status_code == 201 and override.json()["amount"] == "1000.00"
    created = api_as("lead").post(f"/campaigns/{demo.pk}/expenses", body)
    assert created.status_code == 201
    assert created.json()["warning"] == ("The budget line “快闪店场地费 / Pop-up store venue” now stands at 100% of its "
                                         "approved CNY 35,000.00 (CNY 35,000.01).")
    overrides = api_as("viewer").get(f"/campaigns/{demo.pk}/budget/overrides").json()
    assert [(o["line"], o["amount"], o["reason"], o["granted_by"]["username"]) for o in overrides] == [
        (venue.pk, "1000.00", "加场", "finance")]


def test_stale_line_patch_is_409_and_changes_nothing(demo, api_as):
    venue = line(demo, "快闪店")
    api = api_as("lead")
    assert api.patch(f"/campaigns/{demo.pk}/budget/lines/{venue.pk}", {"version": 1, "note": "3天+1"}).status_code == 200
    before = snapshot(demo)
    stale = api.patch(f"/campaigns/{demo.pk}/budget/lines/{venue.pk}", {"version": 1, "note": "x"})
    assert (stale.status_code, stale.json()["current_version"]) == (409, 2)
    assert snapshot(demo) == before


def test_null_for_a_required_field_is_refused(demo, api_as):
    venue = line(demo, "快闪店")
    r = api_as("lead").patch(f"/campaigns/{demo.pk}/budget/lines/{venue.pk}", {"version": 1, "planned": None})
    assert (r.status_code, r.json()["field"]) == (422, "planned")


def test_a_line_of_another_campaign_is_a_422(demo, api_as, users):
    from campaignops.budget.services import line_create
    from campaignops.campaigns.services import campaign_create

    other = campaign_create(name="Other", start_date=demo.start_date, actor=users["lead"])
    foreign = line_create(campaign=other, actor=users["lead"], name="X", planned="1")
    r = api_as("lead").post(f"/campaigns/{demo.pk}/expenses", {"line": foreign.pk, "amount": "1",
                                                                "spent_on": "2024-06-15", "vendor": "x"})
    assert (r.status_code, r.json()["field"]) == (422, "line")


def test_receipt_upload_and_members_only_download(demo, api_as, django_capture_on_commit_callbacks):
    expense = Expense.objects.filter(campaign=demo).order_by("id").first()
    path = f"/campaigns/{demo.pk}/expenses/{expense.pk}/receipt"
    bad = multipart(api_as("finance"), path, {"file": SimpleUploadedFile("invoice.pdf", b"<svg onload=alert(1)>",
                                                                          content_type="application/pdf")})
    assert (bad.status_code, bad.json()["detail"]) == (422, "A receipt must be a PDF, JPEG or PNG file.")
    ok = multipart(api_as("finance"), path, {"file": SimpleUploadedFile("场地定金.png", PNG, content_type="text/html")})
    assert ok.status_code == 200 and (ok.json()["receipt"], ok.json()["receipt_type"]) == ("场地定金.png", "image/png")
    got = api_as("viewer").get(path)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PNG
    assert got["Content-Type"] == "image/png"
    assert got["Content-Disposition"] == "attachment; filename*=utf-8''%E5%9C%BA%E5%9C%B0%E5%AE%9A%E9%87%91.png"
    assert api_as("outsider").get(path).status_code == 404
    # replacing the receipt removes the old file
    old = Expense.objects.get(pk=expense.pk).receipt.path
    with django_capture_on_commit_callbacks(execute=True):
        assert multipart(api_as("finance"), path, {"file": SimpleUploadedFile("r.pdf", PDF)}).status_code == 200
    assert not os.path.exists(old) and os.path.exists(Expense.objects.get(pk=expense.pk).receipt.path)


def test_expense_without_receipt_has_no_download(demo, api_as):
    expense = Expense.objects.filter(campaign=demo).order_by("id").first()
    assert api_as("lead").get(f"/campaigns/{demo.pk}/expenses/{expense.pk}/receipt").status_code == 404


def test_materials_list_marks_the_ones_at_risk(demo, api_as):
    with mock.patch("django.utils.timezone.now", return_value=dt.datetime(2024, 6, 12, 2, 0, tzinfo=dt.UTC)):
        body = api_as("viewer").get(f"/campaigns/{demo.pk}/materials").json()
    assert [(m["name"][:6], m["status"], m["needed_by"], m["at_risk"]) for m in body] == [
        ("A3海报 /", "ready", "2024-06-06", None),
        ("产品折页 /", "received", "2024-06-12", None),
        ("快闪店展架 ", "ordered", "2024-06-13", "soon"),
        ("直播补光灯与", "requested", "2024-06-14", "soon"),
        ("返现赠品小风", "planned", "2024-06-17", None),
    ]


def test_material_delete_refused_while_expenses_are_booked_on_it(demo, api_as):
    posters = Material.objects.get(campaign=demo, name__startswith="A3海报")
    r = api_as("logistics").delete(f"/campaigns/{demo.pk}/materials/{posters.pk}")
    assert r.status_code == 400 and Material.objects.filter(pk=posters.pk).exists()


def test_approvals_waiting_for_me(demo, api_as, finance2):
    lead = api_as("lead")
    lead.post(f"/campaigns/{demo.pk}/budget/lines", {"name": "加投", "planned": "100"})
    rev = lead.post(f"/campaigns/{demo.pk}/budget/submit", {}).json()
    mine = api_as("finance").get("/me/approvals").json()["budget_revisions"]
    assert [(r["campaign_id"], r["number"], r["total"], r["submitted_by"]["username"]) for r in mine] == [
        (demo.pk, 2, "214100.00", "lead")]
    assert api_as("lead").get("/me/approvals").json()["budget_revisions"] == []       # not Finance
    assert api_as("outsider").get("/me/approvals").json() == {"budget_revisions": [], "goal_confirmations": []}
    api_as("finance").post(f"/campaigns/{demo.pk}/budget/revisions/{rev['id']}/approve", {})
    assert api_as("finance2").get("/me/approvals").json()["budget_revisions"] == []


def test_revision_list_and_read(demo, api_as):
    revs = api_as("viewer").get(f"/campaigns/{demo.pk}/budget/revisions").json()
    assert [(r["number"], r["status"], r["total"], len(r["lines"])) for r in revs] == [(1, "approved", "214000.00", 9)]
    one = api_as("viewer").get(f"/campaigns/{demo.pk}/budget/revisions/{revs[0]['id']}").json()
    assert one["lines"][5] == {"line": line(demo, "快闪店").pk, "category": "venue",
                               "name": "快闪店场地费 / Pop-up store venue", "planned": "35000.00", "note": "3天"}


def test_amounts_are_quantised_and_bounded(demo, api_as):
    api = api_as("lead")
    r = api.post(f"/campaigns/{demo.pk}/budget/lines", {"name": "X", "planned": "1.234"})
    assert (r.status_code, r.json()["field"]) == (422, "planned")
    r = api.post(f"/campaigns/{demo.pk}/budget/lines", {"name": "X", "planned": "-1"})
    assert r.status_code == 422
    r = api.post(f"/campaigns/{demo.pk}/budget/lines", {"name": "Y", "planned": "12.5"})
    assert r.json()["planned"] == "12.50" and D(r.json()["planned"]) == D("12.5")
