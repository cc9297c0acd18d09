"""campaignops import-plan CAMPAIGN_ID in.xlsx|in.csv [--apply] — prints the preview or the errors."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from campaignops.campaigns.models import Campaign
from campaignops.core.errors import DomainError
from campaignops.core.spreadsheets import Limits, check_size, guard_upload
from campaignops.planning.io.importer import ImportResult, column_names, plan_import_apply, preview_upload
from campaignops.planning.io.present import Presenter, summary_line

SYMBOL = {"new": "+", "changed": "~", "unchanged": "="}


class Command(BaseCommand):
    help = ("Import a plan file (.xlsx, .xls, .ods, .csv) into a campaign: shows what would change; "
            "--apply writes it, all or nothing.")

    def add_arguments(self, parser):
        parser.add_argument("campaign_id", type=int)
        parser.add_argument("path")
        parser.add_argument("--apply", action="store_true", help="Write the changes (default: preview only).")
        parser.add_argument("--lang", default=settings.LANGUAGE_CODE, choices=[code for code, _n in settings.LANGUAGES])
        parser.add_argument("--user", help="User name recorded as the author in the audit log.")
        parser.add_argument("--all", action="store_true", help="Also list the unchanged rows.")

    def handle(self, *args, campaign_id: int, path: str, apply: bool, lang: str, user: str | None, **options):
        with translation.override(lang):
            campaign = Campaign.objects.filter(pk=campaign_id).first()
            if campaign is None:
                raise CommandError(_("There is no campaign %(id)s.") % {"id": campaign_id})
            actor = self._actor(user)
            file = Path(path)
            try:
                check_size(file.stat().st_size, Limits.from_settings())
                result = preview_upload(campaign=campaign, upload=guard_upload(file.name, file.read_bytes()), lang=lang)
            except OSError as exc:
                raise CommandError(str(exc)) from exc
            except DomainError as exc:
                raise CommandError(str(exc.message)) from exc
            self._report(result, lang, everything=options["all"])
            if not result.ok:
                raise CommandError(_("The file was not imported: correct the rows listed and try again."))
            if not apply:
                self.stdout.write(_("Nothing was written (a preview). Run again with --apply to import."))
                return
            summary = plan_import_apply(campaign=campaign, actor=actor, rows=result.parsed.rows,
                                        columns=column_names(result.parsed.header),
                                        expected_fingerprint=result.preview.fingerprint, file_name=file.name)
            self.stdout.write(self.style.SUCCESS(_("Imported. %(summary)s") % {"summary": summary_line(
                {"new": summary.created, "changed": summary.updated, "unchanged": summary.unchanged},
                summary.phases_created)}))

    def _actor(self, username: str | None):
        if not username:
            return None
        actor = get_user_model().objects.filter(username=username).first()
        if actor is None:
            raise CommandError(_("There is no user %(name)s.") % {"name": username})
        return actor

    def _report(self, result: ImportResult, lang: str, *, everything: bool) -> None:
        for issue in result.errors:
            self.stderr.write(self.style.ERROR(str(issue)))
        for issue in result.warnings:
            self.stdout.write(self.style.WARNING(str(issue)))
        if result.preview is None:
            return
        preview, present = result.preview, Presenter(lang)
        self.stdout.write(summary_line(preview.counts, len(preview.new_phases)))
        for phase in preview.new_phases:
            self.stdout.write(_("New phase: %(name)s (%(start)s ~ %(end)s)") % {
                "name": phase.name, "start": phase.start_date.isoformat(), "end": phase.end_date.isoformat()})
        for row in preview.rows:
            if row.action == "unchanged" and not everything:
                continue
            view = present.row(row)
            self.stdout.write(f"{SYMBOL[row.action]} {row.row:>5}  {view.phase} | {view.title}")
            for change in view.changes:
                self.stdout.write(f"         {change.label}: {change.old} → {change.new}")
        if preview.not_in_file:
            self.stdout.write(_("Tasks of the plan not in the file (kept as they are): %(n)s") % {
                "n": preview.not_in_file})
