"""Password rules, history and expiry (casework.passwords; docs/decisions.md "Passwords and
API tokens"): each rule refused with its Chinese message on the site's change page and the
admin's form; the last 5 passwords refused; an expired password forces a change before any
other page; every change on the audit trail with the client's address."""

import datetime as dt
import io

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from casework.models import AuditEntry, PasswordHistory, User
from casework.passwords import PasswordAction
from casework.roles import Role

from .factories import UserFactory

pytestmark = pytest.mark.django_db

OLD = "pass-12345"
GOOD = "Chengxin#2026"
CHANGE = "/accounts/password/change/"

#: A password breaking exactly one rule (for the user "zhangwei"), and the words that name it.
BROKEN = {
    "length": ("Ab1#xyz", "密码长度不足：至少需要 8 个字符。"),
    "classes": ("abcdefgh12", "密码字符种类不足：大写字母、小写字母、数字、符号四类中至少需要包含 3 类。"),
    "username": ("ZhangWei#2026", "密码不能包含用户名：密码中不得出现用户名（不区分大小写）。"),
    "history": (OLD, "密码与近期使用过的密码相同：不得与最近 5 次使用的密码相同。"),
}


@pytest.fixture
def user():
    user = UserFactory(username="zhangwei", roles=[Role.OFFICER])
    user.save()
    return user


@pytest.fixture
def admin_user():
    admin = UserFactory(username="sysadmin", roles=[Role.SYSTEM_ADMIN], is_staff=True, is_superuser=True)
    admin.save()
    return admin


def signed_in(user, **meta) -> Client:
    client = Client(**meta)
    client.force_login(user)
    return client


def change(client, old, new):
    return client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": new})


