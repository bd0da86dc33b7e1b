"""Civil-servant integrity files (DOMAIN §9.5, scenario 32): coverage per unit and in total, the
alert for an active civil servant without a file, what the file shows and its PDF, who reads
it, and hand entries corrected by new entries."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from casework.models import AuditEntry, ConflictDeclaration
from casework.roles import Role
from casework.services import records as record_services
from casework.services.records import decided as decided_records
from oversight.integrity import alerts as file_alerts
from oversight.integrity import queries, services
from oversight.integrity.services import FileAction
from oversight.models import AlertState, FileEntry, IntegrityFile, RiskAlert

from . import lifecycle
from .factories import OrganisationFactory, PersonFactory, UserFactory

HOME = "/work/integrity/"
TODAY = dt.date(2026, 2, 2)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(user, url: str, status: int = 200) -> str:
    response = client_for(user).get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode() if status == 200 else ""


def post(user, url: str, data: dict | None = None, status: int = 302):
    response = client_for(user).post(url, data or {})
    assert response.status_code == status, (url, response.status_code)
    return response


def squeeze(text: str) -> str:
    return "".join(text.split())


def pdf_text(body: bytes) -> str:
    return squeeze("".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages))


def total_row(html: str) -> list[str]:
    """The total row's cells: units' name, active, with a file, without, percent."""
    row = html.split('id="coverage-total"', 1)[1].split("</tr>", 1)[0]
    return [
        squeeze(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
    ]


def unit_row(html: str, unit) -> list[str]:
    row = html.split(f'?unit={unit.pk}"', 1)[1].split("</tr>", 1)[0]
    return [squeeze(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def active_alerts(person) -> list[RiskAlert]:
    return list(
        RiskAlert.objects.filter(
            rule_id=file_alerts.RULE_CODE, key=f"person:{person.pk}", state=AlertState.OPEN
        )
    )


@pytest.fixture
def staff(unit, civil_servant):
    """The unit's two active civil servants (张三 signs in; 李四 does not), and one who left."""
    PersonFactory(unit=unit, name="已离职", is_active=False)
    return [civil_servant.person, PersonFactory(unit=unit, name="李四")]


# ── scenario 32 ─────────────────────────────────────────────────────────────────────


def test_scenario_32_a_new_civil_servant_without_a_file_lowers_coverage_and_raises_an_alert(
    hr, unit, staff, fixed_today
):
    post(hr, f"/work/integrity/units/{unit.pk}/open/")
    assert IntegrityFile.objects.count() == 2  # the one who left gets none
    html = page(hr, HOME)
    assert total_row(html) == ["合计", "2", "2", "0", "100.0%"]
    assert file_alerts.sync_file_alerts(TODAY) == {"raised": 0, "resolved": 0}

    newcomer = PersonFactory(unit=unit, name="王五")
    html = page(hr, HOME)
    # 2 of 3, rounded down: one missing file never shows as 100 %
    assert total_row(html) == ["合计", "3", "2", "1", "66.6%"]
    assert unit_row(html, unit) == ["3", "2", "1", "66.6%"]
    assert file_alerts.sync_file_alerts(TODAY) == {"raised": 1, "resolved": 0}
    [alert] = active_alerts(newcomer)
    assert (alert.owner_role, alert.organisation_id) == (Role.HR_ADMIN, unit.pk)
    assert "王五" in alert.summary and alert.link == f"/work/integrity/{newcomer.pk}/"
    assert "王五" in page(hr, f"{HOME}?unit={unit.pk}")

    post(hr, f"/work/integrity/{newcomer.pk}/open/")
    assert total_row(page(hr, HOME)) == ["合计", "3", "3", "0", "100.0%"]
    # opening the file brought the alerts up to date at once; the next sweep agrees
    alert.refresh_from_db()
    assert (alert.state, alert.closed_on) == (AlertState.RESOLVED, TODAY)
    assert file_alerts.sync_file_alerts(TODAY) == {"raised": 0, "resolved": 0}


def test_a_civil_servant_who_leaves_without_a_file_resolves_the_alert_at_the_next_sync(unit, fixed_today):
    person = PersonFactory(unit=unit)
    file_alerts.sync_file_alerts(TODAY)
    assert active_alerts(person)
    person.is_active = False
    person.save()
    assert file_alerts.sync_file_alerts(TODAY) == {"raised": 0, "resolved": 1}


