"""Excel round-trip pages (included at /campaigns/ under the namespace `planning_io`)."""

from django.urls import path

from . import views_io

app_name = "planning_io"
urlpatterns = [
    path("<int:pk>/plan/export.xlsx", views_io.plan_export, name="export"),
    path("<int:pk>/plan/import/", views_io.plan_import, name="import"),
    path("<int:pk>/plan/import/preview/", views_io.plan_import_preview, name="preview"),
]
