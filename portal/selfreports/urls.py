"""Self-reports: the unit's pages under /unit/reports/, the commission's under /work/self-reports/."""

from django.urls import path

from . import views

urlpatterns = [
    path("unit/reports/", views.unit_reports, name="selfreports-unit"),
    path("unit/reports/new/", views.self_report_new, name="selfreports-new"),
    path("unit/reports/<int:pk>/", views.self_report_detail, name="selfreports-detail"),
    path(
        "unit/reports/quarters/<int:year>/<int:quarter>/", views.quarterly_new, name="selfreports-quarterly"
    ),
    path("work/self-reports/", views.work_list, name="selfreports-work"),
    path("work/self-reports/quarters/", views.work_grid, name="selfreports-grid"),
]
