"""Issue 11 must-show 4 in a real browser: the credit administrator downloads the templates,
fills them in, uploads a file with errors, sees the dry run list them by row and column
before anything is written, uploads the corrected file, imports it and watches the progress
bar reach 100%, for the organisations and then the civil servants; an intake operator then
finds one of the new civil servants in lead registration's search box and registers a lead
against them. The import task runs as Celery runs it in tests (eagerly, when the request
commits). Screenshots under test-output/e2e/.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from casework.identifiers import id_check_char
from casework.models import Organisation, Person, Record
from casework.roles import Role
from exchange.models import ImportBatch

from ..factories import UserFactory, _credit_code
from .test_liaison_journey import as_user
from .test_public_journey import sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

GOVERNMENT, HOUSING = _credit_code(7001), _credit_code(7002)
BAD_CODE = HOUSING[:-1] + ("0" if HOUSING[-1] != "0" else "1")
# A Dongguan number of someone born in 1968, before 441900 existed: valid.
CHEN = "44190019680412123" + id_check_char("44190019680412123")
ZHOU = "44190019850705456" + id_check_char("44190019850705456")


def download(page: Page, link: str, tmp_path: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_role("link", name=link).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target


def fill_xlsx(template: Path, rows: list[list[str]], target: Path) -> Path:
    """What a person does in Excel: type rows under the template's header row."""
    book = load_workbook(template)
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(row)
    book.save(target)
    return target


def fill_csv(template: Path, rows: list[list[str]], target: Path) -> Path:
    header = template.read_bytes().decode("utf-8-sig").strip()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header.split(","))
    writer.writerows(rows)
    target.write_bytes(("\ufeff" + out.getvalue()).encode("utf-8"))
    return target


def upload(page: Page, path: Path, button: str) -> None:
    page.get_by_label("文件", exact=True).set_input_files(str(path))
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("批次")


def expect_done(page: Page) -> None:
    bar = page.locator("progress#batch-progress")
    expect(bar).to_have_attribute("value", "100")
    expect(page.locator("#batch-percent")).to_contain_text("100%")
    expect(page.locator("#batch-state")).to_have_text("已完成")


