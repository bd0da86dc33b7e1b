"""The second factor (casework.second_factor, portal.second_factor): with enforcement on, a
commission user reaches no work page, no API by session, no admin page and no API token
without a code from the authenticator (or a recovery code, once); a unit liaison is not
asked; wrong codes are throttled and audited; a lost device is reset by the security
administrator; a certificate/UKey verifier plugs in by a setting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from casework.http import from_trusted_proxy
from casework.models import AuditEntry
from casework.roles import Role
from casework.second_factor import SecondFactorAction, requires_second_factor

from .factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-12345"
WORK_PAGES = ["/work/", "/work/cases/", "/work/start/", "/public/records/", "/"]


@pytest.fixture
def enforced(settings):
    settings.CHENGXIN = {
        **settings.CHENGXIN,
        "SECOND_FACTOR": {**settings.CHENGXIN["SECOND_FACTOR"], "REQUIRED": True},
    }


@pytest.fixture
def commissioner():
    return UserFactory(username="mfa-officer", roles=[Role.OFFICER])


def enrol(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=True)


def code(device: TOTPDevice, ahead: int = 0) -> str:
    """What the authenticator shows now (`ahead` steps later: a code not used yet)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + ahead):0{device.digits}d}"


def recovery_codes(user, *codes: str) -> None:
    device = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    for token in codes:
        StaticToken.objects.create(device=device, token=token)


def signed_in(user) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    return client


def actions(user) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(user.pk)).order_by("seq").values_list("action", flat=True)
    )


def forgive_failures(user) -> None:
    """Time travel: the last wrong code was long ago (django-otp's throttle waits 1, 2, 4… s)."""
    TOTPDevice.objects.filter(user=user).update(
        throttling_failure_timestamp=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )


# ── who is asked ──────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("roles", "extra", "asked"),
    [
        ([Role.OFFICER], {}, True),
        ([Role.APPROVER], {}, True),
        ([Role.CREDIT_ADMIN], {}, True),
        ([Role.HR_ADMIN], {}, True),
        ([Role.INTAKE_OPERATOR], {}, True),
        ([Role.ASSESSOR], {}, True),
        ([Role.SYSTEM_ADMIN], {}, True),
        ([Role.SECURITY_ADMIN], {}, True),
        ([Role.AUDIT_ADMIN], {}, True),
        ([], {"is_superuser": True}, True),
        ([], {"is_staff": True}, True),  # an administrator's account with no portal role
        ([Role.UNIT_LIAISON], {"is_staff": True}, False),
        ([Role.UNIT_HEAD], {"is_staff": True}, False),
        ([Role.CIVIL_SERVANT], {}, False),
        ([Role.UNIT_LIAISON, Role.OFFICER], {}, True),
    ],
)
def test_the_commission_staff_and_every_administrator_must_give_it(roles, extra, asked):
    assert requires_second_factor(UserFactory(roles=roles, **extra)) is asked


def test_the_roles_come_from_settings_so_new_administrator_roles_join_by_name(settings):
    assert {"security_admin", "audit_admin"} <= set(settings.CHENGXIN["SECOND_FACTOR"]["ROLES"])
    liaison = UserFactory(roles=[Role.UNIT_LIAISON])
    settings.CHENGXIN = {
        **settings.CHENGXIN,
        "SECOND_FACTOR": {**settings.CHENGXIN["SECOND_FACTOR"], "ROLES": ["unit_liaison"]},
    }
    assert requires_second_factor(liaison)


# ── no page before the factor ─────────────────────────────────────────────────────


def test_without_enforcement_the_password_is_enough(commissioner):
    assert signed_in(commissioner).get("/work/cases/").status_code == 200


def test_a_commission_user_without_a_device_reaches_no_page_and_is_sent_to_enrolment(enforced, commissioner):
    client = signed_in(commissioner)
    for path in WORK_PAGES:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(
            "/accounts/second-factor/?next="
        ), path
    response = client.get("/accounts/second-factor/?next=/work/cases/")
    assert (
        response.status_code == 302
        and response["Location"] == "/accounts/second-factor/enrol/?next=/work/cases/"
    )
    api = client.get("/api/records/")
    assert api.status_code == 403 and api.json()["code"] == "second_factor_required"
    assert "两步验证" in api.json()["detail"]
    assert client.get("/admin/").status_code == 302
    # The sign-out page stays open.
    assert client.post("/accounts/logout/").status_code == 302


