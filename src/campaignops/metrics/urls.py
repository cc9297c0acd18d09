"""The campaign's Data tab (included at /campaigns/ under the namespace `metrics`)."""

from django.urls import path

from . import views

app_name = "metrics"
urlpatterns = [
    path("<int:pk>/data/", views.data_home, name="data"),
    path("<int:pk>/data/import/", views.import_preview, name="preview"),
    path("<int:pk>/data/entry/", views.manual_entry, name="entry"),
    path("<int:pk>/data/metrics/", views.custom_metric_create, name="custom_metric_create"),
    path("<int:pk>/data/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/data/export.csv", views.export_csv, name="export_csv"),
]
