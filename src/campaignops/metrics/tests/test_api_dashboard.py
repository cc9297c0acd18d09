"""The dashboard endpoints: the board as JSON (exact numbers), the change probe, the threshold, access,
queries; the stand-up's "KPIs behind" card and API list."""

from decimal import Decimal

import pytest
from django.urls import reverse

from campaignops.campaigns.tests.api_client import anonymous, bearer
from campaignops.metrics import selectors
from campaignops.metrics.models import WHOLE_DAY
from campaignops.metrics.pace_settings import PaceSettings
from campaignops.metrics.services import observations_write

from .dashboard_data import TODAY, build

pytestmark = pytest.mark.django_db
# token (user and profile joined), its last-used update, campaign, role, change token (one query): the answer
# is kept per change token, which covers every input of the board. After a change: + the observations' sums,
# targets, channels, budget lines, phases, pace settings.
API_QUERIES = 5
COLD_QUERIES = API_QUERIES + 6


@pytest.fixture
def campaign(users):
    return build(users)


def test_board_json_exact(campaign, api_token, django_assert_num_queries):
    api = bearer(api_token("viewer"))
    path = f"/campaigns/{campaign.pk}/dashboard"
    selectors.forget_cells()
    with django_assert_num_queries(COLD_QUERIES):
        api.get(path, as_of="2024-06-16")
    with django_assert_num_queries(API_QUERIES):
        response = api.get(path, as_of="2024-06-16")
    assert response.status_code == 200
    body = response.json()
    assert (body["today"], body["threshold"], body["result"]) == ("2024-06-16", "10", "conversions")
    imp = body["kpis"][0]
    assert {k: imp[k] for k in ("metric", "actual", "expected_by_now", "projected", "low", "high", "status",
                                "status_label", "percent_reached")} == {
        "metric": "impressions", "actual": "250000", "expected_by_now": "394736.84", "projected": "316666.67",
        "low": "302197.70", "high": "331135.64", "status": "behind", "status_label": "Behind",
        "percent_reached": "50.0"}
    assert [(c["name"], c["spend"], c["results"], c["cost_per_result"]) for c in body["channels"]] == [
        ("Xiaohongshu", "7000", "84", "83.33"), ("Douyin", "9000", "56", "160.71"),
        ("Online", "16000", "140", "114.29"), ("Pop-up store", "2000", None, None),
        ("Offline", "2000", None, None), ("Total", "18000", "140", "128.57")]
    assert [s["weakest"] for s in body["funnel"]] == [False, False, True]
    assert body["spend"]["budget_set"] is False
    assert len(body["days"]) == 16 and body["series"]["impressions"]["online"][15] == 50000.0
    assert body["pace"][str(imp["id"])]["actual"][-1] == 250000.0


def test_changes_probe(campaign, api_token, users, django_assert_num_queries):
    api = bearer(api_token("viewer"))
    path = f"/campaigns/{campaign.pk}/dashboard/changes"
    token = api.get(f"/campaigns/{campaign.pk}/dashboard").json()["token"]
    # Short and URL-safe on every database (PostgreSQL prints long timestamps into the raw token).
    assert len(token) == len(f"{campaign.pk}-") + 32 and token.startswith(f"{campaign.pk}-")
    with django_assert_num_queries(API_QUERIES):
        assert api.get(path, since=token).json() == {"token": token, "changed": False}
    observations_write(campaign=campaign, values={("pop-up", "store_visitors", TODAY, WHOLE_DAY, ""): Decimal(151)},
                       source="manual", actor=users["sales"])
    after = api.get(path, since=token).json()
    assert after["changed"] is True and after["token"] != token
    assert api.get(f"/campaigns/{campaign.pk}/dashboard", as_of="2024-06-16").json()["channels"][3]["visitors"] == "271"  # 120 + 151


def test_access(campaign, api_token):
    assert bearer(api_token("outsider")).get(f"/campaigns/{campaign.pk}/dashboard").status_code == 404
    assert bearer(api_token("outsider")).get(f"/campaigns/{campaign.pk}/dashboard/changes").status_code == 404
    assert anonymous().get(f"/campaigns/{campaign.pk}/dashboard").status_code == 401
    assert bearer(api_token("viewer")).put(f"/campaigns/{campaign.pk}/dashboard/settings",
                                           {"behind_threshold": "20"}).status_code == 403
    assert not PaceSettings.objects.exists()


def test_threshold_endpoint_is_versioned(campaign, api_token):
    api = bearer(api_token("lead"))
    path = f"/campaigns/{campaign.pk}/dashboard/settings"
    assert api.put(path, {"behind_threshold": "40"}).json() == {"behind_threshold": "40.00", "version": 1}
    stale = api.put(path, {"behind_threshold": "50", "version": None})
    assert stale.status_code == 409 and stale.json()["current_version"] == 1
    assert api.put(path, {"behind_threshold": "50", "version": 1}).json() == {"behind_threshold": "50.00",
                                                                               "version": 2}
    assert api.put(path, {"behind_threshold": "101", "version": 2}).status_code == 422
    assert api.put(path, {"behind_threshold": "5", "version": 2, "x": 1}).status_code == 422
    assert PaceSettings.objects.get(campaign=campaign).behind_threshold == Decimal(50)
    body = api.get(f"/campaigns/{campaign.pk}/dashboard", as_of="2024-06-16").json()
    assert [k["status"] for k in body["kpis"]] == ["on_track", "on_track", "on_track", "behind", "on_track"]


def test_standup_card_lists_the_kpis_behind(campaign, client_as):
    html = client_as("viewer").get(reverse("risks:standup", args=[campaign.pk])).content.decode()
    assert f'hx-get="{reverse("metrics_dashboard:behind", args=[campaign.pk])}"' in html
    fragment = client_as("lead").get(reverse("metrics_dashboard:behind", args=[campaign.pk])).content.decode()
    # today (2026) every KPI of June 2024 is over: all five finished short of their targets
    assert fragment.count('data-status="missed"') == 5
    assert "Log an adjustment" in fragment
    assert "Log an adjustment" not in client_as("viewer").get(
        reverse("metrics_dashboard:behind", args=[campaign.pk])).content.decode()
