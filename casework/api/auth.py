"""/api/auth/token/: a token for a user name and password, under the same lockout and on
the same audit trail as the sign-in pages (casework.signin); /api/auth/logout/ revokes the
token presented. Tokens are casework's own (casework.services.tokens): they expire and can
be revoked."""

from __future__ import annotations

from axes.helpers import get_credentials
from django.contrib.auth import logout
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import demo_guard, second_factor
from ..models import ApiToken
from ..services.tokens import issue_token, revoke_tokens
from ..signin import SignInAction, is_locked_out, lockout_message, record, retry_after
from .serializers import ErrorSerializer


class LockedOut(exceptions.APIException):
    status_code = 429
    default_code = "locked_out"

    def __init__(self, detail: str, wait: int):
        super().__init__(detail, self.default_code)
        self.wait = wait  # DRF's exception handler sends it as Retry-After


class TokenRequestSerializer(AuthTokenSerializer):
    """What the endpoint reads (documentation: the view checks `otp_token` itself, below)."""

    otp_token = serializers.CharField(
        required=False,
        help_text=gettext_lazy(
            "动态验证码（身份验证器上的 6 位数字，或一个恢复码）。"
            "须使用两步验证的用户（委员会工作人员、各类管理员）在生产环境中必填。"
        ),
    )


def check_second_factor(request, user) -> None:
    """With the second factor enforced, a user who must give it gets a token only with a
    right `otp_token` (casework.second_factor): 400 naming the field, 429 while throttled."""
    if not (second_factor.enforced() and second_factor.requires_second_factor(user)):
        return
    token = request.data.get("otp_token")
    if not isinstance(token, str) or not token.strip():
        raise exceptions.ValidationError(
            {"otp_token": [gettext("请填写 otp_token（动态验证码）：该账号须通过两步验证才能获取令牌。")]},
            code="second_factor_required",
        )
    try:
        device = second_factor.verify(request, user, token, via="api_token")
    except second_factor.Throttled as refused:
        raise LockedOut(str(refused), 1 + int((refused.until - timezone.now()).total_seconds())) from None
    if device is None:
        raise exceptions.ValidationError(
            {
                "otp_token": [
                    gettext("otp_token（动态验证码）不正确或已使用过，请输入身份验证器当前显示的 6 位数字。")
                ]
            },
            code="second_factor_invalid",
        )


class TokenIssuedSerializer(serializers.Serializer):
    token = serializers.CharField(
        label=gettext_lazy("API 令牌"), help_text=gettext_lazy("仅此一次返回，请妥善保存。")
    )
    expires_at = serializers.DateTimeField(label=gettext_lazy("到期时间"))


class ObtainTokenApi(ObtainAuthToken):
    """DRF's token view, which authenticates with the request (so axes counts and refuses
    by it); a locked account gets 429 and the lock's end instead of "wrong password"."""

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenIssuedSerializer,
            429: OpenApiResponse(
                ErrorSerializer,
                description=gettext_lazy(
                    "登录失败次数过多，账户已锁定，或动态验证码错误次数过多"
                    "（code 为 locked_out；Retry-After 为可再试前的秒数）。"
                ),
            ),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except exceptions.ValidationError:
            # Axes marks the request it was handed: DRF's, not Django's under it.
            if is_locked_out(request):
                credentials = get_credentials(request.data.get("username"))
                raise LockedOut(
                    lockout_message(request, credentials), retry_after(request, credentials)
                ) from None
            if getattr(request, demo_guard.REFUSED, False):
                raise exceptions.ValidationError(
                    {"username": [str(demo_guard.MESSAGE)]}, code="demo_account"
                ) from None
            raise
        user = serializer.validated_data["user"]
        check_second_factor(request, user)
        key, token = issue_token(acting_user=user, request=request)
        # No session begins, so Django sends no user_logged_in: the sign-in is audited here.
        record(
            request,
            SignInAction.LOGIN,
            name=user.get_username(),
            user=user,
            actor=user,
            diff={"via": "api_token"},
        )
        return Response({"token": key, "expires_at": token.expires_at})


class LogoutApi(APIView):
    """Signing out of the API: the token presented is revoked at once (a session signed in
    to the site is signed out, which revokes all the user's tokens)."""

    @extend_schema(request=None, responses={204: OpenApiResponse(description=gettext_lazy("已退出登录。"))})
    def post(self, request, *args, **kwargs):
        if isinstance(request.auth, ApiToken):
            revoke_tokens(
                acting_user=request.user,
                user=request.user,
                reason=gettext_lazy("API 退出登录"),
                request=request,
                tokens=ApiToken.objects.filter(pk=request.auth.pk),
            )
        else:
            logout(request._request)
        return Response(status=204)
