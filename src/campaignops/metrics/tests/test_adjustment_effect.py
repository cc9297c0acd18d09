"""A strategy adjustment linked to a KPI gets its measured effect from the data: the KPI's metric over
N days before the date against N days from it on (risks.services.adjustment_measure)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from campaignops.campaigns.models import Channel, KpiTarget
from campaignops.campaigns.tests.api_client import bearer
from campaignops.core.errors import DomainError
from campaignops.risks import services
from campaignops.risks.models import StrategyAdjustment

from .dashboard_data import TODAY, build

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def campaign(users):
    return build(users)


def _adjustment(campaign, users, metric="impressions", **fields):
    target = KpiTarget.objects.get(campaign=campaign, metric=metric)
    return services.adjustment_create(campaign=campaign, actor=users["lead"], date=D(2024, 6, 15),
                                      what_changed="把预算转向抖音直播", kpi_target=target, **fields)


def test_count_effect_compares_daily_averages(campaign, users):
    adj = _adjustment(campaign, users, effect_days=3)
    services.adjustment_measure(adjustment=adj, actor=users["lead"], today=TODAY)
    adj.refresh_from_db()
    # 06-12..06-14: 60,000 → 20,000 a day; 06-15..06-16 (today): 110,000 → 55,000 a day
    assert (adj.effect_before, adj.effect_after) == (Decimal(20000), Decimal(55000))
    assert adj.measured_effect == ("Impressions: 20,000 a day in the 3 days before, 55,000 a day in the 2 days "
                                   "from the change (+175.0 %).")
    assert adj.effect_measured_at is not None and adj.version == 2


def test_rate_effect_on_the_adjustment_channel_keeps_a_written_text(campaign, users):
    douyin = Channel.objects.get(code="douyin")
    adj = _adjustment(campaign, users, metric="cvr", channel=douyin, measured_effect="直播转化略降")
    services.adjustment_measure(adjustment=adj, actor=users["lead"], today=TODAY)
    adj.refresh_from_db()
    assert (adj.effect_before, adj.effect_after) == (None, Decimal("2.5455"))   # 56 ÷ 2,200 clicks; none before
    assert adj.measured_effect == "直播转化略降"                                  # never overwritten


def test_refusals(campaign, users):
    adj = services.adjustment_create(campaign=campaign, actor=users["lead"], date=D(2024, 6, 15), what_changed="x")
    with pytest.raises(DomainError, match="Link the adjustment to a KPI"):
        services.adjustment_measure(adjustment=adj, actor=users["lead"], today=TODAY)
    future = _adjustment(campaign, users)
    with pytest.raises(DomainError, match="has not come yet"):
        services.adjustment_measure(adjustment=future, actor=users["lead"], today=D(2024, 6, 10))
    assert StrategyAdjustment.objects.filter(effect_measured_at__isnull=False).count() == 0


def test_measure_from_the_page_and_the_api(campaign, users, client_as, api_token):
    adj = _adjustment(campaign, users, effect_days=3)
    url = reverse("risks:adjustment_measure", args=[campaign.pk, adj.pk])
    assert client_as("viewer").post(url).status_code == 403
    response = client_as("lead").post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Impressions:" in response.content.decode() and 'class="small text-secondary adjustment-effect"' in \
        response.content.decode()
    body = bearer(api_token("lead")).post(f"/campaigns/{campaign.pk}/adjustments/{adj.pk}/measure").json()
    assert body["effect_days"] == 3 and body["effect_measured_at"]
    assert bearer(api_token("viewer")).post(
        f"/campaigns/{campaign.pk}/adjustments/{adj.pk}/measure").status_code == 403


def test_link_from_the_standup_prefills_the_kpi(campaign, client_as):
    target = KpiTarget.objects.get(campaign=campaign, metric="cvr")
    html = client_as("lead").get(reverse("risks:adjustment_new", args=[campaign.pk]) + f"?kpi_target={target.pk}"
                                 ).content.decode()
    assert f'<option value="{target.pk}" selected>' in html
