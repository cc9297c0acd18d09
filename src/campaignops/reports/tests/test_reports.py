"""Reports on a constructed finished campaign: exact figures, drafting, editing with versions,
publishing (frozen snapshot, documents, campaign closed), documents' Chinese text, the pages, the
API and the nag."""

from __future__ import annotations

import io
from unittest import mock

import pytest
from django.utils import translation

from campaignops.reports import facts, services
from campaignops.reports.models import Report, ReportDocument, ReportVersion

from .conftest import NOW

pytestmark = pytest.mark.django_db


def frozen(moment=NOW):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_facts_state_each_kpi_the_weakest_step_and_the_channel_ranking(finished):
    s = facts.collect(finished, now=NOW)
    kpis = {r["metric"]: (r["actual"], r["percent"], r["verdict"]) for r in s["kpis"]["rows"]}
    assert kpis == {
        "impressions": ("600000", "120", "met"),
        "cvr": ("4", "80", "missed"),
        "live_views": ("120000", "120", "met"),
        "store_visitors": ("450", "90", "close"),
        "reviews": ("210", "105", "met"),
        "complaint_rate": ("0.8", "125", "met"),
    }
    f = s["funnel"]
    assert f["weakest"] == 1
    assert f["steps"][1] == {"source": "clicks", "target": "conversions", "rate_code": "cvr", "source_value": "15000",
                             "target_value": "600", "rate": "4", "target_rate": "5", "percent_of_target": "80",
                             "gap_points": "1"}
    assert f["steps"][0]["rate"] == "2.5"
    named = {int(k): v["code"] for k, v in s["channels_named"].items()}
    assert [(named[r["channel"]], r["spend"], r["results"], r["cost_per_result"], r["rank"])
            for r in s["channels"]["rows"]] == [("xiaohongshu", "12000", "240", "50", 1),
                                                ("douyin", "30000", "300", "100", 2),
                                                ("pop-up", "9000", "60", "150", 3)]
    assert s["channels"]["result_metric"] == "conversions"


def test_facts_schedule_issues_risks_adjustments(finished):
    s = facts.collect(finished, now=NOW)
    sc = s["schedule"]
    assert [(p["late_days"], p["on_time"]) for p in sc["phases"]] == [(0, True), (2, False), (0, True), (0, True),
                                                                      (0, True)]
    assert (sc["tasks_total"], sc["tasks_done"], sc["delayed_count"]) == (5, 5, 1)
    assert sc["delayed"][0]["late_days"] == 2
    i = s["issues"]
    assert (i["count"], i["on_time"], i["late"], i["open_overdue"], i["median_hours"]) == (2, 1, 1, 0, "8.3")
    assert [(r["hours"], r["allowed"]) for r in i["slow"]] == [("10", "4")]
    assert [r["description"][:4] for r in s["risks"]["triggered"]] == ["天气突变"]
    adj = s["adjustments"]["rows"][0]
    assert (adj["date"], adj["before"], adj["after"]) == ("2024-06-16", "3", "3.67")


def test_a_campaign_without_metrics_says_so_in_each_section(demo):
    from campaignops.metrics.models import Observation
    from campaignops.metrics.selectors import forget_cells

    Observation.objects.filter(campaign=demo).delete()
    forget_cells()
    s = facts.collect(demo, now=NOW)
    assert (s["channels"]["available"], s["channels"]["reason"]) == (False, "no_metrics")
    assert s["funnel"]["reason"] == "no_metrics"
    assert {r["verdict"] for r in s["kpis"]["rows"]} == {"no_data"}
    with mock.patch("campaignops.reports.facts.metrics_installed", return_value=False):
        assert facts.collect(demo, now=NOW)["channels"]["reason"] == "no_metrics_app"


