"""The risk register pages: the list with scores, the heat map, filters, create/edit (409 when
stale), contingency tasks, "Import risks from the plan", and "Activate contingency" (confirm, then all
or nothing — also when a later step fails)."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from campaignops.core.models import AuditEntry
from campaignops.planning.models import Phase, Task
from campaignops.risks import services
from campaignops.risks.models import ContingencyTask, Issue, Risk, StrategyAdjustment

from .conftest import HX, NOW, at, frozen

pytestmark = pytest.mark.django_db
LIST_QUERIES = 7          # session, user, profile, campaign, role, risks (joined), heat map
D = dt.date


def risks_url(demo, query: str = "") -> str:
    return reverse("risks:risks", args=[demo.pk]) + query


def risk_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<tr id="r(\d+)"', html)]


def kol(demo) -> Risk:
    return Risk.objects.get(campaign=demo, category="kol_schedule")


def test_demo_register_order_scores_and_heat_map(client_as, demo):
    html = client_as("viewer").get(risks_url(demo)).content.decode()
    by_desc = {r.description: r for r in Risk.objects.filter(campaign=demo)}
    order = ["达人档期冲突", "天气突变（暴雨/高温）影响线下快闪店", "快闪店物料延迟到货", "线下人流不足", "投诉集中", "目标分歧"]
    assert risk_ids(html) == [by_desc[d].pk for d in order]          # 12, 10, 9, 9 (newer first), 8, 4
    scores = re.findall(r'<span class="badge lvl lvl-(\w+)" title="Probability (\d) × impact (\d)">(\d+)</span>', html)
    assert scores == [("high", "3", "4", "12"), ("high", "2", "5", "10"), ("medium", "3", "3", "9"),
                      ("medium", "3", "3", "9"), ("medium", "2", "4", "8"), ("low", "2", "2", "4")]
    cells = {(int(p), int(i)): n for p, i, n in re.findall(
        r'data-p="(\d)" data-i="(\d)"[^>]*>(\d*)</a>', html.replace("\n", " "))}
    assert len(cells) == 25
    assert {k: int(v) for k, v in cells.items() if v} == {(3, 4): 1, (2, 5): 1, (3, 3): 2, (2, 4): 1, (2, 2): 1}
    assert "Activate contingency" not in html and "Import risks from the plan" not in html


def test_filters_and_heat_map_cell(client_as, demo):
    client = client_as("lead")
    by_cat = risk_ids(client.get(risks_url(demo, "?category=traffic"), HTTP_HX_TARGET="risk-register",
                                 **HX).content.decode())
    assert by_cat == [Risk.objects.get(campaign=demo, category="traffic").pk]
    cell = client.get(risks_url(demo, "?probability=3&impact=3")).content.decode()
    assert sorted(risk_ids(cell)) == sorted(Risk.objects.filter(campaign=demo, probability=3, impact=3)
                                            .values_list("pk", flat=True))
    assert 'is-active" data-p="3" data-i="3"' in cell


def test_list_query_count_is_constant(client_as, demo, users, django_assert_num_queries):
    client = client_as("lead")
    with django_assert_num_queries(LIST_QUERIES):
        client.get(risks_url(demo))
    for n in range(20):
        risk = services.risk_create(campaign=demo, actor=users["lead"], description=f"风险 {n}",
                                    probability=1 + n % 5, impact=1 + n % 3, owner=users["sales"])
        services.contingency_task_add(risk=risk, actor=users["lead"], title="备选")
    with django_assert_num_queries(LIST_QUERIES):
        assert len(risk_ids(client.get(risks_url(demo)).content.decode())) == 26


def test_create_and_edit_with_version_check(client_as, demo, users):
    client = client_as("product")
    burst = Phase.objects.get(campaign=demo, kind="burst")
    created = client.post(reverse("risks:risk_new", args=[demo.pk]), {
        "description": "竞品突然降价", "category": "competitor", "probability": "4", "impact": "4",
        "trigger": "竞品直播间降价超过10%", "contingency_plan": "追加限时优惠券", "owner": users["sales"].pk,
        "phase": burst.pk})
    risk = Risk.objects.get(campaign=demo, description="竞品突然降价")
    assert created.status_code == 302 and created["Location"] == reverse("risks:risk", args=[demo.pk, risk.pk])
    assert (risk.category, risk.score, risk.level, risk.owner, risk.phase, risk.status) == (
        "competitor", 16, "high", users["sales"], burst, "open")
    url = reverse("risks:risk", args=[demo.pk, risk.pk])
    data = {"description": "竞品突然降价", "category": "competitor", "probability": "5", "impact": "4",
            "trigger": "", "contingency_plan": "追加限时优惠券", "owner": users["sales"].pk, "phase": "",
            "status": "open", "version": "1"}
    assert client.post(url, data).status_code == 302
    risk.refresh_from_db()
    assert (risk.score, risk.level, risk.phase, risk.version) == (20, "critical", None, 2)
    before = AuditEntry.objects.count()
    stale = client.post(url, {**data, "probability": "1"})
    assert stale.status_code == 409 and "Someone else changed this risk" in stale.content.decode()
    risk.refresh_from_db()
    assert (risk.probability, risk.version, AuditEntry.objects.count()) == (5, 2, before)


def test_contingency_tasks_are_added_and_removed(client_as, demo, users):
    risk = Risk.objects.get(campaign=demo, category="traffic")
    burst = Phase.objects.get(campaign=demo, kind="burst")
    client = client_as("sales")
    response = client.post(reverse("risks:contingency_add", args=[demo.pk, risk.pk]), {
        "ct-title": "联系周边商场发券", "ct-phase": burst.pk, "ct-duration": "1", "ct-owner": users["sales"].pk,
        "ct-completion_standard": "发出500张券"})
    assert response.status_code == 302
    item = ContingencyTask.objects.get(risk=risk)
    assert (item.title, item.phase, item.duration, item.owner, item.order) == (
        "联系周边商场发券", burst, 1, users["sales"], 1)
    bad = client.post(reverse("risks:contingency_add", args=[demo.pk, risk.pk]), {"ct-title": "", "ct-duration": "0"})
    assert bad.status_code == 422 and ContingencyTask.objects.filter(risk=risk).count() == 1
    client.post(reverse("risks:contingency_delete", args=[demo.pk, risk.pk, item.pk]))
    assert not ContingencyTask.objects.filter(risk=risk).exists()


def test_import_risks_from_the_plan_once_per_row(client_as, demo, users):
    Risk.objects.filter(campaign=demo).delete()
    client = client_as("lead")
    client.post(reverse("risks:risks_import", args=[demo.pk]))
    assert sorted(Risk.objects.filter(campaign=demo).values_list("description", flat=True)) == sorted(
        ["目标分歧", "达人档期冲突", "线下人流不足", "投诉集中"])
    again = client.post(reverse("risks:risks_import", args=[demo.pk]), follow=True)
    assert "already in the register" in again.content.decode()
    assert Risk.objects.filter(campaign=demo).count() == 4


# ---- activation ---------------------------------------------------------------------------------

def counts():
    return (Task.objects.count(), Issue.objects.count(), StrategyAdjustment.objects.count(),
            AuditEntry.objects.count())


def test_confirm_dialog_says_what_will_happen(client_as, demo, users):
    risk = kol(demo)
    with frozen(at(2024, 6, 12, 10, 0)):
        response = client_as("lead").get(reverse("risks:risk_activate", args=[demo.pk, risk.pk]), **HX)
    html = response.content.decode()
    assert response.status_code == 200 and "Switch the contingency plan on?" in html
    assert "<strong>联系2名备选素人并确认档期</strong> — 预热期（线上）, 2024-06-12 ~ 2024-06-13, 张伟 Zhang Wei" in html
    assert "answer due by 2024-06-13 10:00" in html
    assert f'hx-post="/campaigns/{demo.pk}/risks/{risk.pk}/activate/"' in html and 'name="version" value="1"' in html


def test_activation_creates_tasks_issue_with_24h_clock_and_adjustment(client_as, demo, users):
    risk = kol(demo)
    before = counts()
    moment = at(2024, 6, 12, 10, 0)
    with frozen(moment):
        response = client_as("lead").post(reverse("risks:risk_activate", args=[demo.pk, risk.pk]),
                                          {"version": "1", "note": "达人A临时改期"}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    task = Task.objects.get(campaign=demo, title="联系2名备选素人并确认档期")
    issue = Issue.objects.get(risk=risk)
    adjustment = StrategyAdjustment.objects.get(risk=risk)
    assert (task.phase.kind, task.start_date, task.end_date, task.owner, task.status) == (
        "warm_up", D(2024, 6, 12), D(2024, 6, 13), users["product"], "in_progress")
    assert (issue.severity, issue.status, issue.reported_at, issue.response_deadline, issue.owner) == (
        "high", "open", moment, moment + dt.timedelta(hours=24), users["lead"])
    assert (adjustment.date, adjustment.trigger, adjustment.issue, adjustment.what_changed) == (
        D(2024, 6, 12), "risk", issue, "Contingency switched on: 备选2名素人\n达人A临时改期")
    risk.refresh_from_db()
    assert (risk.status, risk.triggered_at, risk.version) == ("triggered", moment, 2)
    assert counts()[:3] == (before[0] + 1, before[1] + 1, before[2] + 1)
    assert f'href="/campaigns/{demo.pk}/plan/#t{task.pk}"' in html
    assert f'href="/campaigns/{demo.pk}/issues/#i{issue.pk}"' in html and "24 h 0 min left" in html
    assert f'data-adjustment="{adjustment.pk}"' in html


def test_stale_or_repeated_activation_writes_nothing(client_as, demo, users):
    risk = kol(demo)
    Risk.objects.filter(pk=risk.pk).update(version=3)
    before = counts()
    url = reverse("risks:risk_activate", args=[demo.pk, risk.pk])
    stale = client_as("lead").post(url, {"version": "1"}, **HX)
    assert stale.status_code == 409 and "Someone else changed this item" in stale.content.decode()
    assert 'name="version" value="3"' in stale.content.decode()
    assert counts() == before
    assert client_as("lead").post(url, {"version": "3"}, **HX).status_code == 200
    before = counts()
    again = client_as("lead").post(url, {"version": "4"}, **HX)
    assert again.status_code == 422 and "already switched on" in again.content.decode()
    assert counts() == before


@pytest.mark.parametrize("failing", ["adjustment_create", "issue_create"])
def test_a_failure_part_way_through_the_page_leaves_nothing_behind(demo, users, failing):
    risk = kol(demo)
    client = Client(raise_request_exception=False)
    client.force_login(users["lead"])
    before = counts()
    with frozen(NOW), mock.patch.object(services, failing, side_effect=RuntimeError("boom")):
        response = client.post(reverse("risks:risk_activate", args=[demo.pk, risk.pk]), {"version": "1"}, **HX)
    assert response.status_code == 500
    assert counts() == before
    risk.refresh_from_db()
    assert (risk.status, risk.version, risk.triggered_at) == ("open", 1, None)
    assert not Task.objects.filter(title="联系2名备选素人并确认档期").exists()


def test_viewer_and_outsider(client_as, demo):
    risk = kol(demo)
    before = counts()
    for name in ("risk_activate", "risk", "risk_delete", "contingency_add"):
        url = reverse(f"risks:{name}", args=[demo.pk, risk.pk])
        assert client_as("viewer").post(url, {"version": "1", "description": "x"}).status_code == 403
        assert client_as("outsider").post(url, {"version": "1"}).status_code == 404
        assert client_as("outsider").get(url).status_code == 404
    detail = client_as("viewer").get(reverse("risks:risk", args=[demo.pk, risk.pk])).content.decode()
    assert "js-activate" not in detail and "Edit the risk" not in detail and 'name="ct-title"' not in detail
    assert counts() == before
