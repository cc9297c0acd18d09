"""Plan pages and their htmx fragments (included at /campaigns/). Every campaign-scoped route takes
the campaign as `pk`; task and phase routes also check that the row belongs to that campaign."""

from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/overrides/<int:override_pk>/delete/", views.override_delete, name="calendar_override_delete"),
    path("<int:pk>/plan/", views.plan_table, name="plan"),
    path("<int:pk>/plan/phases/new/", views.phase_new, name="phase_new"),
    path("<int:pk>/plan/phases/<int:phase_pk>/", views.phase_head, name="phase"),
    path("<int:pk>/plan/phases/<int:phase_pk>/edit/", views.phase_edit, name="phase_edit"),
    path("<int:pk>/plan/phases/<int:phase_pk>/delete/", views.phase_delete, name="phase_delete"),
    path("<int:pk>/plan/phases/<int:phase_pk>/tasks/new/", views.task_new, name="task_new"),
    path("<int:pk>/plan/tasks/<int:task_pk>/", views.task_row, name="task"),
    path("<int:pk>/plan/tasks/<int:task_pk>/edit/", views.task_edit, name="task_edit"),
    path("<int:pk>/plan/tasks/<int:task_pk>/status/", views.task_status, name="task_status"),
    path("<int:pk>/plan/tasks/<int:task_pk>/move/", views.task_move, name="task_move"),
    path("<int:pk>/plan/tasks/<int:task_pk>/delete/", views.task_delete, name="task_delete"),
]
