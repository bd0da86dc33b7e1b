"""Statistics and the figures' exports: /work/statistics/ and /work/dashboard/<figure>.xlsx
for the commission, /unit/dashboard/<figure>.xlsx for a unit (its charts are on /unit/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("work/statistics/", views.statistics, name="statistics"),
    path("work/statistics/export.xlsx", views.statistics_export, name="statistics-export"),
    path("work/dashboard/<slug:name>.xlsx", views.figure_export, name="dashboard-figure-export"),
    path("unit/dashboard/<slug:name>.xlsx", views.unit_figure_export, name="unit-figure-export"),
]
