"""The case pages under /work/: the case page, the action forms, the notice pages.

`case-action` has one route per kind of object (the kind given as a default argument), so
that each route names one kind of object for the visibility matrix; reverse it by keyword:
`reverse("case-action", kwargs={"kind": "cases", "pk": 1, "step": "propose"})`, or use
`portal.cases.actions.action_url`.
"""

from django.urls import path

from . import notice_revise, notice_views, register, views
from .kinds import KINDS

action = views.CaseActionView.as_view()

urlpatterns = [
    path("cases/new/", register.RegisterLeadView.as_view(), name="case-register"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/timeline/", views.case_timeline, name="case-timeline"),
    path("attachments/<int:pk>/visibility/", views.attachment_visibility, name="case-attachment-visibility"),
    path("notices/<int:pk>/", notice_views.notice_page, name="notice-page"),
    path("notices/<int:pk>/pdf/", notice_views.notice_pdf, name="notice-pdf"),
    path("notices/<int:pk>/render/", notice_views.notice_render, name="notice-render"),
    path("notices/<int:pk>/revise/", notice_revise.NoticeReviseView.as_view(), name="notice-revise"),
    *[path(f"{kind}/<int:pk>/act/<str:step>/", action, {"kind": kind}, name="case-action") for kind in KINDS],
]
