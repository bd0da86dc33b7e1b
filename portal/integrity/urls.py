from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="integrity-home"),
    path("units/<int:unit_id>/open/", views.open_unit, name="integrity-open-unit"),
    path("<int:person_id>/", views.person_file, name="integrity-person"),
    path("<int:person_id>/open/", views.open_file, name="integrity-open"),
    path("<int:person_id>/entries/", views.entry_add, name="integrity-entry-add"),
    path("<int:person_id>/file.pdf", views.file_pdf, name="integrity-pdf"),
    path("entries/<int:entry_id>/correct/", views.entry_correct, name="integrity-entry-correct"),
]
