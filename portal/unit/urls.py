"""The department portal under /unit/: a unit's liaison and head."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="unit-home"),
    path("items/<int:pk>/evidence/", views.item_evidence, name="unit-item-evidence"),
]
