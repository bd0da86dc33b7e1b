"""/api/: organisations, people, records and one POST path per lifecycle step."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import accountability, attachments, auth, catalogue, lookup, objections, rectification, repair, views

router = SimpleRouter()
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("people", views.PersonViewSet, basename="person")

STEPS = views.STEPS  # the record's step endpoints by slug, in the page's order

urlpatterns = [
    path("auth/token/", auth.ObtainTokenApi.as_view(), name="api-token"),
    path("auth/logout/", auth.LogoutApi.as_view(), name="api-logout"),
    path("records/", views.RecordListCreateApi.as_view(), name="record-list"),
    path("records/<int:pk>/", views.RecordDetailApi.as_view(), name="record-detail"),
    path("records/<int:pk>/audit/", views.RecordAuditApi.as_view(), name="record-audit"),
    *[
        path(f"records/<int:pk>/{slug}/", view.as_view(), name=f"record-{slug}")
        for slug, view in STEPS.items()
    ],
    *objections.urlpatterns,
    *rectification.urlpatterns,
    *attachments.urlpatterns,
    *accountability.urlpatterns,
    *repair.urlpatterns,
    *lookup.urlpatterns,
    path("measures/", catalogue.MeasureListApi.as_view(), name="measure-list"),
    path("users/assignable/", catalogue.NameableUserListApi.as_view(), name="user-assignable"),
    path("sync-events/", catalogue.SyncEventListApi.as_view(), name="sync-event-list"),
    *router.urls,
]
