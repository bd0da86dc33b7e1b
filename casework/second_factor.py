"""The second factor (django-otp): who must give it, what proves it, enrolment, recovery codes
and their reset, each on the audit trail.

Who: the commission's staff and every administrator (`requires_second_factor`), when
CHENGXIN["SECOND_FACTOR"]["REQUIRED"] is on (production). A session has given it when
`request.user.is_verified()` (django-otp's OTPMiddleware): some device accepted a proof and
`django_otp.login` put it in the session. The portal asks for it (portal.second_factor), the
API's token endpoint takes it as `otp_token` (casework.api.auth).

What proves it: each verifier of CHENGXIN["SECOND_FACTOR"]["VERIFIERS"] (dotted paths), in
order. A verifier returns the django-otp device that accepted the proof or None; the default,
`OneTimePasswords`, checks an authenticator app's code (TOTP) or a recovery code (static
tokens, each usable once). A certificate/UKey verifier reads what the trusted proxy verified
and returns the user's device for that certificate (docs/operations.md, "Second factor").
Wrong codes are slowed down by django-otp's own throttle (each failure doubles the wait).
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext, gettext_lazy
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import action_labels
from .permissions import has_role, roles_of
from .signin import record


class SecondFactorAction(models.TextChoices):
    """The stored actions of the second factor (hashed into the chain: never renamed)."""

    VERIFIED = "auth.second_factor_verified", gettext_lazy("两步验证通过")
    FAILED = "auth.second_factor_failed", gettext_lazy("两步验证失败")
    ENROLLED = "auth.second_factor_enrolled", gettext_lazy("绑定身份验证器")
    RECOVERY_CODES_ISSUED = "auth.recovery_codes_issued", gettext_lazy("生成恢复码")
    RECOVERY_CODE_USED = "auth.recovery_code_used", gettext_lazy("使用恢复码通过两步验证")
    RESET = "auth.second_factor_reset", gettext_lazy("重置两步验证")


action_labels.register(dict(SecondFactorAction.choices))

#: The names the devices are shown by in the admin.
TOTP_NAME = gettext_lazy("身份验证器")
RECOVERY_NAME = gettext_lazy("恢复码")


class Throttled(Exception):
    """Too many wrong codes: django-otp refuses to check another before `until`."""

    def __init__(self, until: dt.datetime):
        shown = timezone.localtime(until).strftime("%H:%M:%S")
        super().__init__(gettext("验证码错误次数过多，请于 %(time)s 后再试。") % {"time": shown})
        self.until = until


# ── who ───────────────────────────────────────────────────────────────────────────


def _config() -> dict:
    return settings.CHENGXIN["SECOND_FACTOR"]


def enforced() -> bool:
    return bool(_config()["REQUIRED"])


def requires_second_factor(user) -> bool:
    """Whether this user must give the second factor: a superuser, anyone holding one of
    CHENGXIN["SECOND_FACTOR"]["ROLES"], and a staff account that holds no role at all (an
    administrator's). Unit liaisons, unit heads and civil servants may, need not."""
    if not getattr(user, "is_authenticated", False):
        return False
    roles = roles_of(user)
    return user.is_superuser or bool(roles & set(_config()["ROLES"])) or (user.is_staff and not roles)


def must_verify(request) -> bool:
    """Whether this request's signed-in user still owes the second factor."""
    user = getattr(request, "user", None)
    if not enforced() or user is None or not requires_second_factor(user):
        return False
    return not (hasattr(user, "is_verified") and user.is_verified())


# ── what proves it ────────────────────────────────────────────────────────────────


class Verifier(Protocol):
    """One way to prove the second factor (CHENGXIN["SECOND_FACTOR"]["VERIFIERS"])."""

    #: Whether the user types something for it (shown as the code field); a certificate is not typed.
    typed: bool

    def enrolled(self, user) -> bool:
        """Whether the user has what this verifier checks (a confirmed device)."""
        ...

    def verify(self, request, user, token: str) -> Device | None:
        """The device that accepted this request's proof (the typed `token`, possibly
        empty, or what the trusted proxy says), or None. May raise Throttled."""
        ...


class OneTimePasswords:
    """An authenticator app's 6-digit code (TOTP), or one of the recovery codes (letters and
    digits): each is checked by its own kind of device, whose throttle it counts against."""

    typed = True

    def enrolled(self, user) -> bool:
        return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()

    def verify(self, request, user, token: str) -> Device | None:
        token = "".join(token.split()).lower()
        if not token:
            return None
        kind = TOTPDevice if token.isdigit() else StaticDevice
        with transaction.atomic():
            devices = [d for d in devices_for_user(user, for_verify=True) if isinstance(d, kind)]
            refused = [d.verify_is_allowed()[1] for d in devices]
            if devices and all(refused):
                raise Throttled(min(r.get("locked_until") or timezone.now() for r in refused if r))
            return next((d for d in devices if d.verify_token(token)), None)


def verifiers() -> list[Verifier]:
    return [import_string(path)() for path in _config()["VERIFIERS"]]


def is_enrolled(user) -> bool:
    return any(v.enrolled(user) for v in verifiers())


def verify(request, user, token: str, *, via: str) -> Device | None:
    """Ask each verifier in turn; audit the success (or the recovery code used) or the
    failure of a typed code. `via` says where: "page" or "api_token"."""
    try:
        found = next(((v, d) for v in verifiers() if (d := v.verify(request, user, token or ""))), None)
    except Throttled as refused:
        _audit(request, user, SecondFactorAction.FAILED, {"via": via, "throttled": True})
        raise refused from None
    if found is None:
        if token:
            _audit(request, user, SecondFactorAction.FAILED, {"via": via})
        return None
    verifier, device = found
    _audit(
        request,
        user,
        SecondFactorAction.RECOVERY_CODE_USED
        if _is_recovery(verifier, device)
        else SecondFactorAction.VERIFIED,
        {"via": via, "device": device.persistent_id},
    )
    return device


def _is_recovery(verifier, device) -> bool:
    return isinstance(verifier, OneTimePasswords) and isinstance(device, StaticDevice)


def sign_in(request, device: Device) -> None:
    """Mark the session as having given the second factor (request.user.is_verified())."""
    otp_login(request, device)


# ── enrolment and recovery codes ──────────────────────────────────────────────────


def pending_device(user) -> TOTPDevice:
    """The authenticator being enrolled: a new secret until a code from it confirms it."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=str(TOTP_NAME), confirmed=False)


def confirm(request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the enrolment with a code from the app: the device becomes the user's, the
    session is verified, and 10 new recovery codes are returned (to be shown once). None
    when the code is wrong."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token("".join((token or "").split())):
            _audit(request, device.user, SecondFactorAction.FAILED, {"via": "enrolment"})
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
        _audit(request, device.user, SecondFactorAction.ENROLLED, {"device": device.persistent_id})
        codes = issue_recovery_codes(request, device.user)
    sign_in(request, device)
    return codes


def issue_recovery_codes(request, user) -> list[str]:
    """New recovery codes for the user; the old ones stop working."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=str(RECOVERY_NAME), confirmed=True)
        codes = [StaticToken.random_token() for _ in range(_config()["RECOVERY_CODES"])]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        _audit(request, user, SecondFactorAction.RECOVERY_CODES_ISSUED, {"count": len(codes)})
    return codes


def reset(*, acting_user, user, reason: str, request=None) -> int:
    """A lost device: delete every device of the user (they enrol again at their next
    sign-in). For the security administrator (CHENGXIN["SECOND_FACTOR"]["RESET_ROLES"]) or a
    superuser. Returns how many devices were deleted."""
    if not (acting_user.is_superuser or has_role(acting_user, *_config().get("RESET_ROLES", []))):
        raise PermissionError(gettext("只有安全管理员可以重置两步验证。"))
    with transaction.atomic():
        deleted = 0
        for device in list(devices_for_user(user, confirmed=None, for_verify=True)):
            device.delete()
            deleted += 1
        diff = {"devices": deleted, "reason": reason}
        record(
            request,
            action=SecondFactorAction.RESET,
            name=user.get_username(),
            user=user,
            actor=acting_user,
            diff=diff,
        )
    return deleted


def _audit(request, user, action: str, diff: dict) -> None:
    record(request, action=action, name=user.get_username(), user=user, actor=user, diff=diff)
