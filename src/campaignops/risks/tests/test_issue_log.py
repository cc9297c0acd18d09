"""The Issue and Solution Log page: order and filters, response clocks, add with the default or a
custom deadline, edit in place with a version check, resolve with a solution, export, access."""

import datetime as dt
import io
import re
import zipfile

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from campaignops.core.models import AuditEntry
from campaignops.planning.models import Task
from campaignops.risks import services
from campaignops.risks.models import Issue

from .conftest import HX, NOW, at, frozen

pytestmark = pytest.mark.django_db
LIST_QUERIES = 8          # session, user, profile, campaign, role, issues (joined), counts, members


def list_url(demo, query: str = "") -> str:
    return reverse("risks:issues", args=[demo.pk]) + query


def row_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<tr id="i(\d+)" class="issue-row', html)]


def get(client, url, moment=NOW, **extra):
    with frozen(moment):
        return client.get(url, **extra)


def test_unresolved_first_by_deadline_overdue_ones_stand_out(client_as, demo, scenario):
    html = get(client_as("viewer"), list_url(demo)).content.decode()
    i = scenario.issues
    resolved = list(Issue.objects.filter(campaign=demo, status="resolved").order_by("-resolved_at")
                    .values_list("pk", flat=True))
    assert row_ids(html) == [scenario.demo_open.pk, i["late"].pk, i["soon"].pk, i["later"].pk, *resolved]
    overdue = re.findall(r'<tr id="i(\d+)" class="issue-row issue-overdue"', html)
    assert [int(x) for x in overdue] == [scenario.demo_open.pk, i["late"].pk]
    assert "2 past their response deadline" in html
    assert "overdue by 23 h 0 min" in html and "2 h 0 min left" in html and "23 h 0 min left" in html
    assert "resolved in time" in html                      # the critical one: 3 h after, deadline 4 h
    assert "/edit/" not in html and "/resolve/" not in html and f'href="/campaigns/{demo.pk}/issues/new/"' not in html


@pytest.mark.parametrize(("query", "expected"), [
    ("?status=unresolved", ["demo_open", "late", "soon", "later"]),
    ("?status=in_progress", []),
    ("?severity=medium", ["later"]),
    ("?owner={product}", ["late"]),
    ("?owner=none&status=open", ["later"]),
])
def test_filters(client_as, demo, users, scenario, query, expected):
    names = {**scenario.issues, "demo_open": scenario.demo_open}
    response = get(client_as("lead"), list_url(demo, query.format(product=users["product"].pk)),
                   HTTP_HX_TARGET="issue-table-wrap", **HX)
    assert row_ids(response.content.decode()) == [names[n].pk for n in expected]


def test_list_query_count_is_pinned_and_constant(client_as, demo, users, scenario, django_assert_num_queries):
    client = client_as("lead")
    with frozen(NOW), django_assert_num_queries(LIST_QUERIES):
        client.get(list_url(demo))
    task = Task.objects.filter(campaign=demo).first()
    for n in range(25):
        services.issue_create(campaign=demo, actor=users["sales"], problem=f"问题 {n}", owner=users["sales"],
                              task=task, risk=scenario.weather, reported_at=at(2024, 6, 16, n % 24, 0))
    with frozen(NOW), django_assert_num_queries(LIST_QUERIES):
        html = client.get(list_url(demo)).content.decode()
    assert len(row_ids(html)) == 31           # the demo's 2, the scenario's 4, 25 more


def test_new_issue_gets_the_severity_default_or_a_custom_response_time(client_as, demo, users):
    client = client_as("sales")
    task = Task.objects.get(campaign=demo, phase__kind="burst")
    with frozen(NOW):
        response = client.post(reverse("risks:issue_new", args=[demo.pk]), {
            "problem": "快闪店电源跳闸", "severity": "critical", "response_hours": "", "owner": users["logistics"].pk,
            "task": task.pk, "risk": ""}, **HX)
        assert response.status_code == 200
        assert "its answer is due by 2024-06-17 13:00" in response.content.decode()
        client.post(reverse("risks:issue_new", args=[demo.pk]), {"problem": "赠品库存不足", "severity": "low",
                                                                  "response_hours": "6"})
    critical, low = Issue.objects.filter(campaign=demo, reported_at=NOW).order_by("id")
    assert (critical.severity, critical.response_deadline, critical.owner, critical.task, critical.reported_by) == (
        "critical", NOW + dt.timedelta(hours=4), users["logistics"], task, users["sales"])
    assert (low.severity, low.response_deadline) == ("low", NOW + dt.timedelta(hours=6))


def test_new_issue_refuses_an_owner_outside_the_team_and_writes_nothing(client_as, demo, users):
    before = (Issue.objects.count(), AuditEntry.objects.count())
    response = client_as("sales").post(reverse("risks:issue_new", args=[demo.pk]),
                                       {"problem": "x", "severity": "high", "owner": users["outsider"].pk}, **HX)
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert (Issue.objects.count(), AuditEntry.objects.count()) == before


def edit_data(issue: Issue, **changes) -> dict:
    data = {"problem": issue.problem, "severity": issue.severity, "owner": issue.owner_id or "",
            "status": issue.status, "task": issue.task_id or "", "risk": issue.risk_id or "",
            "solution": issue.solution, "version": issue.version,
            "response_deadline": issue.response_deadline.astimezone(at(2024, 1, 1).tzinfo).strftime("%Y-%m-%dT%H:%M")}
    return {**data, **changes}


