"""Signing in: the lockout's answer in Chinese, and every sign-in, sign-out, failure and
lockout on the audit trail.

django-axes counts failed sign-ins per account name and per client address
(config/settings/lockout.py) and refuses a locked one before the password is checked. What
the user reads is decided here: the sign-in forms (the site's and the admin's) say the
account is locked and until when, the API answers the same words as JSON.

The audit entries carry the address `casework.http.client_ip` reads, the same the lockout
counts by. A failed sign-in is about the account it named; when no account has that name
the entry still names the user table and the name tried, with no row id.
"""

from __future__ import annotations

import datetime as dt
import math

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_credentials, get_failure_limit
from axes.signals import user_locked_out
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from . import action_labels, audit, demo_guard
from .api.middleware import is_api
from .http import client_ip
from .language import official_language


class SignInAction(models.TextChoices):
    """The stored actions of sign-ins (hashed into the chain: never renamed)."""

    LOGIN = "auth.login", gettext_lazy("登录")
    LOGOUT = "auth.logout", gettext_lazy("退出登录")
    LOGIN_FAILED = "auth.login_failed", gettext_lazy("登录失败")
    LOCKOUT = "auth.lockout", gettext_lazy("登录失败次数过多，锁定登录")


action_labels.register(dict(SignInAction.choices))

#: Who a failed sign-in's entry names as its actor: nobody signed in.
ANONYMOUS = gettext_lazy("未登录的访问者")
_NAME_LENGTH = 150  # the longest user name; a longer "name" tried is cut, not stored whole


# ── the lockout ────────────────────────────────────────────────────────────────────


def unlocked_at(request, credentials: dict | None = None) -> dt.datetime | None:
    """When the request's account name and address may sign in again: for each counter that
    is full, when enough of its failures have aged out. None when none is full."""
    AxesProxyHandler.update_request(request)
    handler = AxesProxyHandler.get_implementation()
    limit, cool_off = get_failure_limit(request, credentials), get_cool_off(request)
    until = None
    for attempts in handler.get_user_attempts(request, credentials):
        counted = 0
        for attempt_time, failures in attempts.order_by("-attempt_time").values_list(
            "attempt_time", "failures_since_start"
        ):
            counted += failures
            if counted >= limit:
                free = attempt_time + cool_off
                until = free if until is None else max(until, free)
                break
    return until


