"""Progress pages (included at /campaigns/): the board, the month calendar, the daily progress
table and its export, the one-click progress update of a task, and "my tasks" across campaigns."""

from django.urls import path

from .views import progress as views

app_name = "planning_progress"
urlpatterns = [
    path("my-tasks/", views.my_tasks, name="my_tasks"),
    path("<int:pk>/board/", views.board_page, name="board"),
    path("<int:pk>/board/tasks/<int:task_pk>/move/", views.board_move, name="board_move"),
    path("<int:pk>/calendar/", views.calendar_page, name="calendar"),
    path("<int:pk>/daily/", views.daily_page, name="daily"),
    path("<int:pk>/daily/export/", views.daily_export, name="daily_export"),
    # Under the plan's task URLs so the plan table can open it from a row: `${row.dataset.u}progress/`.
    path("<int:pk>/plan/tasks/<int:task_pk>/progress/", views.task_progress, name="task_progress"),
]
