"""Shared fixtures: the demo campaign and its people, clients signed in as each, an outsider."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import settings as hypothesis_settings

# Property tests check results, never speed (speed targets live in `make bench`): no per-example
# deadline, which a busy CI machine would trip on the first, cold example.
hypothesis_settings.register_profile("campaignops", deadline=None)
hypothesis_settings.load_profile("campaignops")


@pytest.fixture(autouse=True, scope="session")
def _media_root_of_this_run(tmp_path_factory):
    """Files the tests upload land in a directory of this test process: never var/, and never
    another parallel worker's (whose campaigns have the same ids)."""
    from django.conf import settings

    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _no_axes_lockout(settings):
    settings.AXES_ENABLED = False
    # PBKDF2 costs ~1 s per demo user on this machine; tests need a hash, not a strong one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_by_default():
    """Each test starts in English and leaves no language behind (a zh-hans request activates it)."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def demo(db):
    """The seed campaign loaded by `campaignops demo`."""
    from campaignops.demo import load_all

    campaign, _ = load_all()
    return campaign


@pytest.fixture
def users(demo):
    """Demo users by user name (lead, sales, product, finance, logistics, viewer) plus `outsider`."""
    User = get_user_model()
    people = {u.username: u for u in User.objects.filter(memberships__campaign=demo)}
    people["outsider"], _ = User.objects.get_or_create(username="outsider")
    return people


@pytest.fixture
def client_as(users):
    """client_as("viewer") -> a Django test client signed in as that demo user."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(users[username])
        return client

    return make


@pytest.fixture
def api_token(users):
    """api_token("lead") -> a Bearer token string for that user."""
    from campaignops.accounts.models import ApiToken

    def make(username: str) -> str:
        _, raw = ApiToken.issue(user=users[username], name="test")
        return raw

    return make


# ---- browser tests ------------------------------------------------------------------------------

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


@pytest.fixture(scope="session")
def _browser():
    import shutil

    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page_as(_browser, live_server, users):
    """page_as("lead", lang="zh-hans") -> a Playwright page signed in as that demo user on the live
    server; `page.url_for("/campaigns/")` makes absolute URLs. CSP violations and JS errors fail the test."""
    from campaignops.planning.demo import DEMO_PASSWORD

    contexts, errors = [], []

    def make(username: str, lang: str = "en"):
        user = users[username]
        if not user.password or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save()
        ctx = _browser.new_context(locale="zh-CN" if lang.startswith("zh") else "en-US",
                                   viewport={"width": 1400, "height": 900})
        contexts.append(ctx)
        page = ctx.new_page()
        page.on("pageerror", lambda exc: errors.append(f"JS error: {exc}"))
        page.on("console", lambda msg: errors.append(f"console: {msg.text}")
                if msg.type == "error" and "Content Security Policy" in msg.text else None)
        page.url_for = lambda path: live_server.url + path
        page.goto(live_server.url + "/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/campaigns/")
        return page

    yield make
    for ctx in contexts:
        ctx.close()
    assert not errors, errors
