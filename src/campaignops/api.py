"""The JSON API at /api/v1: session auth for the browser, personal Bearer tokens for scripts.
Domain errors are mapped to HTTP answers here, once."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer, django_auth

from campaignops.accounts.models import ApiToken
from campaignops.core.errors import DomainError, StaleVersion


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        token_row = (
            ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(token), revoked=False).first()
        )
        if token_row is None or not token_row.user.is_active:
            return None
        if token_row.expires_at and token_row.expires_at <= timezone.now():
            return None
        ApiToken.objects.filter(pk=token_row.pk).update(last_used_at=timezone.now())
        request.user = token_row.user
        return token_row.user


api = NinjaAPI(
    title="CampaignOps API",
    version="1",
    description="Campaigns, plans and everything around them. Authenticate with a personal token "
                "(Authorization: Bearer …) or the browser session.",
    auth=[BearerToken(), django_auth],
    urls_namespace="api-1",
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    body = {"detail": str(exc.message), "field": exc.field, "errors": exc.details}
    if isinstance(exc, StaleVersion):
        body["current_version"] = exc.current_version
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": _("Your role on this campaign does not allow this.")},
                               status=403)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": _("Sign in or send a valid API token.")}, status=401)


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):
    return api.create_response(request, {"detail": _("The request is not valid."), "errors": exc.errors},
                               status=422)


def _register_routers() -> None:
    from campaignops.campaigns.api import router as campaigns_router
    from campaignops.planning.api import router as planning_router
    from campaignops.planning.api_io import router as planning_io_router

    api.add_router("/", campaigns_router)
    api.add_router("/", planning_router)
    api.add_router("/", planning_io_router)


_register_routers()
