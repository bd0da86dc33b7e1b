"""Issue #5 must-show 1a in a real browser: an officer takes a lead through to EFFECTIVE and
serves the recording and repair notices together (两书同达: serving N2 with N3 is the record's
own service, T8), using only the case page and its action forms. The approver signs in for
the steps separation of duties gives them: the prior notice, the determination, the notices.
The 事前告知书 (N1) the system drafts on approving the prior notice lacks its evidence: the
officer completes it on the notice page (完善草稿), the approver approves and issues it and the
officer records its service from the case page; the defence window runs from that service.

Every step is a click on a page, from the registration of the lead on. The legal clock (CHENGXIN_TODAY) moves on once, so that the
defence window that kept the approver from determining has passed."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from casework.models import Record
from notices.models import Notice

from ..notice_cases import make_issuer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "pass-12345"  # tests.factories.UserFactory
PRIOR = "失信记录事前告知书"
FACTS = "该单位在政府采购合同履约中拖欠中小企业账款 120 万元，经催告仍未支付。"
EVIDENCE = ["《政府采购合同》及验收报告", "供应商催款函及邮寄凭证"]


def sign_in(page: Page, base: str, user) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("navigation", name="主导航")).to_contain_text(user.get_full_name())


def sign_out(page: Page) -> None:
    page.get_by_role("navigation", name="主导航").get_by_role("button", name="退出").click()
    expect(page.get_by_role("navigation", name="主导航")).to_contain_text("工作人员登录")


def take(page: Page, action: str) -> None:
    """Click an action of the case page's "现在可办理" panel."""
    page.locator(".now").get_by_role("link", name=action, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(action)


def confirm(page: Page, action: str) -> None:
    page.get_by_role("button", name=f"确认{action}").click()
    expect(page.locator(".messages")).to_contain_text(f"已完成“{action}”。")


def state_is(page: Page, label: str) -> None:
    expect(page.locator(".case-head .badge.state")).to_have_text(label)


def notice_step(page: Page, title: str, action: str) -> None:
    """From the case page: open a notice, take one of its steps, come back."""
    page.get_by_role("region", name="文书").get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    take(page, action)
    confirm(page, action)


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_an_officer_takes_a_lead_to_effective_and_serves_both_notices_at_once(
    page: Page, live_server, screenshot, settings, commission, officer, approver, unit
):
    base = live_server.url
    make_issuer()
    settings.CHENGXIN_TODAY = "2026-01-20"

    # ── the officer registers the lead, verifies and proposes ───────────────────
    sign_in(page, base, officer)
    page.goto(f"{base}/work/cases/new/")
    unit_box = page.get_by_role("combobox", name="失信单位")  # a search box, not a select of every unit
    unit_box.fill(unit.name[-2:])
    page.get_by_role("option", name=unit.name).click()
    expect(unit_box).to_have_value(unit.name)
    page.get_by_label("线索来源").select_option(label="12345 热线")
    page.get_by_label("线索内容").fill("市民来电反映：该局未按合同约定支付工程款 120 万元。")
    page.get_by_label("收到日期").fill("2026-01-12")
    screenshot("register-lead")
    page.get_by_role("button", name="确认登记线索").click()
    expect(page.locator(".messages")).to_contain_text("线索已登记")
    record = Record.objects.get()
    case_url = f"{base}/work/cases/{record.pk}/"
    assert page.url == case_url and record.received_on == dt.date(2026, 1, 12)
    state_is(page, "线索")
    expect(page.get_by_role("heading", level=1)).to_contain_text(unit.name)
    screenshot("case-lead")
    take(page, "开始核查")
    confirm(page, "开始核查")
    state_is(page, "核查中")

    take(page, "提出拟认定")
    page.get_by_label("失信类别").select_option(label="未守信践诺")
    page.get_by_label("重点领域").select_option(label="政府采购")
    page.get_by_label("失信等级").select_option(label="一般")
    page.get_by_label("认定依据").fill("《保障中小企业款项支付条例》第九条")
    page.get_by_label("M01 书面说明原因并限期整改").check()
    page.get_by_role("button", name="确认提出拟认定").click()  # the facts are missing
    facts = page.locator(".field.invalid", has=page.get_by_label("失信事实"))
    expect(facts).to_contain_text("请填写失信事实")
    expect(page.get_by_label("认定依据")).to_have_value("《保障中小企业款项支付条例》第九条")
    expect(page.get_by_label("失信等级")).to_have_value("GENERAL")
    screenshot("propose-error")
    page.get_by_label("失信事实").fill(FACTS)
    confirm(page, "提出拟认定")
    state_is(page, "拟认定")
    expect(page.locator(".now")).not_to_contain_text("批准事前告知")  # the approver's step
    screenshot("case-proposed")
    sign_out(page)

    # ── the approver approves the prior notice: the system drafts it, nothing is served ──
    sign_in(page, base, approver)
    page.goto(case_url)
    take(page, "批准事前告知")
    expect(page.locator("main form")).not_to_contain_text("送达日期")
    confirm(page, "批准事前告知")
    state_is(page, "事前告知")
    expect(page.locator(".now")).to_contain_text("事前告知书草稿待完善、核准")
    expect(page.locator(".now")).to_contain_text("陈述申辩期（5个工作日）自送达之日起计算")
    expect(page.locator(".now")).not_to_contain_text("陈述申辩期至")  # no window before service
    expect(page.locator(".now").get_by_role("link", name="认定", exact=True)).to_have_count(0)
    screenshot("case-pre-notice-draft")
    sign_out(page)

    # ── the prior notice itself: the system drafted it without its evidence ────
    sign_in(page, base, officer)
    page.goto(case_url)
    page.get_by_role("region", name="文书").get_by_role("link", name=PRIOR).click()
    expect(page.get_by_role("region", name="待补充")).to_contain_text("缺少“证据摘要”")
    screenshot("prior-notice-draft")
    take(page, "完善草稿")
    expect(page.get_by_label("失信事实")).to_have_value(FACTS)
    page.get_by_label("修改说明").fill("补充证据摘要")
    page.get_by_role("button", name="保存草稿").click()  # the evidence is still blank
    evidence = page.locator(".field.invalid", has=page.get_by_label("证据摘要"))
    expect(evidence).to_contain_text("失信记录事前告知书不完整：缺少“证据摘要”")
    expect(page.get_by_label("修改说明")).to_have_value("补充证据摘要")
    screenshot("prior-notice-complete-error")
    page.get_by_label("证据摘要").fill("\n".join(EVIDENCE))
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".messages")).to_contain_text("已完善文书草稿。")
    expect(page.locator("main")).not_to_contain_text("待补充")
    sign_out(page)

    sign_in(page, base, approver)  # approves what the officer completed, and issues it
    page.goto(case_url)
    notice_step(page, PRIOR, "核准文书")
    notice_step(page, PRIOR, "签发文书")
    page.get_by_role("region", name="文书").get_by_role("link", name=PRIOR).click()
    expect(page.locator(".flags .badge.state")).to_have_text("已签发")
    expect(page.get_by_role("link", name="下载 PDF")).to_be_visible()
    screenshot("prior-notice-issued")
    sign_out(page)

    # The officer records the service of the issued notice: the defence window runs from it.
    sign_in(page, base, officer)
    page.goto(case_url)
    expect(page.locator(".now")).to_contain_text("事前告知书已签发，待登记送达")
    take(page, "登记事前告知书送达")
    expect(page.locator(".notice-box")).to_contain_text("将送达：失信记录事前告知书")
    expect(page.get_by_label("送达日期")).to_have_value("2026-01-20")
    page.get_by_label("送达方式").select_option(label="直接送达")
    page.get_by_label("送达回证").fill("送达回证 2026-001 号，签收人：李四")
    confirm(page, "登记事前告知书送达")
    state_is(page, "事前告知")
    window = page.locator(".now .deadlines li", has_text="陈述申辩")
    expect(window).to_contain_text("剩余")
    screenshot("case-pre-notice")
    prior = Notice.objects.get(record=record, type_code="N1")
    assert (prior.state, prior.data["evidence"]) == ("SERVED", EVIDENCE)
    assert Record.objects.get(pk=record.pk).pre_notice_served_on == dt.date(2026, 1, 20)
    assert prior.service_events.get().served_on == dt.date(2026, 1, 20)
    sign_out(page)

    sign_in(page, base, approver)
    page.goto(case_url)
    take(page, "认定")
    page.get_by_role("button", name="确认认定").click()  # too early: the window is open
    expect(page.locator("main")).to_contain_text("陈述申辩")
    assert Record.objects.get(pk=record.pk).state == "PRE_NOTICE"
    screenshot("determine-too-early")
    sign_out(page)

    settings.CHENGXIN_TODAY = "2026-02-02"  # the window has passed with no defence
    sign_in(page, base, approver)
    page.goto(case_url)
    expect(page.locator(".now .deadlines li", has_text="陈述申辩")).to_contain_text("期限已届满")
    take(page, "认定")
    confirm(page, "认定")
    state_is(page, "已认定")
    expect(page.get_by_role("region", name="文书")).to_contain_text("政务失信记录告知书")

    # The system drafted the recording notice (N2) and the repair notice (N3): approve, issue.
    for title in ("政务失信记录告知书", "信用修复告知书"):
        notice_step(page, title, "核准文书")
        notice_step(page, title, "签发文书")
    for title in ("政务失信记录告知书", "信用修复告知书"):
        expect(page.locator(".notice-list li", has_text=title)).to_contain_text("已签发")
    sign_out(page)

    # ── the officer serves both notices in one act: the record takes effect ───
    sign_in(page, base, officer)
    page.goto(case_url)
    state_is(page, "已认定")
    screenshot("case-determined")
    page.get_by_role("region", name="文书").get_by_role("link", name="政务失信记录告知书").click()
    expect(page.locator("main")).to_contain_text("已签发")
    screenshot("notice-page")
    page.goto(case_url)
    take(page, "登记送达")
    expect(page.locator(".notice-box")).to_contain_text("将同时送达：政务失信记录告知书、信用修复告知书")
    page.get_by_label("送达方式").select_option(label="邮寄送达")
    page.get_by_label("送达回证").fill("EMS 1234567890CN")
    screenshot("serve-form")
    confirm(page, "登记送达")
    state_is(page, "生效")
    expect(page.locator(".case-head")).to_contain_text("公示中")
    screenshot("case-effective")

    record.refresh_from_db()
    assert (record.state, str(record.served_on), record.service_proof) == (
        "EFFECTIVE",
        "2026-02-02",
        "EMS 1234567890CN",
    )
    letters = Notice.objects.filter(record=record, type_code__in=["N2", "N3"])
    assert sorted(n.state for n in letters) == ["SERVED", "SERVED"]
    expect(page.locator(".timeline")).to_contain_text("登记送达")

    # ── the same screens at phone width ──────────────────────────────────────
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(case_url)
    no_sideways_scroll(page)
    screenshot("case-effective-phone")
    page.goto(f"{base}/work/cases/{record.pk}/act/rectification/")
    page.get_by_role("button", name="增加一项").click()
    expect(page.get_by_role("group", name="第 2 项")).to_be_visible()
    no_sideways_scroll(page)
    screenshot("form-phone")
