"""The demo lead signs in and reaches the seed campaign's plan in a real browser."""

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_lead_signs_in_and_opens_the_plan(page_as, demo):
    page = page_as("lead")
    page.click(f"a[href='/campaigns/{demo.pk}/']")
    page.click(f"a[href='/campaigns/{demo.pk}/plan/']")
    assert page.locator("text=直播带货、线下快闪店").count() == 1
