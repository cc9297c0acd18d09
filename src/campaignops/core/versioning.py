"""Optimistic locking: write only if the stored version is the one the client read."""

from django.db import models
from django.db.models import F
from django.utils.translation import gettext as _

from .errors import StaleVersion


def save_versioned(instance: models.Model, *, expected_version: int | None, fields: list[str]) -> None:
    """Save `fields` of `instance` and bump its version, atomically against a concurrent writer.

    `expected_version=None` skips the check (used by imports that already verified versions).
    Raises StaleVersion (409) and writes nothing when someone else saved first.
    """
    model = type(instance)
    qs = model._default_manager.filter(pk=instance.pk)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    values = {f: getattr(instance, model._meta.get_field(f).attname) for f in fields}
    if "updated_at" in {f.name for f in model._meta.fields}:
        from django.utils import timezone

        values["updated_at"] = timezone.now()
    updated = qs.update(version=F("version") + 1, **values)
    if not updated:
        current = model._default_manager.filter(pk=instance.pk).values_list("version", flat=True).first()
        raise StaleVersion(
            _("Someone else changed this item in the meantime. Reload to see their changes, then edit again."),
            current_version=current or 0,
        )
    instance.version = (expected_version if expected_version is not None else instance.version) + 1
    if expected_version is None:
        instance.refresh_from_db(fields=["version"])
