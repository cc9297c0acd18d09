"""The bulk API with its Idempotency-Key, the file import endpoint, the catalogue and custom metrics."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client

from campaignops.campaigns.tests.api_client import PREFIX, bearer
from campaignops.core.tests.concurrency import at_once
from campaignops.metrics.models import IdempotencyRecord, ImportBatch, Observation

DATA = Path(__file__).parent / "data"
BODY = {"observations": [
    {"day": "2024-06-15", "channel": "pop-up", "metric": "store_visitors", "value": "88"},
    {"day": "2024-06-15", "channel": "douyin", "metric": "live_views", "value": "28400", "hour": None},
    {"day": "2024-06-15", "channel": "douyin", "metric": "spend", "value": "1234.56"},
], "platform": "script"}


@pytest.fixture
def empty(demo):
    Observation.objects.filter(campaign=demo).delete()
    return demo


def post(token: str, campaign_id: int, body: dict, key: str | None = None):
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return Client(headers=headers).post(f"{PREFIX}/campaigns/{campaign_id}/metrics", json.dumps(body),
                                        content_type="application/json")


def values(campaign) -> dict:
    return {(c, m, str(d)): v.normalize() for c, m, d, v in Observation.objects.filter(campaign=campaign)
            .values_list("channel__code", "metric", "day", "value")}


def test_bulk_write_then_replay_returns_the_first_answer_and_writes_nothing(empty, api_token):
    token = api_token("sales")
    first = post(token, empty.pk, BODY, key="k-1")
    assert first.status_code == 201, first.json()
    body = first.json()
    assert {k: body[k] for k in ("received", "created", "updated", "unchanged", "replayed")} == {
        "received": 3, "created": 3, "updated": 0, "unchanged": 0, "replayed": False}
    assert values(empty) == {("pop-up", "store_visitors", "2024-06-15"): Decimal(88),
                             ("douyin", "live_views", "2024-06-15"): Decimal(28400),
                             ("douyin", "spend", "2024-06-15"): Decimal("1234.56")}
    batches = ImportBatch.objects.filter(campaign=empty).count()
    again = post(token, empty.pk, BODY, key="k-1")
    assert again.status_code == 201
    assert again.json() == {**body, "replayed": True}
    assert ImportBatch.objects.filter(campaign=empty).count() == batches
    assert Observation.objects.filter(campaign=empty, source="api").count() == 3


def test_same_key_with_another_body_is_refused(empty, api_token):
    token = api_token("sales")
    assert post(token, empty.pk, BODY, key="k-2").status_code == 201
    other = {**BODY, "observations": [{**BODY["observations"][0], "value": "99"}]}
    refused = post(token, empty.pk, other, key="k-2")
    assert refused.status_code == 422
    assert refused.json()["field"] == "Idempotency-Key"
    assert values(empty)[("pop-up", "store_visitors", "2024-06-15")] == Decimal(88)


def test_without_a_key_sending_again_updates_and_counts_nothing_twice(empty, api_token):
    token = api_token("sales")
    post(token, empty.pk, BODY)
    second = post(token, empty.pk, {"observations": [{**BODY["observations"][0], "value": "90"},
                                                     BODY["observations"][1]]})
    assert {k: second.json()[k] for k in ("created", "updated", "unchanged")} == {"created": 0, "updated": 1,
                                                                                  "unchanged": 1}
    assert Observation.objects.filter(campaign=empty).count() == 3
    assert values(empty)[("pop-up", "store_visitors", "2024-06-15")] == Decimal(90)


def test_bad_items_are_named_and_nothing_is_written(empty, api_token):
    token = api_token("sales")
    bad = {"observations": [BODY["observations"][0], {**BODY["observations"][1], "channel": "kuaishou"},
                            {**BODY["observations"][2], "metric": "ctr"}]}
    response = post(token, empty.pk, bad, key="k-3")
    assert response.status_code == 422
    assert [(e["field"], e["message"]) for e in response.json()["errors"]] == [
        ("observations.1.channel", "Unknown channel: kuaishou"),
        ("observations.2.metric", "“ctr” is not a metric of this campaign.")]
    assert Observation.objects.filter(campaign=empty).count() == 0
    assert not IdempotencyRecord.objects.filter(key="k-3").exists()   # a refused request may be retried
    negative = post(token, empty.pk, {"observations": [{**BODY["observations"][0], "value": "-1"}]})
    assert negative.status_code == 422 and negative.json()["field"] == "observations.0.value"


def test_viewer_and_outsider_may_not_write(empty, api_token):
    assert post(api_token("viewer"), empty.pk, BODY, key="v").status_code == 403
    assert post(api_token("outsider"), empty.pk, BODY, key="o").status_code == 404
    assert Observation.objects.filter(campaign=empty).count() == 0


def test_import_endpoint_previews_then_applies(empty, api_token):
    api = bearer(api_token("lead"))
    with open(DATA / "google_ads_campaign_report.csv", "rb") as f:
        preview = api.client.post(f"{PREFIX}/campaigns/{empty.pk}/metrics/import", {"file": f})
    assert preview.status_code == 200, preview.json()
    out = preview.json()
    assert (out["applied"], out["platform"], out["counts"], out["totals"]["spend"], out["day_count"]) == (
        False, "google_ads", {"new": 15, "changed": 0, "unchanged": 0}, "3941.71", 3)
    assert Observation.objects.filter(campaign=empty).count() == 0
    with open(DATA / "google_ads_campaign_report.csv", "rb") as f:
        applied = api.client.post(f"{PREFIX}/campaigns/{empty.pk}/metrics/import",
                                  {"file": f, "apply": "true", "fingerprint": out["fingerprint"]})
    assert applied.json()["applied"] is True and applied.json()["created"] == 15
    with open(DATA / "daily_semicolon_broken.csv", "rb") as f:
        broken = api.client.post(f"{PREFIX}/campaigns/{empty.pk}/metrics/import", {"file": f, "apply": "true"})
    assert broken.status_code == 422
    assert broken.json()["errors"] == [{"row": 6, "column": "Clicks", "column_letter": "D",
                                        "message": "“28O” is not a number."}]


def test_catalogue_and_custom_metric(empty, api_token):
    api = bearer(api_token("lead"))
    catalogue = api.get(f"/campaigns/{empty.pk}/metrics/catalogue").json()
    assert catalogue["core"] == ["impressions", "clicks", "ctr", "conversions", "cvr", "revenue"]
    ctr = next(m for m in catalogue["metrics"] if m["code"] == "ctr")
    assert (ctr["name_zh"], ctr["kind"], ctr["unit"]) == ("点击率", "derived", "percent")
    made = api.post(f"/campaigns/{empty.pk}/metrics/custom", {"code": "samples_given", "name_en": "Samples given",
                                                              "name_zh": "派样数"})
    assert made.status_code == 201 and made.json()["custom"] is True
    rate = api.post(f"/campaigns/{empty.pk}/metrics/custom", {
        "code": "sample_rate", "name_en": "Samples per visitor", "kind": "derived", "numerator": "samples_given",
        "denominator": "store_visitors", "scale": "100", "unit": "percent"})
    assert rate.status_code == 201 and rate.json()["formula"] == "samples_given ÷ store_visitors × 100"
    taken = api.post(f"/campaigns/{empty.pk}/metrics/custom", {"code": "ctr", "name_en": "X"})
    assert taken.status_code == 422
    # a custom raw metric can be posted
    response = post(api_token("lead"), empty.pk, {"observations": [
        {"day": "2024-06-15", "channel": "pop-up", "metric": "samples_given", "value": "40"}]})
    assert response.status_code == 201


# ---- 100 replays, 20 of them concurrent ---------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_one_hundred_replays_twenty_concurrent_store_the_rows_once(demo):
    Observation.objects.filter(campaign=demo).delete()
    from django.contrib.auth import get_user_model

    sales = get_user_model().objects.get(username="sales")
    key = "import-2024-06-15-popup"

    clients = []
    for _ in range(20):            # signed in beforehand: a sign-in writes the session table
        clients.append(Client())
        clients[-1].force_login(sales)

    def send(client=clients[0]):
        # The browser session (a token would also write its last-used time on every call).
        response = client.post(f"{PREFIX}/campaigns/{demo.pk}/metrics", json.dumps(BODY),
                               content_type="application/json", headers={"Idempotency-Key": key})
        return response.status_code, response.json()

    concurrent = at_once([lambda c=c: send(c) for c in clients], timeout=20)
    assert all(isinstance(r, tuple) for r in concurrent), concurrent
    rest = [send() for _ in range(80)]
    answers = concurrent + rest
    assert {status for status, _body in answers} == {201}
    first = [body for _s, body in answers if not body["replayed"]]
    assert len(first) == 1 and first[0]["created"] == 3
    assert all({**body, "replayed": False} == first[0] for _s, body in answers)
    assert Observation.objects.filter(campaign=demo).count() == 3
    assert ImportBatch.objects.filter(campaign=demo, source="api").count() == 1
    assert IdempotencyRecord.objects.filter(campaign=demo, key=key).count() == 1
    assert values(demo)[("douyin", "spend", "2024-06-15")] == Decimal("1234.56")