def test_facts_take_a_fixed_number_of_queries(finished, users):
    """As many queries for 5 tasks as for 105, for 2 issues as for 22, for 30 observations as for 3,030."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from campaignops.campaigns.models import Channel
    from campaignops.metrics.models import Observation
    from campaignops.metrics.selectors import forget_cells
    from campaignops.planning.models import Phase, Task
    from campaignops.risks.models import Issue

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            facts.collect(finished, now=NOW)
        return len(ctx)

    forget_cells()
    before = count()
    phase = Phase.objects.filter(campaign=finished).first()
    Task.objects.bulk_create([Task(campaign=finished, phase=phase, title=f"t{i}", start_date=phase.start_date,
                                   end_date=phase.end_date) for i in range(100)])
    Issue.objects.bulk_create([Issue(campaign=finished, problem=f"p{i}", reported_at=NOW,
                                     response_deadline=NOW) for i in range(20)])
    weibo = Channel.objects.get(code="weibo")
    Observation.objects.bulk_create([Observation(campaign=finished, channel=weibo, metric=m, value=1, currency="CNY",
                                                 day=dt.date(2024, 6, 1) + dt.timedelta(days=d % 30), hour=d // 30)
                                     for m in ("impressions", "clicks", "spend") for d in range(30 * 24)])
    forget_cells()
    assert count() == before <= 20


def test_generate_drafts_the_narrative_from_the_data(finished, users):
    with frozen():
        summary = services.report_generate(campaign=finished, kind="summary", actor=users["lead"])
        retro = services.report_generate(campaign=finished, kind="retrospective", actor=users["lead"])
    assert summary.narrative["conclusion"].splitlines() == [
        "曝光量 / exposures reached 120.0 % of its target.",
        "直播观看 / live views reached 120.0 % of its target.",
        "评价 / reviews reached 105.0 % of its target.",
        "投诉率 / complaint rate reached 125.0 % of its target.",
        "线上预售转化率 / online pre-sale conversion reached only 80.0 % of its target.",
        "门店到访 / store visitors reached only 90.0 % of its target.",
    ]
    assert summary.narrative["analysis"].splitlines()[0] == (
        "The weakest step was Clicks → Conversions: 4.0 % against 5.0 % planned (1.0 percentage points short).")
    well = retro.narrative["went_well"].splitlines()
    assert well[0] == "Xiaohongshu had the lowest cost per result (Conversions): 50.00 CNY."
    improve = retro.narrative["to_improve"].splitlines()
    assert improve[0] == ("Pop-up store cost 150.00 CNY per result (Conversions) against 50.00 CNY on Xiaohongshu: "
                          "put more of the budget on the cheaper channel next time.")
    assert ("线上预售转化率 / online pre-sale conversion reached only 80.0 % of its target; most were lost at the "
            "Clicks → Conversions step.") in improve
    assert "Phase “预热期（线上）” finished 2 days late." in improve
    assert "1 of 2 issues were not solved within their response deadline." in improve


def test_redraft_and_edit_need_the_current_version(finished, users):
    from campaignops.core.errors import StaleVersion

    report = services.report_generate(campaign=finished, kind="summary", actor=users["lead"])
    services.report_update(report=report, actor=users["sales"], version=1, narrative={"conclusion": "好"})
    stale = Report.objects.get(pk=report.pk)
    with pytest.raises(StaleVersion):
        services.report_update(report=stale, actor=users["lead"], version=1, narrative={"conclusion": "坏"})
    with pytest.raises(StaleVersion):
        services.report_generate(campaign=finished, kind="summary", actor=users["lead"], version=1)
    fresh = Report.objects.get(pk=report.pk)
    assert (fresh.version, fresh.narrative["conclusion"]) == (2, "好")


def _meeting(report, users, departments=("lead", "sales", "product", "finance", "logistics")):
    return services.report_update(report=report, actor=users["lead"], version=report.version,
                                  meeting_date=NOW.date(), attendees=[users[u] for u in departments])


def test_publishing_the_retrospective_freezes_it_and_closes_the_campaign(finished, users):
    with frozen():
        retro = services.report_generate(campaign=finished, kind="retrospective", actor=users["lead"])
        retro = _meeting(retro, users)
        services.action_item_add(report=retro, actor=users["lead"], title="提前签约备选素人", owner=users["product"])
        published = services.report_publish(report=retro, actor=users["lead"], version=retro.version)
    finished.refresh_from_db()
    assert finished.status == "closed"
    assert (published.number, published.snapshot["kpis"]["rows"][0]["percent"]) == (1, "120")
    assert published.snapshot["meeting"]["actions"][0][:2] == ["提前签约备选素人", "张伟 Zhang Wei"] or \
        published.snapshot["meeting"]["actions"][0][:2] == ("提前签约备选素人", "张伟 Zhang Wei")
    assert set(ReportDocument.objects.filter(version=published).values_list("format", "language")) == {
        ("pdf", "en"), ("docx", "en"), ("xlsx", "en")}
    # Later edits make a draft; the published version stays as it was.
    services.report_update(report=Report.objects.get(pk=retro.pk), actor=users["lead"],
                           version=retro.version, narrative={"went_well": "改了"})
    assert ReportVersion.objects.get(pk=published.pk).snapshot["narrative"]["went_well"] != "改了"


def test_publishing_the_retrospective_needs_each_department(finished, users):
    from campaignops.core.errors import DomainError

    retro = services.report_generate(campaign=finished, kind="retrospective", actor=users["lead"])
    retro = _meeting(retro, users, ("lead", "sales"))
    with pytest.raises(DomainError) as exc:
        services.report_publish(report=retro, actor=users["lead"], version=retro.version)
    assert "Product" in str(exc.value.message) and "Finance" in str(exc.value.message)
    assert not ReportVersion.objects.exists()
    finished.refresh_from_db()
    assert finished.status != "closed"


def _pdf_text(data: bytes) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


def test_documents_contain_the_chinese_text(finished, users):
    from docx import Document as Docx
    from openpyxl import load_workbook

    report = services.report_generate(campaign=finished, kind="summary", actor=users["lead"])
    services.report_update(report=report, actor=users["lead"], version=1,
                           narrative={"conclusion": "曝光超额完成，转化率偏低：购买路径过长。"})
    with translation.override("zh-hans"):
        published = services.report_publish(report=Report.objects.get(pk=report.pk), actor=users["lead"], version=2)
        pdf = services.document_get(version=published, fmt="pdf")
        docx = services.document_get(version=published, fmt="docx")
        xlsx = services.document_get(version=published, fmt="xlsx")
    text = _pdf_text(pdf)
    for words in ("夏日清凉季新品体验日", "曝光超额完成，转化率偏低：购买路径过长。", "小红书", "线上预售转化率"):
        assert words in text
    body = "\n".join(p.text for p in Docx(io.BytesIO(docx)).paragraphs)
    cells = "\n".join(c.text for t in Docx(io.BytesIO(docx)).tables for row in t.rows for c in row.cells)
    assert "曝光超额完成，转化率偏低：购买路径过长。" in body and "小红书" in cells and "抖音" in cells
    assert len(Docx(io.BytesIO(docx)).inline_shapes) == 3   # KPI, channel and budget charts
    wb = load_workbook(io.BytesIO(xlsx))
    values = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert "曝光超额完成，转化率偏低：购买路径过长。" in values and "小红书" in values
    rows = [[c.value for c in row] for ws in wb.worksheets for row in ws.iter_rows()]
    assert [1, "小红书", 12000, 240, 50] in rows            # numbers are numbers in the data workbook
    assert any(r[1:] == [15000, 600, 4, 5, 80, 1] for r in rows)


def test_a_formula_like_text_is_not_a_formula_in_the_workbook(finished, users):
    from openpyxl import load_workbook

    report = services.report_generate(campaign=finished, kind="summary", actor=users["lead"])
    services.report_update(report=report, actor=users["lead"], version=1, narrative={"conclusion": "=1+1"})
    published = services.report_publish(report=Report.objects.get(pk=report.pk), actor=users["lead"], version=2)
    wb = load_workbook(io.BytesIO(services.document_get(version=published, fmt="xlsx")))
    cell = next(c for row in wb.worksheets[0].iter_rows() for c in row if c.value == "=1+1")
    assert cell.data_type == "s" and cell.quotePrefix


# ---- pages ----------------------------------------------------------------------------------------

def test_report_pages_generate_edit_publish(finished, users, client_as):
    lead = client_as("lead")
    page = lead.get(f"/campaigns/{finished.pk}/reports/summary/")
    assert page.status_code == 200 and b'data-testid="generate"' in page.content
    assert lead.post(f"/campaigns/{finished.pk}/reports/summary/generate/").status_code == 302
    page = lead.get(f"/campaigns/{finished.pk}/reports/summary/")
    html = page.content.decode()
    assert "Clicks → Conversions" in html
    charts = [f"/campaigns/{finished.pk}/reports/summary/charts/{k}.png" for k in ("kpis", "channels", "budget")]
    assert all(f'src="{url}"' in html for url in charts)
    image = lead.get(charts[0])
    assert image.status_code == 200 and image["Content-Type"] == "image/png" and image.content[:4] == b"\x89PNG"
    assert lead.get(f"/campaigns/{finished.pk}/reports/summary/charts/nope.png").status_code == 404
    r = lead.post(f"/campaigns/{finished.pk}/reports/summary/edit/",
                  {"version": 1, "conclusion": "结论", "analysis": "分析", "next_steps": "下一步"})
    assert r.status_code == 302
    stale = lead.post(f"/campaigns/{finished.pk}/reports/summary/edit/",
                      {"version": 1, "conclusion": "我的", "analysis": "", "next_steps": ""})
    assert stale.status_code == 409 and "我的" in stale.content.decode()
    assert Report.objects.get(kind="summary").narrative["conclusion"] == "结论"
    assert lead.post(f"/campaigns/{finished.pk}/reports/summary/publish/", {"version": 2}).status_code == 302
    version = ReportVersion.objects.get()
    pdf = lead.get(f"/campaigns/{finished.pk}/reports/versions/{version.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    assert "attachment" in pdf["Content-Disposition"]


def test_viewer_reads_but_cannot_write(finished, users, client_as):
    services.report_generate(campaign=finished, kind="summary", actor=users["lead"])
    viewer = client_as("viewer")
    assert viewer.get(f"/campaigns/{finished.pk}/reports/summary/").status_code == 200
    assert viewer.get(f"/campaigns/{finished.pk}/reports/summary/draft.docx").status_code == 200
    assert viewer.post(f"/campaigns/{finished.pk}/reports/summary/edit/", {"version": 1}).status_code == 403
    assert client_as("sales").post(f"/campaigns/{finished.pk}/reports/summary/publish/",
                                   {"version": 1}).status_code == 403
    assert client_as("outsider").get(f"/campaigns/{finished.pk}/reports/summary/").status_code == 404


def test_the_campaign_pages_nag_until_three_days_after_the_end(finished, users, client_as):
    import datetime as dt

    lead = client_as("lead")
    with frozen():
        assert b"data-report-nag=\"1\"" in lead.get(f"/campaigns/{finished.pk}/").content
    with frozen(NOW + dt.timedelta(days=2)):
        assert b"data-report-nag" not in lead.get(f"/campaigns/{finished.pk}/").content
    with frozen():
        retro = services.report_generate(campaign=finished, kind="retrospective", actor=users["lead"])
        retro = _meeting(retro, users)
        services.report_publish(report=retro, actor=users["lead"], version=retro.version)
        assert b"data-report-nag" not in lead.get(f"/campaigns/{finished.pk}/").content


# ---- API --------------------------------------------------------------------------------------------

@pytest.fixture
def api(api_token):
    from campaignops.campaigns.tests.api_client import bearer

    return lambda name: bearer(api_token(name))


def test_api_generate_read_edit_publish_download(finished, users, api):
    lead = api("lead")
    base = f"/campaigns/{finished.pk}/reports"
    r = lead.call("post", base + "/summary/generate", {})
    assert r.status_code == 201 and r.json()["version"] == 1
    r = lead.call("get", base + "/summary")
    assert r.json()["facts"]["funnel"]["weakest"] == 1
    assert lead.call("patch", base + "/summary", {"version": 1, "narrative": {"conclusion": "好"}}).status_code == 200
    r = lead.call("patch", base + "/summary", {"version": 1, "narrative": {"conclusion": "坏"}})
    assert r.status_code == 409 and r.json()["current_version"] == 2
    assert lead.call("patch", base + "/summary", {"version": 2, "narrative": {"oops": "x"}}).status_code == 400
    r = lead.call("post", base + "/summary/publish", {"version": 2})
    assert r.status_code == 201 and r.json()["snapshot"]["narrative"]["conclusion"] == "好"
    vid = r.json()["id"]
    d = lead.get(base + f"/versions/{vid}/download", format="docx")
    assert d.status_code == 200 and d.content[:2] == b"PK"
    assert api("viewer").call("post", base + "/summary/publish", {"version": 3}).status_code == 403


def test_lines_of_the_retrospective_become_lessons_once(finished, users, client_as):
    from campaignops.lessons.models import Lesson

    retro = services.report_generate(campaign=finished, kind="retrospective", actor=users["lead"])
    services.report_update(report=retro, actor=users["lead"], version=retro.version,
                           narrative={"went_well": "素人笔记的单条成本低于达人测评", "to_improve": "跨部门沟通慢：提前建共享文档"})
    lead = client_as("lead")
    url = f"/campaigns/{finished.pk}/reports/retrospective/lessons/"
    page = lead.get(f"/campaigns/{finished.pk}/reports/retrospective/").content.decode()
    assert page.count("data-lesson-line") == 2
    assert lead.post(url, {"kind": "keep", "text": "素人笔记的单条成本低于达人测评"}).status_code == 302
    assert lead.post(url, {"kind": "keep", "text": "素人笔记的单条成本低于达人测评"}).status_code == 302
    assert lead.post(url, {"kind": "improve", "text": "跨部门沟通慢：提前建共享文档"}).status_code == 302
    lessons = list(Lesson.objects.filter(source_report_id=retro.pk).order_by("id").values_list("kind", "text",
                                                                                                "campaign_id"))
    assert lessons == [("keep", "素人笔记的单条成本低于达人测评", finished.pk),
                       ("improve", "跨部门沟通慢：提前建共享文档", finished.pk)]
    assert Report.objects.get(pk=retro.pk).lessons_made == ["素人笔记的单条成本低于达人测评", "跨部门沟通慢：提前建共享文档"]
    assert "In the library" in lead.get(f"/campaigns/{finished.pk}/reports/retrospective/").content.decode()
    assert client_as("viewer").post(url, {"kind": "keep", "text": "x"}).status_code == 403


def test_action_items_become_plan_tasks_in_the_review_phase(finished, users):
    import datetime as dt

    from campaignops.core.errors import DomainError

    retro = services.report_generate(campaign=finished, kind="retrospective", actor=users["lead"])
    with frozen():
        item = services.action_item_add(report=retro, actor=users["lead"], title="提前签约2名备选素人",
                                        owner=users["product"], due=dt.date(2024, 7, 10))
    t = item.task
    assert (t.phase.kind, t.title, t.owner, t.start_date, t.end_date) == (
        "review", "提前签约2名备选素人", users["product"], dt.date(2024, 7, 2), dt.date(2024, 7, 10))
    summary = services.report_generate(campaign=finished, kind="summary", actor=users["lead"])
    with pytest.raises(DomainError):
        services.action_item_add(report=summary, actor=users["lead"], title="x")
    # Action items are follow-ups, not the campaign's plan: the schedule facts leave them out.
    assert facts.collect(finished, now=NOW)["schedule"]["tasks_total"] == 5


def test_the_retrospective_page_runs_a_fixed_number_of_queries(finished, users, client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    retro = _meeting(services.report_generate(campaign=finished, kind="retrospective", actor=users["lead"]), users,
                     ("lead",))
    services.action_item_add(report=retro, actor=users["lead"], title="行动 0", owner=users["sales"])
    lead = client_as("lead")
    url = f"/campaigns/{finished.pk}/reports/retrospective/"
    lead.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert lead.get(url).status_code == 200
        return len(ctx)

    before = count()
    retro = _meeting(Report.objects.get(pk=retro.pk), users)
    for n in range(1, 6):
        services.action_item_add(report=retro, actor=users["lead"], title=f"行动 {n}", owner=users["product"])
    assert count() == before
