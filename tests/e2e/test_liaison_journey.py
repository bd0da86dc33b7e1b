"""Issue #5 must-show 1b in a real browser: a unit's liaison uploads evidence for the two items
of a served rectification order and submits the report once the unit head has signed it; the
officer returns one item; the liaison uploads again and resubmits it (the head signing again,
since the evidence changed); the officer accepts both. The starting state (a record in force
with a served two-item order) is built with the services; everything after is done through
the pages, signing in as liaison, head and officer in turn. Every request stays on the live
server (must-show 3)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from casework.lifecycle import ItemState, RectificationState
from casework.models import Attachment, Rectification
from casework.roles import Role

from .. import notice_cases
from .. import rectification_steps as steps
from ..factories import OrganisationFactory, UserFactory
from .test_public_journey import open_page, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

RETURN_REASON = "付款回单金额与合同不符，请补充对账确认函。"


@pytest.fixture
def journey(settings, tmp_path, officer, approver, unit, liaison):
    settings.CHENGXIN_TODAY = "2026-09-01"
    settings.CHENGXIN_UPLOAD_ROOT = tmp_path / "uploads"
    commission = OrganisationFactory(name="东莞市政务诚信监督委员会")
    for user, name in ((officer, "李办案"), (approver, "王审批"), (liaison, "陈联络")):
        user.first_name, user.organisation = name, commission if user != liaison else unit
        user.save()
    head = UserFactory(username="head", first_name="周局长", organisation=unit, roles=[Role.UNIT_HEAD])
    notice_cases.make_issuer()
    rectification = steps.in_progress(
        officer=officer, approver=approver, unit=unit, count=2, served_on=dt.date(2026, 8, 20)
    )
    notice_cases.issued(officer=officer, approver=approver, record=rectification.record, type_code="N8")
    return rectification, head


def sign_out(page: Page) -> None:
    page.get_by_role("navigation", name="主导航").get_by_role("button", name="退出").click()


def as_user(page: Page, base: str, user) -> None:
    sign_out(page)
    sign_in(page, base, user)


def to_unit_home(page: Page) -> None:
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="本单位").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("单位工作台")


def pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": steps.PDF_BYTES}


def upload(page: Page, item_number: int, files: list[dict], summary: str) -> None:
    """From the unit's home: the item's upload page, the files, each one's outcome."""
    row = page.locator("tr.owed", has_text=f"第 {item_number} 项")
    row.get_by_role("link", name="上传材料").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"第 {item_number} 项整改材料")
    page.get_by_label("选择文件（可多选）").set_input_files(files)
    page.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator(".upload-results .summary")).to_have_text(summary)


def report_step(page: Page, link: str, declaration: str, button: str) -> None:
    """The head's sign-off or the liaison's submission, from the unit's home."""
    to_unit_home(page)
    page.locator(".report").get_by_role("link", name=link).click()
    expect(page.locator(".report-items ol.items > li")).to_have_count(2)
    page.get_by_label(declaration).check()
    page.get_by_role("button", name=button).click()
    expect(page.locator(".messages")).to_contain_text(f"已完成“{link}”")


def review(page: Page, base: str, record, decisions: dict[int, str], screenshot=None) -> None:
    """The officer starts the review on the case page and decides each submitted item."""
    open_page(page, f"{base}/work/cases/{record.pk}/")
    page.get_by_role("link", name="开始审核").click()
    page.get_by_role("button", name="确认开始审核").click()
    page.get_by_role("link", name="审核整改事项").click()
    for number, decision in decisions.items():
        fieldset = page.locator("fieldset.review", has=page.locator("legend", has_text=f"事项 {number}"))
        fieldset.get_by_label(decision, exact=True).check()
        if decision == "退回":
            fieldset.get_by_label("审核意见").fill(RETURN_REASON)
    if screenshot:
        screenshot("review-form")
    page.get_by_role("button", name="确认审核整改事项").click()
    expect(page.locator(".messages")).to_contain_text("已完成“审核整改事项”")


