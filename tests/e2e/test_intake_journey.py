"""Every role lands on its work, in a real browser (issue 9 must-show 3): the intake operator
signs in and lands on lead registration, finds the civil servant by typing part of the name
into the search box (a type-ahead over GET /api/lookup/people/) and registers the lead; the
officer verifies and proposes and the approver approves through the services, which drafts
the 事前告知书; the approver then signs in and finds it in the 待核准 queue, counted on the
dashboard. Then the start pages of HR, the system administrator and a unit's liaison (whose
inbox shows the 陈述申辩 the unit's page shows). Screenshots under test-output/e2e/.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from casework.models import Measure, Record
from casework.roles import Role
from casework.services import records as svc
from notices import types
from notices.drafts import FIXED_FIELDS, notice_revise_draft
from notices.models import Notice

from .. import accountability_steps, lifecycle, notice_cases
from ..factories import OrganisationFactory, PersonFactory, UserFactory
from .test_liaison_journey import as_user
from .test_public_journey import open_page, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PROPOSAL = {
    "category": "PRM",
    "domain": "PROCUREMENT",
    "tier": "GENERAL",
    "facts": "该公务员在政府采购合同履约中违规拖延支付中小企业账款，经核查属实。",
    "legal_basis": "《保障中小企业款项支付条例》第九条",
}


@pytest.fixture
def people(settings, officer, approver):
    settings.CHENGXIN_TODAY = "2026-02-02"
    commission = OrganisationFactory(name="东莞市政务诚信监督委员会")
    for user, name in ((officer, "陈志明"), (approver, "黄永康")):
        user.first_name, user.organisation = name, commission
        user.save()
    housing = OrganisationFactory(name="东莞市住房和城乡建设局", short_name="市住建局")
    transport = OrganisationFactory(name="东莞市交通运输局", short_name="市交通局")
    target = PersonFactory(unit=housing, name="李伟强", post="科长")
    PersonFactory(unit=transport, name="李伟明", post="副科长")  # a near namesake elsewhere
    for n in range(30):
        PersonFactory(unit=transport if n % 2 else housing, name=f"张{n:02d}号")
    notice_cases.make_issuer()
    return {"target": target, "housing": housing, "transport": transport}


def propose_and_approve(*, officer, approver, record):
    """The officer verifies and proposes; the approver approves, which drafts the N1."""
    svc.record_start_verification(acting_user=officer, record_id=record.pk)
    svc.record_propose(
        acting_user=officer, record_id=record.pk, measure_ids=[measure_for(record)], **PROPOSAL
    )
    svc.record_approve_pre_notice(acting_user=approver, record_id=record.pk)


def measure_for(record) -> int:
    return Measure.objects.get(code="M05" if record.subject_person_id else "M01").pk


def test_the_intake_operator_registers_a_lead_by_searching_and_the_approver_finds_the_notice(
    page: Page, live_server, screenshot, requests_made, people, officer, approver
):
    base = live_server.url
    intake = UserFactory(username="intake", first_name="罗敏仪", roles=[Role.INTAKE_OPERATOR])

    # ── the intake operator lands on lead registration ─────────────────────────────
    sign_in(page, base, intake)
    expect(page).to_have_url(f"{base}/work/cases/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("登记线索")
    nav = page.get_by_role("navigation", name="主导航")
    expect(nav.get_by_role("link", name="登记线索")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="我的待办")).to_have_count(0)
    screenshot("intake-landing")

    # ── finds the civil servant by part of the name ───────────────────────────────
    box = page.get_by_role("combobox", name="失信公务员")
    box.fill("伟")
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_count(2)  # 李伟强 and 李伟明, the 30 others not
    expect(options.first).to_contain_text("市住房和城乡建设局")
    screenshot("search-two-matches")
    box.fill("伟强")
    expect(options).to_have_count(1)
    box.press("ArrowDown")
    box.press("Enter")
    expect(box).to_have_value("李伟强（东莞市住房和城乡建设局，科长）")
    expect(page.locator(".field.lookup .lookup-chosen").nth(1)).to_contain_text("李伟强")
    page.get_by_label("线索来源").select_option(label="12345 热线")
    page.get_by_label("线索内容").fill("市民来电反映：李伟强在工程款支付中拖延，要求核查。")
    page.get_by_label("收到日期").fill("2026-01-30")
    screenshot("lead-form-filled")
    page.get_by_role("button", name="确认登记线索").click()
    expect(page.locator(".messages")).to_contain_text("线索已登记")
    record = Record.objects.get()
    assert (record.subject_person, record.created_by) == (people["target"], intake)
    assert any("/api/lookup/people/?q=" in url for url in requests_made)
    screenshot("lead-registered")

    # ── the officer proposes, the approver approves: the 事前告知书 is drafted, and the
    #    officer completes what the system could not fill in (完善草稿) ────────────────
    propose_and_approve(officer=officer, approver=approver, record=record)
    n1 = Notice.objects.get(record=record, type_code="N1")
    fields = {k: v for k, v in notice_cases.complete("N1", record).items() if k not in FIXED_FIELDS}
    notice_revise_draft(acting_user=officer, notice_id=n1.pk, fields=fields)
    n1.refresh_from_db()
    assert n1.state == "DRAFT" and not types.get("N1").validate(n1.data)

    # ── the approver finds it in the 待核准 queue, counted on the dashboard ─────────
    as_user(page, base, approver)
    expect(page).to_have_url(f"{base}/work/")
    card = page.locator(".counts").get_by_role("link", name="待核准")
    expect(card.locator(".number")).to_have_text("1")
    expect(card).to_contain_text("文书 1 份，拟认定 0 件")
    screenshot("approver-dashboard")
    card.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("待核准文书")
    drafts = page.locator("section", has=page.locator("#drafts-title"))
    expect(drafts.get_by_role("link", name="失信记录事前告知书")).to_have_attribute(
        "href", f"/work/notices/{n1.pk}/"
    )
    expect(drafts).to_contain_text(record.reference)
    expect(drafts).to_contain_text("可核准")
    screenshot("approver-queue")


def test_hr_the_system_administrator_and_a_liaison_land_on_their_work(
    page: Page, live_server, screenshot, fixed_today, officer, approver, unit, liaison
):
    base = live_server.url
    notice_cases.make_issuer()
    for user, name in ((officer, "陈志明"), (approver, "黄永康"), (liaison, "何思颖")):
        user.first_name = name
        user.save()
    # The unit's 事前告知书 served 01-28: the defence window runs to 02-04 (today is 02-02).
    defence = lifecycle.pre_notice(
        officer=officer,
        approver=approver,
        organisation=unit,
        content="甲局拖欠工程款。",
        served_on=dt.date(2026, 1, 28),
    )
    person = PersonFactory(unit=unit, name="王五")
    accountability_steps.served(
        officer=officer,
        approver=approver,
        record=lifecycle.effective(
            officer=officer, approver=approver, person=person, content="王五违规拖欠款项。"
        ),
        persons=[person],
        decisions=[accountability_steps.decision(person)],
        decided_on=dt.date(2026, 1, 26),
        served_on=dt.date(2026, 1, 27),
    )
    hr = UserFactory(username="hr", first_name="梁振华", roles=[Role.HR_ADMIN])
    sysadmin = UserFactory(username="sysadmin", first_name="吴国豪", is_staff=True, roles=[Role.SYSTEM_ADMIN])

    sign_in(page, base, hr)
    expect(page).to_have_url(f"{base}/work/sanctions/")
    rows = page.locator("table.worklist").first.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("王五")
    expect(rows.first.get_by_role("link", name="执行")).to_be_visible()
    screenshot("hr-landing")

    as_user(page, base, sysadmin)
    expect(page).to_have_url(f"{base}/work/system/")
    expect(page.locator("table.health")).to_contain_text("数据库")
    expect(page.get_by_role("link", name="发文机关与印章")).to_be_visible()
    screenshot("sysadmin-landing")

    as_user(page, base, liaison)
    expect(page).to_have_url(f"{base}/unit/")
    expect(page.locator("section", has=page.locator("#answers-title"))).to_contain_text(defence.reference)
    screenshot("liaison-landing")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的待办").click()
    owed = page.locator("section.owed")
    expect(owed).to_contain_text(defence.reference)
    expect(owed).to_contain_text("2026-02-04")
    screenshot("liaison-inbox")

    open_page(page, f"{base}/work/system/", status=403)
    expect(page.get_by_role("heading", level=1)).to_have_text("无权访问此页面")
    expect(page.get_by_role("link", name="返回我的工作页面")).to_have_attribute("href", "/unit/")
    screenshot("liaison-403")
    open_page(page, f"{base}/admin/", status=403)
    expect(page.get_by_role("heading", level=1)).to_have_text("无权访问此页面")
