"""The one check every page of the three administrators makes: the page's role, nobody else's
(a superuser included: daily work is not done as a superuser, docs/decisions.md)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from casework.roles import Role
from portal.workbench.access import require_role


def duty(role: Role) -> Callable:
    """A view of `role`'s screens: sign-in first, then the Chinese 403 page to anyone else."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def checked(request, *args, **kwargs):
            if request.user.is_superuser:  # holds every permission, so every role: not here
                raise PermissionDenied(
                    _("超级用户账号不用于日常管理工作，请使用系统、安全或审计管理员的账号。")
                )
            require_role(request.user, role)
            return view(request, *args, **kwargs)

        return login_required(checked)

    return decorate


system_admin = duty(Role.SYSTEM_ADMIN)
security_admin = duty(Role.SECURITY_ADMIN)
audit_admin = duty(Role.AUDIT_ADMIN)
