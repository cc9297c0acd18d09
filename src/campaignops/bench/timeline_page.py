"""The timeline page of a 500-task campaign against a bare view serialising the same rows to JSON.

Both are served through Django's test Client, signed in, so both pay for the middleware; the
difference is what the timeline does on top: access policy, the schedule engine over the plan and
its dependencies (earliest/latest dates, slack, critical path), the variance against the baseline,
days off, and the page (data block, schedule table, dependency editor).
Target: a median below 150 ms.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.test import Client, override_settings
from django.urls import include, path

from . import Result, median_time
from .plan_page import PHASES, TASKS, build_campaign

TASK_FIELDS = ("id", "title", "phase_id", "phase__name", "start_date", "end_date", "version", "status",
               "percent_complete", "owner_name")


@login_required
def bare_timeline(request, pk: int):
    """The baseline: the same tasks, dependencies and baseline rows straight from `.values()` to JSON."""
    from campaignops.planning.models import BaselineTask, Task, TaskDependency

    tasks = list(Task.objects.filter(campaign_id=pk).order_by("phase__order", "order", "id").values(*TASK_FIELDS))
    deps = list(TaskDependency.objects.filter(campaign_id=pk).values("predecessor_id", "successor_id", "type", "lag"))
    base = list(BaselineTask.objects.filter(baseline__campaign_id=pk).values("task_id", "start_date", "end_date"))
    return JsonResponse({"tasks": tasks, "dependencies": deps, "baseline": base})


urlpatterns = [
    path("bench/<int:pk>/bare-timeline/", bare_timeline),
    path("", include("campaignops.urls")),
]


def build_schedule(campaign, lead) -> int:
    """Task i of each phase waits for task i of the phase before (finish-to-start), plus a baseline."""
    from campaignops.planning import scheduling
    from campaignops.planning.models import PlanBaseline, Task, TaskDependency

    per = TASKS // PHASES
    ids = list(Task.objects.filter(campaign=campaign).order_by("phase__order", "order", "id").values_list("pk", flat=True))
    TaskDependency.objects.filter(campaign=campaign).delete()
    PlanBaseline.objects.filter(campaign=campaign).delete()
    TaskDependency.objects.bulk_create([TaskDependency(campaign=campaign, predecessor_id=ids[k], successor_id=ids[k + per])
                                        for k in range(len(ids) - per)])
    scheduling.baseline_take(campaign=campaign, actor=lead, label="bench")
    return len(ids) - per


def run() -> list[Result]:
    campaign, lead = build_campaign()
    deps = build_schedule(campaign, lead)
    client = Client()
    client.force_login(lead)
    with override_settings(ROOT_URLCONF=__name__):
        real_url, bare_url = f"/campaigns/{campaign.pk}/timeline/", f"/bench/{campaign.pk}/bare-timeline/"
        for url in (real_url, bare_url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        assert client.get(real_url).content.count(b'class="tl-row') == TASKS
        real = median_time(lambda: client.get(real_url), repeat=15, warmup=3)
        bare = median_time(lambda: client.get(bare_url), repeat=15, warmup=3)
    return [Result(f"timeline page, {TASKS} tasks, {deps} dependencies", real,
                   f"bare .values() → JSON, {TASKS} rows", bare, max_seconds=0.150)]
