"""Only the configuration roles enter the admin site.

Liaisons, unit heads and the commission's staff are `is_staff` for historical reasons and
hold view permissions whose querysets are scoped, but their work is in the portal; the admin
is where users, the calendar, issuers and catalogues are configured. A signed-in user
without a configuration role (settings CHENGXIN["ADMIN_ROLES"], or a superuser) gets the
Chinese 403 page for every admin URL; anonymous visitors still reach the admin's sign-in.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from .workbench.access import may_configure


class ConfigurationAdminOnly:
    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def prefix(self) -> str:
        return reverse("admin:index")

    def __call__(self, request):
        user = getattr(request, "user", None)
        if request.path.startswith(self.prefix) and user is not None and user.is_authenticated:
            if not may_configure(user):
                raise PermissionDenied(_("管理后台仅供系统管理员和信用管理员配置系统使用。"))
        return self.get_response(request)
