"""campaignops export-plan CAMPAIGN_ID out.xlsx [--lang zh-hans]"""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from campaignops.campaigns.models import Campaign
from campaignops.planning.io.export import export_plan


class Command(BaseCommand):
    help = "Export a campaign's plan to an .xlsx file (the seed's 8 columns, then status, channel, deliverables, ID)."

    def add_arguments(self, parser):
        parser.add_argument("campaign_id", type=int)
        parser.add_argument("path", help="Where to write the .xlsx file ('-' for standard output).")
        parser.add_argument("--lang", default=settings.LANGUAGE_CODE, choices=[code for code, _n in settings.LANGUAGES],
                            help="Language of the headers and statuses.")

    def handle(self, *args, campaign_id: int, path: str, lang: str, **options):
        with translation.override(lang):
            campaign = Campaign.objects.filter(pk=campaign_id).first()
            if campaign is None:
                raise CommandError(_("There is no campaign %(id)s.") % {"id": campaign_id})
            data = export_plan(campaign=campaign, lang=lang)
            if path == "-":
                sys.stdout.buffer.write(data)
                return
            Path(path).write_bytes(data)
            count = campaign.tasks.count()
            self.stdout.write(_("Wrote %(count)s tasks of “%(campaign)s” to %(path)s.") % {
                "count": count, "campaign": campaign.name, "path": path})