def test_the_credit_admin_imports_units_and_civil_servants_who_can_then_be_chosen_in_a_case(
    page: Page, live_server, screenshot, settings, tmp_path
):
    settings.CHENGXIN_TODAY = "2026-02-02"
    base = live_server.url
    credit = UserFactory(username="credit", first_name="信用管理员甲", roles=[Role.CREDIT_ADMIN])
    intake = UserFactory(username="intake", first_name="罗敏仪", roles=[Role.INTAKE_OPERATOR])

    # ── organisations: template, a dry run with errors, the fix, the import ────────────
    sign_in(page, base, credit)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="数据导入").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("数据导入")
    page.get_by_role("link", name="导入单位名录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("导入单位名录")
    template = download(page, "下载 Excel 模板", tmp_path)
    screenshot("organisations-upload-page")
    rows = [
        ["东莞市住房和城乡建设局", "市住建局", BAD_CODE, "市直部门", "东莞市人民政府", ""],  # row 2
        ["东莞市人民政府", "市政府", GOVERNMENT, "部门", "", ""],  # row 3: no such type
    ]
    upload(page, fill_xlsx(template, rows, tmp_path / "单位-有错.xlsx"), "试运行")
    expect(page.get_by_role("alert").filter(has_text="有 2 行有错误")).to_be_visible()
    errors = page.locator("table.import-rows tbody tr.invalid")
    expect(errors).to_have_count(2)
    expect(errors.nth(0).locator("td").first).to_have_text("2")  # the row as Excel numbers it
    expect(errors.nth(1).locator("td").first).to_have_text("3")
    expect(errors.nth(0)).to_contain_text("统一社会信用代码")
    expect(errors.nth(0)).to_contain_text("校验位错误")
    expect(errors.nth(1)).to_contain_text("单位类型")
    assert not Organisation.objects.filter(credit_code__in=[GOVERNMENT, HOUSING]).exists()
    screenshot("organisations-dry-run-errors")

    page.get_by_role("link", name="上传新文件").click()
    rows[0][2], rows[1][3] = HOUSING, "市直部门"
    upload(page, fill_xlsx(template, rows, tmp_path / "单位.xlsx"), "导入")
    expect_done(page)
    expect(page.locator(".counts")).to_contain_text("新增：2")
    screenshot("organisations-imported")
    housing = Organisation.objects.get(credit_code=HOUSING)
    assert housing.parent == Organisation.objects.get(credit_code=GOVERNMENT)  # parent below its child

    # ── civil servants: the CSV template, a 15-digit number refused, the fix ───────────
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="数据导入").click()
    page.get_by_role("link", name="导入公务员名册").click()
    template = download(page, "下载 CSV 模板", tmp_path)
    people = [
        ["陈建华", CHEN, HOUSING, "科长", "一级主任科员", "", ""],
        ["周丽娟", "441900850705456", HOUSING, "科员", "", "", ""],  # row 3: 15 digits
    ]
    upload(page, fill_csv(template, people, tmp_path / "名册-有错.csv"), "试运行")
    errors = page.locator("table.import-rows tbody tr.invalid")
    expect(errors).to_have_count(1)
    expect(errors.locator("td").first).to_have_text("3")
    expect(errors).to_contain_text("公民身份号码")
    expect(errors).to_contain_text("15 位的第一代号码")
    assert not Person.objects.exists()
    screenshot("people-dry-run-errors")

    page.get_by_role("link", name="上传新文件").click()
    people[1][1] = ZHOU
    upload(page, fill_csv(template, people, tmp_path / "名册.csv"), "试运行")
    expect(page.get_by_role("status").filter(has_text="全部行通过校验")).to_be_visible()
    page.get_by_role("button", name="按此文件导入").click()
    expect_done(page)
    expect(page.locator(".counts")).to_contain_text("新增：2")
    screenshot("people-imported")
    assert ImportBatch.objects.filter(dry_run=False).count() == 2

    # ── the new civil servant is a subject a lead can be registered against ────────────
    as_user(page, base, intake)
    expect(page).to_have_url(f"{base}/work/cases/new/")
    box = page.get_by_role("combobox", name="失信公务员")
    box.fill("建华")
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("东莞市住房和城乡建设局")
    box.press("ArrowDown")
    box.press("Enter")
    page.get_by_label("线索来源").select_option(label="12345 热线")
    page.get_by_label("线索内容").fill("市民来电反映：陈建华在工程款支付中拖延，要求核查。")
    page.get_by_label("收到日期").fill("2026-01-30")
    page.get_by_role("button", name="确认登记线索").click()
    expect(page.locator(".messages")).to_contain_text("线索已登记")
    assert Record.objects.get().subject_person == Person.objects.with_id_number(CHEN).get()
    screenshot("lead-against-imported-person")


def test_the_progress_bar_follows_a_running_batch_and_the_report_appears_when_it_ends(
    page: Page, live_server, requests_made
):
    """While a worker runs a batch, static/js/import-progress.js polls the batch's JSON and
    moves the bar; when the run ends the page reloads with the counts. The worker is played
    here by updating the batch row, as exchange.importing does after each chunk."""
    base = live_server.url
    credit = UserFactory(username="credit", first_name="信用管理员甲", roles=[Role.CREDIT_ADMIN])
    batch = ImportBatch.objects.create(
        kind="organisations",
        file_name="单位.xlsx",
        sha256="0" * 64,
        state="RUNNING",
        total_rows=400,
        created_by=credit,
    )
    sign_in(page, base, credit)
    page.goto(f"{base}/work/imports/{batch.pk}/")
    bar = page.locator("progress#batch-progress")
    expect(bar).to_have_attribute("value", "0")
    ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=200)
    expect(bar).to_have_attribute("value", "50")
    expect(page.locator("#batch-percent")).to_contain_text("200 / 400")
    ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=400, state="DONE", counts={"created": 400})
    expect(page.locator(".counts")).to_contain_text("新增：400")  # reloaded
    expect(bar).to_have_attribute("value", "100")
    assert any(url.endswith(f"/work/imports/{batch.pk}/progress/") for url in requests_made)