def test_coverage_is_one_query_per_unit_and_total_whatever_the_number_of_people(
    django_assert_num_queries, unit, other_unit, fixed_today
):
    PersonFactory.create_batch(3, unit=unit)
    filed = PersonFactory.create_batch(2, unit=other_unit)
    IntegrityFile.objects.bulk_create([IntegrityFile(person=p, opened_on=TODAY) for p in filed])
    with django_assert_num_queries(1):
        rows = queries.coverage_by_unit()
    by_unit = {row["unit_id"]: row for row in rows}
    assert (by_unit[unit.pk]["active"], by_unit[unit.pk]["with_file"], by_unit[unit.pk]["percent"]) == (
        3,
        0,
        0,
    )
    assert by_unit[other_unit.pk]["percent"] == 100
    assert rows[-1] == {"unit_id": None, "unit_name": "合计", "active": 5, "with_file": 2, "percent": 40.0}


def test_opening_a_units_files_takes_as_many_queries_for_twenty_people_as_for_two(
    hr, unit, other_unit, fixed_today
):
    def queries_to_open(organisation, n: int) -> int:
        PersonFactory.create_batch(n, unit=organisation)
        with CaptureQueriesContext(connection) as captured:
            assert services.files_open_for_unit(acting_user=hr, unit_id=organisation.pk) == n
        return len(captured)

    queries_to_open(OrganisationFactory(), 1)  # caches warmed: the user's roles, content types
    assert queries_to_open(unit, 2) == queries_to_open(other_unit, 20)
    assert RiskAlert.objects.filter(state=AlertState.OPEN).count() == 0


def test_opening_a_units_files_is_audited_and_a_second_click_opens_none(hr, unit, staff, fixed_today):
    button = "为本单位所有未建档的在职公务员建档"
    assert button in page(hr, f"{HOME}?unit={unit.pk}")
    post(hr, f"/work/integrity/units/{unit.pk}/open/")
    assert button not in page(hr, f"{HOME}?unit={unit.pk}")
    post(hr, f"/work/integrity/units/{unit.pk}/open/")
    assert IntegrityFile.objects.count() == 2
    entries = AuditEntry.objects.filter(action=FileAction.OPEN)
    assert sorted(e.object_repr for e in entries) == ["张三的诚信档案", "李四的诚信档案"]
    assert {e.actor_id for e in entries} == {hr.pk}


# ── what the file shows, and the PDF ─────────────────────────────────────────────────


@pytest.fixture
def opened(hr, person, fixed_today):
    post(hr, f"/work/integrity/{person.pk}/open/")
    return IntegrityFile.objects.get(person=person)


def add_entry(hr, person, **data):
    return post(hr, f"/work/integrity/{person.pk}/entries/", data)


def test_the_file_and_its_pdf_show_the_persons_record_and_the_hand_entries_but_no_dismissed_lead(
    hr, officer, approver, person, opened
):
    record = lifecycle.effective(officer=officer, approver=approver, person=person)
    dismissed = lifecycle.lead(officer=officer, person=person, content="另一条线索：经核查不属实。")
    record_services.record_start_verification(acting_user=officer, record_id=dismissed.pk)
    record_services.record_dismiss(
        acting_user=approver, record_id=dismissed.pk, reason="经核查，线索不属实。"
    )
    add_entry(
        hr,
        person,
        kind="COMMENDATION",
        entry_date="2026-01-20",
        description="2025 年度嘉奖",
        evidence="东人社〔2026〕3号",
    )
    add_entry(
        hr,
        person,
        kind="TRAINING",
        entry_date="2026-01-22",
        description="政务诚信专题培训",
        result="考试合格",
    )

    html = page(hr, f"/work/integrity/{person.pk}/")
    assert record.reference in html and "生效" in html
    assert dismissed.reference not in html
    assert "2025 年度嘉奖" in html and "考试合格" in html

    response = client_for(hr).get(f"/work/integrity/{person.pk}/file.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        "公务员诚信档案",
        person.name,
        person.unit.name,
        squeeze(person.masked_id_number),
        record.reference,
        "2025年度嘉奖",
        "东人社〔2026〕3号",
        "政务诚信专题培训",
        "生成时间",
    ):
        assert expected in text, expected
    assert person.id_number not in text and dismissed.reference not in text
    download = AuditEntry.objects.get(action=FileAction.DOWNLOAD)
    assert (download.actor_id, download.object_id) == (hr.pk, str(opened.pk))


def test_a_revoked_finding_leaves_the_file_also_once_archived(hr, officer, approver, person, opened):
    record = lifecycle.effective(officer=officer, approver=approver, person=person)
    url = f"/work/integrity/{person.pk}/"
    assert record.reference in page(hr, url)
    decided_records.record_revoke(
        acting_user=approver, record_id=record.pk, reason="原决定被撤销。", document="撤销决定书"
    )
    assert record.reference not in page(hr, url)
    decided_records.record_archive(acting_user=officer, record_id=record.pk)
    assert record.reference not in page(hr, url)


