"""Issue #5 must-show 1c in a real browser: a civil servant files an objection against their
own record; the officer accepts it and the public page shows "异议处理中" (scenario 4); the
officer starts the verification and the approver decides 撤销 (OBJECTION_STEPS: deciding is
R2's); the public page no longer shows the record (T10, scenario 6).

Whose record. The public site shows organisation records and, of a person's records, only
those of the categories configured public (CHENGXIN["PUBLIC_PERSON_CATEGORIES"]: 问责处理, as
S19 Art 20 has accountability decisions "一般应当向社会公开"; DOMAIN §6.6 design (c),
scenario 30). A civil servant whose own record the public can see is therefore one with a
问责处理 (ACC) record: the journey starts from one, in force and on display, built with the
services; everything after is done through the pages, signing in as each user in turn.
Every request stays on the live server (must-show 3)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from casework.lifecycle import ObjectionState, RecordState
from casework.models import Objection, Record

from .. import lifecycle
from ..factories import OrganisationFactory
from .test_liaison_journey import as_user
from .test_public_journey import open_page, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

STATEMENT = "问责决定认定的会议纪要并非本人签发，签发人另有其人，请予核实。"


@pytest.fixture
def journey(fixed_today, officer, approver, civil_servant):
    commission = OrganisationFactory(name="东莞市政务诚信监督委员会")
    for user, name in ((officer, "李办案"), (approver, "王审批")):
        user.first_name, user.organisation = name, commission
        user.save()
    civil_servant.first_name = "张三"
    civil_servant.save()
    record = lifecycle.effective(
        officer=officer, approver=approver, person=civil_servant.person, category="ACC"
    )
    assert record.public  # on display: the category is public for persons
    return record


def act(page: Page, base: str, record, link: str, fill: dict | None = None, choose: dict | None = None):
    """On the case page, follow the action `link`, fill its form, confirm."""
    open_page(page, f"{base}/work/cases/{record.pk}/")
    page.get_by_role("link", name=link, exact=True).click()
    for label, value in (choose or {}).items():
        page.get_by_label(label).select_option(label=value)
    for label, value in (fill or {}).items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name=f"确认{link}").click()
    expect(page.locator(".messages")).to_contain_text(f"已完成“{link}”")


def public_entry(page: Page, base: str, record):
    open_page(page, f"{base}/public/records/?q=甲局")
    return page.locator(".record", has=page.locator(f'a[href$="/{record.reference}/"]'))


def test_a_civil_servant_objects_and_the_revocation_takes_the_record_off_the_public_page(
    page: Page, live_server, screenshot, journey, officer, approver, civil_servant
):
    record, base = journey, live_server.url
    person = civil_servant.person

    # the civil servant: their own record on /me/, then the objection form
    sign_in(page, base, civil_servant)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的记录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的诚信档案")
    own = page.locator(".me-record", has_text=record.reference)
    expect(own).to_contain_text("在信用东莞公示")
    screenshot("me-home")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("me-home-phone")
    page.set_viewport_size({"width": 1366, "height": 768})

    own.get_by_role("link", name="提出异议").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("提出异议")
    page.get_by_label("异议理由类别").select_option(label="信息错误或遗漏")
    page.get_by_role("button", name="确认提出异议").click()  # no statement: refused, nothing lost
    statement = page.locator(".field", has=page.get_by_label("异议内容"))
    expect(statement.locator(".errorlist")).to_be_visible()
    expect(page.get_by_label("异议理由类别")).to_have_value("ERROR")
    assert Objection.objects.count() == 0
    screenshot("objection-form-error")
    page.get_by_label("异议内容").fill(STATEMENT)
    page.get_by_role("button", name="确认提出异议").click()
    expect(page.locator(".messages")).to_contain_text("已完成“提出异议”")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的记录").click()
    expect(page.get_by_role("table", name="我的申请")).to_contain_text("信息错误或遗漏")
    expect(page.get_by_role("table", name="我的申请")).to_contain_text("已提交")

    # the officer accepts: the public page shows the label the same day (scenario 4)
    as_user(page, base, officer)
    act(page, base, record, "受理异议")
    entry = public_entry(page, base, record)
    expect(entry).to_contain_text(person.name)
    expect(entry).to_contain_text("异议处理中")
    screenshot("public-objection-pending")

    # the officer verifies, the approver decides 撤销
    act(page, base, record, "开始核查")
    as_user(page, base, approver)
    act(
        page,
        base,
        record,
        "作出异议处理决定",
        choose={"处理结果": "撤销"},
        fill={"处理理由": "经核查，会议纪要系他人签发，问责事实不成立。", "依据文书": "东监复〔2026〕3号"},
    )
    expect(page.locator("main")).to_contain_text("已撤销")

    # the public no longer sees the record, nor the person
    expect(public_entry(page, base, record)).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(person.name)
    screenshot("public-after-revocation")
    open_page(page, f"{base}/public/records/{record.reference}/", status=404)

    # and the civil servant sees the outcome of what they filed
    as_user(page, base, civil_servant)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的记录").click()
    expect(page.locator(".me-record", has_text=record.reference)).to_contain_text("已撤销")
    expect(page.get_by_role("table", name="我的申请")).to_contain_text("撤销：经核查")
    screenshot("me-home-after-revocation")

    objection = Objection.objects.get()
    assert objection.state == ObjectionState.DECIDED and objection.filed_by == civil_servant
    record = Record.objects.get(pk=record.pk)
    assert record.state == RecordState.REVOKED and not record.public and not record.objection_pending
