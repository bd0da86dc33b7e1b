"""What the three administrators' pages read. Accounts are the system and security
administrators' whole subject (every account, superusers shown but not changeable); the
audit trail is the audit administrator's, whole."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import ApiToken, AuditEntry, User
from casework.roles import Role, permission_codename
from casework.services.duties import DutyAction
from casework.signin import SignInAction


def users(q: str = "") -> QuerySet[User]:
    found = (
        User.objects.select_related("organisation")
        .prefetch_related("groups__permissions", "user_permissions")
        .order_by("username")
    )
    if q:
        found = found.filter(
            Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
        )
    return found


def role_labels(user: User) -> str:
    """The roles the user's groups and own permissions grant, read from the prefetched rows
    (`users()`): a page of accounts costs no query per account."""
    codenames = {p.codename for g in user.groups.all() for p in g.permissions.all()}
    codenames |= {p.codename for p in user.user_permissions.all()}
    return (
        "、".join(str(r.label) for r in Role if r != Role.SYSTEM and permission_codename(r) in codenames)
        or "—"
    )


def entries(*, action: str = "", actor: str = "", since: dt.date | None = None, until: dt.date | None = None):
    """The audit trail, newest first, filtered by an action prefix, the actor's account name
    or name, and a range of days (the site's time zone)."""
    found = AuditEntry.objects.order_by("-seq")
    if action:
        found = found.filter(action__startswith=action)
    if actor:
        found = found.filter(Q(actor__username__iexact=actor) | Q(actor_name__icontains=actor))
    if since:
        found = found.filter(created_at__date__gte=since)
    if until:
        found = found.filter(created_at__date__lte=until)
    return found


def login_events():
    """Sign-ins, sign-outs, failures, lockouts and their clearing."""
    return AuditEntry.objects.filter(action__in=[*SignInAction.values, DutyAction.LOCKOUT_CLEAR]).order_by(
        "-seq"
    )


def verification_runs():
    return AuditEntry.objects.filter(action=DutyAction.AUDIT_VERIFY).order_by("-seq")


def policies() -> list[tuple[str, list[tuple[str, object]]]]:
    """The effective sign-in, password, session and second-factor settings, read with
    defaults: each is owned by its own settings file, some optional."""
    chengxin = settings.CHENGXIN
    validators = [
        v.get("NAME", "").rsplit(".", 1)[-1] for v in getattr(settings, "AUTH_PASSWORD_VALIDATORS", [])
    ]
    return [
        (
            "lockout",
            [
                ("AXES_ENABLED", getattr(settings, "AXES_ENABLED", None)),
                ("AXES_FAILURE_LIMIT", getattr(settings, "AXES_FAILURE_LIMIT", None)),
                ("AXES_COOLOFF_TIME", getattr(settings, "AXES_COOLOFF_TIME", None)),
                ("AXES_LOCKOUT_PARAMETERS", getattr(settings, "AXES_LOCKOUT_PARAMETERS", None)),
                ("AXES_RESET_ON_SUCCESS", getattr(settings, "AXES_RESET_ON_SUCCESS", None)),
            ],
        ),
        (
            "passwords",
            [("AUTH_PASSWORD_VALIDATORS", ", ".join(validators) or "—"), *_items(chengxin.get("PASSWORDS"))],
        ),
        ("api_tokens", _items(chengxin.get("API_TOKENS"))),
        (
            "session",
            [
                ("SESSION_COOKIE_AGE", getattr(settings, "SESSION_COOKIE_AGE", None)),
                (
                    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
                    getattr(settings, "SESSION_EXPIRE_AT_BROWSER_CLOSE", None),
                ),
                ("SESSION_COOKIE_SECURE", getattr(settings, "SESSION_COOKIE_SECURE", None)),
                *_items(chengxin.get("SESSION")),
            ],
        ),
        ("second_factor", _items(chengxin.get("SECOND_FACTOR")) or [("SECOND_FACTOR", None)]),
        ("superusers", [("SUPERUSER_RECENT_DAYS", chengxin.get("SUPERUSER_RECENT_DAYS", 30))]),
    ]


#: The words for the settings the policies page knows; others show their name only.
POLICY_LABELS = {
    "AXES_ENABLED": _("启用登录失败锁定"),
    "AXES_FAILURE_LIMIT": _("锁定前允许的失败次数"),
    "AXES_COOLOFF_TIME": _("锁定时长"),
    "AXES_LOCKOUT_PARAMETERS": _("分别计数"),
    "AXES_RESET_ON_SUCCESS": _("登录成功后清零"),
    "AUTH_PASSWORD_VALIDATORS": _("密码校验规则"),
    "SESSION_COOKIE_AGE": _("会话最长时间（秒）"),
    "SESSION_EXPIRE_AT_BROWSER_CLOSE": _("关闭浏览器即结束会话"),
    "SESSION_COOKIE_SECURE": _("会话标识仅经加密连接发送"),
    "SUPERUSER_RECENT_DAYS": _("超级用户近期登录警告（天）"),
    # CHENGXIN["PASSWORDS"] and CHENGXIN["API_TOKENS"] (config/settings/passwords.py)
    "MAX_AGE_DAYS": _("密码有效期（天，0 为不过期）"),
    "HISTORY": _("不得重复使用的近期密码个数"),
    "LIFETIME_HOURS": _("API 令牌有效期（小时）"),
    # CHENGXIN["SESSION"] and CHENGXIN["SECOND_FACTOR"] (config/settings/mfa.py)
    "IDLE_MINUTES": _("无操作自动退出（分钟）"),
    "ABSOLUTE_HOURS": _("登录后最长时间（小时）"),
    "REQUIRED": _("要求第二因素（动态验证码）"),
    "ROLES": _("须使用第二因素的角色"),
    "RESET_ROLES": _("可重置第二因素的角色"),
    "VERIFIERS": _("第二因素验证方式"),
    "RECOVERY_CODES": _("恢复码个数"),
}


def _items(section) -> list[tuple[str, object]]:
    if isinstance(section, dict):
        return [(str(key), value) for key, value in section.items()]
    if section is None:
        return []
    return [(type(section).__name__, section)]


def live_tokens(user):
    """The user's API tokens that still work: neither revoked nor expired."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now())
