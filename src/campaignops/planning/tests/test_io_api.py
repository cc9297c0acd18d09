"""GET /api/v1/campaigns/{id}/plan/export and POST /api/v1/campaigns/{id}/plan/import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from campaignops.planning.io.export import export_plan
from campaignops.planning.models import Task

from .io_files import edit_xlsx, plan_state, sheet_values


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English whatever language an earlier test left active."""
    with translation.override("en"):
        yield

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client_for(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def export_url(campaign) -> str:
    return f"/api/v1/campaigns/{campaign.pk}/plan/export"


def import_url(campaign) -> str:
    return f"/api/v1/campaigns/{campaign.pk}/plan/import"


def send(client: Client, campaign, data: bytes, **form):
    return client.post(import_url(campaign), {"file": SimpleUploadedFile("plan.xlsx", data, content_type=XLSX), **form})


@pytest.mark.django_db
def test_export(demo, api_token):
    response = client_for(api_token("viewer")).get(export_url(demo) + "?lang=zh-hans")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    rows = sheet_values(response.content)
    assert rows[0][:8] == ["活动阶段", "时间节点", "负责人", "核心任务", "完成标准", "资源需求", "风险预案", "备注"]
    assert len(rows) == 6


@pytest.mark.django_db
def test_dry_run_returns_the_preview(demo, api_token):
    data = edit_xlsx(export_plan(campaign=demo, lang="en"), {"H2": "new notes", "A7": "Encore", "B7": "7/1-7/2",
                                                             "D7": "Replay", "C7": "Qian Qi"})
    before = plan_state(demo)
    response = send(client_for(api_token("product")), demo, data)
    assert response.status_code == 200, response.content
    body = response.json()
    first = Task.objects.get(campaign=demo, phase__order=1)
    assert body["applied"] is False
    assert body["counts"] == {"new": 1, "changed": 1, "unchanged": 4}
    assert body["new_phases"] == [{"name": "Encore", "kind": "continuation", "start_date": "2024-07-01",
                                   "end_date": "2024-07-02"}]
    assert body["rows"][0] == {"row": 2, "action": "changed", "task_id": first.pk, "phase": "筹备期",
                               "title": "确认目标、细化方案", "owner_unmatched": False,
                               "changes": [{"field": "notes", "old": "销售部须参与目标制定", "new": "new notes"}]}
    assert body["rows"][5]["action"] == "new" and body["rows"][5]["owner_unmatched"] is True
    assert body["warnings"] == [{"row": 7, "column": "Owner", "column_letter": "C", "message":
                                 "“Qian Qi” is not a member of this campaign: kept as the owner's name, to be "
                                 "matched later."}]
    assert plan_state(demo) == before


@pytest.mark.django_db
def test_apply_returns_the_summary(demo, api_token):
    data = edit_xlsx(export_plan(campaign=demo, lang="en"), {"H2": "new notes"})
    client = client_for(api_token("lead"))
    fingerprint = send(client, demo, data).json()["fingerprint"]
    response = send(client, demo, data, apply="true", fingerprint=fingerprint)
    assert response.status_code == 200
    assert response.json() == {"applied": True, "created": 0, "updated": 1, "unchanged": 4, "phases_created": 0,
                               "warnings": []}
    task = Task.objects.get(campaign=demo, phase__order=1)
    assert (task.notes, task.version) == ("new notes", 2)
    again = send(client, demo, data, apply="true", fingerprint=fingerprint)      # the plan has changed since
    assert again.status_code == 409
    assert again.json()["detail"].startswith("The plan changed since this preview")


@pytest.mark.django_db
def test_a_bad_file_is_422_with_rows_and_columns_and_nothing_changes(demo, api_token):
    data = edit_xlsx(export_plan(campaign=demo, lang="zh-hans"), {"B4": "2024-02-30 ~ 2024-03-02", "L3": "many"})
    before = plan_state(demo)
    response = send(client_for(api_token("lead")), demo, data, apply="true")
    assert response.status_code == 422
    assert response.json() == {
        "detail": "The file was not imported: correct the rows listed and upload it again.", "field": "file",
        "errors": [
            {"row": 3, "column": "计划数量", "column_letter": "L", "message": "“many” is not a whole number."},
            {"row": 4, "column": "时间节点", "column_letter": "B", "message": "“2024-02-30” is not a real date."},
        ]}
    assert plan_state(demo) == before


@pytest.mark.django_db
def test_missing_file_oversize_and_not_a_spreadsheet(demo, api_token, settings):
    client = client_for(api_token("lead"))
    missing = client.post(import_url(demo), {"apply": "false"})
    assert missing.status_code == 422 and missing.json()["field"] == "file"
    notes = send(client, demo, b"MZ\x90\x00 not a workbook")
    assert notes.status_code == 422 and notes.json()["detail"] == (
        "The file is not a valid Excel or OpenDocument spreadsheet.")
    settings.MAX_UPLOAD_BYTES = 1000
    big = send(client, demo, export_plan(campaign=demo, lang="en"))
    assert big.status_code == 413 and big.json()["detail"] == "The file is too large: the limit is 0.0 MB."


@pytest.mark.django_db
def test_access(demo, api_token):
    data = edit_xlsx(export_plan(campaign=demo, lang="en"), {"H2": "x"})
    before = plan_state(demo)
    outsider, viewer = client_for(api_token("outsider")), client_for(api_token("viewer"))
    assert outsider.get(export_url(demo)).status_code == 404
    assert send(outsider, demo, data).status_code == 404
    assert send(outsider, demo, data, apply="true").status_code == 404
    assert send(viewer, demo, data).status_code == 403
    assert send(viewer, demo, data, apply="true").status_code == 403
    assert Client().get(export_url(demo)).status_code == 401
    assert send(Client(), demo, data).status_code == 401
    assert plan_state(demo) == before


@pytest.mark.django_db
def test_the_operations_are_documented(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert XLSX in paths["/api/v1/campaigns/{campaign_id}/plan/export"]["get"]["responses"]["200"]["content"]
    body = paths["/api/v1/campaigns/{campaign_id}/plan/import"]["post"]["requestBody"]["content"]
    assert set(body["multipart/form-data"]["schema"]["properties"]) == {"file", "apply", "fingerprint"}
