"""The API's authentication. `Authorization: Token <key>` against casework's own tokens
(casework.services.tokens): only the key's SHA-256 is looked up; a token that expired or
was revoked is refused with 401 and the reason in Chinese. A user whose password expired
gets 403 `password_expired` (casework.passwords), by token or by session."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from ..models import ApiToken
from ..passwords import expired_message, password_expired
from ..services.tokens import LAST_USED_PRECISION, digest


class TokenRefused(exceptions.APIException):
    """401 whatever the first authentication class is (DRF would turn an
    AuthenticationFailed into 403 behind the session's), with `WWW-Authenticate: Token`."""

    status_code = 401
    default_code = "token_invalid"
    auth_header = "Token"


class PasswordExpired(exceptions.PermissionDenied):
    default_code = "password_expired"


class ExpiryAwareSessionAuthentication(SessionAuthentication):
    """DRF's session authentication, refusing a user whose password has expired (the pages
    send them to the change page: casework.passwords.PasswordExpiry)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and password_expired(result[0]):
            raise PasswordExpired(expired_message(), "password_expired")
        return result


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Token"
    model = ApiToken

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(key_hash=digest(key)).first()
        now = timezone.now()
        if token is None:
            raise TokenRefused(_("API 令牌无效。"), "token_invalid")
        if token.revoked_at is not None:
            raise TokenRefused(_("API 令牌已撤销，请重新获取。"), "token_revoked")
        if token.expires_at <= now:
            raise TokenRefused(_("API 令牌已过期，请重新获取。"), "token_expired")
        if not token.user.is_active:
            raise TokenRefused(_("用户已停用或已删除。"), "user_inactive")
        if password_expired(token.user):
            raise PasswordExpired(expired_message(), "password_expired")
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token


class ExpiryAwareSessionScheme(SessionScheme):
    """The schema's session scheme for the subclass (drf-spectacular matches the exact class)."""

    target_class = "casework.api.tokens.ExpiryAwareSessionAuthentication"
