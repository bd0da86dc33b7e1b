"""The civil servant's own integrity file, under /me/integrity/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_file, name="me-integrity"),
    path("file.pdf", views.my_file_pdf, name="me-integrity-pdf"),
]
