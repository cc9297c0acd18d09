"""The JSON API at /api/v1: session auth for the browser, personal Bearer tokens for scripts.

- Authentication: a Bearer token (`Authorization: Bearer co_…`, see /api/v1/me/tokens) or the
  browser session. A signed-in session must send the CSRF token on unsafe methods; a token need not.
  No (valid) credentials: 401.
- Domain errors are mapped to HTTP answers here, once: 404 for missing or not visible, 403 for a role
  that does not allow the action, 409 for a stale `version`, 422 for bad input; a 500 is a bug.
- Docs: /api/v1/openapi.json and the interactive page /api/v1/docs, served from local static files
  with no inline script (the strict CSP holds there too).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import DocsBase
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from campaignops.accounts.models import ApiToken
from campaignops.core.errors import DomainError, StaleVersion
from campaignops.core.schemas import MAX_ID


class BearerToken(HttpBearer):
    """A personal API token; the user's profile language is used unless a language cookie is set."""

    def authenticate(self, request, token):
        token_row = (
            ApiToken.objects.select_related("user", "user__profile")
            .filter(digest=ApiToken.hash(token), revoked=False).first()
        )
        if token_row is None or not token_row.user.is_active:
            return None
        if token_row.expires_at and token_row.expires_at <= timezone.now():
            return None
        ApiToken.objects.filter(pk=token_row.pk).update(last_used_at=timezone.now())
        request.user = token_row.user
        _use_profile_language(request, token_row.user)
        return token_row.user


def _use_profile_language(request, user) -> None:
    profile = getattr(user, "profile", None)
    if profile is not None and profile.language and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(profile.language)
        request.LANGUAGE_CODE = translation.get_language()


class SessionAuth(APIKeyCookie):
    """The browser session. CSRF is checked for signed-in sessions only, so an anonymous caller gets
    a plain 401 rather than a CSRF refusal."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, _("The CSRF token is missing or wrong: reload the page and try again."))
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        return request.user if request.user.is_authenticated else None


class LocalSwagger(DocsBase):
    """Swagger UI from the static files django-ninja ships (no CDN), in a page with no inline script:
    the settings travel in a JSON data block and `ninja/swagger-ui-init.js` starts the UI."""

    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: "NinjaAPI", **kwargs) -> HttpResponse:
        config = {"layout": "BaseLayout", "deepLinking": True, "url": self.get_openapi_url(api, kwargs)}
        return render(request, self.template, {"api": api, "swagger_settings": config})


def _nul_errors(value, loc: tuple) -> list[dict]:
    """Where a NUL character hides in parsed input (PostgreSQL cannot store one in text)."""
    if isinstance(value, str):
        return [{"loc": loc, "msg": "NUL character", "type": "nul_character"}] if "\x00" in value else []
    if isinstance(value, dict):
        return [e for key, item in value.items() for e in _nul_errors(key, loc) + _nul_errors(item, (*loc, key))]
    if isinstance(value, list):
        return [e for i, item in enumerate(value) for e in _nul_errors(item, (*loc, i))]
    return []


class NoNulParser(Parser):
    """JSON bodies and query strings with a NUL character anywhere are refused as bad input (422
    naming the field) before any endpoint sees them, on every database alike."""

    def parse_body(self, request):
        data = super().parse_body(request)
        if errors := _nul_errors(data, ("body",)):
            raise ValidationError(errors)
        return data

    def parse_querydict(self, data, list_fields, request):
        parsed = super().parse_querydict(data, list_fields, request)
        if errors := _nul_errors(parsed, ("query",)):
            raise ValidationError(errors)
        return parsed


api = NinjaAPI(
    title="CampaignOps API",
    version="1",
    description="Campaigns, plans and everything around them. Authenticate with a personal token "
                "(`Authorization: Bearer …`, create one at /api/v1/me/tokens or on your profile page) "
                "or the browser session (send the CSRF token on writes). Edits carry the `version` you "
                "read: a stale one gets 409 and nothing is written.",
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api-1",
    docs=LocalSwagger(),
    parser=NoNulParser(),
)


def _error(request, body: dict, status: int) -> HttpResponse:
    return api.create_response(request, body, status=status)


def _flat(details: list) -> list[dict]:
    """Service details ({field, messages}) in the same shape as input errors ({field, message})."""
    flat = []
    for item in details:
        if isinstance(item, dict) and "messages" in item:
            field = None if item.get("field") == "__all__" else item.get("field")
            flat += [{"field": field, "message": str(m), "type": "invalid"} for m in item["messages"]]
        else:
            flat.append(item)
    return flat


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    body = {"detail": str(exc.message), "field": exc.field, "errors": _flat(exc.details)}
    if isinstance(exc, StaleVersion):
        body["current_version"] = exc.current_version
    return _error(request, body, exc.status)


@api.exception_handler(DjangoValidationError)
def model_invalid(request, exc: DjangoValidationError):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    field, messages = next(iter(errors.items()))
    details = _flat([{"field": f, "messages": m} for f, m in errors.items()])
    return _error(request, {"detail": messages[0], "field": None if field == "__all__" else field,
                            "errors": details}, 422)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """Ninja wraps whatever the body parser raises in a 400; input the parser refused (a NUL
    character) is answered like any other bad input."""
    if isinstance(exc.__cause__, ValidationError):
        return invalid(request, exc.__cause__)
    return _error(request, {"detail": str(exc)}, exc.status_code)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, {"detail": _("Not found.")}, 404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _error(request, {"detail": _("Your role on this campaign does not allow this.")}, 403)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return _error(request, {"detail": _("Sign in or send a valid API token.")}, 401)


INPUT_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "extra_forbidden": gettext_lazy("Unknown field."),
    "enum": gettext_lazy("This is not one of the allowed values."),
    "literal_error": gettext_lazy("This is not one of the allowed values."),
    "date_from_datetime_parsing": gettext_lazy("Enter a valid date (YYYY-MM-DD)."),
    "date_parsing": gettext_lazy("Enter a valid date (YYYY-MM-DD)."),
    "date_from_datetime_inexact": gettext_lazy("Enter a valid date (YYYY-MM-DD)."),
    "datetime_from_date_parsing": gettext_lazy("Enter a valid date and time."),
    "datetime_parsing": gettext_lazy("Enter a valid date and time."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "decimal_parsing": gettext_lazy("Enter a number."),
    "decimal_type": gettext_lazy("Enter a number."),
    "decimal_max_digits": gettext_lazy("This number has too many digits."),
    "decimal_max_places": gettext_lazy("This number has too many decimal places."),
    "string_type": gettext_lazy("Enter a text."),
    "string_too_short": gettext_lazy("This field cannot be empty."),
    "string_too_long": gettext_lazy("This text is too long."),
    "string_pattern_mismatch": gettext_lazy("This value does not have the expected format."),
    "greater_than_equal": gettext_lazy("This number is too small."),
    "less_than_equal": gettext_lazy("This number is too large."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "json_invalid": gettext_lazy("The body is not valid JSON."),
    "nul_character": gettext_lazy("Text may not contain the NUL character."),
}


def _input_error(error: dict) -> dict:
    """One pydantic error as {field, message, type}, the message in the user's language."""
    wrappers = ("body", "query", "path", "payload", "filters")
    loc = [str(part) for part in error.get("loc", ()) if part not in wrappers]
    kind = error.get("type", "")
    if kind == "value_error" and error.get("ctx", {}).get("error"):
        message = str(error["ctx"]["error"])
    else:
        message = str(INPUT_MESSAGES.get(kind, error.get("msg", "")))
    return {"field": ".".join(loc) or None, "message": message, "type": kind}


