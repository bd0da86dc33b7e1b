"""Passwords: the rules a new one must meet, the history it may not repeat, expiry with a
forced change, and the audit entry of a change (docs/decisions.md "Passwords and API tokens").

The rules are password validators (config/settings/passwords.py AUTH_PASSWORD_VALIDATORS),
so every form and command that sets a password checks them: the site's change page, the
admin's user forms, `createsuperuser`, `changepassword`. The history and the revocation of
the user's API tokens follow every saved password change (`User.save` calls
`password_was_set`), whoever set it.

Expiry reads the wall clock (django.utils.timezone.now), not casework.clock: it is about when
a person last chose a password, not about case deadlines.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.contrib.auth.signals import user_logged_out
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from . import action_labels, audit
from .api.middleware import is_api
from .http import client_ip


class PasswordAction(models.TextChoices):
    """The stored actions of password and API token events (hashed into the chain: never renamed)."""

    PASSWORD_CHANGE = "auth.password_change", gettext_lazy("修改密码")
    TOKEN_CREATE = "auth.token_create", gettext_lazy("创建 API 令牌")
    TOKEN_REVOKE = "auth.token_revoke", gettext_lazy("撤销 API 令牌")


action_labels.register(dict(PasswordAction.choices))


def policy() -> dict:
    return {"MAX_AGE_DAYS": 90, "HISTORY": 5, **settings.CHENGXIN.get("PASSWORDS", {})}


# ── the rules ─────────────────────────────────────────────────────────────────────


class MinimumLengthValidator:
    def __init__(self, min_length: int = 8):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(self._message(), code="password_too_short")

    def _message(self) -> str:
        return gettext("密码长度不足：至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}

    def get_help_text(self):
        return self._message().split("：", 1)[1]


#: The four classes of characters; "symbol" is anything that is none of the other three.
_CLASSES = (str.isupper, str.islower, str.isdigit)


def character_classes(password: str) -> int:
    found = set()
    for char in password:
        kind = next((i for i, test in enumerate(_CLASSES) if test(char)), 3)
        found.add(kind)
    return len(found)


class CharacterClassesValidator:
    """At least `min_classes` of upper-case letters, lower-case letters, digits and symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                gettext("密码字符种类不足：大写字母、小写字母、数字、符号四类中至少需要包含 %(count)d 类。")
                % {"count": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self):
        return gettext("大写字母、小写字母、数字、符号四类中至少包含 %(count)d 类。") % {
            "count": self.min_classes
        }


class NotUsernameValidator:
    """Neither the user name nor anything containing it (case-insensitive)."""

    def validate(self, password, user=None):
        name = user.get_username() if user is not None else ""
        if name and name.casefold() in password.casefold():
            raise ValidationError(
                gettext("密码不能包含用户名：密码中不得出现用户名（不区分大小写）。"),
                code="password_contains_username",
            )

    def get_help_text(self):
        return gettext("密码不能包含用户名。")


def recent_hashes(user, count: int) -> list[str]:
    """The hashes of the user's last `count` passwords, the current one first."""
    if count <= 0 or user is None or user.pk is None:
        return []
    from .models import PasswordHistory

    hashes = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[:count])
    # The current password counts even when it was set before there was a history (the
    # demo's accounts, accounts that predate this), read from the row, not from a form's
    # instance that may hold the new one already.
    current = get_user_model().objects.filter(pk=user.pk).values_list("password", flat=True).first()
    if current and current not in hashes:
        hashes = [current, *hashes][:count]
    return hashes


class HistoryValidator:
    """Not one of the last CHENGXIN["PASSWORDS"]["HISTORY"] passwords (the current one
    included). The history itself is written by `password_was_set`."""

    def __init__(self, history: int | None = None):
        self.history = history

    def count(self) -> int:
        return self.history if self.history is not None else int(policy()["HISTORY"])

    def validate(self, password, user=None):
        count = self.count()
        if any(check_password(password, stored) for stored in recent_hashes(user, count)):
            raise ValidationError(
                ngettext(
                    "密码与近期使用过的密码相同：不得与最近 %(count)d 次使用的密码相同。",
                    "密码与近期使用过的密码相同：不得与最近 %(count)d 次使用的密码相同。",
                    count,
                )
                % {"count": count},
                code="password_reused",
            )

    def get_help_text(self):
        return gettext("不得与最近 %(count)d 次使用的密码相同。") % {"count": self.count()}


def password_was_set(user) -> None:
    """After a saved password change: keep its hash in the history (only as many as the rule
    reads), and revoke every API token the user holds (they were issued under the old one)."""
    from .models import PasswordHistory
    from .services.tokens import revoke_tokens

    keep = max(int(policy()["HISTORY"]), 1)
    with transaction.atomic():
        PasswordHistory.objects.create(user=user, password=user.password)
        old = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
        PasswordHistory.objects.filter(pk__in=list(old)).delete()
        revoke_tokens(acting_user=None, user=user, reason=gettext_lazy("密码已修改"))


def record_change(request, user) -> None:
    """The audit entry of a password change made through a page, with the client's address:
    by the user themself or by an administrator (`request.user`)."""
    actor = request.user if request.user.is_authenticated else user
    with transaction.atomic():
        audit.append_many(
            [
                dict(
                    actor=actor,
                    role="",
                    obj=user,
                    action=PasswordAction.PASSWORD_CHANGE,
                    ip_address=client_ip(request),
                    diff={"by_self": actor.pk == user.pk},
                )
            ]
        )


# ── expiry ────────────────────────────────────────────────────────────────────────


def expires_at(user) -> dt.datetime | None:
    days = int(policy()["MAX_AGE_DAYS"])
    changed = getattr(user, "password_changed_at", None)
    if days <= 0 or changed is None:
        return None
    return changed + dt.timedelta(days=days)


def password_expired(user) -> bool:
    """Whether the signed-in user must change their password before anything else."""
    if not getattr(user, "is_authenticated", False) or not user.has_usable_password():
        return False
    until = expires_at(user)
    return until is not None and timezone.now() >= until


def expired_message() -> str:
    return gettext("密码已超过 %(days)d 天未修改，已过期：请先修改密码。") % {
        "days": int(policy()["MAX_AGE_DAYS"])
    }


#: Pages an expired password still reaches: changing it, signing out, the assets.
_OPEN_NAMES = ("password_change", "logout")


class PasswordExpiry:
    """A signed-in user whose password has expired is sent to the change page from every
    page (the API answers 403 `password_expired`: casework.api.tokens). Only requests with a
    session cookie read the user: the public pages stay free of the database's users table."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The API's answer is its authentication classes' (casework.api.tokens), inside the
        # view, where a lost database is a 503 like any other.
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and not is_api(request)
            and password_expired(request.user)
        ):
            open_paths = {reverse(name) for name in _OPEN_NAMES}
            static = "/" + settings.STATIC_URL.lstrip("/")
            if request.path_info not in open_paths and not request.path_info.startswith(static):
                return redirect(f"{reverse('password_change')}?expired=1")
        return self.get_response(request)


# ── signing out ends the API tokens too ──────────────────────────────────────────


@receiver(user_logged_out, dispatch_uid="chengxin.passwords.logged_out")
def _logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    from .services.tokens import revoke_tokens

    revoke_tokens(acting_user=user, user=user, reason=gettext_lazy("退出登录"), request=request)
