"""/work/commitments/ (the commission) and /unit/commitments/ (a unit's own): commitment tracking."""

from django.urls import path

from . import views


def _pages(space: str) -> list:
    prefix, name, kw = f"{space}/commitments/", f"{space}-commitment", {"space": space}
    return [
        path(prefix, views.commitment_list, kw, name=f"{name}-list"),
        path(f"{prefix}new/", views.commitment_new, kw, name=f"{name}-new"),
        path(f"{prefix}<int:pk>/", views.commitment_detail, kw, name=f"{name}-detail"),
        path(f"{prefix}<int:pk>/file/", views.commitment_file, kw, name=f"{name}-file"),
        path(f"{prefix}<int:pk>/act/<str:step>/", views.commitment_act, kw, name=f"{name}-act"),
        path(f"{prefix}milestones/<int:pk>/<str:step>/", views.milestone_act, kw, name=f"{name}-milestone"),
        path(f"{prefix}changes/<int:pk>/file/", views.change_file, kw, name=f"{name}-change-file"),
    ]


urlpatterns = [
    *_pages("work"),
    *_pages("unit"),
    path("work/commitments/changes/<int:pk>/<str:step>/", views.change_decide, name="work-commitment-decide"),
]
