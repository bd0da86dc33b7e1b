"""The API's schema and its Swagger page, for the commission's signed-in staff only.

The schema lists every endpoint, field, state and role of the API: a map for an attacker,
of no use to the public. "Staff" is whoever may see every case (casework.permissions
SEE_ALL_ROLES: officers, approvers, credit administrators, assessors), the system
administrators and superusers: the people who write or run the API's clients. Liaisons,
unit heads and civil servants work in the portal. CHENGXIN_API_DOCS_PUBLIC = True opens
both to everyone (an internal-only deployment).

The Swagger page is drf-spectacular's split view: its start-up script is a file of its own
(`?script`), not an inline <script> the Content-Security-Policy would refuse.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer

from casework.permissions import SEE_ALL_ROLES, roles_of
from casework.roles import Role

DOCS_ROLES = SEE_ALL_ROLES | {Role.SYSTEM_ADMIN}


def may_read_api_docs(user) -> bool:
    if getattr(settings, "CHENGXIN_API_DOCS_PUBLIC", False):
        return True
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or bool(roles_of(user) & DOCS_ROLES)


class ReadsApiDocs(BasePermission):
    message = gettext_lazy("API 文档仅供委员会工作人员登录后查看。")

    def has_permission(self, request, view) -> bool:
        return may_read_api_docs(request.user)


class SchemaView(SpectacularAPIView):
    """Anonymous: 401 (session or token); signed in without a staff role: 403."""

    permission_classes = [ReadsApiDocs]

    def handle_exception(self, exc):
        # The refusal in the API's JSON error body, not rendered as an OpenAPI document.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


class SwaggerView(SpectacularSwaggerSplitView):
    permission_classes = [ReadsApiDocs]

    def dispatch(self, request, *args, **kwargs):
        # A browser page: the sign-in page rather than a JSON refusal.
        user = getattr(request, "user", None)
        if not may_read_api_docs(user):
            if user is None or not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied(_("API 文档仅供委员会工作人员查看。"))
        return super().dispatch(request, *args, **kwargs)
