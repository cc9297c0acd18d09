from django.urls import path  # noqa: F401

app_name = "planning_schedule"
urlpatterns: list = []
