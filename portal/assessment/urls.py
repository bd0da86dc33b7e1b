from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="assessment-home"),
    path("<int:year>/", views.year_detail, name="assessment-year"),
    path("<int:year>/indicators/", views.indicator_save, name="assessment-indicator-add"),
    path("<int:year>/indicators/<int:pk>/", views.indicator_save, name="assessment-indicator-edit"),
    path(
        "<int:year>/indicators/<int:pk>/delete/", views.indicator_delete, name="assessment-indicator-delete"
    ),
    path("<int:year>/steps/<str:step>/", views.step, name="assessment-step"),
    path("<int:year>/adjustments/", views.adjust, name="assessment-adjust"),
    path("<int:year>/units/<int:organisation_id>/", views.unit_detail, name="assessment-unit"),
    path("<int:year>/units/<int:organisation_id>/notice.pdf", views.result_notice, name="assessment-notice"),
    path(
        "<int:year>/units/<int:organisation_id>/notice/render/",
        views.result_notice_render,
        name="assessment-notice-render",
    ),
    path("<int:year>/lines/<int:pk>/evidence/", views.evidence, name="assessment-evidence"),
    path("<int:year>/export.xlsx", views.export, name="assessment-export"),
    path("objections/<int:pk>/answer/", views.answer, name="assessment-objection-answer"),
]