def _hidden_campaign(request) -> bool:
    """Whether the URL names a campaign the caller may not see. Ninja validates input before the
    view asks the policy, so this keeps "non-member: 404" true for bad input too."""
    from campaignops.access.policy import visible
    from campaignops.campaigns.models import Campaign

    match = getattr(request, "resolver_match", None)
    campaign_id = match.kwargs.get("campaign_id") if match else None
    if campaign_id is None:
        return False
    if not str(campaign_id).isdigit() or not 0 < int(campaign_id) <= MAX_ID:
        return True
    return not visible(request.user, Campaign.objects.filter(pk=int(campaign_id))).exists()


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):
    if _hidden_campaign(request):
        return not_found(request, Http404())
    errors = [_input_error(e) for e in exc.errors]
    first = errors[0] if errors else {"field": None, "message": ""}
    detail = (_("%(field)s: %(message)s") % first) if first["field"] else (first["message"] or
                                                                             _("The request is not valid."))
    return _error(request, {"detail": detail, "field": first["field"], "errors": errors}, 422)


def _register_routers() -> None:
    from campaignops.accounts.api import router as accounts_router
    from campaignops.budget.api import router as budget_router
    from campaignops.campaigns.api import router as campaigns_router
    from campaignops.campaigns.api_goal import router as campaigns_goal_router
    from campaignops.lessons.api import router as lessons_router
    from campaignops.metrics.api import router as metrics_router
    from campaignops.metrics.api_dashboard import router as metrics_dashboard_router
    from campaignops.planning.api import router as planning_router
    from campaignops.planning.api_io import router as planning_io_router
    from campaignops.planning.api_progress import router as planning_progress_router
    from campaignops.planning.api_schedule import router as planning_schedule_router
    from campaignops.reports.api import router as reports_router
    from campaignops.risks.api import router as risks_router

    api.add_router("/", accounts_router)
    api.add_router("/", campaigns_router)
    api.add_router("/", campaigns_goal_router)
    api.add_router("/", planning_router)
    api.add_router("/", planning_io_router)
    api.add_router("/", planning_schedule_router)
    api.add_router("/", planning_progress_router)
    api.add_router("/", risks_router)
    api.add_router("/", reports_router)
    api.add_router("/", metrics_router)
    api.add_router("/", metrics_dashboard_router)
    api.add_router("/", lessons_router)
    api.add_router("/", budget_router)


_register_routers()
