"""The signed-in user's own page: profile preferences and personal API tokens."""

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse


@login_required
def profile(request):
    return TemplateResponse(request, "accounts/profile.html", {"tokens": request.user.api_tokens.all()})
