"""The workflows app's URLs: its API under /api/ and its pages under /inbox/."""

from django.urls import include, path

from . import api, views

urlpatterns = [
    path("api/", include(api.urlpatterns)),
    path("inbox/", views.inbox_page, name="workflow-inbox-page"),
    path("inbox/processes/<int:pk>/", views.process_page, name="workflow-process-page"),
    path("inbox/tasks/<int:pk>/claim/", views.claim_page, name="workflow-claim-page"),
    path("inbox/tasks/<int:pk>/release/", views.release_page, name="workflow-release-page"),
]
