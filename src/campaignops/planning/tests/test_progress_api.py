"""The progress API: board, progress update (version → 409), daily table, my tasks; access and
pinned query counts."""

from __future__ import annotations

import datetime as dt
import json
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from campaignops.core.models import AuditEntry
from campaignops.planning import progress, services
from campaignops.planning.models import DailyUpdate, Task

from .test_progress import BURST, FOLLOW, PREP, REPORT, WARM, _script
from .test_progress_views import _grow

D = dt.date
NOW = dt.datetime(2024, 6, 12, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _today(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


@pytest.fixture
def api(api_token):
    tokens: dict[str, str] = {}

    def call(who: str, method: str, path: str, body: dict | None = None):
        if who not in tokens:
            tokens[who] = api_token(who)
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {tokens[who]}"}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(Client(), method)("/api/v1" + path, **kwargs)
    return call


def _task(demo, title: str) -> Task:
    return Task.objects.get(campaign=demo, title=title)


@pytest.mark.django_db
def test_board(demo, users, api):
    progress.task_progress_update(task=_task(demo, PREP), status="done", actor=users["lead"], version=1)
    body = api("viewer", "get", f"/campaigns/{demo.pk}/board").json()
    assert body["today"] == "2024-06-12"
    assert [(c["status"], [t["title"] for t in c["tasks"]]) for c in body["columns"]] == [
        ("not_started", [WARM, BURST, FOLLOW, REPORT]), ("in_progress", []), ("delayed", []), ("blocked", []),
        ("done", [PREP]), ("cancelled", [])]
    warm = body["columns"][0]["tasks"][0]
    assert {k: warm[k] for k in ("phase_name", "channel", "status", "percent_complete", "overdue", "version",
                                 "start_date", "end_date")} == {
        "phase_name": "预热期（线上）", "channel": "xiaohongshu", "status": "not_started", "percent_complete": 0,
        "overdue": False, "version": 1, "start_date": "2024-06-08", "end_date": "2024-06-14"}
    assert warm["owner"]["username"] == "lead"
    owner = api("lead", "get", f"/campaigns/{demo.pk}/board?owner={users['sales'].pk}").json()
    assert [t["title"] for c in owner["columns"] for t in c["tasks"]] == [BURST]


@pytest.mark.django_db
def test_progress_update_and_stale_version(demo, users, api):
    warm = _task(demo, WARM)
    path = f"/campaigns/{demo.pk}/tasks/{warm.pk}/progress"
    ok = api("sales", "post", path, {"version": 1, "status": "in_progress", "percent_complete": 30, "note": "首批"})
    assert ok.status_code == 200, ok.json()
    body = ok.json()
    assert (body["task"]["status"], body["task"]["percent_complete"], body["task"]["version"]) == ("in_progress", 30, 2)
    assert {k: body["update"][k] for k in ("date", "status", "percent_complete", "note", "automatic")} == {
        "date": "2024-06-12", "status": "in_progress", "percent_complete": 30, "note": "首批", "automatic": False}
    assert body["update"]["author"]["username"] == "sales"
    before = (DailyUpdate.objects.count(), AuditEntry.objects.count())
    stale = api("sales", "post", path, {"version": 1, "status": "done"})
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    assert (DailyUpdate.objects.count(), AuditEntry.objects.count(), Task.objects.get(pk=warm.pk).status) == (
        *before, "in_progress")
    backdated = api("sales", "post", path, {"version": 2, "status": "blocked", "date": "2024-06-11"})
    assert backdated.json()["update"]["date"] == "2024-06-11"
    future = api("sales", "post", path, {"version": 3, "status": "done", "date": "2024-06-13"})
    assert (future.status_code, future.json()["field"]) == (422, "date")
    bad = api("sales", "post", path, {"version": 3, "status": "done", "percent_complete": 120})
    assert (bad.status_code, bad.json()["field"]) == (422, "percent_complete")
    extra = api("sales", "post", path, {"version": 3, "status": "done", "colour": "red"})
    assert extra.status_code == 422


@pytest.mark.django_db
def test_access(demo, users, api):
    warm = _task(demo, WARM)
    path = f"/campaigns/{demo.pk}/tasks/{warm.pk}/progress"
    body = {"version": 1, "status": "done"}
    assert api("outsider", "post", path, body).status_code == 404
    assert api("viewer", "post", path, body).status_code == 403
    assert api("outsider", "get", f"/campaigns/{demo.pk}/board").status_code == 404
    assert api("outsider", "get", f"/campaigns/{demo.pk}/daily").status_code == 404
    assert Client().get("/api/v1/me/tasks").status_code == 401
    services.task_update(task=Task.objects.get(pk=warm.pk), actor=users["lead"], version=1, notes="x")
    assert (Task.objects.get(pk=warm.pk).status, DailyUpdate.objects.count()) == ("not_started", 0)


@pytest.mark.django_db
def test_daily(demo, users, api):
    _script(demo, users)
    body = api("viewer", "get", f"/campaigns/{demo.pk}/daily?start=2024-06-04&end=2024-06-05").json()
    assert (body["start"], body["end"], body["today"]) == ("2024-06-04", "2024-06-05", "2024-06-12")
    prep = body["rows"][0]
    assert prep["task"]["title"] == PREP
    assert prep["cells"] == [
        {"date": "2024-06-04", "status": "in_progress", "percent_complete": 40, "updated": False, "notes": []},
        {"date": "2024-06-05", "status": "blocked", "percent_complete": 40, "updated": True, "notes": ["等预算审批"]}]
    assert body["rows"][2]["cells"][0]["status"] is None
    default = api("viewer", "get", f"/campaigns/{demo.pk}/daily").json()
    assert (default["start"], default["end"]) == ("2024-06-10", "2024-06-16")
    long = api("viewer", "get", f"/campaigns/{demo.pk}/daily?start=2024-01-01&end=2024-06-30")
    assert (long.status_code, long.json()["field"]) == (422, "end")


@pytest.mark.django_db
def test_my_tasks(demo, users, api):
    body = api("lead", "get", "/me/tasks").json()
    assert body["total"] == 3
    assert [(t["title"], t["due"], t["campaign_name"][:3], t["editable"]) for t in body["tasks"]] == [
        (PREP, "overdue", "夏日清", True), (WARM, "week", "夏日清", True), (REPORT, "later", "夏日清", True)]
    assert api("viewer", "get", "/me/tasks").json() == {"total": 0, "tasks": []}


@pytest.mark.django_db
def test_api_queries_stay_constant(demo, users, api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    paths = [f"/campaigns/{demo.pk}/board", f"/campaigns/{demo.pk}/daily?start=2024-06-01&end=2024-06-30", "/me/tasks"]

    def counts():
        out = []
        for p in paths:
            with CaptureQueriesContext(connection) as ctx:
                assert api("lead", "get", p).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    api("lead", "get", "/me/tasks")
    small = counts()
    _grow(demo, users)
    assert counts() == small == [5, 6, 4]
