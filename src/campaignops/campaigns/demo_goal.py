"""The demo's Goal Confirmation: the heads of Marketing (lead), Sales and Product must sign; nobody has yet,
so a user can sign in the browser. Idempotent: an existing signer list is left as it is."""

from .models import GoalSigner
from .signoff import default_signers


def extend_demo(campaign, users) -> None:
    if GoalSigner.objects.filter(campaign=campaign).exists():
        return
    wanted = [users[name] for name in ("lead", "sales", "product") if name in users] or default_signers(campaign)
    GoalSigner.objects.bulk_create([GoalSigner(campaign=campaign, user=user) for user in wanted])
