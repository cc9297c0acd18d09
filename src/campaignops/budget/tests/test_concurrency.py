"""Two Finance members approve the same revision at the same moment: exactly one approval (the
conditional UPDATE … WHERE status = 'submitted'), the other gets "already approved". Real threads,
real transactions, on SQLite and on PostgreSQL (run with DATABASE_URL)."""


import pytest

from campaignops.budget import services
from campaignops.budget.models import BudgetRevision
from campaignops.core.models import AuditEntry
from campaignops.core.tests.concurrency import at_once

pytestmark = pytest.mark.django_db(transaction=True)


def _race(calls):
    """("ok", result) or ("error", exception) for each call, run at the same moment."""
    return [("error", r) if isinstance(r, Exception) else ("ok", r) for r in at_once(calls)]


@pytest.mark.parametrize("round_", range(3))
def test_two_finance_members_approving_at_once_make_one_approval(demo, users, finance2, round_):
    services.line_create(campaign=demo, actor=users["lead"], name=f"加投 {round_}", planned="1000")
    revision = services.revision_submit(campaign=demo, actor=users["lead"])
    audits = AuditEntry.objects.filter(action="budget_revision.approve").count()

    def approve(user):
        loaded = BudgetRevision.objects.select_related("campaign").get(pk=revision.pk)   # as the view loads it
        return lambda: services.revision_approve(revision=loaded, actor=user, comment=user.username)

    results = _race([approve(users["finance"]), approve(finance2)])
    outcomes = sorted(kind for kind, _v in results)
    assert outcomes == ["error", "ok"], results
    error = next(v for kind, v in results if kind == "error")
    assert isinstance(error, services.AlreadyDecided), repr(error)
    assert str(error.message) == "This revision has already been approved."
    stored = BudgetRevision.objects.get(pk=revision.pk)
    winner = next(v for kind, v in results if kind == "ok")
    assert (stored.status, stored.decided_by_id, stored.comment) == ("approved", winner.decided_by_id,
                                                                     winner.decided_by.username)
    assert AuditEntry.objects.filter(action="budget_revision.approve").count() == audits + 1


def test_approve_and_reject_at_once_make_one_decision(demo, users, finance2):
    services.line_create(campaign=demo, actor=users["lead"], name="备用金", planned="500")
    revision = services.revision_submit(campaign=demo, actor=users["lead"])

    first, second = (BudgetRevision.objects.select_related("campaign").get(pk=revision.pk) for _ in range(2))
    results = _race([lambda: services.revision_approve(revision=first, actor=users["finance"]),
                     lambda: services.revision_reject(revision=second, actor=finance2, comment="太多")])
    assert sorted(kind for kind, _v in results) == ["error", "ok"], results
    stored = BudgetRevision.objects.get(pk=revision.pk)
    assert stored.status in ("approved", "rejected")
    assert isinstance(next(v for kind, v in results if kind == "error"), services.AlreadyDecided)


def test_two_concurrent_approve_requests_make_one_approval(demo, users, finance2):
    """The same race through HTTP: two API requests (browser sessions) at once, one 200 and one 409."""
    from django.db.backends.signals import connection_created
    from django.test import Client

    services.line_create(campaign=demo, actor=users["lead"], name="加投直播", planned="3000")
    revision = services.revision_submit(campaign=demo, actor=users["lead"])
    path = f"/api/v1/campaigns/{demo.pk}/budget/revisions/{revision.pk}/approve"
    clients = []
    for user in (users["finance"], finance2):
        client = Client()
        client.force_login(user)
        clients.append(client)

    def dirty_reads(sender, connection, **kwargs):
        # The tests' SQLite database is in memory with a shared cache, where a reader is refused (not
        # made to wait) while another connection writes; a file database in WAL mode — what the app
        # runs on — never blocks readers. Let the readers read, as they would there.
        if connection.vendor == "sqlite":
            connection.cursor().execute("PRAGMA read_uncommitted = 1")

    connection_created.connect(dirty_reads)
    try:
        results = _race([lambda c=c: c.post(path, "{}", content_type="application/json") for c in clients])
    finally:
        connection_created.disconnect(dirty_reads)
    statuses = sorted(r.status_code for kind, r in results if kind == "ok")
    assert statuses == [200, 409], results
    loser = next(r for _k, r in results if r.status_code == 409)
    assert loser.json()["detail"] == "This revision has already been approved."
    stored = BudgetRevision.objects.get(pk=revision.pk)
    assert stored.status == "approved" and stored.decided_by_id in (users["finance"].pk, finance2.pk)