def lockout_message(request, credentials: dict | None = None) -> str:
    until = unlocked_at(request, credentials)
    if until is None:
        minutes = int(get_cool_off(request).total_seconds() // 60)
        return gettext("登录失败次数过多，账户已锁定，请于 %(minutes)d 分钟后再试。") % {"minutes": minutes}
    # Rounded up: at the minute shown the lock is over, never a few seconds short of it.
    shown = timezone.localtime(until)
    if shown.second or shown.microsecond:
        shown = shown.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    return gettext("登录失败次数过多，账户已锁定，请于 %(time)s 后再试。") % {
        "time": shown.strftime("%Y-%m-%d %H:%M")
    }


def retry_after(request, credentials: dict | None = None) -> int:
    """Seconds until the lock is over, for the Retry-After header."""
    until = unlocked_at(request, credentials)
    left = (until - timezone.now()).total_seconds() if until else get_cool_off(request).total_seconds()
    return max(1, math.ceil(left))


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the answer to a request whose sign-in axes refused or that just
    locked. The sign-in forms already show why (LockoutAware below); the API answers JSON."""
    status = 429
    if is_api(request):
        message = lockout_message(request, credentials)
        response = JsonResponse({"detail": message, "code": "locked_out", "field": None}, status=status)
    elif isinstance(original_response, HttpResponse) and original_response.status_code == 200:
        response = original_response  # the form again, its error naming the lock
        response.status_code = status
    else:
        message = lockout_message(request, credentials)
        response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after(request, credentials))
    return response


def is_locked_out(request) -> bool:
    """Whether axes refused this request's sign-in or locked with it."""
    return bool(getattr(request, "axes_locked_out", False))


class LockoutAware:
    """An authentication form whose error says the account is locked and until when, instead
    of "wrong password", when axes refused the sign-in."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if self.request is not None and is_locked_out(self.request):
                credentials = get_credentials(self.cleaned_data.get("username"))
                raise ValidationError(lockout_message(self.request, credentials), code="locked_out") from None
            if self.request is not None and getattr(self.request, demo_guard.REFUSED, False):
                raise ValidationError(demo_guard.MESSAGE, code="demo_account") from None
            raise


class SignInForm(LockoutAware, AuthenticationForm):
    pass


class AdminSignInForm(LockoutAware, AdminAuthenticationForm):
    pass


# ── the audit trail ────────────────────────────────────────────────────────────────


def record(
    request, action: str, *, name: str | None, user=None, actor=None, diff: dict | None = None
) -> None:
    """Append one sign-in entry about the account `user` (or, with no such account, about
    the name tried), in its own transaction: a sign-in changes nothing else to join."""
    if user is None and name:
        field: str = get_user_model().USERNAME_FIELD
        user = get_user_model().objects.filter(**{field: name}).first()
    if user is not None:
        about = {"obj": user}
    else:
        about = {
            "content_type_id": ContentType.objects.get_for_model(get_user_model()).pk,
            "object_id": "",
            "object_repr": name or "—",
        }
    if actor is None:
        with official_language():
            about["actor_name"] = str(ANONYMOUS)
    with transaction.atomic():
        audit.append_many(
            [
                dict(
                    actor=actor,
                    role="",
                    action=action,
                    ip_address=client_ip(request) if request is not None else None,
                    diff=diff,
                    **about,
                )
            ]
        )


def _sent_by_a_client(request) -> bool:
    """Whether a client's request carried the sign-in. Code that makes a session itself (the
    test client's login() and force_login() build a bare request with no method; a shell's
    authenticate() passes none) signs no one in over the network: no event, no address."""
    return request is not None and bool(getattr(request, "method", None))


def _name(credentials: dict | None) -> str | None:
    name = (credentials or {}).get(get_user_model().USERNAME_FIELD)
    return str(name)[:_NAME_LENGTH] if name else None


@receiver(user_logged_in, dispatch_uid="chengxin.signin.logged_in")
def _logged_in(sender, request, user, **kwargs):
    if not _sent_by_a_client(request):
        return
    record(request, SignInAction.LOGIN, name=user.get_username(), user=user, actor=user)


#: Set on a request whose session the site ends itself (portal.sessions: "idle", "absolute").
LOGOUT_REASON = "chengxin_logout_reason"


@receiver(user_logged_out, dispatch_uid="chengxin.signin.logged_out")
def _logged_out(sender, request, user, **kwargs):
    if user is not None and _sent_by_a_client(request):  # signing out with no session is no event
        reason = getattr(request, LOGOUT_REASON, None)
        diff = {"reason": reason} if reason else None
        record(request, SignInAction.LOGOUT, name=user.get_username(), user=user, actor=user, diff=diff)


@receiver(user_login_failed, dispatch_uid="chengxin.signin.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    if not _sent_by_a_client(request):
        return
    name = _name(credentials)
    # The password is never recorded: only the name tried, and whether axes refused it
    # unchecked (locked already). Axes' own receiver ran first (this module imports
    # axes.signals before connecting), so the request says whether it counted the failure.
    diff = {"username": name}
    if is_locked_out(request) and getattr(request, "axes_failures_since_start", 0) is None:
        diff["refused"] = True
    record(request, SignInAction.LOGIN_FAILED, name=name, diff=diff)


@receiver(user_locked_out, dispatch_uid="chengxin.signin.locked_out")
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    # Axes sends this for the failure that fills a counter and again for every attempt it
    # refuses while locked; those are audited as refused failures, the lock once.
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:
        return
    name = str(username)[:_NAME_LENGTH] if username else None
    credentials = get_credentials(username)
    diff = {"username": name, "failures": failures, "unlocked_at": unlocked_at(request, credentials)}
    record(request, SignInAction.LOCKOUT, name=name, diff=diff)
