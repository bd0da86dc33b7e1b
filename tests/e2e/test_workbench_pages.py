"""The commission's workbench in a real browser: an officer signs in, reads the dashboard,
follows a count into the case list, filters and sorts it with the keyboard-usable form and
column headers, and reminds the subjects of two cases at once, at 1366×768 and at phone
width (390×844). Every request stays on the live server."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from casework.models import AuditEntry

from .. import lifecycle, rectification_steps
from .test_public_journey import open_page, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def caseload(officer, approver, unit, other_unit):
    """甲局: a determined record whose service deadline passed, a record under a rectification
    order (written explanation due 02-03) and a lead; 乙局: a determined record."""
    return {
        "overdue": lifecycle.determined(
            officer=officer, approver=approver, organisation=unit, content="甲局拖欠工程款。"
        ),
        "rect": rectification_steps.in_progress(
            officer=officer, approver=approver, unit=unit, served_on=dt.date(2026, 1, 20)
        ).record,
        "lead": lifecycle.lead(officer=officer, organisation=unit, content="甲局未兑现招商引资奖励。"),
        "theirs": lifecycle.determined(
            officer=officer, approver=approver, organisation=other_unit, content="乙局未按期兑现奖补资金。"
        ),
    }


def no_sideways_scrolling(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_an_officer_works_the_caseload_from_the_dashboard(
    page: Page, live_server, screenshot, requests_made, fixed_today, officer, unit, caseload
):
    base = live_server.url
    officer.first_name = "李办案"
    officer.save()
    sign_in(page, base, officer)
    nav = page.get_by_role("navigation", name="主导航")
    nav.get_by_role("link", name="工作台").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")
    counts = page.locator(".counts")
    expect(counts.get_by_role("link", name="已逾期")).to_contain_text("2")
    expect(counts.get_by_role("link", name="在办案件")).to_contain_text("4")
    expect(page.locator("table.units")).to_contain_text("东莞市甲局")
    expect(page.locator("table.tasks tr.overdue").first).to_contain_text("已逾期")
    screenshot("dashboard")

    counts.get_by_role("link", name="已逾期").click()
    expect(page.get_by_label("办理进度")).to_have_value("overdue")
    expect(page.locator("table.cases tbody tr")).to_have_count(2)
    screenshot("overdue-cases")

    open_page(page, f"{base}/work/cases/")
    page.get_by_label("单位", exact=True).select_option(label="东莞市甲局")
    page.get_by_label("关键词").fill("工程款")
    page.get_by_label("关键词").press("Enter")  # the form submits from the keyboard
    rows = page.locator("table.cases tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("table.cases")).not_to_contain_text("乙局")
    screenshot("filtered")

    page.get_by_role("link", name="下一期限").click()
    expect(page.get_by_role("columnheader", name="下一期限")).to_have_attribute("aria-sort", "ascending")
    expect(rows.first).to_contain_text(caseload["overdue"].reference)
    expect(rows.first).to_contain_text("已逾期")
    screenshot("sorted-by-due-date")

    page.get_by_label("关键词").fill("")
    page.get_by_role("button", name="筛选").click()
    expect(rows).to_have_count(3)
    page.get_by_label(f"选择 {caseload['rect'].reference}").check()
    page.get_by_label(f"选择 {caseload['overdue'].reference}").check()
    page.get_by_label("批量操作").select_option("remind")
    page.get_by_role("button", name="执行").click()
    messages = page.locator(".messages")
    expect(messages).to_contain_text(f"已提醒当事方 2 个期限，涉及案件：{caseload['rect'].reference}。")
    expect(messages).to_contain_text(f"{caseload['overdue'].reference}（没有需要当事方办理的期限）")
    # Back to the same filtered list.
    expect(page.get_by_label("单位", exact=True)).to_have_value(str(unit.pk))
    assert list(AuditEntry.objects.filter(action="deadline_remind").values_list("record_id", flat=True)) == [
        caseload["rect"].pk
    ]
    screenshot("bulk-reminded")

    page.get_by_label(f"选择 {caseload['lead'].reference}").check()
    page.get_by_label("批量操作").select_option("assign")
    page.get_by_role("button", name="执行").click()  # no one chosen to assign to
    expect(page.locator(".bulk")).to_contain_text("分配任务须选择接收人员。")
    expect(page.get_by_label(f"选择 {caseload['lead'].reference}")).to_be_checked()  # nothing lost
    screenshot("bulk-assign-without-assignee")

    page.set_viewport_size({"width": 390, "height": 844})
    open_page(page, f"{base}/work/")
    no_sideways_scrolling(page)
    screenshot("dashboard-phone")
    open_page(page, f"{base}/work/cases/?sort=due")
    no_sideways_scrolling(page)
    expect(page.locator("table.cases tbody tr").first).to_contain_text("已逾期")
    screenshot("case-list-phone")

    assert any(url.endswith("/static/css/workbench.css") for url in requests_made)
