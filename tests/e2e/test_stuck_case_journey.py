"""The stuck case of the report, taken out through the UI: a proposal accepted with no
惩戒措施 (made here in the database, as the old code let it be made: the proposal now refuses
it), which no determination could ever accept. The approver returns it (退回拟认定, with a
reason); the officer proposes again, this time with a measure, which the form makes them
choose; the approver approves and the system drafts the 事前告知书; the officer then amends
the proposal (修改拟认定), which voids that draft and sends the record back for a new approval
and a new 事前告知书; that one is completed, approved, issued and served; the approver
determines, the recording and repair notices are issued and served together, and the record
takes effect.

Every step after the set-up is a click on a page. The legal clock (CHENGXIN_TODAY) moves on
once, past the defence window."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from playwright.sync_api import Page, expect

from casework.models import AuditEntry, Deadline, Record
from casework.services import records as svc
from notices.models import Notice

from .. import lifecycle
from ..notice_cases import make_issuer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "pass-12345"  # tests.factories.UserFactory
PRIOR = "失信记录事前告知书"
FACTS = "该单位在政府采购合同履约中拖欠中小企业账款 120 万元，经催告仍未支付。"
AMENDED = "该单位在政府采购合同履约中拖欠中小企业账款 150 万元，经两次书面催告仍未支付。"
EVIDENCE = ["《政府采购合同》及验收报告", "供应商催款函及邮寄凭证"]
RETURN_REASON = "拟认定未选定惩戒措施，无法作出认定，请补充后重新提出。"


@pytest.fixture
def stuck(officer, commission, unit) -> Record:
    """PROPOSED with no measure: what the old proposal accepted."""
    record = lifecycle.lead(
        officer=officer, organisation=unit, content="市民来电反映：该局拖欠工程款 120 万元。"
    )
    svc.record_start_verification(acting_user=officer, record_id=record.pk)
    Record.objects.filter(pk=record.pk).update(
        state="PROPOSED",
        category="PRM",
        domain="PROCUREMENT",
        tier="GENERAL",
        facts=FACTS,
        legal_basis="《保障中小企业款项支付条例》第九条",
        proposed_by=officer,
        determining_unit=commission,
    )
    Deadline.objects.filter(record=record, kind="verification").update(status="MET")
    record.refresh_from_db()
    assert record.state == "PROPOSED" and not record.measures.exists()
    return record


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


def open_notice(page: Page, title: str) -> None:
    """Open the case's notice `title` that is not voided."""
    row = page.locator(".notice-list li", has_text=title).filter(has_not_text="已作废")
    row.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def notice_step(page: Page, case_url: str, title: str, action: str) -> None:
    """From the case page: open a notice, take one of its steps, come back."""
    page.goto(case_url)
    open_notice(page, title)
    take(page, action)
    confirm(page, action)


