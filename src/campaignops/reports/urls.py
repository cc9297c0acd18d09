"""Pages of the Reports tab (included at /campaigns/)."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("<int:pk>/reports/", views.report_index, name="index"),
    path("<int:pk>/reports/<str:kind>/", views.report_page, name="report"),
    path("<int:pk>/reports/<str:kind>/generate/", views.report_generate, name="generate"),
    path("<int:pk>/reports/<str:kind>/edit/", views.report_edit, name="edit"),
    path("<int:pk>/reports/<str:kind>/publish/", views.report_publish, name="publish"),
    path("<int:pk>/reports/<str:kind>/actions/", views.action_add, name="action_add"),
    path("<int:pk>/reports/<str:kind>/lessons/", views.lesson_make, name="lesson"),
    path("<int:pk>/reports/<str:kind>/print/", views.report_print, name="print"),
    path("<int:pk>/reports/<str:kind>/charts/<str:chart>.png", views.report_chart, name="chart"),
    path("<int:pk>/reports/<str:kind>/draft.<str:fmt>", views.report_download, name="download"),
    path("<int:pk>/reports/versions/<int:version_pk>/report.<str:fmt>", views.version_download,
         name="version_download"),
]
