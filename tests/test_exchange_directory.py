"""Bulk import of organisations and civil servants (issue 11 item 4, must-show 5), through the
pages the credit and HR administrators use: templates, dry run, import, batch page, re-import.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from casework import audit
from casework.action_labels import AuditAction
from casework.identifiers import id_check_char
from casework.models import AuditEntry, Organisation, OrganisationName, Person
from casework.roles import Role
from exchange.models import ImportBatch, ImportRow, ImportState, RowOutcome
from exchange.spreadsheets import count_rows, write_csv

from .factories import OrganisationFactory, PersonFactory, UserFactory, _credit_code

pytestmark = pytest.mark.django_db

ORG_HEADERS = ["单位名称", "简称", "统一社会信用代码", "单位类型", "上级单位", "是否有效"]
PERSON_HEADERS = ["姓名", "公民身份号码", "所在单位", "职务", "职级", "管理权限单位", "是否在职"]


def id_number(first17: str) -> str:
    return first17 + id_check_char(first17)


CODE_A, CODE_B, CODE_C = _credit_code(9001), _credit_code(9002), _credit_code(9003)
# A Dongguan number of someone born before Dongguan's 441900 code existed (1988): valid.
OLD_DONGGUAN = id_number("44190019650315123")
YOUNG = id_number("44190019900101001")


def xlsx(headers, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def credit_admin(db):
    return UserFactory(username="credit", first_name="信用管理员甲", roles=[Role.CREDIT_ADMIN])


@pytest.fixture
def hr_admin(db):
    return UserFactory(username="hradmin", first_name="人事管理员乙", roles=[Role.HR_ADMIN])


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """Post a file to the upload page as "试运行" (dry) or "导入" (run); the queued run's
    task is sent when the request commits (and runs at once: Celery is eager in tests)."""

    def post(client, kind: str, data: bytes, name: str, mode: str = "dry"):
        url = f"/work/imports/new/{kind}/"
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"file": SimpleUploadedFile(name, data), "mode": mode})
        assert response.status_code == 302, response.content.decode()[:2000]
        batch = ImportBatch.objects.latest("pk")
        assert response["Location"] == f"/work/imports/{batch.pk}/"
        return batch

    return post


def report(batch) -> dict[int, tuple[str, list]]:
    return {r.number: (r.outcome, r.errors) for r in ImportRow.objects.filter(batch=batch)}


ORG_ROWS = [
    # the child comes before its parent: linked when the parent's row is imported
    ["东莞市住房和城乡建设局", "市住建局", CODE_B, "市直部门", CODE_A, ""],
    ["东莞市人民政府", "市政府", CODE_A, "市直部门", "", "是"],
    ["东莞市交通运输局", "", CODE_C, "市直部门", "东莞市人民政府", ""],
]


def test_the_templates_are_made_from_the_columns_and_keep_identifiers_as_text(client, credit_admin):
    client.force_login(credit_admin)
    page = client.get("/work/imports/new/organisations/").content.decode()
    assert "/work/imports/template/organisations.xlsx" in page and "统一社会信用代码" in page
    response = client.get("/work/imports/template/organisations.xlsx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == ORG_HEADERS
    assert sheet.max_row == 1  # no example rows on the imported sheet
    assert sheet.column_dimensions["C"].number_format == "@"
    assert sheet.column_dimensions["A"].number_format != "@"
    assert "文本" in sheet["C1"].comment.text
    assert "填写说明" in book.sheetnames
    csv_template = client.get("/work/imports/template/people.csv").content
    assert csv_template.decode("utf-8-sig").strip() == ",".join(PERSON_HEADERS)


def test_a_dry_run_reports_every_error_by_row_and_column_and_writes_nothing(upload, client, credit_admin):
    client.force_login(credit_admin)
    before = (Organisation.objects.count(), AuditEntry.objects.count())
    rows = [
        *ORG_ROWS,
        ["", "", "91110000600037341M", "局", "不存在的单位", "也许"],  # row 5: five errors
        ["重复单位", "", CODE_A, "镇街", "", ""],  # row 6: the same code as row 3
    ]
    batch = upload(client, "organisations", xlsx(ORG_HEADERS, rows), "orgs.xlsx")
    assert (batch.state, batch.dry_run) == (ImportState.CHECKED, True)
    got = report(batch)
    assert [got[n][0] for n in (2, 3, 4)] == [RowOutcome.VALID] * 3
    columns = {e["column"]: e["message"] for e in got[5][1]}
    assert columns == {
        "单位名称": "“单位名称”为必填项。",
        "统一社会信用代码": "统一社会信用代码校验位错误：应为 L。",
        "单位类型": "“单位类型”应为以下之一：市直部门、园区、镇街、村(社区)、事业单位。",
        "上级单位": columns["上级单位"],
        "是否有效": "“是否有效”应填写“是”或“否”。",
    }
    assert "不存在的单位" in columns["上级单位"]
    assert got[6] == (
        RowOutcome.INVALID,
        [{"column": "统一社会信用代码", "message": got[6][1][0]["message"]}],
    )
    assert "第 3 行重复" in got[6][1][0]["message"]
    assert (Organisation.objects.count(), AuditEntry.objects.count()) == before

    page = client.get(f"/work/imports/{batch.pk}/").content.decode()
    assert "有 2 行有错误" in page and "统一社会信用代码校验位错误" in page
    table = page[page.index("逐行结果") :]
    assert table.index("“单位名称”为必填项。") < table.index("校验通过")  # errors first


def test_the_import_creates_links_parents_in_any_order_and_audits_each_row(upload, client, credit_admin):
    client.force_login(credit_admin)
    batch = upload(client, "organisations", xlsx(ORG_HEADERS, ORG_ROWS), "orgs.xlsx", mode="run")
    batch.refresh_from_db()
    assert batch.state == ImportState.DONE and batch.counts == {"created": 3}
    assert (batch.processed_rows, batch.total_rows, batch.percent) == (3, 3, 100)
    government = Organisation.objects.get(credit_code=CODE_A)
    housing = Organisation.objects.get(credit_code=CODE_B)
    transport = Organisation.objects.get(credit_code=CODE_C)
    assert housing.parent == government and transport.parent == government
    assert (housing.short_name, housing.type, housing.is_active) == ("市住建局", "DEPARTMENT", True)
    assert "自动关联" in ImportRow.objects.get(batch=batch, number=2).message
    created = AuditEntry.objects.filter(action=AuditAction.IMPORT_CREATE)
    assert created.count() == 3
    assert {e.actor_role for e in created} == {Role.CREDIT_ADMIN} and all(
        e.actor == credit_admin for e in created
    )
    # Parent and child in one chunk: the child is audited once, with its parent.
    assert created.get(object_id=str(housing.pk)).diff["parent_id"] == government.pk
    assert not AuditEntry.objects.filter(action=AuditAction.IMPORT_UPDATE).exists()
    assert audit.verify().ok
    assert ImportRow.objects.get(batch=batch, number=3).target == f"organisation:{government.pk}"


def test_a_parent_in_a_later_chunk_is_linked_when_its_row_is_imported(
    upload, client, credit_admin, monkeypatch
):
    monkeypatch.setattr("exchange.importing.CHUNK", 1)  # every row its own chunk
    client.force_login(credit_admin)
    batch = upload(client, "organisations", xlsx(ORG_HEADERS, ORG_ROWS), "orgs.xlsx", mode="run")
    batch.refresh_from_db()
    assert batch.counts == {"created": 3}
    government = Organisation.objects.get(credit_code=CODE_A)
    housing = Organisation.objects.get(credit_code=CODE_B)
    assert housing.parent == government and Organisation.objects.get(credit_code=CODE_C).parent == government
    linked = AuditEntry.objects.get(action=AuditAction.IMPORT_UPDATE)
    assert linked.object_id == str(housing.pk) and linked.diff == {"parent_id": [None, government.pk]}
    assert audit.verify().ok

    progress = client.get(f"/work/imports/{batch.pk}/progress/").json()
    assert progress["percent"] == 100 and progress["finished"] is True


def test_reimporting_the_same_file_changes_nothing_and_a_changed_row_updates(upload, client, credit_admin):
    client.force_login(credit_admin)
    data = xlsx(ORG_HEADERS, ORG_ROWS)
    upload(client, "organisations", data, "orgs.xlsx", mode="run")
    entries = AuditEntry.objects.count()
    again = upload(client, "organisations", data, "orgs.xlsx", mode="run")
    again.refresh_from_db()
    assert again.counts == {"unchanged": 3}
    assert Organisation.objects.filter(credit_code__in=[CODE_A, CODE_B, CODE_C]).count() == 3
    assert AuditEntry.objects.count() == entries

    renamed = [["东莞市住房和城乡建设局", "住建局", CODE_B, "市直部门", "", ""]]  # empty parent: kept
    third = upload(client, "organisations", xlsx(ORG_HEADERS, renamed), "orgs.csv", mode="run")
    third.refresh_from_db()
    assert third.counts == {"updated": 1}
    housing = Organisation.objects.get(credit_code=CODE_B)
    assert housing.short_name == "住建局" and housing.parent.credit_code == CODE_A
    entry = AuditEntry.objects.filter(action=AuditAction.IMPORT_UPDATE).latest("seq")
    assert entry.diff == {"short_name": ["市住建局", "住建局"]}


def test_people_import_validates_id_numbers_and_reimports_by_number(upload, client, hr_admin):
    unit = OrganisationFactory(name="东莞市住房和城乡建设局")
    existing = PersonFactory(unit=unit, name="张三", post="科员")
    client.force_login(hr_admin)
    rows = [
        ["李伟强", OLD_DONGGUAN, unit.credit_code, "科长", "一级主任科员", "", ""],  # born 1965, 441900
        ["王小明", YOUNG.lower()[:-1] + YOUNG[-1].lower(), unit.name, "", "", "", "否"],  # by name
        ["张三", existing.id_number, unit.credit_code, "副科长", "", "", ""],  # update
        ["赵旧号", "441900650315123", unit.credit_code, "", "", "", ""],  # 15 digits
        ["钱错位", YOUNG[:-1] + ("0" if YOUNG[-1] != "0" else "1"), unit.credit_code, "", "", "", ""],
        ["孙无单位", id_number("44190019800101002"), "91440000000000000X", "", "", "", ""],
        ["吴科学", "4.41900196503151E+17", unit.credit_code, "", "", "", ""],  # Excel ate the digits
    ]
    data = write_csv(PERSON_HEADERS, rows)
    dry = upload(client, "people", data, "people.csv")
    got = report(dry)
    assert [got[n][0] for n in (2, 3, 4)] == [RowOutcome.VALID] * 3
    assert got[5][1] == [
        {
            "column": "公民身份号码",
            "message": "身份证号码为 15 位的第一代号码，请填写 18 位的公民身份号码（第二代居民身份证上的号码）。",
        }
    ]
    assert got[6][1][0]["column"] == "公民身份号码" and "校验位错误" in got[6][1][0]["message"]
    assert got[7][1][0]["column"] == "所在单位"
    assert got[8][1] == [
        {
            "column": "公民身份号码",
            "message": "“公民身份号码”被 Excel 当作数字保存，末几位已丢失：请将该列设为“文本”格式后重新填写号码。",
        }
    ]
    assert Person.objects.count() == 1

    run = upload(client, "people", data, "people.csv", mode="run")
    run.refresh_from_db()
    assert run.counts == {"created": 2, "updated": 1, "invalid": 4}
    old = Person.objects.with_id_number(OLD_DONGGUAN).get()
    assert (old.name, old.unit, old.post, old.is_active) == ("李伟强", unit, "科长", True)
    assert Person.objects.with_id_number(YOUNG).get().is_active is False
    existing.refresh_from_db()
    assert (existing.post, existing.rank) == ("副科长", "一级科员")  # empty rank: kept
    diffs = [e.diff for e in AuditEntry.objects.filter(action=AuditAction.IMPORT_CREATE)]
    assert all("**********" in d["id_number"] for d in diffs)  # masked in the audit trail

    again = upload(client, "people", data, "people.csv", mode="run")
    again.refresh_from_db()
    assert again.counts == {"unchanged": 3, "invalid": 4} and Person.objects.count() == 3


def test_a_verified_override_lets_the_same_value_through_a_reimport(upload, client, credit_admin):
    unit = OrganisationFactory(
        name="历史代码单位", credit_code="91110000600037341M", credit_code_override_reason="已核实。"
    )
    client.force_login(credit_admin)
    rows = [["历史代码单位", "", "91110000600037341M", "市直部门", "", ""]]
    batch = upload(client, "organisations", xlsx(ORG_HEADERS, rows), "orgs.xlsx", mode="run")
    batch.refresh_from_db()
    assert batch.counts == {"unchanged": 1}
    assert Organisation.objects.get(pk=unit.pk).credit_code_override_reason == "已核实。"


def test_a_file_without_a_required_column_fails_with_its_name(upload, client, credit_admin):
    client.force_login(credit_admin)
    batch = upload(client, "organisations", xlsx(["单位名称", "单位类型"], [["甲", "镇街"]]), "x.xlsx")
    assert batch.state == ImportState.FAILED and "统一社会信用代码" in batch.error


def test_who_may_import_what_and_see_which_batches(upload, client, credit_admin, hr_admin, officer):
    client.force_login(hr_admin)
    assert client.get("/work/imports/new/organisations/").status_code == 403
    assert client.get("/work/imports/new/people/").status_code == 200
    hr_batch = upload(client, "people", write_csv(PERSON_HEADERS, []), "p.csv")
    client.force_login(credit_admin)
    org_batch = upload(client, "organisations", write_csv(ORG_HEADERS, []), "o.csv")
    assert client.get(f"/work/imports/{hr_batch.pk}/").status_code == 200  # may import people too
    client.force_login(hr_admin)
    assert client.get(f"/work/imports/{org_batch.pk}/").status_code == 404
    assert client.get(f"/work/imports/{org_batch.pk}/progress/").status_code == 404
    listing = client.get("/work/imports/").content.decode()
    assert f"#{hr_batch.pk}" in listing and f"#{org_batch.pk}<" not in listing
    client.force_login(officer)  # reads the court lists' batches here, imports neither list
    assert "/work/imports/new/" not in client.get("/work/imports/").content.decode()
    assert client.get("/work/imports/new/organisations/").status_code == 403
    assert client.get(f"/work/imports/{org_batch.pk}/").status_code == 404
    client.force_login(UserFactory(roles=[Role.ASSESSOR]))
    assert client.get("/work/imports/").status_code == 403
    assert 'href="/work/imports/"' not in client.get("/work/cases/").content.decode()
    client.force_login(credit_admin)
    assert 'href="/work/imports/"' in client.get("/work/").content.decode()


def test_a_clean_dry_run_can_be_imported_without_choosing_the_file_again(
    upload, django_capture_on_commit_callbacks, client, credit_admin
):
    client.force_login(credit_admin)
    dry = upload(client, "organisations", xlsx(ORG_HEADERS, ORG_ROWS), "orgs.xlsx")
    assert "按此文件导入" in client.get(f"/work/imports/{dry.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/work/imports/{dry.pk}/run/")
    run = ImportBatch.objects.latest("pk")
    assert response["Location"] == f"/work/imports/{run.pk}/" and run.pk != dry.pk
    assert run.counts == {"created": 3} and Organisation.objects.filter(credit_code=CODE_A).exists()


# ── the verified override, by the identifier's administrator through their group ───────


def staff(role: str, username: str):
    """A user of the role's group, made staff by the system administrator; no permission
    of their own: what they may do comes from the group (casework migration 0015)."""
    return UserFactory(username=username, first_name=username, roles=[role], is_staff=True)


def test_the_credit_admin_overrides_a_uscc_through_the_role_group(client):
    unit = OrganisationFactory(name="历史代码单位")
    admin_user = staff(Role.CREDIT_ADMIN, "credit2")
    client.force_login(admin_user)
    url = f"/admin/casework/organisation/{unit.pk}/change/"
    form = {
        "name": unit.name,
        "short_name": "",
        "type": unit.type,
        "parent": "",
        "credit_code": "91110000600037341M",
        "is_active": "on",
        "names-TOTAL_FORMS": "0",
        "names-INITIAL_FORMS": "0",
        "names-MIN_NUM_FORMS": "0",
        "names-MAX_NUM_FORMS": "1000",
        "override_reason": "已函询市场监管部门核实为登记机关赋予的代码。",
    }
    assert client.post(url, form).status_code == 302
    unit.refresh_from_db()
    assert (unit.credit_code, unit.credit_code_override_by) == ("91110000600037341M", admin_user)
    entry = AuditEntry.objects.get(action=AuditAction.IDENTIFIER_OVERRIDE)
    assert (entry.actor, entry.actor_role, entry.object_id) == (admin_user, Role.CREDIT_ADMIN, str(unit.pk))
    assert audit.verify().ok


def test_the_hr_admin_overrides_an_id_number_and_opens_no_other_admin_page(client):
    person = PersonFactory(name="王五")
    hr = staff(Role.HR_ADMIN, "hr2")
    client.force_login(hr)
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/casework/organisation/").status_code == 403
    assert client.get("/admin/casework/user/").status_code == 403
    url = f"/admin/casework/person/{person.pk}/change/"
    assert "override_reason" in client.get(url).content.decode()
    failing = YOUNG[:-1] + ("0" if YOUNG[-1] != "0" else "1")
    form = {
        "name": person.name,
        "id_number": failing,
        "unit": person.unit_id,
        "post": person.post,
        "rank": person.rank,
        "supervising_body": "",
        "is_active": "on",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200 and "身份证号码校验位错误" in refused.content.decode()
    form["override_reason"] = "已核对户籍证明，系发证差错。"
    assert client.post(url, form).status_code == 302
    person.refresh_from_db()
    assert (person.id_number, person.id_number_override_by) == (failing, hr)
    entry = AuditEntry.objects.get(action=AuditAction.IDENTIFIER_OVERRIDE)
    assert (entry.actor, entry.actor_role) == (hr, Role.HR_ADMIN)
    assert entry.diff == {"id_number": failing[:4] + "**********" + failing[-4:]}
    # The officer, staff too, still has no admin at all.
    client.force_login(staff(Role.OFFICER, "officer2"))
    assert client.get(url).status_code == 403


def test_a_renamed_unit_keeps_its_former_name_for_earlier_dates(upload, client, credit_admin, settings):
    settings.CHENGXIN_TODAY = "2026-03-02"
    unit = OrganisationFactory(name="东莞市住房和城乡建设局", credit_code=CODE_B)
    OrganisationName.objects.create(organisation=unit, name=unit.name, valid_from=dt.date(2019, 3, 1))
    client.force_login(credit_admin)
    rows = [["东莞市住房和城乡建设管理局", "", CODE_B, "市直部门", "", ""]]
    batch = upload(client, "organisations", xlsx(ORG_HEADERS, rows), "rename.xlsx", mode="run")
    batch.refresh_from_db()
    assert batch.counts == {"updated": 1}
    unit = Organisation.objects.get(pk=unit.pk)
    assert unit.name_on(dt.date(2026, 3, 1)) == "东莞市住房和城乡建设局"
    assert unit.name_on(dt.date(2026, 3, 2)) == "东莞市住房和城乡建设管理局"


def test_the_column_docs_are_the_declaration():
    """docs/import-columns.md is written from the same declaration as the templates and the
    checks (`manage.py import_columns`); this fails when one changed without the other."""
    from django.conf import settings

    from exchange.directory import columns_markdown

    written = (settings.BASE_DIR / "docs" / "import-columns.md").read_text(encoding="utf-8")
    assert written == columns_markdown(), "run: python manage.py import_columns"


def test_a_workbooks_stated_range_is_the_first_count_and_the_rows_read_the_last(upload, client, credit_admin):
    # Excel states the used range, so the upload need not parse the sheet twice; a range
    # that holds an empty row counts it until the run has read the file.
    rows = [ORG_ROWS[1], ["", "", "", "", "", ""], ORG_ROWS[2]]
    data = xlsx(ORG_HEADERS, rows)
    assert count_rows(data, file_name="orgs.xlsx") == 3
    client.force_login(credit_admin)
    batch = upload(client, "organisations", data, "orgs.xlsx", mode="run")
    batch.refresh_from_db()
    assert batch.counts == {"created": 2}
    assert (batch.processed_rows, batch.total_rows, batch.percent) == (2, 2, 100)
