"""The lessons library (at /lessons/) and the lessons beside a campaign's plan rows (at /campaigns/)."""

from django.urls import path

from . import views

app_name = "lessons"
urlpatterns = [
    path("lessons/", views.library, name="library"),
    path("lessons/new/", views.lesson_new, name="new"),
    path("lessons/<int:lesson_pk>/", views.lesson_detail, name="detail"),
    path("lessons/<int:lesson_pk>/edit/", views.lesson_edit, name="edit"),
    path("lessons/<int:lesson_pk>/delete/", views.lesson_delete, name="delete"),
    path("campaigns/<int:pk>/lesson-hints/", views.hints, name="hints"),
    path("campaigns/<int:pk>/lesson-hints/refresh/", views.hints_refresh, name="hints_refresh"),
    path("campaigns/<int:pk>/lesson-hints/<int:suggestion_pk>/apply/", views.hint_apply, name="hint_apply"),
    path("campaigns/<int:pk>/lesson-hints/<int:suggestion_pk>/dismiss/", views.hint_dismiss, name="hint_dismiss"),
]
