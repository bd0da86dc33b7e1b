"""Issue #5 must-show 1e in a real browser: a liaison who types another unit's case URL gets a
404 page, and the public pages (list, details, notice verification) show no ID-card number
anywhere (DOMAIN §6.6, scenario 30). Every request stays on the live server (must-show 3)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from casework.models import Record
from workflows.models import CaseProcess, subject_key

from .. import lifecycle
from ..factories import PersonFactory
from ..objection_steps import accepted
from ..personal_data import id_numbers_in

# The live server runs in another thread: committed data, and the reference data of the migrations
# (roles, rules, measures) restored after each test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "pass-12345"  # tests.factories.UserFactory


def open_page(page: Page, url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response is not None and response.status == status, (url, response and response.status)


def sign_in(page: Page, base: str, user) -> None:
    open_page(page, f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("navigation", name="主导航")).to_contain_text(user.get_full_name())


def assert_no_id_number(page: Page, *people) -> None:
    """Over the visible text and the whole HTML (attributes, hidden elements) of the page."""
    for text in (page.inner_text("body"), page.content()):
        assert id_numbers_in(text, *people) == []


def test_a_liaison_who_types_another_units_case_url_gets_a_404_page(
    page: Page, live_server, screenshot, fixed_today, commission, officer, approver, unit, other_unit, liaison
):
    """Object-level visibility (STYLE: a hidden row does not exist for the user): the other
    unit's case answers exactly like a case that does not exist, in the HTML pages and the API."""
    base = live_server.url
    own = lifecycle.determined(officer=officer, approver=approver, organisation=unit)
    theirs = lifecycle.determined(
        officer=officer, approver=approver, organisation=other_unit, content="乙局未按期兑现奖补资金。"
    )
    own_case = CaseProcess.objects.get(key=subject_key(own))
    their_case = CaseProcess.objects.get(key=subject_key(theirs))

    open_page(page, f"{base}/accounts/login/")
    screenshot("sign-in")
    sign_in(page, base, liaison)
    expect(page).to_have_url(f"{base}/unit/")  # sign-in lands on the unit's own start page
    screenshot("unit-home")

    open_page(page, f"{base}/inbox/processes/{own_case.pk}/")
    expect(page.locator("main")).to_contain_text(own.reference)
    screenshot("own-case")

    open_page(page, f"{base}/inbox/processes/{their_case.pk}/", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("页面不存在")
    expect(page.locator("body")).not_to_contain_text(theirs.reference)
    expect(page.locator("body")).not_to_contain_text(other_unit.name)
    screenshot("another-units-case-404")
    hidden = page.locator("main").inner_text()
    open_page(page, f"{base}/inbox/processes/{their_case.pk + 1000}/", status=404)
    assert page.locator("main").inner_text() == hidden  # a hidden case cannot be told from a missing one

    open_page(page, f"{base}/api/records/{own.pk}/")
    open_page(page, f"{base}/api/records/{theirs.pk}/", status=404)
    expect(page.locator("body")).not_to_contain_text(other_unit.name)
    screenshot("another-units-case-api-404")

    open_page(page, f"{base}/public/records/{theirs.reference}/", status=404)  # determined, not yet public
    expect(page.get_by_role("heading", level=1)).to_have_text("页面不存在")
    screenshot("unpublished-record-404")


def test_the_public_pages_show_no_id_number_anywhere(
    page: Page,
    live_server,
    screenshot,
    requests_made,
    fixed_today,
    commission,
    officer,
    approver,
    unit,
    other_unit,
    liaison,
    civil_servant,
):
    """Scenario 30 in the browser: an organisation record with an ID number typed into its
    facts, a public 问责 (ACC) person record and a non-public 纪律处分 (DIS) one; the list, the
    search, both details and the verification page carry no ID number, full or masked."""
    base = live_server.url
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    person = civil_servant.person
    # Typed in before the services refused personal numbers (casework.personal_numbers): a
    # legacy row, written straight to the table; publication must still mask it.
    Record.objects.filter(pk=record.pk).update(
        facts=f"该单位拖欠中小企业账款；经办人{person.name}（身份证号 {person.id_number}）。"
    )
    accepted(subject=liaison, officer=officer, record=record)
    acc = lifecycle.effective(officer=officer, approver=approver, person=person, category="ACC")
    other = PersonFactory(unit=other_unit, name="王五")
    dis = lifecycle.effective(officer=officer, approver=approver, person=other, category="DIS")
    lifecycle.effective(
        officer=officer, approver=approver, organisation=other_unit, content="乙局拖欠工程款。"
    )

    open_page(page, f"{base}/")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("跳至正文")  # the first stop is the skip link
    screenshot("home")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="失信信息公示").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("政务失信信息公示")
    expect(page.locator(".record")).to_have_count(3)  # two organisation records and the ACC one
    expect(page.locator("main")).not_to_contain_text(dis.reference)
    assert_no_id_number(page, person, other)
    screenshot("public-list")

    page.get_by_label("单位名称").fill("甲局")
    page.get_by_label("单位名称").press("Enter")
    expect(page.locator(".record")).to_have_count(2)  # the unit's record and its civil servant's
    expect(page.locator(".record", has_text=unit.credit_code)).to_contain_text("异议处理中")
    expect(page.locator(".record", has_text="问责处理")).not_to_contain_text("异议处理中")
    assert_no_id_number(page, person, other)
    screenshot("public-search")

    page.get_by_role("link", name=unit.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(unit.name)
    expect(page.locator("main")).to_contain_text("身份证号码已隐去")
    expect(page.locator("main")).to_contain_text(unit.credit_code)
    assert_no_id_number(page, person, other)
    screenshot("public-detail-organisation")

    open_page(page, f"{base}/public/records/{acc.reference}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(person.name)
    expect(page.locator("main")).to_contain_text("问责处理")
    assert_no_id_number(page, person, other)
    screenshot("public-detail-person")

    open_page(page, f"{base}/public/records/{dis.reference}/", status=404)
    assert_no_id_number(page, person, other)

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="文书核验").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("文书核验")
    assert_no_id_number(page, person, other)
    screenshot("verify")

    page.set_viewport_size({"width": 390, "height": 844})
    open_page(page, f"{base}/public/records/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    screenshot("public-list-phone")

    page.set_viewport_size({"width": 1366, "height": 768})
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Public disclosure of integrity failures")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_no_id_number(page, person, other)
    screenshot("public-list-english")

    assert any(url.endswith("/static/css/site.css") for url in requests_made)
