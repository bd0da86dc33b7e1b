"""API tokens (casework.services.tokens, casework.api.tokens): a token stops working after
API sign-out, site sign-out, a password change, its expiry and revocation, each with 401 and
a Chinese message; the key is never stored in clear; every creation and revocation is on the
audit trail."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from casework.models import ApiToken, AuditEntry
from casework.passwords import PasswordAction
from casework.roles import Role
from casework.services.tokens import digest, revoke_tokens

from .factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-12345"
GOOD = "Chengxin#2026"


@pytest.fixture
def officer():
    user = UserFactory(username="officer", roles=[Role.OFFICER])
    user.save()
    return user


def obtain(username="officer", password=PASSWORD, **meta) -> str:
    response = APIClient().post(
        "/api/auth/token/", {"username": username, "password": password}, format="json", **meta
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    return body["token"]


def with_token(key: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}")


def works(key: str) -> bool:
    return with_token(key).get("/api/records/").status_code == 200


def refused(key: str, code: str, message: str) -> None:
    response = with_token(key).get("/api/records/")
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": message, "code": code, "field": None}


def test_a_token_works_and_its_key_is_not_stored_in_clear(officer):
    key = obtain()
    assert works(key)
    token = ApiToken.objects.get(user=officer)
    assert token.key_hash == digest(key) and key not in token.key_hash
    assert not ApiToken.objects.filter(key_hash=key).exists()
    # Nothing stored anywhere in the token's row equals the key.
    assert key not in {str(v) for v in ApiToken.objects.values().get().values()}
    assert token.last_used_at is not None  # the request above


def test_each_sign_in_gets_its_own_token_with_the_configured_lifetime(officer, settings):
    settings.CHENGXIN = {**settings.CHENGXIN, "API_TOKENS": {"LIFETIME_HOURS": 2}}
    first, second = obtain(), obtain()
    assert first != second and works(first) and works(second)
    for token in ApiToken.objects.all():
        assert dt.timedelta(hours=2) - (token.expires_at - token.created_at) < dt.timedelta(seconds=1)


def test_api_sign_out_revokes_the_presented_token_only(officer):
    key, other = obtain(), obtain()
    response = with_token(key).post("/api/auth/logout/")
    assert response.status_code == 204
    refused(key, "token_revoked", "API 令牌已撤销，请重新获取。")
    assert works(other)


def test_site_sign_out_revokes_every_token_of_the_user(officer):
    key = obtain()
    client = Client()
    assert client.post("/accounts/login/", {"username": "officer", "password": PASSWORD}).status_code == 302
    assert works(key)
    client.post("/accounts/logout/")
    refused(key, "token_revoked", "API 令牌已撤销，请重新获取。")


def test_a_password_change_revokes_every_token_of_the_user(officer):
    keys = [obtain(), obtain()]
    client = Client()
    client.force_login(officer)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": GOOD, "new_password2": GOOD},
    )
    assert response.status_code == 302
    for key in keys:
        refused(key, "token_revoked", "API 令牌已撤销，请重新获取。")
    assert works(obtain(password=GOOD))


def test_an_expired_token_is_refused(officer):
    key = obtain()
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    refused(key, "token_expired", "API 令牌已过期，请重新获取。")


def test_an_unknown_token_is_refused(officer):
    refused("0" * 40, "token_invalid", "API 令牌无效。")


def test_a_token_of_a_deactivated_user_is_refused(officer):
    key = obtain()
    officer.is_active = False
    officer.save()
    refused(key, "user_inactive", "用户已停用或已删除。")


def test_the_token_page_lists_and_revokes_the_users_own_tokens(officer):
    key = obtain()
    token = ApiToken.objects.get()
    stranger = UserFactory(username="other", roles=[Role.OFFICER])
    stranger.save()
    theirs = Client()
    theirs.force_login(stranger)
    assert "有效" not in theirs.get("/accounts/tokens/").content.decode()
    assert theirs.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert works(key)

    client = Client(REMOTE_ADDR="203.0.113.7")
    client.force_login(officer)
    page = client.get("/accounts/tokens/").content.decode()
    assert f"/accounts/tokens/{token.pk}/revoke/" in page and "有效" in page
    assert client.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    refused(key, "token_revoked", "API 令牌已撤销，请重新获取。")
    assert "已撤销" in client.get("/accounts/tokens/").content.decode()
    entry = AuditEntry.objects.get(action=PasswordAction.TOKEN_REVOKE)
    assert entry.actor_id == officer.pk and entry.ip_address == "203.0.113.7"
    assert entry.reason == "用户撤销" and entry.diff["user"] == "officer"


def test_creation_and_revocation_are_audited(officer):
    obtain(REMOTE_ADDR="198.51.100.4")
    token = ApiToken.objects.get()
    created = AuditEntry.objects.get(action=PasswordAction.TOKEN_CREATE)
    assert created.object_id == str(token.pk) and created.actor_id == officer.pk
    assert created.ip_address == "198.51.100.4"
    assert digest("x") not in str(created.diff) and token.key_hash not in str(created.diff)
    admin = UserFactory(username="secadmin", roles=[Role.SECURITY_ADMIN])
    admin.save()
    assert revoke_tokens(acting_user=admin, user=officer, reason="账号疑似泄露") == 1
    entry = AuditEntry.objects.get(action=PasswordAction.TOKEN_REVOKE)
    assert entry.actor_id == admin.pk and entry.reason == "账号疑似泄露"


def test_another_user_may_not_revoke_tokens_through_the_use_case(officer):
    from casework.errors import PermissionDeniedError

    obtain()
    stranger = UserFactory(username="other", roles=[Role.OFFICER])
    stranger.save()
    with pytest.raises(PermissionDeniedError):
        revoke_tokens(acting_user=stranger, user=officer, reason="试试")
    assert ApiToken.objects.get().revoked_at is None


def test_an_operator_issues_a_token_for_an_integration_account(officer):
    import io

    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    call_command("issue_api_token", "officer", "--hours", "720", "--name", "热线", stdout=out, stderr=err)
    key = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert token.key_hash == digest(key) and token.name == "热线"
    assert dt.timedelta(hours=720) - (token.expires_at - token.created_at) < dt.timedelta(seconds=1)
    assert works(key)
    assert AuditEntry.objects.get(action=PasswordAction.TOKEN_CREATE).diff["via"] == "command"