def test_the_stuck_proposal_is_returned_proposed_again_amended_and_taken_to_effective(
    page: Page, live_server, screenshot, settings, stuck, officer, approver
):
    base = live_server.url
    make_issuer()
    settings.CHENGXIN_TODAY = "2026-01-20"
    case_url = f"{base}/work/cases/{stuck.pk}/"

    # ── the approver: the proposal cannot be determined; 退回 with a reason ────────
    sign_in(page, base, approver)
    page.goto(case_url)
    state_is(page, "拟认定")
    expect(page.locator(".case-main")).to_contain_text("未选定（认定前须从惩戒措施清单中选定）")
    now = page.locator(".now")
    for action in ("批准事前告知", "退回拟认定", "不予认定"):
        expect(now.get_by_role("link", name=action, exact=True)).to_be_visible()
    screenshot("stuck-proposal-approver")
    take(page, "退回拟认定")
    page.get_by_role("button", name="确认退回拟认定").click()  # no reason given
    expect(page.locator(".field.invalid", has=page.get_by_label("退回理由"))).to_be_visible()
    assert Record.objects.get(pk=stuck.pk).state == "PROPOSED"
    page.get_by_label("退回理由").fill(RETURN_REASON)
    screenshot("return-form")
    confirm(page, "退回拟认定")
    state_is(page, "核查中")
    expect(page.locator(".timeline")).to_contain_text(RETURN_REASON)
    sign_out(page)

    # ── the officer proposes again: the form starts from the old proposal ───────
    sign_in(page, base, officer)
    page.goto(case_url)
    state_is(page, "核查中")
    expect(page.locator(".timeline")).to_contain_text("退回拟认定")
    take(page, "提出拟认定")
    expect(page.get_by_label("失信事实")).to_have_value(FACTS)
    page.get_by_role("button", name="确认提出拟认定").click()  # still no measure
    measures = page.locator(".field.invalid", has=page.get_by_label("M01 书面说明原因并限期整改"))
    expect(measures).to_contain_text("请从惩戒措施清单中选择至少一项惩戒措施。")
    screenshot("propose-without-measure")
    page.get_by_label("M01 书面说明原因并限期整改").check()
    confirm(page, "提出拟认定")
    state_is(page, "拟认定")
    sign_out(page)

    sign_in(page, base, approver)
    page.goto(case_url)
    take(page, "批准事前告知")
    confirm(page, "批准事前告知")
    state_is(page, "事前告知")
    expect(page.locator(".notice-list li", has_text=PRIOR)).to_contain_text("草稿")
    sign_out(page)

    # ── the officer amends the proposal: the draft notice is voided ────────────
    sign_in(page, base, officer)
    page.goto(case_url)
    take(page, "修改拟认定")
    expect(page.locator(".notice-box")).to_contain_text("须重新批准并送达新的事前告知书")
    expect(page.get_by_label("失信事实")).to_have_value(FACTS)
    expect(page.get_by_label("M01 书面说明原因并限期整改")).to_be_checked()
    page.get_by_label("失信事实").fill(AMENDED)
    page.get_by_label("M02 取消参加荣誉评选资格").check()
    page.get_by_label("修改理由").fill("核实欠款金额为 150 万元，增加惩戒措施。")
    screenshot("amend-form")
    confirm(page, "修改拟认定")
    state_is(page, "拟认定")
    expect(page.locator(".notice-list li", has_text=PRIOR)).to_contain_text("已作废")
    screenshot("amended")
    amendment = AuditEntry.objects.get(record=stuck, action="amend_proposal")
    assert amendment.diff["measures"] == [["M01"], ["M01", "M02"]]
    assert amendment.diff["facts"] == [FACTS, AMENDED]
    sign_out(page)

    # ── a new approval, a new 事前告知书: completed, approved, issued, served ──────
    sign_in(page, base, approver)
    page.goto(case_url)
    take(page, "批准事前告知")
    confirm(page, "批准事前告知")
    state_is(page, "事前告知")
    sign_out(page)

    sign_in(page, base, officer)
    page.goto(case_url)
    open_notice(page, PRIOR)
    take(page, "完善草稿")
    expect(page.get_by_label("失信事实")).to_have_value(AMENDED)
    page.get_by_label("证据摘要").fill("\n".join(EVIDENCE))
    page.get_by_label("修改说明").fill("补充证据摘要")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".messages")).to_contain_text("已完善文书草稿。")
    sign_out(page)

    sign_in(page, base, approver)
    notice_step(page, case_url, PRIOR, "核准文书")
    notice_step(page, case_url, PRIOR, "签发文书")
    sign_out(page)

    sign_in(page, base, officer)
    page.goto(case_url)
    open_notice(page, PRIOR)
    take(page, "送达文书")
    page.get_by_label("送达方式").select_option(label="直接送达")
    page.get_by_label("送达回证").fill("送达回证 2026-007 号，签收人：王五")
    confirm(page, "送达文书")
    sign_out(page)
    priors = Notice.objects.filter(record=stuck, type_code="N1").order_by("pk")
    assert [n.state for n in priors] == ["VOIDED", "SERVED"]
    assert priors[0].void_reason == "修改拟认定：核实欠款金额为 150 万元，增加惩戒措施。"
    assert str(Record.objects.get(pk=stuck.pk).pre_notice_served_on) == "2026-01-20"

    # ── past the defence window: determination, the two letters, service ─────────
    settings.CHENGXIN_TODAY = "2026-02-02"
    sign_in(page, base, approver)
    page.goto(case_url)
    take(page, "认定")
    confirm(page, "认定")
    state_is(page, "已认定")
    for title in ("政务失信记录告知书", "信用修复告知书"):
        notice_step(page, case_url, title, "核准文书")
        notice_step(page, case_url, title, "签发文书")
    sign_out(page)

    sign_in(page, base, officer)
    page.goto(case_url)
    take(page, "登记送达")
    expect(page.locator(".notice-box")).to_contain_text("将同时送达：政务失信记录告知书、信用修复告知书")
    page.get_by_label("送达方式").select_option(label="邮寄送达")
    page.get_by_label("送达回证").fill("EMS 9876543210CN")
    confirm(page, "登记送达")
    state_is(page, "生效")
    screenshot("effective")

    record = Record.objects.get(pk=stuck.pk)
    assert (record.state, str(record.served_on)) == ("EFFECTIVE", "2026-02-02")
    assert sorted(record.measures.values_list("code", flat=True)) == ["M01", "M02"]
    assert record.facts == AMENDED
    of_record = AuditEntry.objects.filter(
        record=record, content_type=ContentType.objects.get_for_model(Record)
    )
    assert list(of_record.order_by("seq").values_list("action", flat=True)) == [
        "register_lead",
        "start_verification",
        "return_proposal",
        "propose",
        "approve_pre_notice",
        "amend_proposal",
        "approve_pre_notice",
        "serve_pre_notice",
        "determine",
        "serve",
    ]
