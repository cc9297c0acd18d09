"""Every URL pattern and every API operation is behind the access policy.

The test walks the URL resolver and the OpenAPI document, so a new page, fragment, export or
endpoint is checked automatically — and fails here until its parameters are known (SAMPLES) or it
is declared as not campaign-scoped (GLOBAL_*) with a reason.
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
}
SKIP_NAMESPACES = {"admin", "api-1"}

GLOBAL_API = {
    ("get", "/api/v1/campaigns"): "lists only visible campaigns",
    ("post", "/api/v1/campaigns"): "creates a campaign the user then leads",
    ("post", "/api/v1/campaigns/from-template"): "creates a campaign the user then leads",
    ("get", "/api/v1/templates"): "template catalogue",
    ("get", "/api/v1/channels"): "channel catalogue",
    ("post", "/api/v1/channels"): "custom channel in the catalogue",
    ("get", "/api/v1/me"): "the caller", ("get", "/api/v1/me/tokens"): "the caller's tokens",
    ("post", "/api/v1/me/tokens"): "the caller's tokens", ("delete", "/api/v1/me/tokens/{token_id}"): "own tokens",
}


def samples(campaign) -> dict[str, int]:
    """A value for every URL / path parameter name used by campaign-scoped routes."""
    task = Task.objects.filter(campaign=campaign).order_by("id").first()
    phase = Phase.objects.filter(campaign=campaign).order_by("id").first()
    member = Membership.objects.filter(campaign=campaign).order_by("id").first()
    target = KpiTarget.objects.filter(campaign=campaign).order_by("id").first()
    ids = {"campaign": campaign.pk, "task": task.pk, "phase": phase.pk, "member": member.pk,
           "membership": member.pk, "target": target.pk, "kpi": target.pk, "kpi_target": target.pk}
    out = {"pk": campaign.pk}
    for key, value in ids.items():
        out[key + "_id"] = value
        out[key + "_pk"] = value
        out[key] = value
    return out


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


def api_operations(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path, item in schema["paths"].items():
        for method in item:
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method, path


@pytest.mark.django_db
def test_every_api_operation_is_404_for_a_non_member_403_for_viewer_writes_401_anonymous(demo, users, client):
    from django.test import Client

    values = samples(demo)
    operations = list(api_operations(client))
    assert len(operations) >= 10
    tokens = {}
    from campaignops.accounts.models import ApiToken
    for who in ("outsider", "viewer"):
        tokens[who] = ApiToken.issue(user=users[who], name="coverage")[1]
    problems = []
    for method, path in operations:
        if (method, path) in GLOBAL_API:
            anon = getattr(Client(), method)(re.sub(r"{(\w+)}", "1", path), content_type="application/json",
                                             data="{}" if method != "get" else None)
            if anon.status_code != 401:
                problems.append(f"{method.upper()} {path} anonymous: {anon.status_code}, expected 401")
            continue
        try:
            url = re.sub(r"{(\w+)}", lambda m: str(values[m.group(1)]), path)
        except KeyError as exc:
            problems.append(f"{method.upper()} {path}: unknown parameter {exc}; add it to samples() or GLOBAL_API")
            continue
        anon = getattr(Client(), method)(url, content_type="application/json", data="{}" if method != "get" else None)
        if anon.status_code != 401 and path not in {"/api/v1/openapi.json", "/api/v1/docs"}:
            problems.append(f"{method.upper()} {path} anonymous: {anon.status_code}, expected 401")
        before = (AuditEntry.objects.count(), Task.objects.count())
        out = getattr(Client(), method)(url, content_type="application/json", data="{}" if method != "get" else None,
                                        HTTP_AUTHORIZATION=f"Bearer {tokens['outsider']}")
        if out.status_code != 404:
            problems.append(f"{method.upper()} {path} as non-member: {out.status_code}, expected 404")
        if method != "get":
            vw = getattr(Client(), method)(url, content_type="application/json", data="{}",
                                           HTTP_AUTHORIZATION=f"Bearer {tokens['viewer']}")
            if vw.status_code not in (403, 422):
                problems.append(f"{method.upper()} {path} as viewer: {vw.status_code}, expected 403")
        if (AuditEntry.objects.count(), Task.objects.count()) != before:
            problems.append(f"{method.upper()} {path}: something was written by a refused request")
    assert not problems, "\n".join(problems)
