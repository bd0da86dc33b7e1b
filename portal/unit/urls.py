"""The department portal under /unit/ (issue #5 item 2)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="unit-home"),
    path("items/<int:pk>/evidence/", views.item_evidence, name="unit-item-evidence"),
]
