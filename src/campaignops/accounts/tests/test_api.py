"""Who am I, personal API tokens (Bearer), and the API's documentation under the strict CSP."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from campaignops.accounts.models import ApiToken
from campaignops.campaigns.tests.api_client import anonymous, bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_as(api_token):
    return lambda username: bearer(api_token(username))


def test_me(demo, users, api_as):
    assert api_as("lead").get("/me").json() == {
        "id": users["lead"].pk, "username": "lead", "name": "王芳 Wang Fang", "email": "lead@example.com",
        "department": "marketing", "language": None, "time_zone": "Asia/Shanghai", "is_site_admin": False,
    }
    assert api_as("outsider").get("/me").json()["department"] is None
    assert anonymous().get("/me").status_code == 401


def test_me_with_the_browser_session(demo, client_as):
    response = client_as("viewer").get("/api/v1/me")
    assert (response.status_code, response.json()["username"]) == (200, "viewer")


def test_token_lifecycle(demo, users):
    session = Client()
    session.force_login(users["sales"])
    created = session.post("/api/v1/me/tokens", '{"name": "nightly import"}', content_type="application/json")
    assert created.status_code == 201, created.json()
    body = created.json()
    raw = body["token"]
    assert raw.startswith("co_") and len(raw) > 40
    assert (body["name"], body["prefix"], body["revoked"], body["last_used_at"], body["expires_at"]) == (
        "nightly import", raw[:10], False, None, None)
    row = ApiToken.objects.get(pk=body["id"])
    assert row.digest == ApiToken.hash(raw) and raw not in (row.digest, row.prefix)

    script = bearer(raw)
    assert script.get("/me").json()["username"] == "sales"
    assert ApiToken.objects.get(pk=body["id"]).last_used_at is not None
    listed = session.get("/api/v1/me/tokens").json()
    assert [(t["id"], t["name"], "token" in t) for t in listed] == [(body["id"], "nightly import", False)]

    assert script.delete(f"/me/tokens/{body['id']}").status_code == 204
    assert ApiToken.objects.get(pk=body["id"]).revoked is True
    assert script.get("/me").status_code == 401
    assert script.get("/campaigns").status_code == 401
    assert session.get("/api/v1/me/tokens").json()[0]["revoked"] is True


def test_tokens_are_personal(demo, users, api_as):
    token, _raw = ApiToken.issue(user=users["lead"], name="lead's")
    outsider = api_as("outsider")
    assert [t["name"] for t in outsider.get("/me/tokens").json()] == ["test"]  # only their own
    assert outsider.delete(f"/me/tokens/{token.pk}").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked is False


def test_token_list_query_count(demo, users, api_as, django_assert_num_queries):
    api = api_as("lead")
    for i in range(5):
        ApiToken.issue(user=users["lead"], name=f"t{i}")
    with django_assert_num_queries(3):  # token, last-used, tokens
        assert len(api.get("/me/tokens").json()) == 6


def test_expired_unknown_and_malformed_tokens_get_401(demo, users):
    token, raw = ApiToken.issue(user=users["lead"], name="old",
                                expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert bearer(raw).get("/me").status_code == 401
    assert bearer("co_not-a-token").get("/me").status_code == 401
    assert Client(headers={"Authorization": "Token abc"}).get("/api/v1/me").status_code == 401
    users["lead"].is_active = False
    users["lead"].save()
    _token, live = ApiToken.issue(user=users["lead"], name="inactive user")
    assert bearer(live).get("/me").status_code == 401


@pytest.mark.parametrize(("payload", "field"), [
    ({"name": ""}, "name"),
    ({"name": "x", "scope": "all"}, "scope"),
    ({"name": "x", "expires_at": "2020-01-01T00:00:00Z"}, "expires_at"),
])
def test_token_create_bad_input_writes_nothing(demo, api_as, payload, field):
    api = api_as("lead")
    before = ApiToken.objects.count()
    response = api.post("/me/tokens", payload)
    assert (response.status_code, response.json()["field"]) == (422, field)
    assert ApiToken.objects.count() == before


def test_token_with_expiry(demo, api_as):
    expires = (timezone.now() + dt.timedelta(days=30)).replace(microsecond=0)
    body = api_as("lead").post("/me/tokens", {"name": "month", "expires_at": expires.isoformat()}).json()
    assert ApiToken.objects.get(pk=body["id"]).expires_at == expires
    assert bearer(body["token"]).get("/me").status_code == 200


def test_token_endpoints_anonymous_get_401(demo, users):
    token, _raw = ApiToken.issue(user=users["lead"], name="x")
    api = anonymous()
    assert [api.get("/me/tokens").status_code, api.post("/me/tokens", {"name": "x"}).status_code,
            api.delete(f"/me/tokens/{token.pk}").status_code] == [401, 401, 401]
    assert ApiToken.objects.get(pk=token.pk).revoked is False


# ---- documentation ------------------------------------------------------------------------------

def test_openapi_lists_every_router_and_both_auth_schemes(db):
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "CampaignOps API"
    assert {"/api/v1/campaigns", "/api/v1/campaigns/from-template", "/api/v1/campaigns/{campaign_id}/tasks/{task_id}",
            "/api/v1/templates", "/api/v1/me/tokens", "/api/v1/campaigns/{campaign_id}/plan/import"} <= set(
        schema["paths"])
    assert set(schema["components"]["securitySchemes"]) == {"BearerToken", "SessionAuth"}


def test_docs_page_loads_only_local_files_and_no_inline_script(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert [attrs.strip() for attrs, _body in scripts] == [
        'id="swagger-settings" type="application/json"',
        'src="/static/ninja/swagger-ui-bundle.js"', 'src="/static/ninja/swagger-ui-init.js"']
    assert all(not body.strip() for attrs, body in scripts if "src=" in attrs)
    assert re.findall(r"(?:src|href)=\"(https?:)?//", html) == []
    assert " style=" not in html and " on" not in re.sub(r"\s+", " ", html).replace(" one", "")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_docs_render_every_operation_in_chromium_without_csp_errors(page_as, demo):
    """The page_as fixture fails the test on any CSP violation or JS error."""
    from campaignops.api import api

    operations = sum(len(methods) for methods in api.get_openapi_schema()["paths"].values())
    page = page_as("lead")
    page.goto(page.url_for("/api/v1/docs"))
    page.wait_for_selector(".opblock-summary-path")
    assert page.locator(".opblock").count() == operations
    me = page.locator("#operations-me-campaignops_accounts_api_me")
    me.locator(".opblock-summary").click()
    page.click("button.try-out__btn")
    page.click("button.execute")
    status = page.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "200"
    assert '"username": "lead"' in page.locator(".live-responses-table tbody .microlight").first.inner_text()
    # A write from the docs page: the session plus the CSRF token the page hands to Swagger UI.
    create = page.locator("#operations-me-campaignops_accounts_api_token_create")
    create.locator(".opblock-summary").click()
    create.locator("button.try-out__btn").click()
    create.locator("textarea.body-param__text").fill('{"name": "from the docs"}')
    create.locator("button.execute").click()
    status = create.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "201"
    assert ApiToken.objects.filter(user__username="lead", name="from the docs").count() == 1
