"""URL wiring only: each app brings its own urls.py; the JSON API lives under /api/v1."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from .api import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="campaigns:list", permanent=False), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("campaignops.accounts.urls")),
    path("campaigns/", include("campaignops.campaigns.urls")),
    path("campaigns/", include("campaignops.planning.urls")),
    path("campaigns/", include("campaignops.planning.urls_io")),
    path("campaigns/", include("campaignops.planning.urls_schedule")),
    path("campaigns/", include("campaignops.planning.urls_progress")),
    path("campaigns/", include("campaignops.risks.urls")),
    path("campaigns/", include("campaignops.reports.urls")),
    path("", include("campaignops.budget.urls")),
    path("campaigns/", include("campaignops.metrics.urls")),
    path("campaigns/", include("campaignops.metrics.urls_dashboard")),
    path("", include("campaignops.lessons.urls")),
]
