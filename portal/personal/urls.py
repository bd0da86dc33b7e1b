"""The civil servant's pages under /me/, and the honours query for authorised staff."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="me-home"),
    path("records/<int:pk>/repair/", views.repair_eligibility, name="me-repair-eligibility"),
    path("honours/", views.honours_query, name="honours"),
    path("records/", views.full_list, {"kind": "records"}, name="me-records"),
    path("notices/", views.full_list, {"kind": "notices"}, name="me-notices"),
    path("sanctions/", views.full_list, {"kind": "sanctions"}, name="me-sanctions"),
]
