"""/work/complaints/: complaint intake and triage (DOMAIN §9.3)."""

from django.urls import path

from . import views

urlpatterns = [
    path("complaints/", views.complaint_list, name="complaint-list"),
    path("complaints/new/", views.complaint_new, name="complaint-new"),
    path("complaints/import/", views.complaint_import, name="complaint-import"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint-detail"),
    path("complaints/<int:pk>/act/<str:step>/", views.complaint_act, name="complaint-act"),
]
