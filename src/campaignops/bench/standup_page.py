"""The stand-up page of a 500-task campaign against a bare view rendering the same rows.

The campaign runs around "today": ten two-week phases, tasks due today, overdue, marked delayed,
blocked, changed since yesterday's stand-up (some with daily updates), issues near or past their
response deadline, triggered risks, and ten past stand-ups with action items.
Both pages are served through Django's test Client, signed in, so both pay for the middleware; the
bare view reads the rows the stand-up lists with `.values()` into a minimal template. The real page
adds the access policy, the sections' rules, labels, response clocks, the record form and the past
stand-ups. Target: at most 3× the bare view, and a median below 150 ms.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.template import engines
from django.test import Client, override_settings
from django.urls import include, path
from django.utils import timezone

from . import Result, median_time

TASKS = 500
PHASES = 10
BARE = engines["django"].from_string(
    "<!doctype html><html><head><title>stand-up</title></head><body><ul>"
    "{% for t in tasks %}<li>{{ t.title }} {{ t.phase__name }} {{ t.owner__username }} {{ t.start_date }} ~ "
    "{{ t.end_date }} {{ t.status }}</li>{% endfor %}</ul><ul>"
    "{% for i in issues %}<li>{{ i.problem }} {{ i.severity }} {{ i.response_deadline }} {{ i.owner__username }}"
    "</li>{% endfor %}</ul><ul>{% for r in risks %}<li>{{ r.description }} {{ r.probability }} {{ r.impact }}"
    "</li>{% endfor %}</ul></body></html>"
)


@login_required
def bare_standup(request, pk: int):
    """The baseline: the rows the stand-up lists, straight from `.values()` into a minimal template."""
    from campaignops.campaigns.models import Campaign
    from campaignops.planning.models import Task
    from campaignops.risks.models import Issue, Risk

    campaign = Campaign.objects.get(pk=pk)
    now = timezone.now()
    today = now.astimezone(zoneinfo.ZoneInfo(campaign.time_zone)).date()
    since = now - dt.timedelta(hours=24)
    wanted = (Q(status__in=("delayed", "blocked")) | Q(end_date__lte=today) & ~Q(status__in=("done", "cancelled"))
              | Q(updated_at__gt=since))
    tasks = Task.objects.filter(campaign_id=pk).filter(wanted).order_by("end_date", "id").values(
        "title", "phase__name", "owner__username", "start_date", "end_date", "status")
    issues = Issue.objects.filter(campaign_id=pk, status__in=("open", "in_progress"),
                                  response_deadline__lte=now + dt.timedelta(hours=4)).values(
        "problem", "severity", "response_deadline", "owner__username")
    risks = Risk.objects.filter(campaign_id=pk, status="triggered").values("description", "probability", "impact")
    return HttpResponse(BARE.render({"tasks": tasks, "issues": issues, "risks": risks}, request))


urlpatterns = [
    path("bench/<int:pk>/bare-standup/", bare_standup),
    path("", include("campaignops.urls")),
]


def _tasks(demo, phases, users, today):
    from campaignops.planning.models import Task
    from campaignops.planning.seed import SEED_ROWS

    statuses = ["not_started", "in_progress", "done", "in_progress", "delayed", "blocked", "done", "not_started"]
    rows = []
    for n in range(TASKS):
        phase = phases[n % PHASES]
        start = today + dt.timedelta(days=(n % 21) - 14)
        seed = SEED_ROWS[n % len(SEED_ROWS)]["zh"]
        rows.append(Task(campaign=demo, phase=phase, order=n + 1, start_date=start,
                         end_date=start + dt.timedelta(days=n % 5), owner=users[n % len(users)],
                         title=f"{seed[2]} #{n + 1}", completion_standard=seed[3], status=statuses[n % len(statuses)]))
    return Task.objects.bulk_create(rows)


def build_campaign():
    """The demo campaign rebuilt around today with 500 tasks (see the module docstring)."""
    from campaignops.planning.demo import load_demo
    from campaignops.planning.models import DailyUpdate, Phase, Task
    from campaignops.risks import services, standups

    demo, _ = load_demo()
    users = [m.user for m in demo.memberships.select_related("user").order_by("id")]
    lead = next(u for u in users if u.username == "lead")
    now = timezone.now()
    today = now.astimezone(zoneinfo.ZoneInfo(demo.time_zone)).date()
    demo.phases.all().delete()
    phases = [Phase.objects.create(campaign=demo, name=f"阶段 {p + 1}", kind="custom", order=p + 1,
                                   start_date=today + dt.timedelta(days=14 * (p - 5)),
                                   end_date=today + dt.timedelta(days=14 * (p - 5) + 13)) for p in range(PHASES)]
    tasks = _tasks(demo, phases, users, today)
    yesterday = now - dt.timedelta(hours=24)
    Task.objects.filter(campaign=demo).update(created_at=yesterday - dt.timedelta(days=3),
                                              updated_at=yesterday - dt.timedelta(days=3))
    for n in range(10):
        standups.standup_create(campaign=demo, actor=lead, minutes=f"第{n + 1}次站会", attendees=users[:4],
                                now=yesterday - dt.timedelta(days=9 - n), action_items=[standups.ActionItem(
                                    f"行动项 {n}-{k}", phases[5], today + dt.timedelta(days=20), users[k])
                                    for k in range(3)])
    Task.objects.filter(pk__in=[t.pk for t in tasks[::17]]).update(updated_at=now - dt.timedelta(hours=2))
    DailyUpdate.objects.bulk_create([DailyUpdate(campaign=demo, task=t, date=today, status=t.status,
                                                 percent_complete=50, note="进展正常", author=lead)
                                     for t in tasks[3::41]])
    for n in range(20):
        services.issue_create(campaign=demo, actor=lead, problem=f"问题 {n}", severity=["high", "medium"][n % 2],
                              owner=users[n % len(users)], task=tasks[n * 7],
                              reported_at=now - dt.timedelta(hours=2 + 3 * n))
    from campaignops.risks.models import Risk
    Risk.objects.filter(campaign=demo).update(status="triggered", triggered_at=yesterday)
    return demo, lead


def run() -> list[Result]:
    campaign, lead = build_campaign()
    client = Client()
    client.force_login(lead)
    with override_settings(ROOT_URLCONF=__name__):
        real_url, bare_url = f"/campaigns/{campaign.pk}/standup/", f"/bench/{campaign.pk}/bare-standup/"
        for url in (real_url, bare_url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        html = client.get(real_url).content.decode()
        assert html.count('class="su-item"') > 200, html.count('class="su-item"')
        real = median_time(lambda: client.get(real_url), repeat=15, warmup=3)
        bare = median_time(lambda: client.get(bare_url), repeat=15, warmup=3)
    return [Result(f"stand-up page, {TASKS} tasks (Client, signed in)", real,
                   "bare .values() view, same rows", bare, max_ratio=3, max_seconds=0.150)]
