"""Two signs at the same moment: one signature (SQLite and PostgreSQL, real transactions and threads)."""

import pytest

from campaignops.campaigns import signoff
from campaignops.campaigns.models import Campaign, GoalSignature
from campaignops.core.models import AuditEntry
from campaignops.core.tests.concurrency import at_once


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_signs_by_the_same_person_make_one_signature(demo, users):
    def sign():
        return signoff.goal_sign(campaign=Campaign.objects.get(pk=demo.pk), actor=users["sales"])

    results = at_once([sign, sign])
    assert all(isinstance(r, signoff.SignResult) for r in results), results
    assert sorted(r.created for r in results) == [False, True]
    assert results[0].signature.pk == results[1].signature.pk
    assert GoalSignature.objects.filter(campaign=demo).count() == 1
    assert AuditEntry.objects.filter(action="goal.sign").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_last_two_signers_at_once_confirm_the_campaign_once(demo, users):
    signoff.goal_sign(campaign=Campaign.objects.get(pk=demo.pk), actor=users["lead"])

    def sign(name):
        return lambda: signoff.goal_sign(campaign=Campaign.objects.get(pk=demo.pk), actor=users[name])

    results = at_once([sign("sales"), sign("product")])
    assert [r.created for r in results] == [True, True], results
    assert Campaign.objects.get(pk=demo.pk).status == "confirmed"
    assert GoalSignature.objects.filter(campaign=demo, voided_at__isnull=True).count() == 3
    assert AuditEntry.objects.filter(action="campaign.confirm").count() == 1
