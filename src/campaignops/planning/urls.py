from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("<int:pk>/plan/", views.plan_table, name="plan"),
]
