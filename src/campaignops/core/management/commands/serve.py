"""Serve CampaignOps with gunicorn (threads), static files through whitenoise."""

import os
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve CampaignOps over HTTP with gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))

    def handle(self, *args, host, port, workers, threads, **options):
        bin_dir = os.path.dirname(sys.executable)
        gunicorn = os.path.join(bin_dir, "gunicorn")
        argv = [gunicorn, "campaignops.wsgi:application", "--bind", f"{host}:{port}", "--workers", str(workers),
                "--threads", str(threads), "--worker-class", "gthread", "--access-logfile", "-",
                "--graceful-timeout", "5"]
        self.stdout.write(f"CampaignOps on http://{host}:{port}/")
        sys.stdout.flush()
        os.execv(gunicorn, argv)
