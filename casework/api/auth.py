"""/api/auth/token/: a token for a user name and password, under the same lockout and on
the same audit trail as the sign-in pages (casework.signin)."""

from __future__ import annotations

from axes.helpers import get_credentials
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from ..signin import SignInAction, is_locked_out, lockout_message, record, retry_after
from .serializers import ErrorSerializer


class LockedOut(exceptions.APIException):
    status_code = 429
    default_code = "locked_out"

    def __init__(self, detail: str, wait: int):
        super().__init__(detail, self.default_code)
        self.wait = wait  # DRF's exception handler sends it as Retry-After


class ObtainTokenApi(ObtainAuthToken):
    """DRF's token view, which authenticates with the request (so axes counts and refuses
    by it); a locked account gets 429 and the lock's end instead of "wrong password"."""

    @extend_schema(
        responses={
            200: AuthTokenSerializer,
            429: OpenApiResponse(
                ErrorSerializer,
                description=gettext_lazy(
                    "登录失败次数过多，账户已锁定（code 为 locked_out；Retry-After 为解锁前的秒数）。"
                ),
            ),
        }
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
            raise
        user = serializer.validated_data["user"]
        token, _created = Token.objects.get_or_create(user=user)
        # No session begins, so Django sends no user_logged_in: the sign-in is audited here.
        record(
            request,
            SignInAction.LOGIN,
            name=user.get_username(),
            user=user,
            actor=user,
            diff={"via": "api_token"},
        )
        return Response({"token": token.key})
