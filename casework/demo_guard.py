"""No default or shared account outside development: the demo accounts are refused.

The demo (casework.demo.accounts) creates one account per role, named after the role, with
the password printed in the README. Either makes an account a default one: a role's name
belongs to nobody in particular (a shared account), and the password is public. So, unless
demo accounts are allowed (settings CHENGXIN_DEMO_ACCOUNTS; unset: exactly when DEBUG is
on), a sign-in by any path is refused before its password is checked when it names a demo
account or types the demo password, and the seed_* commands refuse to run.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy

#: Set on a request whose sign-in was refused here: the forms and the API say why.
REFUSED = "chengxin_demo_account_refused"
MESSAGE = gettext_lazy("演示账号和演示密码不能在正式环境中使用，请使用本人账号登录。")


def demo_accounts_allowed() -> bool:
    allowed = getattr(settings, "CHENGXIN_DEMO_ACCOUNTS", None)
    return bool(settings.DEBUG) if allowed is None else bool(allowed)


def is_demo_sign_in(username, password) -> bool:
    from .demo.accounts import ACCOUNTS, PASSWORD

    return password == PASSWORD or str(username or "") in {a.username for a in ACCOUNTS}


class ModelBackendWithoutDemoAccounts(ModelBackend):
    """Django's ModelBackend, which refuses a demo sign-in when they are not allowed. The
    refusal is a failed sign-in like any other (audited, counted by the lockout)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not demo_accounts_allowed() and is_demo_sign_in(username, password):
            if request is not None:
                setattr(request, REFUSED, True)
            raise PermissionDenied(str(MESSAGE))
        return super().authenticate(request, username, password, **kwargs)

    def get_all_permissions(self, user_obj, obj=None):
        """ModelBackend's, read in one query rather than two (the user's own permissions and
        their groups'): every page asks for the user's roles (casework.permissions.roles_of)."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            perms = Permission.objects.all()
            if not user_obj.is_superuser:
                perms = perms.filter(Q(user=user_obj) | Q(group__user=user_obj))
            rows = perms.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in rows}
        return user_obj._perm_cache


def refuse_seeding() -> None:
    """Called first by every seed_* command: the demo writes the demo accounts."""
    if not demo_accounts_allowed():
        raise CommandError(
            gettext("演示数据只能在开发环境中写入（DEBUG 开启时）：正式环境不得有演示账号和共用账号。")
        )
