"""The second factor in a real browser (casework.second_factor, portal.second_factor): with
enforcement on, an officer signs in with the password, is sent to enrol an authenticator,
reads the secret off the page (the QR image loads from the site, under the CSP), types the
code the app would show (django-otp's own TOTP function), is shown the recovery codes, and
only then reaches the work pages; at the next sign-in "输入动态验证码" asks for a code again."""

from __future__ import annotations

from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from casework.roles import Role

from ..factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "pass-12345"  # tests.factories.UserFactory


@pytest.fixture
def enforced(settings):
    settings.CHENGXIN = {
        **settings.CHENGXIN,
        "SECOND_FACTOR": {**settings.CHENGXIN["SECOND_FACTOR"], "REQUIRED": True},
    }


def password(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/?next=/work/cases/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def app_code(secret: str, ahead: int = 0) -> str:
    return f"{totp(b32decode(secret), drift=ahead):06d}"


def test_an_officer_enrols_then_signs_in_with_a_code(page: Page, live_server, enforced, screenshot):
    officer = UserFactory(username="mfa_browser", first_name="陈志明", roles=[Role.OFFICER])
    password(page, live_server.url, officer.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("绑定身份验证器")
    qr = page.get_by_role("img", name="绑定身份验证器的二维码")
    expect(qr).to_be_visible()
    page.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=qr.element_handle())
    secret = page.locator("dd code").first.inner_text()
    screenshot("enrol")

    page.get_by_label("动态验证码").fill(app_code(secret))
    page.get_by_role("button", name="完成绑定").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("恢复码")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    screenshot("recovery-codes")
    page.get_by_role("link", name="我已保存，继续").click()
    assert page.url.endswith("/work/cases/")

    page.get_by_role("navigation", name="主导航").get_by_role("button", name="退出").click()
    password(page, live_server.url, officer.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("输入动态验证码")
    page.goto(f"{live_server.url}/work/cases/")  # no way round it
    expect(page.get_by_role("heading", level=1)).to_have_text("输入动态验证码")
    page.get_by_label("动态验证码").fill(app_code(secret, ahead=1))  # a step not used yet
    page.get_by_role("button", name="验证").click()
    assert page.url.endswith("/work/cases/")
    expect(page.get_by_role("navigation", name="主导航")).to_contain_text("陈志明")
