"""The commission's workbench under /work/: the dashboard, the case list, its bulk actions, and
the start pages of the approver, HR and the system administrator."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="work-dashboard"),
    path("start/", views.start, name="work-start"),
    path("cases/", views.case_list, name="work-case-list"),
    path("cases/bulk/", views.bulk, name="work-bulk"),
    path("cases/export.xlsx", views.case_export, name="work-case-export"),
    path("approvals/", views.approvals, name="work-approvals"),
    path("sanctions/", views.hr, name="work-hr"),
    path("system/", views.system_page, name="work-system"),
]
