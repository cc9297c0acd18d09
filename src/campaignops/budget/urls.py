"""Pages of the budget, the Budget Approval Form, the Resource Preparation List and expenses
and the global approvals page (/approvals/). Included at the site root."""

from django.urls import path

from . import views

app_name = "budget"
urlpatterns = [
    path("approvals/", views.approvals_page, name="approvals"),
    path("campaigns/<int:pk>/budget/", views.budget_page, name="budget"),
    path("campaigns/<int:pk>/budget/lines/new/", views.line_new, name="line_new"),
    path("campaigns/<int:pk>/budget/lines/<int:line_pk>/", views.line_edit, name="line_edit"),
    path("campaigns/<int:pk>/budget/lines/<int:line_pk>/delete/", views.line_delete, name="line_delete"),
    path("campaigns/<int:pk>/budget/submit/", views.revision_submit, name="submit"),
    path("campaigns/<int:pk>/budget/overrides/new/", views.override_new, name="override_new"),
    path("campaigns/<int:pk>/budget/revisions/<int:revision_pk>/", views.revision_form, name="revision"),
    path("campaigns/<int:pk>/budget/revisions/<int:revision_pk>/withdraw/", views.revision_withdraw,
         name="withdraw"),
    path("campaigns/<int:pk>/budget/revisions/<int:revision_pk>/decide/", views.revision_decide, name="decide"),
    path("campaigns/<int:pk>/budget/revisions/<int:revision_pk>/form.xlsx", views.revision_xlsx,
         name="revision_xlsx"),
    path("campaigns/<int:pk>/budget/revisions/<int:revision_pk>/form.docx", views.revision_docx,
         name="revision_docx"),
    path("campaigns/<int:pk>/expenses/", views.expenses_page, name="expenses"),
    path("campaigns/<int:pk>/expenses/new/", views.expense_new, name="expense_new"),
    path("campaigns/<int:pk>/expenses/<int:expense_pk>/delete/", views.expense_delete, name="expense_delete"),
    path("campaigns/<int:pk>/expenses/<int:expense_pk>/receipt/", views.receipt_download, name="receipt"),
    path("campaigns/<int:pk>/resources/", views.resources_page, name="resources"),
    path("campaigns/<int:pk>/resources/new/", views.material_new, name="material_new"),
    path("campaigns/<int:pk>/resources/export.xlsx", views.resources_export, name="resources_export"),
    path("campaigns/<int:pk>/resources/<int:material_pk>/", views.material_edit, name="material_edit"),
    path("campaigns/<int:pk>/resources/<int:material_pk>/status/", views.material_status, name="material_status"),
    path("campaigns/<int:pk>/resources/<int:material_pk>/delete/", views.material_delete, name="material_delete"),
]
