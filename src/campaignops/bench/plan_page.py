"""The plan page of a 500-task campaign against a bare view rendering the same rows.

Both are served through Django's test Client, signed in, so both pay for the middleware
(sessions, auth, CSP, locale); the difference is what the plan page does on top: access policy,
grouping by phase, counts, owners, status badges and edit affordances.
Target: the real page at most 3× the bare view, and a median below 150 ms.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines
from django.test import Client, override_settings
from django.urls import include, path

from . import Result, median_time

TASKS = 500
PHASES = 10
BARE = engines["django"].from_string(
    "<!doctype html><html><head><title>plan</title></head><body><table>"
    "{% for t in rows %}<tr><td>{{ t.phase__name }}</td><td>{{ t.start_date }} ~ {{ t.end_date }}</td>"
    "<td>{{ t.owner_name }}</td><td>{{ t.title }}</td><td>{{ t.completion_standard }}</td>"
    "<td>{{ t.resource_needs }}</td><td>{{ t.risk_plan }}</td><td>{{ t.notes }}</td><td>{{ t.status }}</td>"
    "<td>{{ t.channel__name_en }}</td><td>{{ t.deliverables_done }}/{{ t.deliverables_planned }} {{ t.deliverable }}"
    "</td></tr>{% endfor %}</table></body></html>"
)


@login_required
def bare_plan(request, pk: int):
    """The baseline: the same rows straight from `.values()` into a minimal template."""
    from campaignops.planning.models import Task

    rows = Task.objects.filter(campaign_id=pk).order_by("phase__order", "order", "id").values(
        "phase__name", "start_date", "end_date", "owner_name", "title", "completion_standard", "resource_needs",
        "risk_plan", "notes", "status", "channel__name_en", "deliverable", "deliverables_done",
        "deliverables_planned")
    return HttpResponse(BARE.render({"rows": rows}, request))


urlpatterns = [
    path("bench/<int:pk>/bare/", bare_plan),
    path("", include("campaignops.urls")),
]


def build_campaign(tasks: int = TASKS, phases: int = PHASES):
    """A campaign of `phases` phases × `tasks / phases` tasks with seed-like texts, the demo team
    as owners (one row in seven owned by a name that is not a user yet) and every status."""
    from campaignops.campaigns.models import Channel
    from campaignops.planning.demo import load_demo
    from campaignops.planning.models import Phase, Task, TaskStatus
    from campaignops.planning.seed import SEED_ROWS

    demo, _ = load_demo()
    users = [m.user for m in demo.memberships.select_related("user")]
    channels = list(Channel.objects.order_by("sort")[:6]) + [None]
    statuses = list(TaskStatus.values)
    start = dt.date(2026, 6, 1)
    demo.phases.all().delete()
    per = tasks // phases
    for p in range(phases):
        phase = Phase.objects.create(campaign=demo, name=f"Phase {p + 1}", kind="custom", order=p + 1,
                                     start_date=start + dt.timedelta(days=7 * p),
                                     end_date=start + dt.timedelta(days=7 * p + 6))
        rows = []
        for i in range(per):
            seed = SEED_ROWS[i % len(SEED_ROWS)]
            _phase, _owner, title, standard, resources, risk, notes = seed["zh"]
            n = p * per + i
            rows.append(Task(
                campaign=demo, phase=phase, order=i + 1, start_date=phase.start_date, end_date=phase.end_date,
                owner=None if n % 7 == 0 else users[n % len(users)], owner_name="赵六" if n % 7 == 0 else "",
                title=f"{title} #{n + 1}", completion_standard=standard, resource_needs=resources, risk_plan=risk,
                notes=notes, status=statuses[n % len(statuses)], channel=channels[n % len(channels)],
                deliverable="篇笔记", deliverables_planned=4, deliverables_done=n % 5,
            ))
        Task.objects.bulk_create(rows)
    return demo, next(u for u in users if u.username == "lead")


def run() -> list[Result]:
    campaign, lead = build_campaign()
    client = Client()
    client.force_login(lead)
    with override_settings(ROOT_URLCONF=__name__):
        real_url, bare_url = f"/campaigns/{campaign.pk}/plan/", f"/bench/{campaign.pk}/bare/"
        for url in (real_url, bare_url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        assert client.get(real_url).content.count(b'class="task-row"') == TASKS
        real = median_time(lambda: client.get(real_url), repeat=15, warmup=3)
        bare = median_time(lambda: client.get(bare_url), repeat=15, warmup=3)
    return [Result(f"plan page, {TASKS} tasks (Client, signed in)", real,
                   f"bare .values() view, {TASKS} rows", bare, max_ratio=3, max_seconds=0.150)]