def test_a_record_decided_after_the_file_was_opened_is_in_it_at_once(hr, officer, approver, person, opened):
    assert "暂无" not in page(hr, f"/work/integrity/{person.pk}/")
    record = lifecycle.effective(officer=officer, approver=approver, person=person)
    assert record.reference in page(hr, f"/work/integrity/{person.pk}/")


def test_the_persons_sanction_is_in_the_file_with_its_status(hr, person, warned):
    post(hr, f"/work/integrity/{person.pk}/open/")
    html = page(hr, f"/work/integrity/{person.pk}/")
    sanctions = html.split('id="sanctions-title"', 1)[1].split("</section>", 1)[0]
    assert "警告" in sanctions and "执行中" in sanctions and "2026-09-30" in sanctions


# ── who reads what ───────────────────────────────────────────────────────────────────


def test_the_civil_servant_reads_their_own_file_and_pdf_only(hr, civil_servant, person, opened, unit):
    other = PersonFactory(unit=unit, name="李四")
    add_entry(hr, person, kind="COMMITMENT", entry_date="2026-01-21", description="签署公务员诚信承诺书")
    html = page(civil_servant, "/me/integrity/")
    assert "我的诚信档案" in html and "签署公务员诚信承诺书" in html
    assert "登记档案条目" not in html and "/correct/" not in html
    response = client_for(civil_servant).get("/me/integrity/file.pdf")
    assert response.status_code == 200 and "签署公务员诚信承诺书" in pdf_text(response.content)
    download = AuditEntry.objects.get(action=FileAction.DOWNLOAD)
    assert (download.actor_id, download.actor_role) == (civil_servant.pk, Role.CIVIL_SERVANT)
    page(civil_servant, HOME, 403)
    page(civil_servant, f"/work/integrity/{person.pk}/", 403)
    page(civil_servant, f"/work/integrity/{other.pk}/file.pdf", 403)


@pytest.mark.parametrize("role", [Role.UNIT_LIAISON, Role.UNIT_HEAD, Role.INTAKE_OPERATOR, Role.SYSTEM_ADMIN])
def test_other_roles_get_the_403_page_for_files_and_pdfs(role, unit, person, opened):
    user = UserFactory(organisation=unit, roles=[role])
    for url in (
        HOME,
        f"/work/integrity/{person.pk}/",
        f"/work/integrity/{person.pk}/file.pdf",
        "/me/integrity/",
    ):
        page(user, url, 403)


def test_the_commission_reads_files_but_does_not_keep_them(officer, person, opened):
    html = page(officer, f"/work/integrity/{person.pk}/")
    assert person.name in html and "登记档案条目" not in html
    assert total_row(page(officer, HOME))[-1] == "100.0%"
    post(officer, f"/work/integrity/{person.pk}/entries/", {"kind": "OTHER"}, status=403)
    post(officer, f"/work/integrity/{person.pk}/open/", status=403)


def test_a_declared_conflict_hides_the_persons_file_and_an_unknown_person_is_404(hr, person, opened):
    page(hr, "/work/integrity/999999/", 404)
    ConflictDeclaration.objects.create(user=hr, person=person, reason="近亲属")
    page(hr, f"/work/integrity/{person.pk}/", 404)
    page(hr, f"/work/integrity/{person.pk}/file.pdf", 404)


def test_a_file_not_opened_yet_has_no_pdf(hr, civil_servant, person, fixed_today):
    assert "尚未建立诚信档案" in page(hr, f"/work/integrity/{person.pk}/")
    page(hr, f"/work/integrity/{person.pk}/file.pdf", 404)
    page(civil_servant, "/me/integrity/file.pdf", 404)
    assert "尚未建立诚信档案" in page(civil_servant, "/me/integrity/")


# ── hand entries: append-only, corrected by a new entry ───────────────────────────────