def test_enrolment_shows_the_secret_and_confirms_with_a_code_then_gives_ten_recovery_codes_once(
    enforced, commissioner
):
    client = signed_in(commissioner)
    page = client.get("/accounts/second-factor/enrol/?next=/work/cases/")
    text = page.content.decode()
    device = TOTPDevice.objects.get(user=commissioner, confirmed=False)
    assert page.status_code == 200 and "绑定身份验证器" in text
    assert "otpauth://totp/" in text and device.config_url.split("secret=")[1].split("&")[0] in text
    qr = client.get("/accounts/second-factor/enrol/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content and b"<script" not in qr.content

    wrong = client.post("/accounts/second-factor/enrol/", {"token": "000000", "next": "/work/cases/"})
    assert wrong.status_code == 200 and "动态验证码不正确" in wrong.content.decode()
    assert client.get("/work/cases/").status_code == 302
    forgive_failures(commissioner)

    done = client.post("/accounts/second-factor/enrol/", {"token": code(device), "next": "/work/cases/"})
    assert done.status_code == 200
    shown = [t.token for t in StaticToken.objects.filter(device__user=commissioner)]
    assert len(shown) == 10 and all(token in done.content.decode() for token in shown)
    assert client.get("/work/cases/").status_code == 200
    assert client.get("/accounts/second-factor/enrol/").status_code == 302  # shown once: no second enrolment
    assert {SecondFactorAction.ENROLLED, SecondFactorAction.RECOVERY_CODES_ISSUED} <= set(
        actions(commissioner)
    )


def test_an_enrolled_user_gives_the_code_after_the_password(enforced, commissioner):
    device = enrol(commissioner)
    client = signed_in(commissioner)
    response = client.get("/work/cases/")
    assert response["Location"] == "/accounts/second-factor/?next=/work/cases/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and "输入动态验证码" in page.content.decode()

    wrong = client.post("/accounts/second-factor/", {"token": "123 456", "next": "/work/cases/"})
    assert wrong.status_code == 200 and "动态验证码不正确" in wrong.content.decode()
    assert client.get("/work/cases/").status_code == 302
    forgive_failures(commissioner)

    right = client.post("/accounts/second-factor/", {"token": code(device), "next": "/work/cases/"})
    assert right.status_code == 302 and right["Location"] == "/work/cases/"
    assert client.get("/work/cases/").status_code == 200
    assert client.get("/api/records/").status_code == 200
    assert actions(commissioner)[-2:] == [SecondFactorAction.FAILED, SecondFactorAction.VERIFIED]
    failed = AuditEntry.objects.get(action=SecondFactorAction.FAILED)
    assert failed.actor_id == commissioner.pk and failed.ip_address == "127.0.0.1"


def test_wrong_codes_are_throttled_even_the_right_one_until_the_wait_is_over(enforced, commissioner):
    device = enrol(commissioner)
    client = signed_in(commissioner)
    client.post("/accounts/second-factor/", {"token": "000000"})
    refused = client.post("/accounts/second-factor/", {"token": code(device)})
    assert "验证码错误次数过多，请于" in refused.content.decode()
    assert client.get("/work/cases/").status_code == 302
    assert AuditEntry.objects.filter(action=SecondFactorAction.FAILED, diff__throttled=True).exists()
    forgive_failures(commissioner)
    assert client.post("/accounts/second-factor/", {"token": code(device)}).status_code == 302


def test_a_recovery_code_works_once_in_place_of_the_code(enforced, commissioner):
    enrol(commissioner)
    recovery_codes(commissioner, "abcdefgh23456723", "bcdefgh234567234")
    first = signed_in(commissioner)
    assert first.post("/accounts/second-factor/", {"token": "ABCD EFGH 2345 6723"}).status_code == 302
    assert first.get("/work/cases/").status_code == 200
    assert SecondFactorAction.RECOVERY_CODE_USED in actions(commissioner)

    second = signed_in(commissioner)
    again = second.post("/accounts/second-factor/", {"token": "abcdefgh23456723"})
    assert again.status_code == 200 and "动态验证码不正确" in again.content.decode()
    assert second.get("/work/cases/").status_code == 302
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["bcdefgh234567234"]


def test_recovery_codes_can_be_made_anew_and_the_old_ones_stop_working(enforced, commissioner):
    device = enrol(commissioner)
    recovery_codes(commissioner, "abcdefgh23456723")
    client = signed_in(commissioner)
    client.post("/accounts/second-factor/", {"token": code(device)})
    page = client.post("/accounts/second-factor/recovery-codes/")
    new = list(StaticToken.objects.values_list("token", flat=True))
    assert len(new) == 10 and "abcdefgh23456723" not in new
    assert all(token in page.content.decode() for token in new)
    assert actions(commissioner)[-1] == SecondFactorAction.RECOVERY_CODES_ISSUED


def test_a_liaison_is_not_asked(enforced, liaison):
    client = signed_in(liaison)
    response = client.get("/work/start/")
    assert not response.get("Location", "").startswith("/accounts/second-factor/")


def test_the_admin_needs_the_factor_too(enforced):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    admin.save()  # its password (UserFactory saves after the roles only)
    device = enrol(admin)
    client = Client()
    client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD, "next": "/admin/"})
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/second-factor/")
    client.post("/accounts/second-factor/", {"token": code(device)})
    assert client.get("/admin/").status_code == 200


# ── the API's token ───────────────────────────────────────────────────────────────


def token(user, **extra):
    return APIClient().post(
        "/api/auth/token/", {"username": user.username, "password": PASSWORD, **extra}, format="json"
    )


