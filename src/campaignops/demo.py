"""The whole demo, wired in one place: the seed campaign with its plan, risks and issues (planning),
then each later app's share of it. Every part is idempotent; running it again changes nothing."""

from importlib import import_module

from django.contrib.auth import get_user_model
from django.db import transaction

# Modules with `extend_demo(campaign, users)`, run in this order after the plan is loaded.
PARTS: list[str] = [
    "campaignops.campaigns.demo_goal",
    "campaignops.budget.demo",
    "campaignops.lessons.demo",
    "campaignops.metrics.demo",
    "campaignops.reports.demo",
]


@transaction.atomic
def load_all():
    """Load the demo; returns the campaign and whether it was created by this call."""
    from campaignops.planning.demo import load_demo

    campaign, created = load_demo()
    users = {u.username: u for u in get_user_model().objects.filter(memberships__campaign=campaign)}
    for path in PARTS:
        import_module(path).extend_demo(campaign, users)
    return campaign, created
