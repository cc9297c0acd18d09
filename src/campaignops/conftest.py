"""Shared fixtures: the demo campaign and its people, clients signed in as each, an outsider."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client


@pytest.fixture(autouse=True)
def _no_axes_lockout(settings):
    settings.AXES_ENABLED = False


@pytest.fixture
def demo(db):
    """The seed campaign loaded by `campaignops demo`."""
    from campaignops.planning.demo import load_demo

    campaign, _ = load_demo()
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
