"""The Strategy Adjustment Log page: list, add, edit in place (the measured effect later), 409 when
stale, access, pinned queries."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from campaignops.campaigns.models import Channel, KpiTarget
from campaignops.core.models import AuditEntry
from campaignops.risks import services
from campaignops.risks.models import StrategyAdjustment

from .conftest import HX, NOW, frozen

pytestmark = pytest.mark.django_db
LIST_QUERIES = 6          # session, user, profile, campaign, role, adjustments (joined)


def list_url(demo) -> str:
    return reverse("risks:adjustments", args=[demo.pk])


def row_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<tr id="a(\d+)" class="adjustment-row"', html)]


def test_list_shows_the_demo_entry_newest_first_and_counts_are_constant(client_as, demo, users,
                                                                      django_assert_num_queries):
    client = client_as("viewer")
    with django_assert_num_queries(LIST_QUERIES):
        html = client.get(list_url(demo)).content.decode()
    demo_entry = StrategyAdjustment.objects.get(campaign=demo)
    assert row_ids(html) == [demo_entry.pk]
    assert "评论反映“价格不透明”" in html and "Douyin" in html and "not measured yet" in html
    assert "/edit/" not in html and "New adjustment" not in html
    cvr = KpiTarget.objects.get(campaign=demo, metric="cvr")
    for n in range(12):
        services.adjustment_create(campaign=demo, actor=users["lead"], what_changed=f"调整 {n}",
                                   date=dt.date(2024, 6, 10 + n), kpi_target=cvr, trigger="market_move",
                                   channel=Channel.objects.get(code="xiaohongshu"))
    with django_assert_num_queries(LIST_QUERIES):
        html = client.get(list_url(demo)).content.decode()
    assert len(row_ids(html)) == 13 and row_ids(html)[0] != demo_entry.pk    # 06-21 first


def test_add_then_fill_in_the_measured_effect_then_a_stale_edit_is_409(client_as, demo, users):
    client = client_as("sales")
    cvr = KpiTarget.objects.get(campaign=demo, metric="cvr")
    douyin = Channel.objects.get(code="douyin")
    with frozen(NOW):
        form = client.get(reverse("risks:adjustment_new", args=[demo.pk]), **HX).content.decode()
        assert 'value="2024-06-17"' in form                       # today in the campaign's time zone
        created = client.post(reverse("risks:adjustment_new", args=[demo.pk]), {
            "date": "2024-06-17", "trigger": "metric_shortfall", "what_changed": "直播脚本改为先讲价格再讲卖点",
            "expected_effect": "转化率+1个百分点", "kpi_target": cvr.pk, "channel": douyin.pk,
            "measured_effect": ""}, **HX)
    assert created.status_code == 200 and "The adjustment is logged" in created.content.decode()
    adj = StrategyAdjustment.objects.get(what_changed="直播脚本改为先讲价格再讲卖点")
    assert (adj.date, adj.trigger, adj.kpi_target, adj.channel, adj.created_by, adj.version) == (
        dt.date(2024, 6, 17), "metric_shortfall", cvr, douyin, users["sales"], 1)
    url = reverse("risks:adjustment", args=[demo.pk, adj.pk])
    data = {"date": "2024-06-17", "trigger": "metric_shortfall", "what_changed": adj.what_changed,
            "expected_effect": adj.expected_effect, "kpi_target": cvr.pk, "channel": douyin.pk,
            "measured_effect": "转化率从3.8%升到4.9%", "version": "1"}
    saved = client.post(url, data, **HX)
    assert saved.status_code == 200 and "转化率从3.8%升到4.9%" in saved.content.decode()
    adj.refresh_from_db()
    assert (adj.measured_effect, adj.version) == ("转化率从3.8%升到4.9%", 2)
    before = AuditEntry.objects.count()
    stale = client.post(url, {**data, "measured_effect": "旧"}, **HX)
    assert stale.status_code == 409 and 'name="version" value="2"' in stale.content.decode()
    adj.refresh_from_db()
    assert (adj.measured_effect, adj.version, AuditEntry.objects.count()) == ("转化率从3.8%升到4.9%", 2, before)


def test_missing_what_changed_is_refused_by_name(client_as, demo):
    before = StrategyAdjustment.objects.count()
    response = client_as("lead").post(reverse("risks:adjustment_new", args=[demo.pk]),
                                      {"date": "2024-06-17", "trigger": "risk", "what_changed": ""}, **HX)
    assert response.status_code == 422 and "This field is required." in response.content.decode()
    assert StrategyAdjustment.objects.count() == before


def test_access(client_as, demo):
    adj = StrategyAdjustment.objects.get(campaign=demo)
    before = (StrategyAdjustment.objects.count(), AuditEntry.objects.count())
    for url in (reverse("risks:adjustment", args=[demo.pk, adj.pk]), reverse("risks:adjustment_new", args=[demo.pk]),
                reverse("risks:adjustment_delete", args=[demo.pk, adj.pk])):
        assert client_as("viewer").post(url, {"what_changed": "x", "version": "1"}).status_code == 403
        assert client_as("outsider").post(url, {"what_changed": "x"}).status_code == 404
    assert client_as("outsider").get(list_url(demo)).status_code == 404
    assert (StrategyAdjustment.objects.count(), AuditEntry.objects.count()) == before


def test_delete(client_as, demo):
    adj = StrategyAdjustment.objects.get(campaign=demo)
    response = client_as("lead").post(reverse("risks:adjustment_delete", args=[demo.pk, adj.pk]))
    assert response.status_code == 302 and response["Location"] == list_url(demo)
    assert not StrategyAdjustment.objects.filter(pk=adj.pk).exists()
