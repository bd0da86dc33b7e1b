"""数据导入 under /work/imports/: the batches, a new import of one kind, a batch's page with
its progress and row report. The batch page is every kind's (hotline, court lists link to
`import-batch` by name)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.batch_list, name="import-list"),
    path("new/<str:kind>/", views.batch_new, name="import-new"),
    path("template/<str:kind>.<str:fmt>", views.template, name="import-template"),
    path("<int:batch_id>/", views.batch_detail, name="import-batch"),
    path("<int:batch_id>/progress/", views.batch_progress, name="import-progress"),
    path("<int:batch_id>/run/", views.batch_run_checked, name="import-run-checked"),
]
