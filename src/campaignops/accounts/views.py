"""The signed-in user's own page: profile preferences and personal API tokens."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .forms import COMMON_TIME_ZONES, ProfileForm, TokenCreateForm

TEMPLATE = "accounts/profile.html"


def _render(request, context: dict, *, partial: str | None = None, status: int = 200):
    context.setdefault("tokens", request.user.api_tokens.all())
    context.setdefault("token_form", TokenCreateForm())
    context.setdefault("time_zones", COMMON_TIME_ZONES)
    context.setdefault("user_time_zone", services.profile_of(request.user).time_zone)
    if partial and request.htmx:
        return TemplateResponse(request, f"{TEMPLATE}#{partial}", context, status=status)
    context.setdefault("form", ProfileForm(instance=services.profile_of(request.user)))
    return TemplateResponse(request, TEMPLATE, context, status=status)


def _remember_language(request, response, language: str):
    """Make the chosen language win over an earlier switcher cookie, from the next request on."""
    if language:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                            samesite="Lax")
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    if request.method != "POST":
        return _render(request, {})
    form = ProfileForm(request.POST, instance=services.profile_of(request.user))
    if not form.is_valid():
        return _render(request, {"form": form})
    data = {f: form.cleaned_data[f] for f in services.PROFILE_FIELDS}
    services.profile_update(user=request.user, actor=request.user, **data)
    language = data["language"] or translation.get_language_from_request(request, check_path=False)
    with translation.override(language):
        messages.success(request, _("Your profile is saved."))
    return _remember_language(request, redirect("accounts:profile"), data["language"])


@login_required
@require_POST
def token_create(request):
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return _render(request, {"token_form": form}, partial="tokens")
    token, raw = services.api_token_create(user=request.user, actor=request.user, name=form.cleaned_data["name"])
    return _render(request, {"new_token": token, "raw_token": raw}, partial="tokens")


@login_required
@require_POST
def token_revoke(request, token_id: int):
    token = get_object_or_404(request.user.api_tokens, pk=token_id)
    services.api_token_revoke(token=token, actor=request.user)
    if not request.htmx:
        messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
        return redirect("accounts:profile")
    return _render(request, {"revoked": token}, partial="tokens")