def test_the_api_token_needs_a_right_otp_token(enforced, commissioner, liaison):
    device = enrol(commissioner)
    missing = token(commissioner)
    assert missing.status_code == 400 and "otp_token" in missing.json()["errors"]
    assert "动态验证码" in missing.json()["errors"]["otp_token"][0]
    wrong = token(commissioner, otp_token="000000")
    assert wrong.status_code == 400 and "不正确" in wrong.json()["errors"]["otp_token"][0]
    forgive_failures(commissioner)
    right = token(commissioner, otp_token=code(device))
    assert right.status_code == 200 and right.json()["token"]
    assert AuditEntry.objects.filter(action=SecondFactorAction.VERIFIED, diff__via="api_token").exists()
    assert token(liaison).status_code == 200


def test_the_api_token_is_throttled_with_a_429(enforced, commissioner):
    device = enrol(commissioner)
    token(commissioner, otp_token="000000")
    refused = token(commissioner, otp_token=code(device))
    assert refused.status_code == 429 and "验证码错误次数过多" in refused.json()["detail"]
    assert int(refused["Retry-After"]) >= 1


def test_without_enforcement_the_api_token_needs_no_otp_token(commissioner):
    assert token(commissioner).status_code == 200


def test_the_schema_declares_otp_token(commissioner):
    from django.urls import reverse

    client = APIClient()
    client.force_authenticate(commissioner)
    schema = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    request = schema["paths"]["/api/auth/token/"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]
    name = request["$ref"].rsplit("/", 1)[1]
    assert "otp_token" in schema["components"]["schemas"][name]["properties"]


# ── a lost device ─────────────────────────────────────────────────────────────────


def test_the_security_administrator_resets_a_lost_device_and_the_user_enrols_again(
    enforced, commissioner, capsys
):
    enrol(commissioner)
    recovery_codes(commissioner, "abcdefgh23456723")
    security = UserFactory(username="security", roles=[Role.SECURITY_ADMIN])
    call_command(
        "reset_second_factor", commissioner.username, by="security", reason="手机丢失，已核实本人身份"
    )
    assert "删除 2 个验证设备" in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(user=commissioner).exists()
    assert not StaticDevice.objects.filter(user=commissioner).exists()
    entry = AuditEntry.objects.get(action=SecondFactorAction.RESET)
    assert entry.actor_id == security.pk and entry.object_id == str(commissioner.pk)
    assert entry.diff == {"devices": 2, "reason": "手机丢失，已核实本人身份"}
    client = signed_in(commissioner)
    response = client.get("/accounts/second-factor/")
    assert response["Location"].startswith("/accounts/second-factor/enrol/")


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN])
def test_nobody_else_resets_a_device(commissioner, role):
    enrol(commissioner)
    UserFactory(username="colleague", roles=[role])
    with pytest.raises(CommandError, match="只有安全管理员"):
        call_command("reset_second_factor", commissioner.username, by="colleague", reason="帮忙")
    assert TOTPDevice.objects.filter(user=commissioner).exists()
    assert not AuditEntry.objects.filter(action=SecondFactorAction.RESET).exists()


# ── the certificate/UKey hook ─────────────────────────────────────────────────────


class ClientCertificate:
    """A fake UKey verifier as docs/operations.md describes one: the trusted proxy checked
    the client certificate and says so in headers; the user's device for it is a static
    device named after the certificate's fingerprint (a real one would have its own model)."""

    typed = False

    def enrolled(self, user) -> bool:
        return StaticDevice.objects.filter(user=user, name__startswith="ukey:").exists()

    def verify(self, request, user, token):
        meta = request.META
        if not from_trusted_proxy(request) or meta.get("HTTP_X_SSL_CLIENT_VERIFY") != "SUCCESS":
            return None
        name = f"ukey:{meta.get('HTTP_X_SSL_CLIENT_FINGERPRINT', '')}"
        return StaticDevice.objects.filter(user=user, name=name, confirmed=True).first()


def test_a_certificate_verifier_plugs_in_by_setting(enforced, settings, commissioner):
    settings.CHENGXIN = {
        **settings.CHENGXIN,
        "TRUSTED_PROXIES": ["10.0.0.2"],
        "SECOND_FACTOR": {
            **settings.CHENGXIN["SECOND_FACTOR"],
            "VERIFIERS": ["tests.test_sec_mfa.ClientCertificate", "casework.second_factor.OneTimePasswords"],
        },
    }
    StaticDevice.objects.create(user=commissioner, name="ukey:AB:CD", confirmed=True)
    certificate = {"HTTP_X_SSL_CLIENT_VERIFY": "SUCCESS", "HTTP_X_SSL_CLIENT_FINGERPRINT": "AB:CD"}

    forged = signed_in(commissioner)  # the same headers, not from the proxy: ignored
    page = forged.get("/accounts/second-factor/?next=/work/cases/", **certificate)
    assert page.status_code == 200 and forged.get("/work/cases/").status_code == 302

    client = signed_in(commissioner)
    response = client.get("/accounts/second-factor/?next=/work/cases/", REMOTE_ADDR="10.0.0.2", **certificate)
    assert response.status_code == 302 and response["Location"] == "/work/cases/"
    assert client.get("/work/cases/").status_code == 200
    assert actions(commissioner)[-1] == SecondFactorAction.VERIFIED
