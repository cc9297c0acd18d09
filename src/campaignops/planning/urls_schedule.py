"""The timeline page and its fragments (included at /campaigns/): every route takes the campaign as
`pk`; task and dependency routes also check that the row belongs to that campaign."""

from django.urls import path

from . import views_schedule as views

app_name = "planning_schedule"
urlpatterns = [
    path("<int:pk>/timeline/", views.timeline, name="timeline"),
    path("<int:pk>/timeline/tasks/<int:task_pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/timeline/tasks/<int:task_pk>/reschedule/", views.reschedule, name="reschedule"),
    path("<int:pk>/timeline/dependencies/", views.dependency_add, name="dependency_add"),
    path("<int:pk>/timeline/dependencies/<int:dependency_pk>/delete/", views.dependency_delete,
         name="dependency_delete"),
    path("<int:pk>/timeline/baseline/", views.baseline_take, name="baseline"),
]
