"""Every URL pattern is behind the access policy.

The test walks the URL resolver, so a new page, fragment or export is checked automatically — and
fails here until its parameters are known (samples()) or it is declared as not campaign-scoped
(GLOBAL_PAGES) with a reason. API operations: see campaigns/tests/test_api.py.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from campaignops.campaigns.models import KpiTarget, Membership
from campaignops.core.models import AuditEntry
from campaignops.planning.models import Phase, Task

# URL names that are not about one campaign, and why they are fine for any signed-in user.
GLOBAL_PAGES = {
    "home": "redirect to the list",
    "login": "sign-in page", "logout": "sign-out", "set_language": "language switch",
    "campaigns:list": "lists only visible campaigns (tested in campaigns tests)",
    "campaigns:create": "creates a campaign the user then leads",
    "accounts:profile": "the user's own profile", "accounts:token_create": "the user's own tokens",
    "accounts:token_revoke": "the user's own tokens (404 for others' tokens, tested in accounts)",
    "planning:calendar": "working-day calendar, not campaign data",
    "planning:calendar_override": "staff-only calendar overrides",
    "planning:calendar_override_delete": "staff-only calendar overrides",
    "planning_progress:my_tasks": "the user's own tasks in campaigns they may see (tested in planning)",
    "budget:approvals": "only revisions/goal sign-offs of the user's own campaigns (tested in budget)",
    "lessons:library": "lists only lessons the user may see: their campaigns' and shared ones (tested in lessons)",
    "lessons:new": "writes a lesson only on a campaign the user may edit (tested in lessons)",
}
SKIP_NAMESPACES = {"admin", "api-1"}


def samples(campaign) -> dict[str, int]:
    """A value for every URL / path parameter name used by campaign-scoped routes."""
    task = Task.objects.filter(campaign=campaign).order_by("id").first()
    phase = Phase.objects.filter(campaign=campaign).order_by("id").first()
    member = Membership.objects.filter(campaign=campaign).order_by("id").first()
    target = KpiTarget.objects.filter(campaign=campaign).order_by("id").first()
    ids = {"campaign": campaign.pk, "task": task.pk, "phase": phase.pk, "member": member.pk,
           "membership": member.pk, "target": target.pk, "kpi": target.pk, "kpi_target": target.pk}
    ids.update(_risk_samples(campaign))
    ids["dependency"] = _dependency_sample(campaign)
    ids.update(_budget_samples(campaign))
    ids["version"] = _report_version_sample(campaign)
    ids.update(_lesson_samples(campaign, task))
    out = {"pk": campaign.pk}
    out.update(kind="summary", fmt="pdf", chart="kpis")
    for key, value in ids.items():
        out[key + "_id"] = value
        out[key + "_pk"] = value
        out[key] = value
    return out


def _lesson_samples(campaign, task) -> dict[str, int]:
    """A lesson of the campaign that is not shared, and a lesson suggested beside one of its rows."""
    from campaignops.lessons.models import Lesson, LessonSuggestion

    lesson = Lesson.objects.filter(campaign=campaign, shared=False).order_by("id").first() or Lesson.objects.create(
        campaign=campaign, text="快闪店场地费预算超支")
    suggestion = LessonSuggestion.objects.filter(campaign=campaign).order_by("id").first() or \
        LessonSuggestion.objects.create(campaign=campaign, task=task, lesson=lesson)
    return {"lesson": lesson.pk, "suggestion": suggestion.pk}


def _report_version_sample(campaign) -> int:
    """A published report version of the campaign (made here: the demo publishes none)."""
    from campaignops.reports.models import Report, ReportVersion

    report, _ = Report.objects.get_or_create(campaign=campaign, kind="summary")
    version = ReportVersion.objects.filter(report=report).first() or ReportVersion.objects.create(
        report=report, campaign=campaign, number=1, published_at=report.created_at, snapshot={})
    return version.pk


def _budget_samples(campaign) -> dict[str, int]:
    """Budget line, revision, material and expense of the campaign (the demo has them all)."""
    import datetime as dt

    from campaignops.budget.models import BudgetLine, BudgetRevision, Expense, Material

    line = BudgetLine.objects.filter(campaign=campaign).order_by("id").first() or BudgetLine.objects.create(
        campaign=campaign, category="materials", name="宣传物料", planned=1000, approved_amount=1000)
    revision = BudgetRevision.objects.filter(campaign=campaign).order_by("id").first() or \
        BudgetRevision.objects.create(campaign=campaign, number=1, status="approved", total=1000, lines=[])
    material = Material.objects.filter(campaign=campaign).order_by("id").first() or Material.objects.create(
        campaign=campaign, name="易拉宝", line=line)
    expense = Expense.objects.filter(campaign=campaign).order_by("id").first() or Expense.objects.create(
        campaign=campaign, line=line, amount=300, spent_on=dt.date(2026, 6, 2), vendor="印刷厂")
    return {"line": line.pk, "revision": revision.pk, "material": material.pk, "expense": expense.pk}


def _dependency_sample(campaign) -> int:
    """A dependency of the campaign (the demo has the seed chain; one is made if it is gone)."""
    from campaignops.planning.models import TaskDependency

    dep = TaskDependency.objects.filter(campaign=campaign).order_by("id").first()
    if dep is None:
        first, second = Task.objects.filter(campaign=campaign).order_by("id")[:2]
        dep = TaskDependency.objects.create(campaign=campaign, predecessor=first, successor=second)
    return dep.pk


def _risk_samples(campaign) -> dict[str, int]:
    """Risk register, contingency task, issue, adjustment and stand-up rows of the campaign (the demo
    has all but a stand-up; what is missing is created here)."""
    import datetime as dt

    from campaignops.planning.models import Standup
    from campaignops.risks.models import ContingencyTask, Issue, Risk, StrategyAdjustment

    moment = dt.datetime(2024, 6, 14, 1, 30, tzinfo=dt.UTC)
    item = ContingencyTask.objects.filter(risk__campaign=campaign).order_by("id").first()
    if item is None:
        risk = Risk.objects.filter(campaign=campaign).order_by("id").first() or Risk.objects.create(
            campaign=campaign, description="达人档期冲突", contingency_plan="备选2名素人")
        item = ContingencyTask.objects.create(risk=risk, title="联系备选素人")
    issue = Issue.objects.filter(campaign=campaign).order_by("id").first() or Issue.objects.create(
        campaign=campaign, problem="物料延迟", reported_at=moment, response_deadline=moment + dt.timedelta(hours=24))
    adjustment = StrategyAdjustment.objects.filter(campaign=campaign).order_by("id").first() or \
        StrategyAdjustment.objects.create(campaign=campaign, date=moment.date(), what_changed="增加价格说明")
    standup = Standup.objects.filter(campaign=campaign).order_by("id").first() or Standup.objects.create(
        campaign=campaign, held_on=moment.date(), held_at=moment)
    return {"risk": item.risk_id, "contingency": item.pk, "issue": issue.pk, "adjustment": adjustment.pk,
            "standup": standup.pk}


def walk(resolver, prefix="", ns=None):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            inner_ns = p.namespace or ns
            if inner_ns in SKIP_NAMESPACES:
                continue
            yield from walk(p, prefix + str(p.pattern), f"{ns}:{p.namespace}" if ns and p.namespace else inner_ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), (f"{ns}:{p.name}" if ns else p.name)


def build(route: str, values: dict) -> str:
    def sub(m):
        name = m.group(2)
        if name not in values:
            raise KeyError(name)
        return str(values[name])
    path = re.sub(r"<(?:(\w+):)?(\w+)>", sub, route)
    return "/" + path.lstrip("^").rstrip("$")


def campaign_routes():
    for route, name in walk(get_resolver()):
        if name in GLOBAL_PAGES or route.startswith(("static", "media")):
            continue
        yield route, name


@pytest.mark.django_db
def test_every_page_and_fragment_is_404_for_a_non_member_and_read_only_for_a_viewer(demo, users, client_as):
    values = samples(demo)
    outsider, viewer = client_as("outsider"), client_as("viewer")
    checked, problems = 0, []
    for route, name in campaign_routes():
        try:
            url = build(route, values)
        except KeyError as exc:
            problems.append(f"{name} ({route}): unknown parameter {exc}; add it to samples() or GLOBAL_PAGES")
            continue
        before = (AuditEntry.objects.count(), Task.objects.count(), Phase.objects.count())
        for method in ("get", "post"):
            status = getattr(outsider, method)(url).status_code
            if status != 404:
                problems.append(f"{name} {method.upper()} {url} as non-member: {status}, expected 404")
        status = viewer.post(url, {"title": "x", "name": "x"}).status_code
        if status not in (403, 405):
            problems.append(f"{name} POST {url} as viewer: {status}, expected 403/405")
        if (AuditEntry.objects.count(), Task.objects.count(), Phase.objects.count()) != before:
            problems.append(f"{name}: something was written by a refused request")
        checked += 1
    assert not problems, "\n".join(problems)
    assert checked >= 3


# API operations: campaigns/tests/test_api.py::test_every_api_operation_is_guarded calls every operation
# of the OpenAPI document with valid bodies (anonymous 401, non-member 404, viewer 403, nothing written).
