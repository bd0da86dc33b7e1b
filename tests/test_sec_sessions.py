"""Sessions end after 30 idle minutes and 12 hours after sign-in (portal.sessions), signed out
with a Chinese message and an audited sign-out; the demo accounts and the demo password are
refused, and the seed commands refuse to run, outside development (casework.demo_guard)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from rest_framework.test import APIClient

from casework.demo.accounts import PASSWORD as DEMO_PASSWORD
from casework.models import AuditEntry
from casework.roles import Role
from casework.signin import SignInAction
from portal.sessions import LAST_SEEN, SIGNED_IN_AT

from .factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-12345"
IDLE = "长时间未操作，已自动退出登录，请重新登录。"
TOO_LONG = "登录时间已超过上限，已自动退出登录，请重新登录。"


@pytest.fixture
def user():
    return UserFactory(username="zhang.wei", roles=[Role.OFFICER])


def signed_in(user) -> Client:
    client = Client()
    assert (
        client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    )
    assert client.get("/work/cases/").status_code == 200
    return client


def travel(client, key: str, seconds: float) -> None:
    """The session's `key` moment was `seconds` earlier than it was."""
    session = client.session
    session[key] -= seconds
    session.save()


def logouts(user) -> list[dict]:
    return list(
        AuditEntry.objects.filter(action=SignInAction.LOGOUT, actor=user).values_list("diff", flat=True)
    )


# ── idle and absolute lifetimes ───────────────────────────────────────────────────


def test_thirty_idle_minutes_sign_the_user_out_with_a_message(user):
    client = signed_in(user)
    travel(client, LAST_SEEN, 30 * 60)
    response = client.get("/work/cases/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/work/cases/"
    page = client.get(response["Location"])
    assert IDLE in page.content.decode()
    assert IDLE not in client.get("/accounts/login/").content.decode()  # said once
    assert client.get("/work/cases/")["Location"].startswith("/accounts/login/")
    assert logouts(user) == [{"reason": "idle"}]


def test_a_user_at_work_stays_signed_in(user):
    client = signed_in(user)
    travel(client, LAST_SEEN, 29 * 60)
    assert client.get("/work/cases/").status_code == 200
    travel(client, LAST_SEEN, 29 * 60)  # 58 minutes after sign-in, never 30 idle
    assert client.get("/work/cases/").status_code == 200
    assert logouts(user) == []


def test_twelve_hours_after_sign_in_the_session_ends_however_busy(user):
    client = signed_in(user)
    travel(client, SIGNED_IN_AT, 12 * 3600)
    response = client.get("/work/cases/")
    assert response.status_code == 302
    assert TOO_LONG in client.get(response["Location"]).content.decode()
    assert logouts(user) == [{"reason": "absolute"}]


def test_the_limits_are_settings(settings, user):
    settings.CHENGXIN = {**settings.CHENGXIN, "SESSION": {"IDLE_MINUTES": 5, "ABSOLUTE_HOURS": 1}}
    client = signed_in(user)
    travel(client, LAST_SEEN, 5 * 60)
    assert client.get("/work/cases/").status_code == 302


def test_an_idle_session_is_no_longer_accepted_by_the_api(user):
    client = signed_in(user)
    assert client.get("/api/records/").status_code == 200
    travel(client, LAST_SEEN, 31 * 60)
    assert client.get("/api/records/").status_code in (401, 403)


def test_the_session_cookie_dies_with_the_browser(settings, user):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]


# ── no demo account in production ─────────────────────────────────────────────────

DEMO_REFUSED = "演示账号和演示密码不能在正式环境中使用，请使用本人账号登录。"
production_like = override_settings(DEBUG=False, CHENGXIN_DEMO_ACCOUNTS=None)


@pytest.fixture
def demo_officer():
    user = UserFactory(username="officer", roles=[Role.OFFICER])
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


@pytest.fixture
def demo_password_user():
    user = UserFactory(username="li.na", roles=[Role.OFFICER])
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


@production_like
@pytest.mark.parametrize("account", ["demo_officer", "demo_password_user"])
def test_with_debug_off_a_demo_account_or_the_demo_password_is_refused_on_every_path(request, account):
    user = request.getfixturevalue(account)
    site = Client().post("/accounts/login/", {"username": user.username, "password": DEMO_PASSWORD})
    assert site.status_code == 200 and DEMO_REFUSED in site.content.decode()
    admin = Client().post(
        "/admin/login/?next=/admin/",
        {"username": user.username, "password": DEMO_PASSWORD, "next": "/admin/"},
    )
    assert admin.status_code == 200 and DEMO_REFUSED in admin.content.decode()
    api = APIClient().post(
        "/api/auth/token/", {"username": user.username, "password": DEMO_PASSWORD}, format="json"
    )
    assert api.status_code == 400 and api.json()["errors"]["username"] == [DEMO_REFUSED]
    assert AuditEntry.objects.filter(action=SignInAction.LOGIN_FAILED).count() == 3
    assert not AuditEntry.objects.filter(action=SignInAction.LOGIN).exists()


@production_like
def test_a_demo_name_is_refused_whatever_its_password(demo_officer):
    demo_officer.set_password(PASSWORD)
    demo_officer.save()
    site = Client().post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    assert DEMO_REFUSED in site.content.decode()


@production_like
def test_a_personal_account_still_signs_in(user):
    assert signed_in(user)


@override_settings(DEBUG=True, CHENGXIN_DEMO_ACCOUNTS=None)
def test_with_debug_on_the_demo_accounts_sign_in(demo_officer):
    response = Client().post("/accounts/login/", {"username": "officer", "password": DEMO_PASSWORD})
    assert response.status_code == 302


@override_settings(DEBUG=True, CHENGXIN_DEMO_ACCOUNTS=False)
def test_production_refuses_them_even_with_debug_on(demo_officer):
    response = Client().post("/accounts/login/", {"username": "officer", "password": DEMO_PASSWORD})
    assert DEMO_REFUSED in response.content.decode()


@production_like
@pytest.mark.parametrize("command", ["seed_demo", "seed_exchange_demo", "seed_oversight_demo"])
def test_with_debug_off_the_seed_commands_refuse_to_run(command):
    with pytest.raises(CommandError, match="演示数据只能在开发环境中写入"):
        call_command(command)
    assert not AuditEntry.objects.exists()
