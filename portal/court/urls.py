from django.urls import path

from . import views

urlpatterns = [
    path("", views.court_home, name="court-home"),
    path("batches/<int:pk>/", views.court_batch, name="court-batch"),
    path("matches/<str:source>/<int:pk>/confirm/", views.match_confirm, name="court-match-confirm"),
    path("matches/<str:source>/<int:pk>/reject/", views.match_reject, name="court-match-reject"),
    path("documents/new/", views.document_register, name="court-document-register"),
    path("revocations/", views.revocations, name="court-revocations"),
    path("revocations/<int:pk>/confirm/", views.revocation_confirm, name="court-revocation-confirm"),
    path("revocations/<int:pk>/note/", views.revocation_note, name="court-revocation-note"),
]
