"""Sign-in lockout and sign-in events: five failures lock an account name, and an address,
for fifteen minutes on the site's sign-in page, the admin's and the API's token endpoint;
every sign-in, sign-out, failure and lock is on the audit trail with the client's address
(casework.signin, config/settings/lockout.py)."""

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from casework import audit
from casework.models import AuditEntry
from casework.roles import Role

from .factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-12345"
WRONG = "not-the-password"
PROXY = "10.0.0.2"
CLIENT = "203.0.113.7"
LOCKED = re.compile(r"登录失败次数过多，账户已锁定，请于 (\d{4}-\d\d-\d\d \d\d:\d\d) 后再试。")


@pytest.fixture
def user():
    user = UserFactory(roles=[Role.SYSTEM_ADMIN], is_staff=True)
    user.save()
    return user


@pytest.fixture
def behind_proxy(settings):
    settings.CHENGXIN = {**settings.CHENGXIN, "TRUSTED_PROXIES": [PROXY]}


# ── the three ways in ─────────────────────────────────────────────────────────────


def site_sign_in(client, username, password, **meta):
    response = client.post("/accounts/login/", {"username": username, "password": password}, **meta)
    return response, response.status_code == 302, response.content.decode()


def admin_sign_in(client, username, password, **meta):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password, "next": "/admin/"}, **meta
    )
    return response, response.status_code == 302, response.content.decode()


def token_sign_in(client, username, password, **meta):
    response = APIClient().post(
        "/api/auth/token/", {"username": username, "password": password}, format="json", **meta
    )
    body = response.json()
    return response, response.status_code == 200 and "token" in body, body.get("detail", "")


PATHS = {"site": site_sign_in, "admin": admin_sign_in, "api": token_sign_in}


def unlock_time_in(text: str) -> dt.datetime:
    match = LOCKED.search(text)
    assert match, text
    naive = dt.datetime.strptime(match.group(1), "%Y-%m-%d %H:%M")
    return timezone.make_aware(naive, timezone.get_current_timezone())


