"""三员分立 (issue 13, item 2; must-show 3): the system, security and audit administrators each
work on their own screens and cannot do each other's work (a matrix over every page and
action of the three, and the admin's user and group pages); the audit administrator sees the
sign-in events and the verification results; each action is on the audit trail."""

from __future__ import annotations

import csv
import io

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from casework.models import AuditEntry, User
from casework.permissions import role_groups
from casework.roles import Role
from casework.services.duties import DutyAction

from .factories import OrganisationFactory, UserFactory
from .test_audit import raw_sql

pytestmark = pytest.mark.django_db

STRONG = "Lq7#rT9vW2xz"  # passes any reasonable password rule
WORLD_PASSWORD = "pass-12345"


@pytest.fixture
def admins(db):
    unit = OrganisationFactory(name="东莞市政务服务数据管理局")
    return {
        "system": UserFactory(username="t_sys", organisation=unit, roles=[Role.SYSTEM_ADMIN], is_staff=True),
        "security": UserFactory(username="t_sec", organisation=unit, roles=[Role.SECURITY_ADMIN]),
        "audit": UserFactory(username="t_aud", organisation=unit, roles=[Role.AUDIT_ADMIN]),
    }


@pytest.fixture
def officer(db):
    return UserFactory(username="t_officer", roles=[Role.OFFICER])


def signed_in(user) -> Client:
    user.save()  # the factory's password, stored (force_login's session carries its hash)
    client = Client()
    client.force_login(user)
    return client


def roles(user) -> set[str]:
    fresh = User.objects.get(pk=user.pk)
    return {r for r in Role if r != Role.SYSTEM and fresh.has_perm(f"casework.role_{r}")}


def actions(name: str):
    return AuditEntry.objects.filter(action=name)


# ── the matrix ──────────────────────────────────────────────────────────────────────

#: (owner, method, path template, data): {officer} is the target account, {group} a role group.
SCREENS = [
    ("system", "get", "/system/users/", {}),
    ("system", "get", "/system/users/new/", {}),
    (
        "system",
        "post",
        "/system/users/new/",
        {"username": "newbie", "full_name": "新用户", "password1": STRONG, "password2": STRONG},
    ),
    ("system", "post", "/system/users/{officer}/deactivate/", {}),
    ("system", "post", "/system/users/{officer}/reactivate/", {}),
    ("security", "get", "/security/users/", {}),
    ("security", "get", "/security/users/{officer}/", {}),
    ("security", "post", "/security/users/{officer}/grant/", {"role": Role.APPROVER}),
    ("security", "post", "/security/users/{officer}/remove/", {"role": Role.OFFICER}),
    (
        "security",
        "post",
        "/security/users/{officer}/second-factor/reset/",
        {"reason": "手机丢失，已核实本人"},
    ),
    ("security", "post", "/security/users/{officer}/tokens/revoke/", {"reason": "离岗，收回接口权限"}),
    ("security", "get", "/security/lockouts/", {}),
    ("security", "post", "/security/lockouts/clear/", {"username": "t_officer"}),
    ("security", "get", "/security/policies/", {}),
    ("audit", "get", "/audit/", {}),
    ("audit", "get", "/audit/logins/", {}),
    ("audit", "get", "/audit/verify/", {}),
    ("audit", "post", "/audit/verify/", {}),
    ("audit", "post", "/audit/export/", {}),
]
#: The admin's user and group pages: the system administrator's configuration (users without
#: their roles), nobody else's; groups are read-only to them.
ADMIN = [
    ("get", "/admin/casework/user/", {}, {"system": 200}),
    ("get", "/admin/casework/user/{officer}/change/", {}, {"system": 200}),
    ("get", "/admin/auth/group/", {}, {"system": 200}),
    ("post", "/admin/auth/group/{group}/change/", {"name": "办案人员"}, {}),
    ("post", "/admin/auth/group/add/", {"name": "新组"}, {}),
    # The audit trail is the audit administrator's, in the portal only.
    ("get", "/admin/casework/auditentry/", {}, {}),
]


def _path(template: str, officer) -> str:
    group = role_groups(Role.OFFICER).first()
    return template.format(officer=officer.pk, group=group.pk)


@pytest.mark.parametrize("who", ["system", "security", "audit"])
@pytest.mark.parametrize(("owner", "method", "template", "data"), SCREENS)
def test_each_screen_and_action_is_its_one_administrators(
    admins, officer, who, owner, method, template, data
):
    client = signed_in(admins[who])
    response = getattr(client, method)(_path(template, officer), data)
    if who == owner:
        assert response.status_code in (200, 302), response.status_code
    else:
        assert response.status_code == 403
        assert "此页面属于其他岗位" in response.content.decode()