# ── the rules ─────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_each_rule_is_refused_on_the_change_page_with_its_message(user, rule):
    password, message = BROKEN[rule]
    response = change(signed_in(user), OLD, password)
    assert response.status_code == 200
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(OLD)


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_each_rule_is_refused_on_the_admin_form_with_its_message(user, admin_user, rule):
    password, message = BROKEN[rule]
    response = signed_in(admin_user).post(
        f"/admin/casework/user/{user.pk}/password/",
        {"password1": password, "password2": password, "usable_password": "true"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(OLD)


def test_a_good_password_is_taken_by_the_admin_form_and_audited(user, admin_user):
    response = signed_in(admin_user, REMOTE_ADDR="198.51.100.9").post(
        f"/admin/casework/user/{user.pk}/password/",
        {"password1": GOOD, "password2": GOOD, "usable_password": "true"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(GOOD)
    entry = AuditEntry.objects.get(action=PasswordAction.PASSWORD_CHANGE)
    assert entry.object_id == str(user.pk) and entry.actor_id == admin_user.pk
    assert entry.ip_address == "198.51.100.9" and entry.diff == {"by_self": False}


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_createsuperuser_applies_the_rules(monkeypatch):
    from django.contrib.auth.management.commands import createsuperuser

    typed = iter(["abcdefgh12", "abcdefgh12", GOOD, GOOD])
    monkeypatch.setattr(createsuperuser.getpass, "getpass", lambda *args: next(typed))
    answers = []
    monkeypatch.setattr("builtins.input", lambda prompt="": answers.append(prompt) or "n")
    stderr = io.StringIO()
    call_command(
        "createsuperuser",
        interactive=True,
        username="root2",
        email="root2@example.org",
        stdin=_Terminal(),
        stdout=io.StringIO(),
        stderr=stderr,
    )
    # The first password is refused with the rule's words (and the bypass declined).
    assert "密码字符种类不足" in stderr.getvalue() and answers
    assert User.objects.get(username="root2").check_password(GOOD)


def test_a_good_password_is_taken_and_the_session_kept(user):
    client = signed_in(user, REMOTE_ADDR="203.0.113.7")
    other = signed_in(user)  # the same user on another device
    response = change(client, OLD, GOOD)
    assert response.status_code == 302 and response["Location"] == "/work/start/"
    user.refresh_from_db()
    assert user.check_password(GOOD)
    assert client.get("/work/").status_code != 302  # still signed in
    assert other.get("/work/")["Location"].startswith("/accounts/login/")  # the other session ended
    entry = AuditEntry.objects.get(action=PasswordAction.PASSWORD_CHANGE)
    assert entry.actor_id == user.pk and entry.object_id == str(user.pk)
    assert entry.ip_address == "203.0.113.7" and entry.diff == {"by_self": True}


def test_the_last_five_passwords_are_refused_the_sixth_is_allowed(user):
    client = signed_in(user)
    passwords = [f"Chengxin#{n}00{n}" for n in range(1, 6)]
    current = OLD
    for password in passwords:
        assert change(client, current, password).status_code == 302
        current = password
    # The history keeps the hashes, never the passwords, and only as many as the rule reads.
    assert PasswordHistory.objects.filter(user=user).count() == 5
    assert not PasswordHistory.objects.filter(password__in=passwords).exists()
    for reused in passwords:  # the last five, the current one included
        response = change(client, current, reused)
        assert "不得与最近 5 次使用的密码相同" in response.content.decode(), reused
    assert change(client, current, OLD).status_code == 302  # the sixth back is allowed again


def test_the_history_length_is_configurable(user, settings):
    settings.CHENGXIN = {**settings.CHENGXIN, "PASSWORDS": {"MAX_AGE_DAYS": 90, "HISTORY": 1}}
    client = signed_in(user)
    assert change(client, OLD, GOOD).status_code == 302
    assert "不得与最近 1 次使用的密码相同" in change(client, GOOD, GOOD).content.decode()
    assert change(client, GOOD, OLD).status_code == 302


# ── expiry ────────────────────────────────────────────────────────────────────────


def age_password(user, days: int) -> None:
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=days))


def test_setting_a_password_records_when(user):
    before = timezone.now()
    user.set_password(GOOD)
    user.save()
    user.refresh_from_db()
    assert user.password_changed_at >= before
    assert check_password(GOOD, PasswordHistory.objects.filter(user=user).first().password)


def test_an_expired_password_forces_a_change_then_lets_the_user_in(user):
    age_password(user, 91)
    client = Client()
    response = client.post("/accounts/login/", {"username": "zhangwei", "password": OLD})
    assert response.status_code == 302
    for page in ("/work/", "/work/cases/", "/", "/accounts/tokens/"):
        response = client.get(page)
        assert response.status_code == 302 and response["Location"].startswith(CHANGE), page
    page = client.get(CHANGE).content.decode()
    assert "密码已超过 90 天未修改，已过期：请先修改密码。" in page
    # The API with the session says why, as JSON.
    api = client.get("/api/records/")
    assert api.status_code == 403 and api.json()["code"] == "password_expired"
    assert "已过期：请先修改密码" in api.json()["detail"]
    assert change(client, OLD, GOOD).status_code == 302
    assert client.get("/work/").status_code == 200
    assert client.get("/api/records/").status_code == 200


def test_a_password_within_its_period_is_not_expired(user):
    age_password(user, 89)
    assert signed_in(user).get("/work/").status_code == 200


def test_expiry_can_be_turned_off(user, settings):
    settings.CHENGXIN = {**settings.CHENGXIN, "PASSWORDS": {"MAX_AGE_DAYS": 0, "HISTORY": 5}}
    age_password(user, 1000)
    assert signed_in(user).get("/work/").status_code == 200


def test_an_expired_password_still_signs_out(user):
    age_password(user, 91)
    client = signed_in(user)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/work/")["Location"].startswith("/accounts/login/")


def test_an_expired_password_is_refused_over_a_token(user):
    key = APIClient().post("/api/auth/token/", {"username": "zhangwei", "password": OLD}).json()["token"]
    age_password(user, 91)
    response = APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/records/")
    assert response.status_code == 403 and response.json()["code"] == "password_expired"


def test_every_signed_in_page_links_to_the_change_page(user):
    page = signed_in(user).get("/work/").content.decode()
    assert f'href="{CHANGE}"' in page and "修改密码" in page
