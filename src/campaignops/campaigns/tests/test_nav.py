"""The campaign navigation: the six steps of the process in one row, the pages of the current step
in a second row, team and settings at the end (settings for those who manage only)."""

import lxml.html
import pytest
from django.urls import reverse


def nav(response) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """(steps row, current step's pages row) as (label, active?) pairs."""
    doc = lxml.html.fromstring(response.content.decode())

    def row(selector: str) -> list[tuple[str, bool]]:
        return [(" ".join(a.text_content().split()), "active" in a.classes)
                for a in doc.xpath(f'//nav[contains(@class, "campaign-nav")]//ul[contains(@class, "{selector}")]'
                                   '//a[contains(@class, "nav-link")]')]

    return row("campaign-steps"), row("campaign-tabs")


STEPS = ["Overview", "1 Goal & scope", "2 Plan breakdown", "3 Resources & budget", "4 Execution & tracking",
         "5 Metrics & adjustment", "6 Review & lessons", "Members"]


@pytest.mark.django_db
def test_the_plan_page_shows_the_steps_and_the_plan_steps_pages(demo, client_as):
    steps, pages = nav(client_as("lead").get(reverse("planning:plan", args=[demo.pk])))
    assert steps == [(s, s == "2 Plan breakdown") for s in [*STEPS, "Settings"]]
    assert pages == [("Plan", True), ("Timeline", False)]


@pytest.mark.django_db
def test_a_viewer_on_the_dashboard_sees_step_five_and_no_settings(demo, client_as):
    steps, pages = nav(client_as("viewer").get(reverse("metrics_dashboard:dashboard", args=[demo.pk])))
    assert steps == [(s, s == "5 Metrics & adjustment") for s in STEPS]
    assert pages == [("Dashboard", True), ("Data", False), ("Risks", False), ("Adjustments", False)]


@pytest.mark.django_db
def test_a_one_page_step_has_no_second_row_and_every_link_opens(demo, client_as):
    lead = client_as("lead")
    response = lead.get(reverse("campaigns:goal", args=[demo.pk]))
    steps, pages = nav(response)
    assert ("1 Goal & scope", True) in steps and pages == []
    links = lxml.html.fromstring(response.content.decode()).xpath(
        '//nav[contains(@class, "campaign-nav")]//a[contains(@class, "nav-link")]')
    assert len(links) == 9
    for a in links:
        assert lead.get(a.get("href"), follow=True).status_code == 200, a.get("href")


@pytest.mark.django_db
def test_the_navigation_in_chinese(demo, client_as):
    lead = client_as("lead")
    lead.cookies["django_language"] = "zh-hans"
    steps, pages = nav(lead.get(reverse("planning_progress:daily", args=[demo.pk])))
    assert [label for label, _active in steps] == ["概览", "1 目标与范围", "2 计划拆解", "3 资源与预算", "4 执行与跟踪",
                                                   "5 数据与调整", "6 复盘与沉淀", "成员", "设置"]
    assert pages == [("看板", False), ("每日进度", True), ("站会", False), ("问题", False)]