@pytest.mark.parametrize("who", ["system", "security", "audit"])
@pytest.mark.parametrize(("method", "template", "data", "allowed"), ADMIN)
def test_the_admins_user_and_group_pages(admins, officer, who, method, template, data, allowed):
    response = getattr(signed_in(admins[who]), method)(_path(template, officer), data)
    assert response.status_code == allowed.get(who, 403)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.CREDIT_ADMIN, Role.UNIT_LIAISON])
def test_no_other_role_opens_any_of_the_three(role, officer):
    client = signed_in(UserFactory(roles=[role], is_staff=True))
    for _owner, method, template, data in SCREENS:
        assert getattr(client, method)(_path(template, officer), data).status_code == 403, template


def test_a_superuser_is_no_administrator_of_the_three(officer):
    client = signed_in(UserFactory(is_superuser=True, is_staff=True))
    for path in ("/system/users/", "/security/users/", "/audit/"):
        assert client.get(path).status_code == 403


def test_the_anonymous_are_sent_to_sign_in():
    for path in ("/system/users/", "/security/lockouts/", "/audit/logins/"):
        response = Client().get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_each_sees_only_their_own_links_and_starts_on_their_screen(admins):
    expected = {"system": "/system/users/", "security": "/security/users/", "audit": "/audit/"}
    for who, user in admins.items():
        client = signed_in(user)
        page = client.get("/work/start/" if who != "system" else "/work/system/", follow=True)
        html = page.content.decode()
        for other, link in expected.items():
            assert (f'href="{link}"' in html) == (other == who), (who, other)
    for who in ("security", "audit"):
        landing = Client()
        assert landing.post(
            "/accounts/login/", {"username": admins[who].username, "password": WORLD_PASSWORD}
        )
        assert landing.get("/work/start/")["Location"] == expected[who]


# ── the system administrator ────────────────────────────────────────────────────────


def test_the_system_administrator_creates_an_account_with_no_role_and_it_is_audited(admins):
    client = signed_in(admins["system"])
    unit = admins["system"].organisation
    data = {"username": "zhangsan", "full_name": "张三", "organisation": unit.pk}
    response = client.post("/system/users/new/", {**data, "password1": STRONG, "password2": STRONG})
    assert response.status_code == 302
    user = User.objects.get(username="zhangsan")
    assert user.check_password(STRONG) and user.organisation == unit and roles(user) == set()
    entry = actions(DutyAction.USER_CREATE).get()
    assert (entry.actor_id, entry.actor_role, entry.object_id) == (
        admins["system"].pk,
        "system_admin",
        str(user.pk),
    )
    assert entry.ip_address == "127.0.0.1" and "password" not in str(entry.diff)


def test_a_weak_password_or_a_taken_name_is_refused_naming_the_field(admins, officer):
    client = signed_in(admins["system"])
    weak = client.post(
        "/system/users/new/",
        {"username": "lisi", "full_name": "李四", "password1": "123", "password2": "123"},
    )
    assert weak.status_code == 200 and "密码：" in weak.content.decode()
    taken = client.post(
        "/system/users/new/",
        {"username": "T_OFFICER", "full_name": "重名", "password1": STRONG, "password2": STRONG},
    )
    assert "已被使用" in taken.content.decode()
    assert not User.objects.filter(username="lisi").exists() and not actions(DutyAction.USER_CREATE).exists()


def test_deactivate_and_reactivate_are_audited_and_a_superuser_is_untouchable(admins, officer):
    client = signed_in(admins["system"])
    client.post(f"/system/users/{officer.pk}/deactivate/")
    officer.refresh_from_db()
    assert not officer.is_active
    assert not Client().login(username="t_officer", password=WORLD_PASSWORD)
    client.post(f"/system/users/{officer.pk}/reactivate/")
    officer.refresh_from_db()
    assert officer.is_active
    assert actions(DutyAction.USER_DEACTIVATE).get().diff == {"is_active": [True, False]}
    assert actions(DutyAction.USER_REACTIVATE).get().diff == {"is_active": [False, True]}
    root = UserFactory(is_superuser=True, is_staff=True)
    page = client.post(f"/system/users/{root.pk}/deactivate/", follow=True)
    root.refresh_from_db()
    assert root.is_active and "超级用户账号只能由超级用户管理" in page.content.decode()


