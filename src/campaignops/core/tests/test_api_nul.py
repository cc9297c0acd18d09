"""A NUL character in API input is bad input (422 naming the field), never a database error."""

import json

import pytest

from campaignops.campaigns.models import Campaign

pytestmark = pytest.mark.django_db


def test_a_nul_in_a_body_is_refused_naming_the_field(users, api_token):
    from django.test import Client

    before = Campaign.objects.count()
    response = Client().post(
        "/api/v1/campaigns", data=json.dumps({"name": "Spring\x00sale", "start_date": "2026-03-01",
                                              "end_date": "2026-03-10"}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {api_token('lead')}")
    assert response.status_code == 422
    assert response.json()["field"] == "name"
    assert response.json()["detail"] == "name: Text may not contain the NUL character."
    assert Campaign.objects.count() == before


def test_a_nul_in_a_nested_list_names_its_position(users, api_token, demo):
    from django.test import Client

    response = Client().post(
        f"/api/v1/campaigns/{demo.pk}/metrics", data=json.dumps({"rows": [{"metric": "clicks\x00"}]}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {api_token('lead')}")
    assert response.status_code == 422
    assert response.json()["field"] == "rows.0.metric"


def test_a_nul_in_a_query_string_is_refused(users, api_token):
    from django.test import Client

    response = Client().get("/api/v1/lessons", {"q": "预算\x00"}, HTTP_AUTHORIZATION=f"Bearer {api_token('lead')}")
    assert response.status_code == 422
    assert response.json()["field"] == "q"


def test_a_non_member_still_gets_404_for_a_nul_body(users, api_token, demo):
    from django.test import Client

    response = Client().post(
        f"/api/v1/campaigns/{demo.pk}/metrics", data=json.dumps({"rows": [{"metric": "x\x00"}]}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {api_token('outsider')}")
    assert response.status_code == 404
