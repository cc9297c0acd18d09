"""campaignops import_metrics CAMPAIGN_ID FILE [--channel CODE] [--dry-run]: a platform export or a big
CSV of observations (larger than the browser's upload limit), checked whole, then applied all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from campaignops.campaigns.models import Campaign
from campaignops.core.errors import DomainError
from campaignops.core.spreadsheets import guard_upload
from campaignops.metrics import services


class Command(BaseCommand):
    help = "Import numbers from a platform export (.csv/.tsv/.xlsx) into a campaign; nothing is written on error."

    def add_arguments(self, parser):
        parser.add_argument("campaign_id", type=int)
        parser.add_argument("path")
        parser.add_argument("--channel", default="", help="Channel code for files that name none.")
        parser.add_argument("--dry-run", action="store_true", help="Check and preview only.")

    def handle(self, *args, campaign_id: int, path: str, channel: str, dry_run: bool, **options):
        campaign = Campaign.objects.filter(pk=campaign_id).first()
        if campaign is None:
            raise CommandError(_("There is no campaign %(id)s.") % {"id": campaign_id})
        try:
            upload = guard_upload(Path(path).name, Path(path).read_bytes(), services.big_limits())
            parsed = services.parse_upload(campaign, upload, channel=channel)
        except (OSError, DomainError) as exc:
            raise CommandError(str(getattr(exc, "message", exc))) from exc
        for issue in parsed.errors[:50]:
            self.stderr.write(_("Row %(row)s, column %(letter)s %(column)s: %(message)s") % {
                "row": issue.row, "letter": issue.letter, "column": issue.column, "message": issue.message})
        if not parsed.ok:
            raise CommandError(_("Nothing was imported: the file has %(n)s problem(s).") % {"n": len(parsed.errors)})
        seen = services.preview(campaign, parsed)
        self.stdout.write(_("%(platform)s: %(new)s new, %(changed)s changed, %(unchanged)s unchanged numbers over "
                            "%(days)s days.") % {"platform": parsed.cmap.platform_name or parsed.cmap.platform,
                                                 **seen.counts, "days": len(seen.days)})
        if dry_run:
            return
        _batch, written = services.observations_write(campaign=campaign, values=parsed.values, source="file",
                                                      actor=None, platform=parsed.cmap.platform,
                                                      file_name=upload.name)
        self.stdout.write(_("Imported: %(created)s new numbers, %(updated)s changed, %(unchanged)s unchanged.") % {
            "created": written.created, "updated": written.updated, "unchanged": written.unchanged})
