"""The user's own page: profile preferences, language, personal API tokens; the sign-in page's language."""

import re

import pytest
from django.conf import settings

from campaignops.accounts.models import ApiToken, Profile
from campaignops.core.models import AuditEntry

HX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.mark.django_db
def test_profile_shows_and_saves_preferences(demo, users, client_as):
    lead = client_as("lead")
    page = lead.get("/me/").content.decode()
    assert 'value="王芳 Wang Fang"' in page and '<option value="marketing" selected>' in page
    response = lead.post("/me/", {"display_name": "Wang Fang", "department": "sales", "language": "zh-hans",
                                  "time_zone": "Europe/Berlin"})
    assert response.status_code == 302 and response["Location"] == "/me/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    profile = Profile.objects.get(user=users["lead"])
    assert (profile.display_name, profile.department, profile.language, profile.time_zone) == (
        "Wang Fang", "sales", "zh-hans", "Europe/Berlin")
    assert AuditEntry.objects.filter(action="profile.update", actor=users["lead"]).count() == 1


@pytest.mark.django_db
def test_the_chosen_language_applies_on_the_next_request_even_after_the_switcher(demo, users, client_as):
    lead = client_as("lead")
    lead.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # chosen earlier with the switcher
    lead.post("/me/", {"display_name": "王芳", "department": "marketing", "language": "zh-hans",
                       "time_zone": "Asia/Shanghai"})
    assert '<html lang="zh-hans"' in lead.get("/campaigns/").content.decode()
    lead.post("/me/", {"display_name": "王芳", "department": "marketing", "language": "",
                       "time_zone": "Asia/Shanghai"})
    assert lead.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""  # deleted: the browser decides again
    assert '<html lang="en"' in lead.get("/campaigns/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()


@pytest.mark.django_db
def test_profile_refuses_an_unknown_time_zone_next_to_the_field(demo, users, client_as):
    response = client_as("lead").post("/me/", {"display_name": "X", "department": "", "language": "",
                                               "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert re.search(r'id="id_time_zone_error">Unknown time zone', response.content.decode())
    assert Profile.objects.get(user=users["lead"]).display_name == "王芳 Wang Fang"


@pytest.mark.django_db
def test_a_user_without_a_profile_gets_one(users, client_as):
    assert client_as("outsider").get("/me/").status_code == 200
    assert Profile.objects.filter(user=users["outsider"]).exists()


@pytest.mark.django_db
def test_token_is_shown_once_listed_by_prefix_and_works_until_revoked(demo, users, client_as):
    lead = client_as("lead")
    response = lead.post("/me/tokens/", {"name": "weekly report"}, **HX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="tokens"')
    raw = re.search(r'id="new-token" value="(co_[^"]+)"', html).group(1)
    token = ApiToken.objects.get(user=users["lead"], name="weekly report")
    assert token.digest == ApiToken.hash(raw) and raw.startswith(token.prefix) and raw not in token.digest
    assert "copy it now: it is shown only once" in text(response)
    listing = lead.get("/me/")
    assert raw not in listing.content.decode()
    assert f"weekly report {token.prefix}… " in text(listing) and "never" in text(listing)
    api = lead.__class__()
    assert api.get("/api/v1/campaigns", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    revoked = lead.post(f"/me/tokens/{token.pk}/revoke/", **HX)
    assert "The token “weekly report” is revoked" in text(revoked)
    token.refresh_from_db()
    assert token.revoked
    assert api.get("/api/v1/campaigns", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert AuditEntry.objects.filter(action__in=["api_token.create", "api_token.revoke"]).count() == 2


@pytest.mark.django_db
def test_token_needs_a_name_and_others_tokens_are_404(demo, users, client_as):
    lead = client_as("lead")
    response = lead.post("/me/tokens/", {"name": "  "}, **HX)
    assert re.search(r'id="id_name_error">', response.content.decode())
    assert not ApiToken.objects.filter(user=users["lead"]).exists()
    theirs, _ = ApiToken.issue(user=users["sales"], name="sales script")
    assert lead.post(f"/me/tokens/{theirs.pk}/revoke/").status_code == 404
    assert lead.get(f"/me/tokens/{theirs.pk}/revoke/").status_code == 405
    theirs.refresh_from_db()
    assert not theirs.revoked


@pytest.mark.django_db
def test_anonymous_users_can_switch_the_language_on_the_sign_in_page(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'action="/i18n/setlang/"' in page and '<option value="zh-hans" lang="zh-hans">简体中文</option>' in page
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert '<html lang="zh-hans"' in client.get("/accounts/login/").content.decode()


@pytest.mark.django_db
def test_profile_pages_need_sign_in(client):
    for url in ("/me/", "/me/tokens/"):
        response = client.get(url) if url == "/me/" else client.post(url, {"name": "x"})
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
