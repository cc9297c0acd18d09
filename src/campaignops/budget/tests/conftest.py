"""Shared test data of the budget app: a second Finance member, a snapshot of every budget row, and
small receipt files."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from campaignops.budget.models import BudgetLine, BudgetRevision, Expense, Material, SpendOverride
from campaignops.campaigns.models import Membership
from campaignops.core.models import AuditEntry

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Receipts go to a temporary MEDIA_ROOT, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def finance2(demo, users):
    user = get_user_model().objects.create_user(username="finance2", password="unused-password-2")
    Membership.objects.create(campaign=demo, user=user, role="finance", department="finance")
    users["finance2"] = user
    return user


def snapshot(campaign) -> dict:
    """Every budget row of the campaign (values), and the audit count: compared before/after refusals."""
    return {
        "lines": list(BudgetLine.objects.filter(campaign=campaign).order_by("id")
                      .values_list("id", "name", "planned", "approved_amount", "version")),
        "revisions": list(BudgetRevision.objects.filter(campaign=campaign).order_by("id")
                          .values_list("id", "number", "status", "decided_by", "version")),
        "materials": list(Material.objects.filter(campaign=campaign).order_by("id")
                          .values_list("id", "status", "quantity", "unit_cost", "line", "version")),
        "expenses": list(Expense.objects.filter(campaign=campaign).order_by("id").values_list("id", "amount", "line")),
        "overrides": list(SpendOverride.objects.filter(campaign=campaign).values_list("id", "amount")),
        "audit": AuditEntry.objects.count(),
    }


def line(campaign, key: str) -> BudgetLine:
    """A demo line by the start of its name: line(demo, "快闪店")."""
    return BudgetLine.objects.get(campaign=campaign, name__startswith=key)
