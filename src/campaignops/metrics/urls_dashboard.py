"""The dashboard pages (included at /campaigns/); every route takes the campaign as `pk`."""

from django.urls import path

from . import views_dashboard as views

app_name = "metrics_dashboard"
urlpatterns = [
    path("<int:pk>/dashboard/", views.dashboard_page, name="dashboard"),
    path("<int:pk>/dashboard/behind/", views.kpis_behind, name="behind"),
    path("<int:pk>/dashboard/threshold/", views.dashboard_threshold, name="threshold"),
    path("<int:pk>/dashboard/export.xlsx", views.dashboard_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("<int:pk>/dashboard/export.csv", views.dashboard_export, {"fmt": "csv"}, name="export_csv"),
]