def age_attempts(minutes: int) -> None:
    """Time travel: the failures happened `minutes` earlier than they did."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= dt.timedelta(minutes=minutes)
        attempt.save(update_fields=["attempt_time"])


@pytest.mark.parametrize("path", PATHS)
def test_the_fifth_wrong_password_locks_the_account_and_the_right_one_is_then_refused(path, user):
    sign_in, client = PATHS[path], Client()
    for _ in range(4):
        response, signed, text = sign_in(client, user.username, WRONG)
        assert not signed and not LOCKED.search(text)
    before = timezone.now()
    response, signed, text = sign_in(client, user.username, WRONG)
    assert response.status_code == 429 and not signed
    until = unlock_time_in(text)
    # The lock ends fifteen minutes after the last failure, shown rounded up to the minute.
    assert before + dt.timedelta(minutes=15) <= until + dt.timedelta(minutes=1)
    assert until - dt.timedelta(minutes=16) <= before

    for password in (WRONG, PASSWORD):  # the sixth try, and the right password: refused unchecked
        response, signed, text = sign_in(client, user.username, password)
        assert response.status_code == 429 and not signed
        assert unlock_time_in(text) == until  # attempts while locked do not prolong it
    if path == "api":
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["code"] == "locked_out"
        assert 0 < int(response["Retry-After"]) <= 15 * 60


@pytest.mark.parametrize("path", PATHS)
def test_the_lock_is_over_after_fifteen_minutes(path, user):
    sign_in, client = PATHS[path], Client()
    for _ in range(5):
        sign_in(client, user.username, WRONG)
    assert sign_in(client, user.username, PASSWORD)[0].status_code == 429

    age_attempts(14)
    assert sign_in(client, user.username, PASSWORD)[0].status_code == 429
    age_attempts(1)
    response, signed, _text = sign_in(client, user.username, PASSWORD)
    assert signed, response.status_code


def test_one_address_trying_many_names_is_locked_whatever_name_it_tries_next(user):
    client = Client()
    for n in range(5):
        site_sign_in(client, f"guess{n}", WRONG, REMOTE_ADDR="198.51.100.9")
    response, signed, text = site_sign_in(client, user.username, PASSWORD, REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 429 and not signed and LOCKED.search(text)
    # The account itself is not locked: from another address it signs in.
    assert site_sign_in(Client(), user.username, PASSWORD, REMOTE_ADDR="198.51.100.10")[1]


def test_an_account_is_locked_whichever_addresses_the_failures_came_from(user):
    for n in range(5):
        site_sign_in(Client(), user.username, WRONG, REMOTE_ADDR=f"198.51.100.{n + 1}")
    response, signed, _text = site_sign_in(Client(), user.username, PASSWORD, REMOTE_ADDR="198.51.100.99")
    assert response.status_code == 429 and not signed


def test_the_locked_sign_in_page_is_the_form_again_naming_the_lock(user):
    client = Client()
    for _ in range(5):
        _response, _signed, text = site_sign_in(client, user.username, WRONG)
    assert '<form method="post" action="/accounts/login/"' in text
    assert "请输入正确的用户名和密码" not in text and LOCKED.search(text)


# ── the audit trail ─────────────────────────────────────────────────────────────────


def entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


def test_failures_and_the_lock_are_audited_with_the_address_the_trusted_proxy_forwarded(behind_proxy, user):
    client = Client()
    for _ in range(6):
        site_sign_in(
            client, user.username, WRONG, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.1, {CLIENT}"
        )

    failed = entries("auth.login_failed")
    assert len(failed) == 6
    assert {(e.ip_address, e.object_id, e.actor_id) for e in failed} == {(CLIENT, str(user.pk), None)}
    assert all(e.diff["username"] == user.username for e in failed)
    # Five counted; the sixth refused unchecked, the account being locked.
    assert [e.diff.get("refused", False) for e in failed] == [False] * 5 + [True]
    assert not any(WRONG in str(e.diff) or WRONG in e.reason for e in failed)  # never the password

    [lock] = entries("auth.lockout")
    assert lock.ip_address == CLIENT and lock.object_id == str(user.pk)
    assert lock.diff["username"] == user.username and lock.diff["failures"] == 5
    assert audit.verify().ok


def test_a_forwarded_header_from_anyone_else_is_ignored(behind_proxy, user):
    client = Client()
    for _ in range(5):
        site_sign_in(client, user.username, WRONG, REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR=CLIENT)
    assert {e.ip_address for e in entries("auth.login_failed")} == {"198.51.100.20"}
    assert entries("auth.lockout")[0].ip_address == "198.51.100.20"
    # …and the lock counts that address too, not the one the header claimed.
    assert AccessAttempt.objects.get().ip_address == "198.51.100.20"


def test_a_name_no_account_has_is_audited_by_the_name_tried(behind_proxy):
    token_sign_in(None, "nobody-here", WRONG, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT)
    [failed] = entries("auth.login_failed")
    assert (
        failed.object_id == "" and failed.object_repr == "nobody-here" and failed.content_type.model == "user"
    )
    assert failed.actor_id is None and failed.actor_name == "未登录的访问者" and failed.ip_address == CLIENT


@pytest.mark.parametrize("path", PATHS)
def test_signing_in_is_audited(path, behind_proxy, user):
    response, signed, _text = PATHS[path](
        Client(), user.username, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT
    )
    assert signed, response.status_code
    [login] = entries("auth.login")
    assert (login.actor_id, login.object_id, login.ip_address) == (user.pk, str(user.pk), CLIENT)


def test_signing_out_is_audited(user):
    client = Client()
    assert site_sign_in(client, user.username, PASSWORD, REMOTE_ADDR="198.51.100.30")[1]
    client.post("/accounts/logout/", REMOTE_ADDR="198.51.100.30")
    [logout] = entries("auth.logout")
    assert (logout.actor_id, logout.object_id, logout.ip_address) == (user.pk, str(user.pk), "198.51.100.30")
    assert AuditEntry.objects.latest("seq") == logout


def test_a_session_made_in_code_is_no_sign_in_event(user):
    """The test client's force_login() and login() sign no one in over the network."""
    client = Client()
    client.force_login(user)
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    assert not AuditEntry.objects.filter(action__startswith="auth.").exists()


def test_the_sign_in_actions_have_chinese_labels():
    from casework.action_labels import label_of

    assert [label_of(a) for a in ("auth.login", "auth.logout", "auth.login_failed", "auth.lockout")] == [
        "登录",
        "退出登录",
        "登录失败",
        "登录失败次数过多，锁定登录",
    ]


def test_the_token_endpoints_schema_documents_the_lockout():
    """The 429 the token endpoint answers a locked account is a documented status, with the
    error body every error has (schemathesis checks each answer against the schema)."""
    from drf_spectacular.generators import SchemaGenerator

    document = SchemaGenerator().get_schema(request=None, public=True)
    responses = document["paths"]["/api/auth/token/"]["post"]["responses"]
    assert set(responses) >= {"200", "400", "429"}
    assert responses["429"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Error"
