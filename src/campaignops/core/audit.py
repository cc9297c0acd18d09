"""Write audit rows from services (inside their transaction)."""

from typing import Any

from django.db import models

from .models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return str(value)


def record(*, actor, action: str, obj: models.Model, campaign_id: int | None = None,
           changes: dict[str, tuple[Any, Any]] | None = None, summary: str = "") -> AuditEntry:
    """Record one change. `changes` maps field -> (old, new)."""
    plain = {k: [_plain(a), _plain(b)] for k, (a, b) in (changes or {}).items()}
    if campaign_id is None:
        campaign_id = getattr(obj, "campaign_id", None)
    return AuditEntry.objects.create(
        campaign_id=campaign_id,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        summary=summary[:300],
        changes=plain,
    )
