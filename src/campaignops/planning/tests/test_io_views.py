"""The Excel round-trip pages: export download, upload -> preview -> apply, access on every URL."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from campaignops.core import spreadsheets
from campaignops.planning import services
from campaignops.planning.io.export import export_plan
from campaignops.planning.models import PlanImport, Task

from .io_files import edit_xlsx, plan_state, sheet_values


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English whatever language an earlier test left active."""
    with translation.override("en"):
        yield

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def urls(campaign) -> dict[str, str]:
    return {name: reverse(f"planning_io:{name}", args=[campaign.pk]) for name in ("export", "import", "preview")}


def upload(client, campaign, data: bytes, name: str = "plan.xlsx"):
    return client.post(urls(campaign)["import"], {"file": SimpleUploadedFile(name, data, content_type=XLSX)})


@pytest.fixture
def edited(demo):
    return edit_xlsx(export_plan(campaign=demo, lang="zh-hans"), {"H2": "销售部与产品部都须参与"})


# ---- access -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_every_io_page_is_404_for_a_non_member(demo, client_as, edited):
    outsider = client_as("outsider")
    before = plan_state(demo)
    for url in urls(demo).values():
        assert outsider.get(url).status_code == 404, url
        assert outsider.post(url, {"file": SimpleUploadedFile("p.xlsx", edited)}).status_code == 404, url
        assert outsider.put(url).status_code == 404, url
    assert plan_state(demo) == before


@pytest.mark.django_db
def test_a_viewer_may_export_but_not_import(demo, client_as, edited):
    viewer = client_as("viewer")
    assert viewer.get(urls(demo)["export"]).status_code == 200
    before = plan_state(demo)
    assert viewer.get(urls(demo)["import"]).status_code == 403
    assert upload(viewer, demo, edited).status_code == 403
    assert viewer.get(urls(demo)["preview"]).status_code == 403
    assert viewer.post(urls(demo)["preview"], {"fingerprint": "x"}).status_code == 403
    assert plan_state(demo) == before


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(demo, client):
    for url in urls(demo).values():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_someone_elses_pending_import_is_not_found(demo, client_as, edited):
    assert upload(client_as("lead"), demo, edited).status_code == 302
    product = client_as("product")             # may edit the plan, but this upload is the lead's
    assert product.get(urls(demo)["preview"]).status_code == 404
    assert product.post(urls(demo)["preview"], {"fingerprint": "x"}).status_code == 404
    assert Task.objects.get(campaign=demo, phase__order=1).notes == "销售部须参与目标制定"


