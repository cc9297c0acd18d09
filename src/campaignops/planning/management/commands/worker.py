"""`campaignops worker`: the background job consumer (huey), with its periodic tasks."""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import autodiscover_modules


class Command(BaseCommand):
    help = ("Run the background jobs (huey consumer): queued Django tasks and the periodic ones, e.g. "
            "marking overdue tasks delayed every 15 minutes.")

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=None, help="Worker threads (default: HUEY_WORKERS or 2).")
        parser.add_argument("--no-periodic", action="store_true", help="Do not run the periodic tasks.")

    def handle(self, *args, workers=None, no_periodic=False, **options):
        from huey.consumer_options import ConsumerConfig
        from huey.contrib.djhuey import HUEY

        autodiscover_modules("tasks")           # every app's tasks.py: Django tasks and huey periodic tasks
        values = dict(settings.HUEY.get("consumer", {})) if isinstance(settings.HUEY, dict) else {}
        if workers:
            values["workers"] = workers
        values["periodic"] = not no_periodic
        config = ConsumerConfig(**values)
        config.validate()
        logger = logging.getLogger("huey")
        if not logger.handlers:
            config.setup_logger(logger)
        self.stdout.write(f"CampaignOps worker: {config.workers} {config.worker_type} worker(s), "
                          f"queue {HUEY.name!r} ({type(HUEY.storage).__name__}).")
        HUEY.create_consumer(**config.values).run()