def test_a_liaison_uploads_the_head_signs_the_officer_returns_one_and_accepts_both(
    page: Page, live_server, screenshot, requests_made, journey, officer, liaison, unit
):
    rectification, head = journey
    record, base = rectification.record, live_server.url
    first, second = rectification.items.order_by("number")

    # the liaison: the unit's home, then evidence for both items (one file refused)
    sign_in(page, base, liaison)
    to_unit_home(page)
    owed = page.locator("tr.owed")
    expect(owed).to_have_count(2)
    expect(page.locator("main")).to_contain_text("整改通知书")  # the notice to download
    screenshot("unit-home")
    exe = {"name": "整改报告.pdf", "mimeType": "application/pdf", "buffer": steps.EXE_BYTES}
    png = {"name": "对账确认函.png", "mimeType": "image/png", "buffer": steps.PNG_BYTES}
    upload(page, 1, [pdf("付款回单.pdf"), exe, png], "上传结束：成功 2 个，未通过 1 个。")
    expect(page.locator(".upload-results li.refused")).to_contain_text("内容是可执行程序，不能上传")
    expect(page.locator(".upload-results progress:visible")).to_have_count(2)
    expect(page.locator("table.files tbody tr")).to_have_count(2)
    screenshot("upload-progress")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("upload-progress-phone")
    page.set_viewport_size({"width": 1366, "height": 768})
    to_unit_home(page)
    upload(page, 2, [pdf("整改报告（第二项）.pdf")], "上传结束：成功 1 个，未通过 0 个。")
    assert Attachment.objects.filter(owner_id__in=[first.pk, second.pk]).count() == 3

    # the head signs with every item and its files in view; the liaison submits
    as_user(page, base, head)
    to_unit_home(page)
    expect(page.locator(".report")).to_contain_text("尚未签字")
    page.locator(".report").get_by_role("link", name="主要负责人签字").click()
    expect(page.locator(".report-items")).to_contain_text("付款回单.pdf")
    screenshot("sign-off")
    page.get_by_label("确认已审阅整改报告及材料").check()
    page.get_by_role("button", name="确认主要负责人签字").click()
    expect(page.locator(".messages")).to_contain_text("已完成“主要负责人签字”")
    as_user(page, base, liaison)
    report_step(page, "提交整改报告", "声明材料真实", "确认提交整改报告")
    to_unit_home(page)
    expect(page.locator("tr.owed")).to_have_count(0)

    # the officer returns item 2
    as_user(page, base, officer)
    review(page, base, record, {1: "验收", 2: "退回"}, screenshot)
    expect(page.locator(f"#item-{second.pk}")).to_contain_text("已退回")
    expect(page.locator(f"#item-{first.pk}")).to_contain_text("已验收")
    screenshot("case-after-return")

    # the liaison sees the returned item, uploads again; the head signs again; resubmitted
    as_user(page, base, liaison)
    to_unit_home(page)
    expect(owed).to_have_count(1)
    expect(owed.first).to_contain_text(RETURN_REASON)
    screenshot("unit-home-returned")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("unit-home-returned-phone")
    page.set_viewport_size({"width": 1366, "height": 768})
    upload(page, 2, [pdf("对账确认函（补充）.pdf")], "上传结束：成功 1 个，未通过 0 个。")
    as_user(page, base, head)
    report_step(page, "主要负责人签字", "确认已审阅整改报告及材料", "确认主要负责人签字")
    as_user(page, base, liaison)
    report_step(page, "提交整改报告", "声明材料真实", "确认提交整改报告")

    # the officer accepts item 2: the order is closed
    as_user(page, base, officer)
    review(page, base, record, {2: "验收"})
    expect(page.locator(f"#item-{second.pk}")).to_contain_text("已验收")
    expect(page.locator("main")).to_contain_text("已验收销号")
    screenshot("after-acceptance")

    rectification = Rectification.objects.get(pk=rectification.pk)
    assert rectification.state == RectificationState.ACCEPTED
    assert set(rectification.items.values_list("state", flat=True)) == {ItemState.ACCEPTED}
    assert any(url.endswith("/static/js/upload.js") for url in requests_made)
    assert any("/api/rectification-items/" in url for url in requests_made)  # each file on its own