# ---- export -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_export_downloads_the_plan_in_the_users_language(demo, client_as):
    lead = client_as("lead")
    response = lead.get(urls(demo)["export"], HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert sheet_values(response.content)[0][:4] == ["活动阶段", "时间节点", "负责人", "核心任务"]
    english = lead.get(urls(demo)["export"] + "?lang=en")
    assert sheet_values(english.content)[0][:4] == ["Phase", "Time window", "Owner", "Core task"]


@pytest.mark.django_db
def test_export_page_query_count_is_fixed(demo, users, client_as, django_assert_num_queries):
    lead = client_as("lead")
    lead.get(urls(demo)["export"])
    with django_assert_num_queries(7):     # session, user, profile, campaign, membership, channels, tasks
        lead.get(urls(demo)["export"])
    phase = demo.phases.get(order=2)
    Task.objects.bulk_create([Task(campaign=demo, phase=phase, order=9 + i, start_date=phase.start_date,
                                   end_date=phase.end_date, owner=users["sales"], title=f"t{i}") for i in range(30)])
    with django_assert_num_queries(7):
        assert len(sheet_values(lead.get(urls(demo)["export"]).content)) == 36


# ---- import: upload -> preview -> apply ---------------------------------------------------------

@pytest.mark.django_db
def test_upload_preview_apply(demo, users, client_as, edited):
    lead = client_as("lead")
    page = lead.get(urls(demo)["import"])
    assert page.status_code == 200 and b'type="file"' in page.content
    response = upload(lead, demo, edited)
    assert response.status_code == 302 and response["Location"] == urls(demo)["preview"]
    stored = PlanImport.objects.get(campaign=demo)
    assert (stored.created_by, stored.file_name, stored.state, len(stored.rows)) == (users["lead"], "plan.xlsx",
                                                                                     "pending", 5)
    assert stored.rows[0]["values"]["notes"] == "销售部与产品部都须参与"      # parsed rows, not the file
    preview = lead.get(urls(demo)["preview"])
    assert preview.status_code == 200
    text = preview.content.decode()
    assert 'data-count="changed">Changed: 1<' in text and 'data-count="unchanged">Unchanged: 4<' in text
    assert 'class="io-row io-row-changed" data-row="2"' in text
    assert "<del>销售部须参与目标制定</del> → <ins>销售部与产品部都须参与</ins>" in text
    task = Task.objects.get(campaign=demo, phase__order=1)
    response = lead.post(urls(demo)["preview"], {"fingerprint": preview.context["fingerprint"]}, follow=True)
    assert response.redirect_chain == [(reverse("planning:plan", args=[demo.pk]), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "The plan was imported. New rows: 0 · changed: 1 · unchanged: 4 · new phases: 0"]
    task.refresh_from_db()
    assert (task.notes, task.version) == ("销售部与产品部都须参与", 2)
    assert PlanImport.objects.get(pk=stored.pk).state == "applied"
    assert lead.post(urls(demo)["preview"], {"fingerprint": preview.context["fingerprint"]}).status_code == 404


@pytest.mark.django_db
def test_a_plan_edited_after_the_preview_is_refused_then_the_fresh_preview_applies(demo, users, client_as, edited):
    lead = client_as("lead")
    upload(lead, demo, edited)
    seen = lead.get(urls(demo)["preview"]).context["fingerprint"]
    other = Task.objects.get(campaign=demo, phase__order=3)
    services.task_update(task=other, actor=users["sales"], version=other.version, notes="meanwhile")
    before = plan_state(demo)
    response = lead.post(urls(demo)["preview"], {"fingerprint": seen})
    assert response.status_code == 200
    assert "The plan changed since this preview" in response.content.decode()
    assert plan_state(demo) == before
    fresh = response.context["fingerprint"]
    assert fresh != seen
    # the fresh preview shows that the file would also undo the edit made meanwhile
    assert response.context["counts"] == {"new": 0, "changed": 2, "unchanged": 3}
    assert "<del>meanwhile</del> → <ins>提前测试直播网络</ins>" in response.content.decode()
    assert lead.post(urls(demo)["preview"], {"fingerprint": fresh}).status_code == 302
    assert Task.objects.get(campaign=demo, phase__order=1).notes == "销售部与产品部都须参与"


@pytest.mark.django_db
def test_a_file_with_an_impossible_date_is_refused_and_nothing_changes(demo, client_as):
    data = edit_xlsx(export_plan(campaign=demo, lang="zh-hans"), {"B4": "2024-02-30 ~ 2024-03-02", "H2": "edited"})
    before = plan_state(demo)
    versions = dict(Task.objects.filter(campaign=demo).values_list("id", "version"))
    response = upload(client_as("lead"), demo, data)
    assert response.status_code == 422
    text = response.content.decode()
    assert '<tr class="io-error"><td>4</td><td>B “时间节点”</td><td>“2024-02-30” is not a real date.</td></tr>' in text
    assert plan_state(demo) == before
    assert dict(Task.objects.filter(campaign=demo).values_list("id", "version")) == versions
    assert Task.objects.filter(campaign=demo).count() == 5 and PlanImport.objects.count() == 0


@pytest.mark.django_db
def test_an_oversize_file_is_refused_before_parsing(demo, client_as, settings, monkeypatch):
    settings.MAX_UPLOAD_BYTES = 2000
    monkeypatch.setattr(spreadsheets, "read_workbook", lambda *a, **k: pytest.fail("parsed an oversize file"))
    response = upload(client_as("lead"), demo, export_plan(campaign=demo, lang="en"))
    assert response.status_code == 422
    assert "The file is too large: the limit is 0.0 MB." in response.content.decode()
    assert PlanImport.objects.count() == 0


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_before_parsing(demo, client_as, monkeypatch):
    monkeypatch.setattr(spreadsheets, "read_workbook", lambda *a, **k: pytest.fail("parsed a zip bomb"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<" * 50_000_000)
    before = plan_state(demo)
    response = upload(client_as("lead"), demo, buffer.getvalue())
    assert response.status_code == 422
    assert "archive bomb" in response.content.decode()
    assert plan_state(demo) == before


@pytest.mark.django_db
def test_a_file_identical_to_the_plan_has_nothing_to_apply(demo, client_as):
    lead = client_as("lead")
    upload(lead, demo, export_plan(campaign=demo, lang="en"))
    page = lead.get(urls(demo)["preview"])
    assert page.context["counts"] == {"new": 0, "changed": 0, "unchanged": 5}
    assert "The file matches the plan: there is nothing to import." in page.content.decode()
    assert 'id="io-apply"' not in page.content.decode()


@pytest.mark.django_db
def test_in_chinese_the_changed_columns_are_named_by_their_chinese_headers(demo, client_as, edited):
    lead = client_as("lead")
    lead.cookies["django_language"] = "zh-hans"
    assert lead.get(urls(demo)["import"]).status_code == 200
    upload(lead, demo, edited)
    page = lead.get(urls(demo)["preview"]).content.decode()
    assert '<span class="io-field">备注</span>: <del>销售部须参与目标制定</del>' in page
