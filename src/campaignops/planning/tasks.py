"""Background jobs of the plan, through Django's Tasks API (`django.tasks`) on huey's backend
(settings `TASKS` and `HUEY`; `campaignops worker` runs them).

- `mark_overdue` — a Django task: in every campaign, in its own time zone, tasks past their end
  date and not done become "delayed" with an automatic daily update
  (`progress.mark_overdue_delayed`; idempotent).
- `overdue_tick` — a huey periodic task every 15 minutes. huey's crontab runs in UTC, so rather
  than fire once at some UTC hour the tick runs all day and the job compares each campaign's own
  local date: a campaign in Asia/Shanghai sees yesterday's unfinished tasks delayed within a
  quarter of an hour after its local midnight.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.tasks import task
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import progress


@task
def mark_overdue(now: str | None = None) -> list[int]:
    """Mark overdue tasks delayed as of `now` (ISO 8601, default: the moment the job runs);
    returns the ids of the tasks it marked."""
    at = dt.datetime.fromisoformat(now) if now else timezone.now()
    return progress.mark_overdue_delayed(now=at)


def enqueue_overdue_check(now: dt.datetime | None = None) -> None:
    """Enqueue `mark_overdue` once the current transaction commits (at once outside one)."""
    stamp = now.isoformat() if now else None
    transaction.on_commit(lambda: mark_overdue.enqueue(stamp))


@db_periodic_task(crontab(minute="*/15"), name="campaignops.overdue_tick")
def overdue_tick() -> None:
    enqueue_overdue_check()
