"""Pages and htmx fragments of the stand-up, the issue log, the risk register and the strategy
adjustment log (included at /campaigns/). Every route takes the campaign as `pk`; row routes also
check that the row belongs to that campaign."""

from django.urls import path

from . import views

app_name = "risks"
urlpatterns = [
    path("<int:pk>/standup/", views.standup_page, name="standup"),
    path("<int:pk>/standup/<int:standup_pk>/", views.standup_detail, name="standup_detail"),
    path("<int:pk>/issues/", views.issue_list, name="issues"),
    path("<int:pk>/issues/new/", views.issue_new, name="issue_new"),
    path("<int:pk>/issues/export.xlsx", views.issue_export, name="issue_export"),
    path("<int:pk>/issues/<int:issue_pk>/", views.issue_row, name="issue"),
    path("<int:pk>/issues/<int:issue_pk>/edit/", views.issue_edit, name="issue_edit"),
    path("<int:pk>/issues/<int:issue_pk>/resolve/", views.issue_resolve, name="issue_resolve"),
    path("<int:pk>/issues/<int:issue_pk>/delete/", views.issue_delete, name="issue_delete"),
    path("<int:pk>/risks/", views.risk_list, name="risks"),
    path("<int:pk>/risks/new/", views.risk_new, name="risk_new"),
    path("<int:pk>/risks/import/", views.risks_import, name="risks_import"),
    path("<int:pk>/risks/<int:risk_pk>/", views.risk_detail, name="risk"),
    path("<int:pk>/risks/<int:risk_pk>/delete/", views.risk_delete, name="risk_delete"),
    path("<int:pk>/risks/<int:risk_pk>/activate/", views.risk_activate, name="risk_activate"),
    path("<int:pk>/risks/<int:risk_pk>/contingency/", views.contingency_add, name="contingency_add"),
    path("<int:pk>/risks/<int:risk_pk>/contingency/<int:contingency_pk>/delete/", views.contingency_delete,
         name="contingency_delete"),
    path("<int:pk>/adjustments/", views.adjustment_list, name="adjustments"),
    path("<int:pk>/adjustments/new/", views.adjustment_new, name="adjustment_new"),
    path("<int:pk>/adjustments/<int:adjustment_pk>/", views.adjustment_row, name="adjustment"),
    path("<int:pk>/adjustments/<int:adjustment_pk>/edit/", views.adjustment_edit, name="adjustment_edit"),
    path("<int:pk>/adjustments/<int:adjustment_pk>/delete/", views.adjustment_delete, name="adjustment_delete"),
    path("<int:pk>/adjustments/<int:adjustment_pk>/measure/", views.adjustment_measure, name="adjustment_measure"),
]