def test_edit_in_place_then_a_stale_edit_is_409_and_writes_nothing(client_as, demo, users, scenario):
    issue = scenario.issues["soon"]
    url = reverse("risks:issue", args=[demo.pk, issue.pk])
    client = client_as("lead")
    form = get(client, reverse("risks:issue_edit", args=[demo.pk, issue.pk]), **HX)
    assert form.status_code == 200 and 'value="2024-06-17T11:00"' in form.content.decode()
    with frozen(NOW):
        saved = client.post(url, edit_data(issue, status="in_progress", response_deadline="2024-06-17T15:30"), **HX)
    assert saved.status_code == 200 and 'class="issue-row"' in saved.content.decode()
    assert "6 h 30 min left" in saved.content.decode()
    issue.refresh_from_db()
    assert (issue.status, issue.response_deadline, issue.version) == ("in_progress", at(2024, 6, 17, 15, 30), 2)
    before = AuditEntry.objects.count()
    with frozen(NOW):
        stale = client.post(url, edit_data(issue, version=1, problem="旧版本上的修改"), **HX)
    assert stale.status_code == 409
    body = stale.content.decode()
    assert "Someone else changed this issue" in body and 'name="version" value="2"' in body and "旧版本上的修改" in body
    issue.refresh_from_db()
    assert (issue.problem, issue.version, AuditEntry.objects.count()) == ("直播间评论集中问价格", 2, before)


def test_resolve_needs_a_solution_and_stamps_the_time(client_as, demo, scenario):
    issue = scenario.issues["late"]
    url = reverse("risks:issue_resolve", args=[demo.pk, issue.pk])
    client = client_as("product")
    with frozen(NOW):
        empty = client.post(url, {"version": issue.version, "solution": ""}, **HX)
        assert empty.status_code == 422
        issue.refresh_from_db()
        assert (issue.status, issue.resolved_at) == ("open", None)
        done = client.post(url, {"version": issue.version, "solution": "换备选素人，已确认档期"}, **HX)
    assert done.status_code == 200 and "resolved 23 h 0 min late" in done.content.decode()
    issue.refresh_from_db()
    assert (issue.status, issue.solution, issue.resolved_at, issue.version) == (
        "resolved", "换备选素人，已确认档期", NOW, 2)
    with frozen(NOW):
        again = client.post(url, {"version": 1, "solution": "再改"}, **HX)
    assert again.status_code == 409
    issue.refresh_from_db()
    assert issue.solution == "换备选素人，已确认档期"


def test_export_is_a_safe_spreadsheet_in_the_campaign_time_zone(client_as, demo, users, scenario):
    services.issue_create(campaign=demo, actor=users["sales"], problem="=HYPERLINK(\"http://x\")", severity="low",
                          reported_at=at(2024, 6, 17, 8, 30))
    response = get(client_as("viewer"), reverse("risks:issue_export", args=[demo.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(".xlsx") and "2024-06-17" in response["Content-Disposition"]
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert sheet[0][:9] == ["No.", "Problem", "Severity", "Status", "Owner", "Reported by", "Reported at",
                            "Response deadline", "Response clock"]
    rows = {r[1]: r for r in sheet[1:]}
    late = rows["达人临时改期"]
    assert late[2:9] == ["High", "Open", "张伟 Zhang Wei", "李明 Li Ming", dt.datetime(2024, 6, 15, 10, 0),
                         dt.datetime(2024, 6, 16, 10, 0), "overdue by 23 h 0 min"]
    assert '=HYPERLINK("http://x")' in rows
    assert b'quotePrefix="1"' in zipfile.ZipFile(io.BytesIO(response.content)).read("xl/styles.xml")


def test_access(client_as, demo, scenario):
    issue = scenario.issues["late"]
    urls = [reverse("risks:issue", args=[demo.pk, issue.pk]), reverse("risks:issue_resolve", args=[demo.pk, issue.pk]),
            reverse("risks:issue_new", args=[demo.pk]), reverse("risks:issue_delete", args=[demo.pk, issue.pk])]
    before = (Issue.objects.count(), AuditEntry.objects.count())
    for url in urls:
        assert client_as("viewer").post(url, {"problem": "x", "solution": "x", "version": 1}).status_code == 403
        assert client_as("outsider").post(url, {"problem": "x"}).status_code == 404
    assert client_as("outsider").get(list_url(demo)).status_code == 404
    assert client_as("outsider").get(reverse("risks:issue_export", args=[demo.pk])).status_code == 404
    assert (Issue.objects.count(), AuditEntry.objects.count()) == before
    other = reverse("risks:issue", args=[demo.pk, 999999])
    assert client_as("lead").get(other, **HX).status_code == 404


def test_delete_from_the_edit_row(client_as, demo, scenario):
    issue = scenario.issues["later"]
    form = get(client_as("lead"), reverse("risks:issue_edit", args=[demo.pk, issue.pk]), **HX).content.decode()
    assert f'hx-post="/campaigns/{demo.pk}/issues/{issue.pk}/delete/"' in form and "hx-confirm=" in form
    response = client_as("lead").post(reverse("risks:issue_delete", args=[demo.pk, issue.pk]), **HX)
    assert (response.status_code, response.content) == (200, b"")
    assert not Issue.objects.filter(pk=issue.pk).exists()
    assert AuditEntry.objects.filter(action="issue.delete", object_id=issue.pk).count() == 1