def test_a_correction_voids_the_old_entry_with_its_reason_and_both_stay_on_file(hr, person, opened):
    add_entry(
        hr,
        person,
        kind="ANNUAL_ASSESSMENT",
        entry_date="2026-01-25",
        description="年度考核",
        year=2025,
        result="称职",
    )
    old = FileEntry.objects.get()
    data = {"kind": "ANNUAL_ASSESSMENT", "entry_date": "2026-01-25", "description": "年度考核", "year": 2025}
    post(
        hr,
        f"/work/integrity/entries/{old.pk}/correct/",
        {**data, "result": "优秀", "reason": "录入错误，应为优秀"},
    )

    new = FileEntry.objects.get(corrects=old)
    assert (new.result, new.correction_reason) == ("优秀", "录入错误，应为优秀")
    html = page(hr, f"/work/integrity/{person.pk}/")
    assert "<del>" in html and "录入错误，应为优秀" in html and "优秀" in html
    entry = AuditEntry.objects.get(action=FileAction.ENTRY_CORRECT)
    assert entry.reason == "录入错误，应为优秀" and entry.diff["corrects"] == [None, old.pk]

    # the void entry cannot be corrected again, and the year's grade is not entered twice
    response = post(
        hr,
        f"/work/integrity/entries/{old.pk}/correct/",
        {**data, "result": "称职", "reason": "再改"},
        status=400,
    )
    assert "已被更正" in response.content.decode()
    response = post(hr, f"/work/integrity/{person.pk}/entries/", {**data, "result": "称职"}, status=400)
    assert "2025 年度的考核结果已登记" in response.content.decode()
    with pytest.raises(TypeError):
        FileEntry.objects.filter(pk=old.pk).update(result="优秀")
    with pytest.raises(TypeError):
        FileEntry.objects.all().delete()


def test_an_assessment_needs_a_grade_and_a_correction_needs_a_reason(hr, person, opened):
    data = {"kind": "ANNUAL_ASSESSMENT", "entry_date": "2026-01-25", "description": "年度考核", "year": 2025}
    response = post(hr, f"/work/integrity/{person.pk}/entries/", {**data, "result": "良好"}, status=400)
    assert "请选择考核结果" in response.content.decode()
    add_entry(hr, person, **data, result="称职")
    old = FileEntry.objects.get()
    post(
        hr, f"/work/integrity/entries/{old.pk}/correct/", {**data, "result": "优秀", "reason": ""}, status=400
    )
    assert FileEntry.objects.count() == 1


def test_entries_on_a_person_without_a_file_are_refused(hr, person, fixed_today):
    response = post(
        hr,
        f"/work/integrity/{person.pk}/entries/",
        {"kind": "OTHER", "entry_date": "2026-01-25", "description": "说明"},
        status=400,
    )
    assert "尚未建立诚信档案" in response.content.decode()


def test_an_organisation_is_never_a_file(hr, fixed_today):
    OrganisationFactory()
    assert queries.coverage(hr) == ([], queries.Coverage(None, "合计", 0, 0))


def test_a_training_needs_its_result_and_no_entry_is_dated_after_today(hr, person, opened):
    data = {"kind": "TRAINING", "description": "政务诚信专题培训"}
    response = post(
        hr, f"/work/integrity/{person.pk}/entries/", {**data, "entry_date": "2026-01-22"}, status=400
    )
    assert "请填写培训结果" in response.content.decode()
    response = post(
        hr,
        f"/work/integrity/{person.pk}/entries/",
        {**data, "entry_date": "2026-02-03", "result": "合格"},
        status=400,
    )
    assert "日期不能晚于今天" in response.content.decode()
    assert not FileEntry.objects.exists()
    add_entry(hr, person, **data, entry_date="2026-02-02", result="合格")
    assert AuditEntry.objects.get(action=FileAction.ENTRY_ADD).diff["result"] == [None, "合格"]


def test_each_units_coverage_row_labels_its_cells_for_the_narrow_layout(hr, unit, other_unit, fixed_today):
    PersonFactory(unit=unit)
    PersonFactory(unit=other_unit)
    html = page(hr, HOME)
    for each in (unit, other_unit):
        row = (
            html.split(f'?unit={each.pk}"', 1)[0].rsplit("<tr", 1)[1] + html.split(f'?unit={each.pk}"', 1)[1]
        )
        row = row.split("</tr>", 1)[0]
        assert re.findall(r'data-label="([^"]*)"', row) == [
            "单位",
            "在职公务员",
            "已建档",
            "未建档",
            "覆盖率",
        ]


def test_coverage_rows_are_the_units_with_active_staff_by_name(db, fixed_today):
    later, earlier, emptied = (
        OrganisationFactory(name=name) for name in ("东莞市b局", "东莞市a局", "东莞市c局")
    )
    PersonFactory(unit=later)
    filed = PersonFactory(unit=earlier)
    PersonFactory(unit=emptied, is_active=False)
    IntegrityFile.objects.create(person=filed, opened_on=TODAY)
    rows = queries.coverage_by_unit()
    assert [(r["unit_name"], r["active"], r["with_file"]) for r in rows] == [
        ("东莞市a局", 1, 1),
        ("东莞市b局", 1, 0),
        ("合计", 2, 1),
    ]