def test_the_system_administrator_edits_a_user_in_the_admin_without_their_roles(admins, officer):
    client = signed_in(admins["system"])
    page = client.get(f"/admin/casework/user/{officer.pk}/change/").content.decode()
    assert 'name="groups"' not in page and 'name="first_name"' in page
    approver = role_groups(Role.APPROVER).first()
    client.post(
        f"/admin/casework/user/{officer.pk}/change/",
        {"username": officer.username, "first_name": "改名", "is_active": "on", "groups": [approver.pk],
         "date_joined_0": "2026-01-01", "date_joined_1": "08:00:00"},
    )  # fmt: skip
    officer.refresh_from_db()
    assert officer.first_name == "改名" and roles(officer) == {Role.OFFICER}


def test_a_role_changed_in_the_admin_by_a_superuser_is_audited_with_the_address(officer):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = signed_in(root)
    approver = role_groups(Role.APPROVER).first()
    response = client.post(
        f"/admin/casework/user/{officer.pk}/change/",
        {"username": officer.username, "first_name": officer.first_name, "is_active": "on",
         "groups": [approver.pk], "date_joined_0": "2026-01-01", "date_joined_1": "08:00:00"},
        REMOTE_ADDR="198.51.100.4",
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert roles(officer) == {Role.APPROVER}
    granted, removed = actions(DutyAction.ROLE_GRANT).get(), actions(DutyAction.ROLE_REMOVE).get()
    assert granted.diff["group"] == approver.name and granted.actor_id == root.pk
    assert removed.diff["group"] == role_groups(Role.OFFICER).first().name
    assert granted.ip_address == removed.ip_address == "198.51.100.4"


# ── the security administrator ──────────────────────────────────────────────────────


def test_the_security_administrator_grants_and_removes_a_role_audited_with_the_address(admins, officer):
    client = signed_in(admins["security"])
    client.post(f"/security/users/{officer.pk}/grant/", {"role": Role.APPROVER}, REMOTE_ADDR="192.0.2.9")
    assert roles(officer) == {Role.OFFICER, Role.APPROVER}
    client.post(f"/security/users/{officer.pk}/remove/", {"role": Role.OFFICER}, REMOTE_ADDR="192.0.2.9")
    assert roles(officer) == {Role.APPROVER}
    granted, removed = actions(DutyAction.ROLE_GRANT).get(), actions(DutyAction.ROLE_REMOVE).get()
    assert (granted.actor_role, granted.object_id, granted.diff["role"]) == (
        "security_admin",
        str(officer.pk),
        "approver",
    )
    assert removed.diff["role"] == "officer" and granted.ip_address == removed.ip_address == "192.0.2.9"
    page = client.get(f"/security/users/{officer.pk}/").content.decode()
    assert "审批人员" in page


@pytest.mark.parametrize(
    ("held", "granted"),
    [
        (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN),
        (Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN),
        (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN),
        (Role.AUDIT_ADMIN, Role.SYSTEM_ADMIN),
        (Role.AUDIT_ADMIN, Role.SECURITY_ADMIN),
    ],
)
def test_no_account_holds_two_of_the_three(admins, held, granted):
    target = UserFactory(roles=[held])
    page = signed_in(admins["security"]).post(
        f"/security/users/{target.pk}/grant/", {"role": granted}, follow=True
    )
    assert "三员分立" in page.content.decode()
    assert roles(target) == {held} and not actions(DutyAction.ROLE_GRANT).exists()


def test_the_security_administrator_cannot_change_their_own_roles_or_a_superusers(admins):
    me = admins["security"]
    client = signed_in(me)
    for role in (Role.AUDIT_ADMIN, Role.OFFICER):
        client.post(f"/security/users/{me.pk}/grant/", {"role": role})
    client.post(f"/security/users/{me.pk}/remove/", {"role": Role.SECURITY_ADMIN})
    assert roles(me) == {Role.SECURITY_ADMIN}
    root = UserFactory(is_superuser=True)
    client.post(f"/security/users/{root.pk}/grant/", {"role": Role.OFFICER})
    assert not Group.objects.filter(user=root).exists()
    assert not actions(DutyAction.ROLE_GRANT).exists() and not actions(DutyAction.ROLE_REMOVE).exists()


def test_lockouts_are_listed_and_cleared_with_axes_and_audited(admins, officer):
    for _ in range(5):
        Client().post(
            "/accounts/login/", {"username": "t_officer", "password": "wrong"}, REMOTE_ADDR="203.0.113.5"
        )
    locked = Client().post("/accounts/login/", {"username": "t_officer", "password": WORLD_PASSWORD})
    assert locked.status_code == 429
    client = signed_in(admins["security"])
    page = client.get("/security/lockouts/").content.decode()
    assert "t_officer" in page and "203.0.113.5" in page and "已锁定" in page
    client.post("/security/lockouts/clear/", {"username": "t_officer"})
    client.post("/security/lockouts/clear/", {"address": "203.0.113.5"})
    assert not AccessAttempt.objects.exists()
    assert (
        Client().post("/accounts/login/", {"username": "t_officer", "password": WORLD_PASSWORD}).status_code
        == 302
    )
    cleared = list(actions(DutyAction.LOCKOUT_CLEAR).order_by("seq"))
    assert [e.diff["username"] for e in cleared] == ["t_officer", None]
    assert cleared[1].diff["address"] == "203.0.113.5" and cleared[0].object_id == str(officer.pk)
    assert all(e.actor_role == "security_admin" and e.ip_address == "127.0.0.1" for e in cleared)


def test_the_security_administrator_resets_a_second_factor_and_revokes_tokens_with_a_reason(admins, officer):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from casework.models import ApiToken
    from casework.second_factor import SecondFactorAction
    from casework.services.tokens import issue_token

    TOTPDevice.objects.create(user=officer, name="手机", confirmed=True)
    key, _token = issue_token(acting_user=officer)
    client = signed_in(admins["security"])
    page = client.get(f"/security/users/{officer.pk}/").content.decode()
    assert "重置两步验证" in page and "有效的 API 令牌 1 个。" in page

    # A reason is required, and a refusal changes nothing.
    refused = client.post(f"/security/users/{officer.pk}/second-factor/reset/", {"reason": ""}, follow=True)
    assert "理由：请填写理由。" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=officer).exists()

    addr = {"REMOTE_ADDR": "10.1.2.3"}
    client.post(
        f"/security/users/{officer.pk}/second-factor/reset/", {"reason": "手机丢失，已核实本人"}, **addr
    )
    client.post(f"/security/users/{officer.pk}/tokens/revoke/", {"reason": "离岗，收回接口权限"}, **addr)
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert ApiToken.objects.get(user=officer).revoked_at is not None
    assert Client().get("/api/records/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401

    reset = actions(SecondFactorAction.RESET).get()
    assert reset.actor_id == admins["security"].pk and reset.ip_address == "10.1.2.3"
    assert reset.diff["reason"] == "手机丢失，已核实本人" and reset.object_id == str(officer.pk)
    revoked = actions("auth.token_revoke").get()
    assert revoked.actor_id == admins["security"].pk and revoked.reason == "离岗，收回接口权限"
    assert revoked.ip_address == "10.1.2.3"


def test_the_policies_page_shows_the_effective_settings(admins, settings):
    settings.CHENGXIN = {
        **settings.CHENGXIN,
        "SECOND_FACTOR": {**settings.CHENGXIN["SECOND_FACTOR"], "ROLES": ["officer"]},
        "PASSWORDS": {"MAX_AGE_DAYS": 61, "HISTORY": 7},
        "API_TOKENS": {"LIFETIME_HOURS": 5},
    }
    page = signed_in(admins["security"]).get("/security/policies/").content.decode()
    for shown in (
        "AXES_FAILURE_LIMIT",
        "SESSION_COOKIE_AGE",
        "须使用第二因素的角色",
        "双因素认证",
        "密码策略",
        "密码有效期（天，0 为不过期）",
        "API 令牌有效期（小时）",
    ):
        assert shown in page
    for key, value in (("MAX_AGE_DAYS", 61), ("HISTORY", 7), ("LIFETIME_HOURS", 5)):
        assert f'<code lang="en">{key}</code></th><td><span lang="en">{value}</span>' in page


# ── the audit administrator ─────────────────────────────────────────────────────────


def test_the_audit_administrator_sees_real_sign_in_events_with_the_address(admins, officer):
    visitor = Client()
    visitor.post(
        "/accounts/login/", {"username": "t_officer", "password": "wrong"}, REMOTE_ADDR="198.51.100.7"
    )
    visitor.post(
        "/accounts/login/", {"username": "t_officer", "password": WORLD_PASSWORD}, REMOTE_ADDR="198.51.100.7"
    )
    visitor.post("/accounts/logout/", REMOTE_ADDR="198.51.100.7")
    html = signed_in(admins["audit"]).get("/audit/logins/").content.decode()
    for shown in ("登录失败", "退出登录", "auth.login", "198.51.100.7", "t_officer"):
        assert shown in html
    assert "account.role_grant" not in html  # sign-in events only


def test_the_trail_is_filtered_by_action_actor_and_date(admins, officer):
    signed_in(admins["security"]).post(f"/security/users/{officer.pk}/grant/", {"role": Role.APPROVER})
    client = signed_in(admins["audit"])
    html = client.get("/audit/", {"action": "account.", "actor": "t_sec"}).content.decode()
    assert "授予角色" in html
    today = timezone.localdate().isoformat()
    assert "授予角色" not in client.get("/audit/", {"action": "auth."}).content.decode()
    assert "授予角色" not in client.get("/audit/", {"until": "2000-01-01"}).content.decode()
    assert "授予角色" in client.get("/audit/", {"since": today, "until": today}).content.decode()
    bad = client.get("/audit/", {"since": today, "until": "2000-01-01"}).content.decode()
    assert "截止日期：不能早于起始日期" in bad


def test_verification_through_the_screen_is_kept_with_its_result(admins, officer):
    signed_in(admins["security"]).post(f"/security/users/{officer.pk}/grant/", {"role": Role.APPROVER})
    call_command("audit_checkpoint", stdout=io.StringIO())
    client = signed_in(admins["audit"])
    html = client.post("/audit/verify/").content.decode()
    assert "审计日志完整" in html and "完整" in html
    run = actions(DutyAction.AUDIT_VERIFY).get()
    assert run.diff["ok"] is True and run.actor_role == "audit_admin" and run.ip_address == "127.0.0.1"

    # Someone with the database rewrites an entry's stored reason: the chain disagrees.
    granted = actions(DutyAction.ROLE_GRANT).get()
    raw_sql("UPDATE casework_auditentry SET reason = %s WHERE seq = %s", ["改过的理由", granted.seq])
    html = client.post("/audit/verify/").content.decode()
    assert "审计日志校验失败" in html and f"#{granted.seq}" in html
    history = client.get("/audit/verify/").content.decode()
    assert "不一致" in history and "完整" in history
    runs = list(actions(DutyAction.AUDIT_VERIFY).order_by("seq"))
    assert [r.diff["ok"] for r in runs] == [True, False] and runs[1].diff["bad_seq"] == granted.seq


def test_the_export_is_the_filtered_trail_and_is_itself_audited(admins, officer):
    signed_in(admins["security"]).post(f"/security/users/{officer.pk}/grant/", {"role": Role.APPROVER})
    response = signed_in(admins["audit"]).post("/audit/export/", {"action": "account."})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "序号" and len(rows) == 2 and rows[1][5] == "account.role_grant"
    export = actions(DutyAction.AUDIT_EXPORT).get()
    assert export.diff == {"filters": {"action": "account."}, "rows": 1, "format": "csv"}
    assert export.actor_role == "audit_admin"


# ── set-up and the superuser check ──────────────────────────────────────────────────


def test_create_admins_makes_three_separate_accounts(capsys):
    call_command(
        "create_admins",
        "--system",
        "it_sys",
        "--security",
        "it_sec",
        "--audit",
        "it_aud",
        "--password",
        STRONG,
    )
    made = {name: roles(User.objects.get(username=name)) for name in ("it_sys", "it_sec", "it_aud")}
    assert made == {
        "it_sys": {Role.SYSTEM_ADMIN},
        "it_sec": {Role.SECURITY_ADMIN},
        "it_aud": {Role.AUDIT_ADMIN},
    }
    assert (
        User.objects.get(username="it_sys").is_staff and not User.objects.get(username="it_aud").is_superuser
    )


def test_check_deploy_warns_of_a_superuser_in_daily_use(settings):
    from casework.checks import W_SUPERUSER, superusers_in_daily_use

    UserFactory(username="root", is_superuser=True, last_login=timezone.now())
    UserFactory(username="old-root", is_superuser=True, is_active=False, last_login=timezone.now())
    [warning] = superusers_in_daily_use(databases=["default"])
    assert warning.id == W_SUPERUSER and "root" in warning.msg and "old-root" not in warning.msg
    assert superusers_in_daily_use(databases=None) == []


def test_the_demo_has_one_account_for_each_of_the_three():
    from casework.demo.accounts import ACCOUNTS

    held = {account.username: account.role for account in ACCOUNTS}
    assert held["sysadmin"] == Role.SYSTEM_ADMIN
    assert held["secadmin"] == Role.SECURITY_ADMIN and held["auditadmin"] == Role.AUDIT_ADMIN
