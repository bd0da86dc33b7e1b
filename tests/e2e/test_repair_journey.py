"""Issue #5 must-show 1d in a real browser: a civil servant reads that repair of their record is
not yet possible, each condition and the earliest date shown (scenario 13: a 一般 record
determined Thu 2026-01-15 may be repaired from 2026-04-16); once the test clock reaches that
date they apply, the system accepts the application at once (every condition met), and the
approver grants it (REPAIR_STEPS: granting is R2's; no officer step lies between). Scenario
17's effects follow: the approver's honours query (评优评先) finds the person ineligible
before the grant and eligible right after, and the integrity file shows "已修复".

The clock is `settings.CHENGXIN_TODAY`, read by casework.clock.today() on every request: the
live server runs in a thread of this process, so the `settings` fixture's change is what
its pages see. The starting state (the record in force) is built with the services;
everything after is done through the pages, signing in as each user in turn. Every request
stays on the live server (must-show 3)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from casework.lifecycle import RecordState, RepairState
from casework.models import HonourQuery, Record, RepairApplication

from .. import notice_cases
from ..factories import OrganisationFactory
from ..repair_cases import effective_record, set_today
from .test_liaison_journey import as_user
from .test_public_journey import open_page, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

COMMITMENT = "本人承诺今后严格依法履职、诚实守信，如有违反，愿承担相应责任。"


@pytest.fixture
def journey(settings, officer, approver, civil_servant):
    commission = OrganisationFactory(name="东莞市政务诚信监督委员会")
    for user, name in ((officer, "李办案"), (approver, "王审批")):
        user.first_name, user.organisation = name, commission
        user.save()
    civil_servant.first_name = "张三"
    civil_servant.save()
    record = effective_record(
        settings,
        officer=officer,
        approver=approver,
        person=civil_servant.person,
        category="DIS",
        determined_on=dt.date(2026, 1, 15),
    )
    notice_cases.make_issuer()
    notice = notice_cases.issued(officer=officer, approver=approver, record=record, type_code="N3")
    set_today(settings, "2026-04-10")
    return record, notice


def to_my_records(page: Page) -> None:
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的记录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的诚信档案")


def honours_query(page: Page, person, screenshot=None):
    """The honours query page from the navigation: the person found by name and their row's
    button pressed without a purpose first (refused next to the field, nothing logged; Enter
    in the purpose field does not press a row's button), then with one; the result's panel."""
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="评优评先查询").click()
    page.get_by_label("查找查询对象").fill(person.name)
    page.get_by_role("button", name="查找", exact=True).click()
    row = page.get_by_role("table", name="公务员").locator("tbody tr", has_text=person.name)
    expect(row).to_contain_text(person.unit.name)
    row.get_by_role("button", name=f"查询资格：{person.name}（{person.unit.name}）").click()
    expect(page.locator("#id_purpose_error")).to_have_text("请填写查询用途。")
    if screenshot:
        screenshot("honours-purpose-missing")
        page.set_viewport_size({"width": 390, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot("honours-purpose-missing-phone")
        page.set_viewport_size({"width": 1366, "height": 768})
    page.get_by_label("查询用途").fill("2026 年度优秀公务员评选")
    page.get_by_label("查询用途").press("Enter")
    expect(page.locator(".me-verdict")).to_have_count(0)
    row.get_by_role("button", name=f"查询资格：{person.name}（{person.unit.name}）").click()
    return page.locator(".me-verdict")


def condition(page: Page, label: str):
    return page.locator(".me-conditions li", has_text=label)


def test_a_civil_servant_waits_for_the_earliest_date_applies_and_the_approver_grants(
    page: Page, live_server, screenshot, settings, journey, approver, civil_servant
):
    (record, notice), base = journey, live_server.url

    # not yet: each condition, the one not met, and the earliest date
    sign_in(page, base, civil_servant)
    to_my_records(page)
    expect(page.locator("main")).to_contain_text(notice.number)  # the 信用修复告知书 served with the record
    page.locator(".me-record", has_text=record.reference).get_by_role("link", name="信用修复").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("信用修复条件")
    expect(page.locator(".me-verdict h2")).to_have_text("暂不能申请信用修复")
    expect(page.locator(".me-earliest")).to_have_text("最早可申请日期：2026-04-16")
    expect(page.locator(".me-conditions li")).to_have_count(7)
    expect(page.locator(".me-conditions li.unmet")).to_have_count(1)
    expect(condition(page, "最短公示期已满")).to_contain_text(
        "最短公示期至 2026-04-15 届满，2026-04-16 起方可申请。"
    )
    expect(condition(page, "最短公示期已满")).to_contain_text("未满足")
    expect(page.get_by_role("link", name="申请信用修复")).to_have_count(0)
    screenshot("repair-not-yet")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("repair-not-yet-phone")
    page.set_viewport_size({"width": 1366, "height": 768})

    # the day before still is not; the earliest date is
    set_today(settings, "2026-04-15")
    page.reload()
    expect(page.locator(".me-verdict h2")).to_have_text("暂不能申请信用修复")
    set_today(settings, "2026-04-16")
    page.reload()
    expect(page.locator(".me-verdict h2")).to_have_text("现在可以申请信用修复")
    expect(page.locator(".me-conditions li.unmet")).to_have_count(0)
    screenshot("repair-eligible")

    page.get_by_role("link", name="申请信用修复").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("申请信用修复")
    page.get_by_label("信用承诺书").fill(COMMITMENT)
    page.get_by_role("button", name="确认申请信用修复").click()
    expect(page.locator(".messages")).to_contain_text("已完成“申请信用修复”")
    application = RepairApplication.objects.get()
    assert application.state == RepairState.ACCEPTED and application.applicant == civil_servant
    to_my_records(page)
    expect(page.get_by_role("table", name="我的申请")).to_contain_text("已受理")

    # the approver: the honours query still finds the record in force; grants; eligible now
    as_user(page, base, approver)
    verdict = honours_query(page, civil_servant.person, screenshot)
    expect(verdict).to_contain_text("不符合评优评先条件")
    expect(verdict).to_contain_text(f"存在生效的政务失信记录 {record.reference}")
    open_page(page, f"{base}/work/cases/{record.pk}/")
    page.get_by_role("link", name="准予修复", exact=True).click()
    page.get_by_role("button", name="确认准予修复").click()
    expect(page.locator(".messages")).to_contain_text("已完成“准予修复”")
    verdict = honours_query(page, civil_servant.person)
    expect(verdict).to_contain_text("符合评优评先条件")  # scenario 17: lifted at once
    expect(verdict).not_to_contain_text("不符合")
    screenshot("honours-eligible-after-repair")
    assert HonourQuery.objects.filter(requester=approver).count() == 2

    # the civil servant's file shows the record repaired
    as_user(page, base, civil_servant)
    to_my_records(page)
    expect(page.locator(".me-file")).to_contain_text("已修复")
    own = page.locator(".me-record", has_text=record.reference)
    expect(own).to_contain_text("已停止公示和共享")
    expect(own.get_by_role("link", name="信用修复")).to_have_count(0)
    expect(page.get_by_role("table", name="我的申请")).to_contain_text("准予修复")
    screenshot("repair-granted")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("repair-granted-phone")

    assert Record.objects.get(pk=record.pk).state == RecordState.REPAIRED
    assert RepairApplication.objects.get().state == RepairState.GRANTED
