"""A unit's own assessment results, under /unit/assessment/."""

from django.urls import path

from . import unit_views

urlpatterns = [
    path("", unit_views.unit_home, name="unit-assessment"),
    path("<int:year>/", unit_views.unit_year, name="unit-assessment-year"),
    path("<int:year>/notice.pdf", unit_views.unit_notice, name="unit-assessment-notice"),
]
