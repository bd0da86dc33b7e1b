"""The department portal under /unit/: a unit's liaison and head."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="unit-home"),
    path("items/<int:pk>/evidence/", views.item_evidence, name="unit-item-evidence"),
    path("records/", views.full_list, {"kind": "records"}, name="unit-records"),
    path("notices/", views.full_list, {"kind": "notices"}, name="unit-notices"),
    path("objections/", views.full_list, {"kind": "objections"}, name="unit-objections"),
    path("repairs/", views.full_list, {"kind": "repairs"}, name="unit-repairs"),
]
