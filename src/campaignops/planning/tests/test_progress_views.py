"""The progress pages: board (and drag moves), month calendar, daily table and its export, the
one-click update form, "my tasks" — exact content, access (404 / 403), conflicts, pinned queries."""

from __future__ import annotations

import datetime as dt
import io
import json
from unittest import mock
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaignops.core.models import AuditEntry
from campaignops.planning import progress, services
from campaignops.planning.models import DailyUpdate, Phase, Task

from .test_progress import BURST, FOLLOW, PREP, REPORT, WARM, _script
from .test_views import Reader

D = dt.date
HX = {"HTTP_HX_REQUEST": "true"}
# "Today" for these tests: 2024-06-12 09:00 in Shanghai (the warm-up week of the demo).
NOW = dt.datetime(2024, 6, 12, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _today(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


def _url(name: str, demo, *args) -> str:
    return reverse(f"planning_progress:{name}", args=[demo.pk, *args])


def _task(demo, title: str) -> Task:
    return Task.objects.get(campaign=demo, title=title)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(demo, users, n: int = 40) -> None:
    """More tasks (every owner, channel and phase) and updates, to show the query counts hold."""
    phases = list(Phase.objects.filter(campaign=demo))
    owners = [users[u] for u in ("lead", "sales", "product", "logistics")]
    channels = list(demo.channels.all())
    made = Task.objects.bulk_create([
        Task(campaign=demo, phase=phases[i % len(phases)], title=f"extra {i}", start_date=D(2024, 6, 3 + i % 10),
             end_date=D(2024, 6, 3 + i % 10 + i % 7), owner=owners[i % 4], channel=channels[i % len(channels)],
             status=["not_started", "in_progress", "blocked", "done", "delayed", "cancelled"][i % 6])
        for i in range(n)])
    DailyUpdate.objects.bulk_create([
        DailyUpdate(campaign=demo, task=t, date=D(2024, 6, 4 + i % 8), status="in_progress", percent_complete=i,
                    note=f"n{i}", author=owners[i % 4]) for i, t in enumerate(made)])


# ---- access -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_outsiders_get_404_everywhere_and_viewers_403_on_writes(demo, users, client_as):
    task = _task(demo, WARM)
    pages = [_url("board", demo), _url("calendar", demo), _url("daily", demo), _url("daily_export", demo)]
    writes = [_url("board_move", demo, task.pk), _url("task_progress", demo, task.pk)]
    outsider, viewer = client_as("outsider"), client_as("viewer")
    for url in pages + writes:
        assert outsider.get(url).status_code == 404, url
        assert outsider.post(url, {"status": "done", "version": 1}).status_code == 404, url
    for url in pages:
        assert viewer.get(url).status_code == 200, url
    for url in writes:
        assert viewer.post(url, {"status": "done", "percent_complete": 100, "version": 1}).status_code == 403, url
    assert viewer.get(_url("task_progress", demo, task.pk)).status_code == 403
    # A task of another campaign (where the lead is a member too) through this campaign's URL: 404.
    from .test_progress import _new_york_campaign

    _ny, ny_task = _new_york_campaign(users)
    assert client_as("lead").get(_url("task_progress", demo, ny_task.pk)).status_code == 404
    assert client_as("lead").post(_url("board_move", demo, ny_task.pk), {"status": "done", "version": 1}).status_code == 404
    assert client_as("lead").get(_url("task_progress", demo, 999999)).status_code == 404
    assert (Task.objects.get(pk=task.pk).version, DailyUpdate.objects.count()) == (1, 0)


@pytest.mark.django_db
def test_viewer_pages_have_no_edit_affordances(demo, client_as):
    viewer = client_as("viewer")
    for url in (_url("board", demo), _url("calendar", demo), _url("daily", demo)):
        html = viewer.get(url).content.decode()
        assert "data-progress-url" not in html and "data-move-url" not in html and "data-editable" not in html, url
        assert "Read only" in html or "calendar" in url
    lead = client_as("lead").get(_url("board", demo)).content.decode()
    assert lead.count("data-move-url") == 5 and lead.count("data-progress-url") == 5


# ---- board --------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_board_columns_cards_and_filters(demo, users, client_as):
    prep = _task(demo, PREP)
    progress.task_progress_update(task=prep, status="in_progress", percent_complete=40, actor=users["lead"], version=1)
    page = Reader(client_as("lead").get(_url("board", demo)).content.decode()).root
    columns = {s.attrs["data-status"]: [c.find_all("div", "board-card-title")[0].text() for c in
                                         s.find_all("article", "board-card")]
               for s in page.find_all("div", "board-list")}
    assert columns == {"not_started": [WARM, BURST, FOLLOW, REPORT], "in_progress": [PREP], "delayed": [],
                       "blocked": [], "done": [], "cancelled": []}
    card = page.find_all("article", id=f"card-{prep.pk}")[0]
    assert card.attrs["data-version"] == "2"
    assert card.text().startswith("确认目标、细化方案 筹备期 Overdue 王芳 Wang Fang 06-01 ~ 06-07")
    assert "40%" in card.text()
    assert [c.text() for c in page.find_all("span", "board-count")] == ["4", "1", "0", "0", "0", "0"]
    # Filters (owner, phase, channel) as on the plan table; htmx gets the columns alone.
    response = client_as("lead").get(_url("board", demo) + "?channel=douyin", HTTP_HX_TARGET="board-wrap", **HX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="board-wrap"') and "<html" not in html
    assert [n.text() for n in Reader(html).root.find_all("div", "board-card-title")] == [BURST]


@pytest.mark.django_db
def test_board_move_changes_the_status_and_records_the_day(demo, users, client_as):
    warm = _task(demo, WARM)
    response = client_as("sales").post(_url("board_move", demo, warm.pk), {"status": "done", "version": 1}, **HX)
    assert response.status_code == 200
    card = Reader(response.content.decode()).root.find_all("article", "board-card")[0]
    assert (card.attrs["id"], card.attrs["data-version"]) == (f"card-{warm.pk}", "2")
    warm.refresh_from_db()
    assert (warm.status, warm.percent_complete, warm.version) == ("done", 100, 2)
    assert list(DailyUpdate.objects.values_list("task_id", "date", "status", "percent_complete", "author__username")) == [
        (warm.pk, D(2024, 6, 12), "done", 100, "sales")]


@pytest.mark.django_db
def test_board_move_with_a_stale_version_is_409_and_writes_nothing(demo, users, client_as):
    warm = _task(demo, WARM)
    services.task_update(task=Task.objects.get(pk=warm.pk), actor=users["lead"], version=1, status="blocked")
    before = AuditEntry.objects.count()
    response = client_as("sales").post(_url("board_move", demo, warm.pk), {"status": "done", "version": 1}, **HX)
    assert response.status_code == 409
    assert "Someone else changed this task" in response.headers["HX-Trigger"]
    card = Reader(response.content.decode()).root.find_all("article", "board-card")[0]
    assert card.attrs["data-version"] == "2"
    warm.refresh_from_db()
    assert (warm.status, warm.version, DailyUpdate.objects.count(), AuditEntry.objects.count()) == (
        "blocked", 2, 0, before)
    bad = client_as("sales").post(_url("board_move", demo, warm.pk), {"status": "finished", "version": 2}, **HX)
    assert bad.status_code == 400


@pytest.mark.django_db
def test_board_queries_stay_constant_as_the_plan_grows(demo, users, client_as):
    client = client_as("lead")
    small = _queries(client, _url("board", demo))
    _grow(demo, users)
    assert _queries(client, _url("board", demo)) == small == 11


# ---- calendar -----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_month_calendar_bars_phases_and_holidays(demo, client_as):
    page = Reader(client_as("lead").get(_url("calendar", demo) + "?month=2024-06").content.decode()).root
    assert page.find_all("h2", "month-title")[0].text() == "June 2024"
    weeks = page.find_all("div", "month-week")
    assert len(weeks) == 5
    bars = [(w, b.text(), b.attrs["class"]) for w, week in enumerate(weeks) for b in week.find_all("a", "cal-bar")]
    # 06-01 is a Saturday: the preparation task starts in week 0 on column 5 and goes on.
    assert [(w, t) for w, t, _c in bars] == [(0, PREP), (1, PREP), (1, WARM), (2, WARM), (2, BURST), (3, BURST),
                                            (3, FOLLOW), (4, REPORT)]
    assert bars[0][2].split()[1:] == ["ps-not_started", "gc-5", "gs-2", "gr-1", "cont-r", "is-overdue"]
    assert bars[1][2].split()[1:] == ["ps-not_started", "gc-0", "gs-5", "gr-1", "cont-l", "is-overdue"]
    days = {d.attrs["data-date"]: d.attrs["class"] for d in page.find_all("div", "month-day")}
    assert "day-holiday" in days["2024-06-10"] and "day-weekend" in days["2024-06-09"]
    assert "is-today" in days["2024-06-12"] and "is-outside" in days["2024-05-31"]
    assert [b.text() for b in weeks[1].find_all("div", "phase-band")] == ["筹备期", "预热期（线上）"]
    # Default month: today's (inside the campaign); filters apply.
    default = client_as("lead").get(_url("calendar", demo) + "?owner=none").content.decode()
    assert "June 2024" in default and "cal-bar" not in default


@pytest.mark.django_db
def test_calendar_queries_stay_constant(demo, users, client_as):
    client = client_as("lead")
    small = _queries(client, _url("calendar", demo) + "?month=2024-06")
    _grow(demo, users)
    assert _queries(client, _url("calendar", demo) + "?month=2024-06") == small == 13


# ---- daily table --------------------------------------------------------------------------------

def _daily_cells(html: str) -> dict[str, list[tuple[str, str]]]:
    root = Reader(html).root
    out = {}
    for tr in root.find_all("tr"):
        if "data-task" not in tr.attrs:
            continue
        title = tr.find_all("span", "dt-title")[0].text()
        out[title] = [(" ".join(c for c in td.attrs["class"].split() if c.startswith(("ps-", "is-c"))), td.text())
                      for td in tr.find_all("td", "dc")]
    return out


@pytest.mark.django_db
def test_daily_table_shows_each_days_status(demo, users, client_as):
    _script(demo, users)
    html = client_as("lead").get(_url("daily", demo) + "?start=2024-06-04&end=2024-06-13").content.decode()
    cells = _daily_cells(html)
    assert cells[PREP] == [("ps-in_progress is-carried", "Doing"), ("ps-blocked", "Blocked"),
                           ("ps-blocked is-carried", "Blocked"), ("ps-done", "Done"), ("ps-done is-carried", "Done"),
                           ("ps-done is-carried", "Done"), ("ps-done is-carried", "Done"),
                           ("ps-done is-carried", "Done"), ("ps-done is-carried", "Done"), ("", "")]
    assert cells[WARM][0] == ("ps-in_progress is-carried", "Doing") and cells[BURST] == [("", "")] * 10
    root = Reader(html).root
    td = [t for t in root.find_all("td", "dc") if t.attrs["data-date"] == "2024-06-05"][0]
    assert td.attrs["title"] == "2024-06-05 · Blocked · 40% · 王芳 Wang Fang: 等预算审批"
    notes = [li.text() for li in root.find_all("ol", "daily-note-list")[0].children if not isinstance(li, str)]
    assert notes == ["06-07 Done 100% 确认目标、细化方案 — 王芳 Wang Fang",
                     "06-05 Blocked 40% 确认目标、细化方案 等预算审批 — 王芳 Wang Fang"]


@pytest.mark.django_db
def test_daily_window_default_and_corrections(demo, client_as):
    client = client_as("lead")
    heads = lambda html: [th.text() for th in Reader(html).root.find_all("th", "dt-day")]  # noqa: E731
    assert heads(client.get(_url("daily", demo)).content.decode())[0] == "Mon 06-10"      # this week
    html = client.get(_url("daily", demo) + "?start=2024-06-30&end=2024-06-01").content.decode()
    assert len(heads(html)) == 30 and heads(html)[0] == "Sat 06-01"
    html = client.get(_url("daily", demo) + "?start=2024-06-01&end=2024-12-31").content.decode()
    assert len(heads(html)) == 62 and "At most 62 days fit in the table" in html
    html = client.get(_url("daily", demo) + "?start=nonsense&end=2024-06-05").content.decode()
    assert heads(html)[0] == "Mon 06-10" and "Choose both a first and a last day" in html


@pytest.mark.django_db
def test_daily_queries_stay_constant(demo, users, client_as):
    client = client_as("lead")
    url = _url("daily", demo) + "?start=2024-06-01&end=2024-06-30"
    _script(demo, users)
    small = _queries(client, url)
    _grow(demo, users)
    assert _queries(client, url) == small == 13


@pytest.mark.django_db
def test_daily_export_is_a_safe_workbook(demo, users, client_as):
    _script(demo, users)
    warm = _task(demo, WARM)
    progress.task_progress_update(task=warm, status="blocked", percent_complete=10, note="=HYPERLINK(\"x\")",
                                  actor=users["lead"], version=2, today=D(2024, 6, 5))
    response = client_as("viewer").get(_url("daily_export", demo) + "?start=2024-06-04&end=2024-06-06")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="daily-progress-{demo.pk}-20240604-20240606.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["Daily progress"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Phase", "Core task", "Owner", "Start", "End", "06-04", "06-05", "06-06", "Status now", "Complete (%)"]
    assert rows[1][1:3] + rows[1][5:] == [PREP, "王芳 Wang Fang", "(Doing 40%)", "Blocked 40%", "(Blocked 40%)",
                                          "Done", 100]
    assert rows[2][5:] == ["(Doing 10%)", "Blocked 10%", "(Blocked 10%)", "Blocked", 10]
    updates = book["Updates"]
    formula = [c for row in updates.iter_rows() for c in row if c.value == "=HYPERLINK(\"x\")"][0]
    assert formula.data_type == "s" and formula.quotePrefix


# ---- the one-click update form ------------------------------------------------------------------

@pytest.mark.django_db
def test_update_form_saves_and_tells_the_page(demo, client_as):
    warm = _task(demo, WARM)
    client = client_as("lead")
    form = client.get(_url("task_progress", demo, warm.pk), **HX).content.decode()
    assert form.lstrip().startswith('<div class="modal-content progress-dialog" id="progress-dialog">')
    assert 'name="version" value="1"' in form and "update for 2024-06-12" in form
    response = client.post(_url("task_progress", demo, warm.pk),
                           {"status": "in_progress", "percent_complete": "45", "note": "8 篇已发", "version": "1"}, **HX)
    assert response.status_code == 200
    assert json.loads(response.headers["HX-Trigger"]) == {"progress-saved": {
        "task": warm.pk, "status": "in_progress", "percent": 45, "version": 2, "label": "In progress"}}
    assert list(DailyUpdate.objects.values_list("date", "status", "percent_complete", "note")) == [
        (D(2024, 6, 12), "in_progress", 45, "8 篇已发")]


@pytest.mark.django_db
def test_update_form_errors_and_conflicts_come_back_in_the_form(demo, users, client_as):
    warm = _task(demo, WARM)
    client = client_as("lead")
    bad = client.post(_url("task_progress", demo, warm.pk),
                      {"status": "in_progress", "percent_complete": "150", "version": "1"}, **HX)
    assert bad.status_code == 422
    assert "Ensure this value is less than or equal to 100." in bad.content.decode()
    services.task_update(task=Task.objects.get(pk=warm.pk), actor=users["sales"], version=1, status="blocked")
    stale = client.post(_url("task_progress", demo, warm.pk),
                        {"status": "done", "percent_complete": "100", "note": "完成", "version": "1"}, **HX)
    html = stale.content.decode()
    assert stale.status_code == 409
    assert "Someone else updated this task in the meantime." in html and "It is now “Blocked” at 0%." in html
    assert 'name="version" value="2"' in html and "完成</textarea>" in html and 'value="done" autocomplete="off" checked' in html
    assert (Task.objects.get(pk=warm.pk).status, DailyUpdate.objects.count()) == ("blocked", 0)


@pytest.mark.django_db
def test_update_form_without_javascript_redirects_back_safely(demo, client_as):
    warm = _task(demo, WARM)
    client = client_as("lead")
    page = client.get(_url("task_progress", demo, warm.pk) + "?next=/campaigns/my-tasks/")
    assert page.status_code == 200 and "<html" in page.content.decode()
    ok = client.post(_url("task_progress", demo, warm.pk), {"status": "in_progress", "percent_complete": "5",
                                                             "version": "1", "next": "/campaigns/my-tasks/"})
    assert (ok.status_code, ok["Location"]) == (302, "/campaigns/my-tasks/")
    evil = client.post(_url("task_progress", demo, warm.pk), {"status": "in_progress", "percent_complete": "6",
                                                               "version": "2", "next": "https://evil.example/"})
    assert evil["Location"] == _url("daily", demo)


# ---- my tasks -----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_my_tasks_page_groups_and_update_buttons(demo, users, client_as):
    html = client_as("lead").get(reverse("planning_progress:my_tasks")).content.decode()
    root = Reader(html).root
    groups = {s.attrs["aria-labelledby"]: [d.text() for d in s.find_all("div", "my-title")]
              for s in root.find_all("section")}
    assert groups == {"g-overdue": [PREP], "g-week": [WARM], "g-later": [REPORT]}
    assert html.count("data-progress-url") == 3
    viewer = client_as("viewer").get(reverse("planning_progress:my_tasks")).content.decode()
    assert "No open task is yours right now." in viewer
    assert client_as("lead").post(reverse("planning_progress:my_tasks")).status_code == 405


@pytest.mark.django_db
def test_my_tasks_queries_stay_constant(demo, users, client_as):
    client = client_as("lead")
    small = _queries(client, reverse("planning_progress:my_tasks"))
    _grow(demo, users)
    assert _queries(client, reverse("planning_progress:my_tasks")) == small == 5
