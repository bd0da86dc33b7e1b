"""The annual integrity assessment (DOMAIN §9.1) in a real browser: the assessor creates the
year from the default tree, reweights one indicator and adds another, starts scoring (the
tree freezes), reads the deductions and the records behind them, adds a manual deduction
with a reason and submits; the approver approves; the results show grades and a ranking,
the XLSX export carries the same totals, and a unit liaison sees only their own unit.
Screenshots under test-output/e2e/.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from casework.roles import Role

from .. import lifecycle
from ..assessment_cases import page_totals
from ..factories import UserFactory
from .test_import_journey import download
from .test_liaison_journey import as_user
from .test_public_journey import sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def nav(page: Page, link: str) -> None:
    page.get_by_role("navigation", name="主导航").get_by_role("link", name=link).click()


def click_step(page: Page, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).click()
    expect(page.locator("ul.messages li.success")).to_be_visible()


def test_the_assessor_scores_the_year_the_approver_freezes_it_and_a_unit_sees_its_own_result(
    page: Page,
    live_server,
    screenshot,
    fixed_today,
    commission,
    officer,
    approver,
    unit,
    other_unit,
    liaison,
    issuer,
    tmp_path,
):
    base = live_server.url
    assessor = UserFactory(username="assessor", first_name="考评员", roles=[Role.ASSESSOR])
    approver.first_name = "审批员"
    approver.save()
    general = lifecycle.effective(officer=officer, approver=approver, organisation=unit, tier="GENERAL")
    serious = lifecycle.effective(
        officer=officer, approver=approver, organisation=other_unit, tier="SERIOUS", content="严重失信事实。"
    )

    # ── the year, from the default tree ─────────────────────────────────────────────────
    sign_in(page, base, assessor)
    nav(page, "年度考核")
    expect(page.get_by_role("heading", level=1)).to_have_text("年度政务诚信考核评价")
    expect(page.get_by_text("尚未创建年度考核。")).to_be_visible()
    screenshot("home-empty")
    page.get_by_label("考核年度").fill("2026")
    page.get_by_role("button", name="创建", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2026 年度政务诚信考核评价")
    expect(page.locator("#state")).to_have_text("草拟指标")
    records_row = page.locator("section[aria-labelledby=tree-title] tbody tr").filter(has_text="records")
    expect(records_row).to_contain_text("生效的政务失信记录（按等级）")  # the source's name, not its code
    # nothing is deducted before scoring: no table of full marks and tied first places
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("开始评分后显示各单位得分。")
    screenshot("year-created-from-default")

    # ── the tree edited: 15 → 10 for commitments, a new 5-point indicator ───────────────
    tree = page.locator("section[aria-labelledby=tree-title]")
    commitments = tree.locator("tbody tr").filter(has_text="commitments")
    commitments.get_by_label("分值").fill("10")
    commitments.get_by_role("button", name="保存").click()
    expect(page.locator("ul.messages li.success")).to_be_visible()
    add = page.locator("section[aria-labelledby=tree-title] form").last
    add.get_by_label("指标代码").fill("publicity")
    add.get_by_label("指标名称").fill("政务公开与信用信息归集")
    add.get_by_label("分值").fill("5")
    add.get_by_label("顺序").fill("9")
    add.get_by_role("button", name="新增").click()
    expect(page.locator("ul.messages li.success")).to_be_visible()
    rows = tree.locator("tbody tr")
    expect(rows.filter(has_text="commitments").locator("td").nth(3)).to_have_text("10.0")
    expect(rows.filter(has_text="publicity")).to_contain_text("政务公开与信用信息归集")
    screenshot("tree-edited")

    # ── scoring: the tree is frozen, the records' deductions appear ─────────────────────
    click_step(page, "开始评分（冻结指标）")
    expect(page.locator("#state")).to_have_text("评分中")
    expect(tree.locator(".notice")).to_contain_text("指标体系已冻结")
    expect(tree.get_by_role("button")).to_have_count(0)
    expect(page.get_by_role("heading", name="新增指标")).to_have_count(0)
    totals = page_totals(page.content())
    assert totals[unit.name] == Decimal(97) and totals[other_unit.name] == Decimal(90)
    screenshot("scoring-started-tree-frozen")

    page.locator("#results").get_by_role("link", name=unit.name).click()
    lines = page.locator("#lines tbody tr")
    expect(lines).to_have_count(1)
    expect(lines.first).to_contain_text("-3")
    expect(lines.first.locator("a.ref")).to_have_text(general.reference)
    screenshot("unit-deductions-with-references")
    page.get_by_role("link", name="返回年度考核").click()
    page.locator("#results").get_by_role("link", name=other_unit.name).click()
    expect(page.locator("#lines a.ref")).to_have_text(serious.reference)
    page.get_by_role("link", name="返回年度考核").click()

    # ── a manual deduction with a reason, then submission ───────────────────────────────
    adjust = page.locator("section[aria-labelledby=adjust-title] form")
    adjust.get_by_label("单位").select_option(label=unit.name)
    adjust.get_by_label("指标").select_option(label="政务公开与信用信息归集")
    adjust.get_by_label("分值").fill("-2")
    adjust.get_by_label("理由").fill("信用信息未按期归集至市公共信用信息平台。")
    screenshot("manual-deduction-filled")
    adjust.get_by_role("button", name="录入").click()
    expect(page.locator("ul.messages li.success")).to_be_visible()
    assert page_totals(page.content())[unit.name] == Decimal(95)
    click_step(page, "提交审定")
    expect(page.locator("#state")).to_have_text("已提交审定")
    # the approver's steps, greyed out for the assessor, with the reason beside them
    expect(page.get_by_role("button", name="审定并冻结结果")).to_be_disabled()
    expect(page.get_by_role("button", name="审定并冻结结果")).to_have_accessible_description(
        "您没有权限执行“审定并冻结结果”操作。"
    )
    expect(page.get_by_label("退回理由")).to_have_count(0)
    screenshot("submitted")

    # ── the approver approves; grades and ranking ───────────────────────────────────────
    as_user(page, base, approver)
    nav(page, "年度考核")
    page.get_by_role("link", name="2026", exact=True).click()
    click_step(page, "审定并冻结结果")
    expect(page.locator("#state")).to_have_text("已审定（结果冻结）")
    results = page.locator("#results tbody tr")
    mine = results.filter(has_text=unit.name)
    theirs = results.filter(has_text=other_unit.name)
    expect(mine.locator("td").nth(2 + 7)).to_have_text("0.0")  # the bonus, printed like the other scores
    expect(mine.locator(".grade")).not_to_be_empty()
    expect(theirs.locator(".grade")).not_to_be_empty()
    assert int(mine.locator("td").first.inner_text()) < int(theirs.locator("td").first.inner_text())
    totals = page_totals(page.content())
    assert totals[unit.name] == Decimal(95) and totals[other_unit.name] == Decimal(90)
    screenshot("approved-results")
    page.locator("#results").get_by_role("link", name=unit.name).click()
    expect(page.locator("#lines")).to_contain_text("信用信息未按期归集至市公共信用信息平台。")
    screenshot("approved-unit-detail")
    page.get_by_role("link", name="返回年度考核").click()

    # ── the 考评办 workbook carries the page's totals ───────────────────────────────────
    workbook: Path = download(page, "导出考核结果（XLSX）", tmp_path)
    sheet = load_workbook(workbook).active
    assert sheet is not None
    rows_in_book = list(sheet.iter_rows(values_only=True))
    assert rows_in_book[0][-3:] == ("总分", "等级", "排名")
    assert {row[0]: Decimal(str(row[-3])) for row in rows_in_book[1:]} == totals

    # ── the unit liaison: their unit's result only ──────────────────────────────────────
    as_user(page, base, liaison)
    nav(page, "考核结果")
    page.get_by_role("link", name="2026 年度").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2026 年度政务诚信考核结果")
    expect(page.locator("#score .total")).to_have_text("95.0")
    expect(page.locator("#lines")).to_contain_text(general.reference)
    body = page.inner_text("body")
    assert other_unit.name not in body and serious.reference not in body
    # the result notice, numbered and sealed on approval: the unit's own, downloaded
    notice_link = page.locator(".result-notice a")
    expect(notice_link).to_have_text(re.compile(r"^东监考通〔2026〕\d+号$"))
    with page.expect_download() as notice_pdf:
        notice_link.click()
    text = "".join(PdfReader(notice_pdf.value.path()).pages[0].extract_text().split())
    assert "年度政务诚信考核评价结果通报" in text and f"{unit.name}：" in text and "得分95.0分" in text
    screenshot("liaison-own-result")
    response = page.goto(f"{base}/work/assessment/2026/")
    assert response is not None and response.status == 403
