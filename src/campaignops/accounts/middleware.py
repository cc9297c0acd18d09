"""Use the language a signed-in user chose in their profile, else the browser's (LocaleMiddleware)."""

from django.conf import settings
from django.utils import translation


class ProfileLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            profile = getattr(user, "profile", None)
            if profile is not None and profile.language:
                translation.activate(profile.language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
