"""API tokens: issued at /api/auth/token/, checked by casework.api.tokens, revoked by the
user (API sign-out, the token page), by signing out of the site, by a password change, or by
the security administrator (`revoke_tokens`). Only the SHA-256 of a key is stored: a copy of
the database holds no key that works. Every creation and revocation is on the audit trail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import audit
from ..errors import NotFoundError, PermissionDeniedError
from ..http import client_ip
from ..models import ApiToken, User
from ..passwords import PasswordAction
from ..permissions import has_role
from ..roles import Role

#: How often, at most, a token's `last_used_at` is written (not one UPDATE per request).
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def lifetime() -> dt.timedelta:
    hours = settings.CHENGXIN.get("API_TOKENS", {}).get("LIFETIME_HOURS", 8)
    return dt.timedelta(hours=int(hours))


def _ip(request) -> str | None:
    return client_ip(request) if request is not None else None


def _entry(token: ApiToken, *, actor, action: str, request, reason: str = "", diff: dict) -> dict:
    return dict(
        actor=actor,
        role="",
        obj=token,
        action=action,
        reason=str(reason),
        ip_address=_ip(request),
        diff={"user": token.user.get_username(), **diff},
    )


def issue_token(
    *, acting_user: User, request=None, name: str = "", hours: int | None = None, via: str = "api"
) -> tuple[str, ApiToken]:
    """A new token for `acting_user` (who just proved their password, or an integration
    account an operator issues one for: `manage.py issue_api_token`): the key, shown once,
    and the stored row. `hours` overrides the configured lifetime."""
    key = secrets.token_hex(20)
    now = timezone.now()
    life = dt.timedelta(hours=hours) if hours else lifetime()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=acting_user,
            key_hash=digest(key),
            name=name[:100],
            created_at=now,
            expires_at=now + life,
        )
        audit.append_many(
            [
                _entry(
                    token,
                    actor=acting_user,
                    action=PasswordAction.TOKEN_CREATE,
                    request=request,
                    diff={"expires_at": token.expires_at, "via": via},
                )
            ]
        )
    return key, token


def may_revoke_for_others(user) -> bool:
    """Who may revoke another user's tokens: the security administrator (三员分立), and a
    superuser."""
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.SECURITY_ADMIN)


def revoke_tokens(*, acting_user: User | None, user: User, reason, request=None, tokens=None) -> int:
    """Revoke the user's live tokens (all of them, or those of `tokens`, a queryset of
    theirs). `acting_user` None is the system (a password change, a sign-out). Returns how
    many were revoked; each is audited."""
    if acting_user is not None and acting_user.pk != user.pk and not may_revoke_for_others(acting_user):
        raise PermissionDeniedError(_("无权撤销其他用户的 API 令牌。"), code="permission_denied")
    now = timezone.now()
    with transaction.atomic():
        live = (tokens if tokens is not None else ApiToken.objects.all()).filter(
            user=user, revoked_at__isnull=True, expires_at__gt=now
        )
        revoked = list(live.select_for_update().select_related("user").order_by("pk"))
        if not revoked:
            return 0
        ApiToken.objects.filter(pk__in=[t.pk for t in revoked]).update(
            revoked_at=now, revoked_reason=str(reason)[:200]
        )
        audit.append_many(
            [
                _entry(
                    token,
                    actor=acting_user,
                    action=PasswordAction.TOKEN_REVOKE,
                    request=request,
                    reason=reason,
                    diff={"token": token.pk},
                )
                for token in revoked
            ]
        )
    return len(revoked)


def revoke_token(*, acting_user: User, token_id: int, reason, request=None) -> None:
    """Revoke one of the acting user's own tokens (the token page, API sign-out)."""
    token = ApiToken.objects.filter(pk=token_id, user=acting_user).first()
    if token is None:
        raise NotFoundError(_("没有这个 API 令牌。"), code="not_found")
    revoke_tokens(
        acting_user=acting_user,
        user=acting_user,
        reason=reason,
        request=request,
        tokens=ApiToken.objects.filter(pk=token.pk),
    )
