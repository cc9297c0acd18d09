"""The campaign's pace settings for its dashboard (owned by the dashboard side of the metrics app):
how far a KPI's forecast may miss its target before the KPI counts as behind.

The model is registered through `metrics/models.py` (one import line at its end)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaignops.campaigns.models import Campaign
from campaignops.core.models import TimeStampedModel

DEFAULT_THRESHOLD = Decimal(10)


class PaceSettings(TimeStampedModel):
    """One row per campaign (none: the default threshold of 10 %)."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="pace_settings")
    behind_threshold = models.DecimalField(
        _("behind threshold (%)"), max_digits=5, decimal_places=2, default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("A KPI is behind when its forecast misses the target by more than this percentage."))

    class Meta:
        app_label = "metrics"
        verbose_name = _("pace settings")
        verbose_name_plural = _("pace settings")
        constraints = [models.CheckConstraint(
            condition=models.Q(behind_threshold__gte=0, behind_threshold__lte=100), name="pace_threshold_range")]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.behind_threshold} %"


def pace_threshold(campaign: Campaign) -> Decimal:
    """The campaign's threshold in percent (one query)."""
    value = PaceSettings.objects.filter(campaign_id=campaign.pk).values_list("behind_threshold", flat=True).first()
    return DEFAULT_THRESHOLD if value is None else value


def pace_settings_save(*, campaign: Campaign, behind_threshold: Decimal, version: int | None, actor) -> PaceSettings:
    """Set the campaign's behind threshold. `version` is the one read (None when no row was stored yet);
    a stale one is refused (409) and nothing changes."""
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction
    from django.utils.translation import gettext as gettext_now

    from campaignops.core import audit
    from campaignops.core.errors import StaleVersion, ValidationFailed
    from campaignops.core.versioning import save_versioned

    stale = gettext_now("Someone else changed this item in the meantime. Reload to see their changes, then edit again.")
    with transaction.atomic():
        row = PaceSettings.objects.select_for_update().filter(campaign=campaign).first()
        before = row.behind_threshold if row else DEFAULT_THRESHOLD
        candidate = row or PaceSettings(campaign=campaign)
        candidate.behind_threshold = behind_threshold
        try:
            candidate.full_clean(exclude=["campaign"])
        except ValidationError as exc:
            raise ValidationFailed(exc.messages[0], field="behind_threshold") from exc
        if row is None:
            if version is not None:
                raise StaleVersion(stale, current_version=0)
            try:
                with transaction.atomic():
                    candidate.save()
            except IntegrityError as exc:  # someone created it at the same moment
                raise StaleVersion(stale, current_version=1) from exc
        else:
            if version is None:
                raise StaleVersion(stale, current_version=row.version)
            save_versioned(candidate, expected_version=version, fields=["behind_threshold"])
        audit.record(actor=actor, action="pace_settings.update", obj=candidate,
                     changes={"behind_threshold": (str(before), str(behind_threshold))})
    return candidate
