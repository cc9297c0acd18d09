"""The Data tab: upload → preview → apply, mapping by hand, quick entry, exports, access."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaignops.core.spreadsheets import guard_upload, read_rows
from campaignops.metrics import services
from campaignops.metrics.models import BatchState, HeaderMapping, ImportBatch, Observation

DATA = Path(__file__).parent / "data"


@pytest.fixture
def empty(demo):
    Observation.objects.filter(campaign=demo).delete()
    return demo


def url(name: str, campaign) -> str:
    return reverse(f"metrics:{name}", args=[campaign.pk])


def file(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else (DATA / name).read_bytes())


def test_data_page_shows_numbers_batches_and_core_metrics(demo, client_as, django_assert_num_queries):
    client = client_as("sales")
    client.get(url("data", demo))
    with django_assert_num_queries(10):
        page = client.get(url("data", demo))
    assert page.status_code == 200
    html = page.content.decode()
    assert "244 numbers over 13 days and 3 channels" in html
    assert "巨量引擎_数据报表_20240608-20240620.xlsx" in html
    assert 'id="metrics-upload"' in html and "Impressions" in html


def test_upload_preview_apply(empty, client_as):
    client = client_as("sales")
    response = client.post(url("data", empty), {"file": file("google_ads_campaign_report.csv"), "channel": ""})
    assert response.status_code == 302 and response.url == url("preview", empty)
    page = client.get(url("preview", empty)).content.decode()
    assert "Google Ads" in page and 'data-count="new">New: 15<' in page
    assert 'data-total="3941.71"' in page and "3 days, 2024-06-01 ~ 2024-06-03" in page
    assert "3 total or note rows skipped" in page
    assert Observation.objects.filter(campaign=empty).count() == 0
    batch = ImportBatch.objects.get(campaign=empty, state=BatchState.PENDING)
    fingerprint = services.preview(empty, services.batch_parse(batch)).fingerprint
    done = client.post(url("preview", empty), {"action": "apply", "fingerprint": fingerprint})
    assert done.status_code == 302
    assert Observation.objects.filter(campaign=empty, source="file", channel__code="google").count() == 15
    batch.refresh_from_db()
    assert (batch.state, batch.payload, batch.totals["spend"], batch.row_count) == ("applied", None, "3941.71", 15)
    # The same file again: nothing to import.
    client.post(url("data", empty), {"file": file("google_ads_campaign_report.csv"), "channel": ""})
    page = client.get(url("preview", empty)).content.decode()
    assert 'id="nothing-new"' in page and 'id="metrics-apply"' not in page


def test_a_broken_file_shows_its_row_and_column_and_cannot_be_applied(empty, client_as):
    client = client_as("sales")
    client.post(url("data", empty), {"file": file("daily_semicolon_broken.csv"), "channel": ""})
    page = client.get(url("preview", empty)).content.decode()
    assert '<tr data-row="6"><td>6</td><td>D · Clicks</td><td>“28O” is not a number.</td></tr>' in page
    assert 'id="metrics-apply"' not in page
    response = client.post(url("preview", empty), {"action": "apply"})
    assert response.status_code == 422
    assert Observation.objects.filter(campaign=empty).count() == 0


def test_columns_mapped_by_hand_then_saved(empty, client_as):
    client = client_as("sales")
    text = "统计日期,进店客流\n2024-06-15,88\n2024-06-16,104\n".encode()
    client.post(url("data", empty), {"file": file("门店日报.csv", text), "channel": ""})
    page = client.get(url("preview", empty)).content.decode()
    assert "No metric column was recognised" in page
    response = client.post(url("preview", empty), {"action": "map", "header": ["统计日期", "进店客流"],
                                                   "col-0": "day", "col-1": "store_visitors", "channel": "pop-up",
                                                   "save_as": "快闪店日报"})
    assert response.status_code == 200
    assert 'data-total="192"' in response.content.decode()
    assert HeaderMapping.objects.get(campaign=empty, name="快闪店日报").columns == {"统计日期": "day",
                                                                                   "进店客流": "store_visitors"}
    client.post(url("preview", empty), {"action": "apply"})
    assert Observation.objects.filter(campaign=empty, channel__code="pop-up").count() == 2


def test_discard_writes_nothing(empty, client_as):
    client = client_as("sales")
    client.post(url("data", empty), {"file": file("meta_ads_export.csv"), "channel": ""})
    client.post(url("preview", empty), {"action": "discard"})
    assert ImportBatch.objects.get(campaign=empty, file_name="meta_ads_export.csv").state == BatchState.DISCARDED
    assert client.get(url("preview", empty)).status_code == 404


def test_quick_entry_a_number_per_channel(empty, client_as):
    client = client_as("sales")
    page = client.get(url("entry", empty) + "?day=2024-06-15&metric=store_visitors")
    assert page.status_code == 200 and 'id="v-pop-up"' in page.content.decode()
    response = client.post(url("entry", empty), {"day": "2024-06-15", "metric": "store_visitors", "v-pop-up": "88",
                                                 "v-douyin": ""})
    assert response.status_code == 302
    assert list(Observation.objects.filter(campaign=empty).values_list("channel__code", "day", "value", "source")) \
        == [("pop-up", dt.date(2024, 6, 15), Decimal(88), "manual")]
    again = client.get(url("entry", empty) + "?day=2024-06-15&metric=store_visitors").content.decode()
    assert 'name="v-pop-up" value="88"' in again
    bad = client.post(url("entry", empty), {"day": "2024-06-15", "metric": "store_visitors", "v-pop-up": "8x8"})
    assert bad.status_code == 422 and "“8x8” is not a number." in bad.content.decode()
    assert Observation.objects.get(campaign=empty).value == 88


def test_viewer_reads_and_exports_but_may_not_write(demo, client_as):
    viewer = client_as("viewer")
    assert viewer.get(url("data", demo)).status_code == 200
    assert viewer.post(url("data", demo), {"file": file("meta_ads_export.csv")}).status_code == 403
    assert viewer.get(url("entry", demo)).status_code == 403
    assert viewer.get(url("export_csv", demo)).status_code == 200
    assert client_as("outsider").get(url("data", demo)).status_code == 404


def test_exports_read_back_as_the_same_numbers(demo, users, client_as):
    client = client_as("viewer")
    xlsx = client.get(url("export_xlsx", demo))
    rows = read_rows(guard_upload("data.xlsx", xlsx.content))
    assert rows[0][:5] == ["Day", "Hour", "Channel", "Metric", "Value"]
    assert len(rows) == 245
    csv = client.get(url("export_csv", demo))
    assert csv["Content-Type"].startswith("text/csv") and csv.content.startswith(b"\xef\xbb\xbf")
    for name, content in (("data.xlsx", xlsx.content), ("data.csv", csv.content)):
        parsed = services.parse_upload(demo, guard_upload(name, content))
        assert parsed.ok, parsed.errors
        assert parsed.cmap.platform == "campaignops"
        assert services.preview(demo, parsed).counts == {"new": 0, "changed": 0, "unchanged": 244}


def test_export_neutralises_formula_like_text(empty, users, client_as):
    services.custom_metric_create(campaign=empty, code="x_metric", name_en="=HYPERLINK(\"http://x\")",
                                  actor=users["lead"])
    services.bulk_record(campaign=empty, actor=users["lead"], items=[services.BulkItem(
        day=dt.date(2024, 6, 15), channel="pop-up", metric="x_metric", value=Decimal(1))])
    csv = client_as("lead").get(url("export_csv", empty)).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv
