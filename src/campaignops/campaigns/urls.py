from django.urls import path

from . import views, views_goal

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<int:pk>/", views.campaign_overview, name="overview"),
    path("<int:pk>/settings/", views.campaign_settings, name="settings"),
    path("<int:pk>/settings/channels/", views.channel_add, name="channel_add"),
    path("<int:pk>/settings/template/", views.save_as_template, name="save_as_template"),
    path("<int:pk>/delete/", views.campaign_delete, name="delete"),
    path("<int:pk>/kpis/", views.kpi_section, name="kpis"),
    path("<int:pk>/kpis/new/", views.kpi_create, name="kpi_create"),
    path("<int:pk>/kpis/<int:target_id>/edit/", views.kpi_edit, name="kpi_edit"),
    path("<int:pk>/kpis/<int:target_id>/delete/", views.kpi_delete, name="kpi_delete"),
    path("<int:pk>/members/", views.members, name="members"),
    path("<int:pk>/members/add/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:member_id>/", views.member_update, name="member_update"),
    path("<int:pk>/members/<int:member_id>/remove/", views.member_remove, name="member_remove"),
    path("<int:pk>/goal/", views_goal.goal, name="goal"),
    path("<int:pk>/goal/sign/", views_goal.goal_sign, name="goal_sign"),
    path("<int:pk>/goal/signers/", views_goal.goal_signers, name="goal_signers"),
    path("<int:pk>/goal/use-wording/", views_goal.goal_use_wording, name="goal_use_wording"),
    path("<int:pk>/goal/check/", views_goal.goal_check, name="goal_check"),
    path("<int:pk>/goal/export.docx", views_goal.goal_export, name="goal_export"),
]
