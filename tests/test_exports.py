"""Exports for people (issue 11 item 6): the case list and the public list as XLSX "with the
filters applied". Each file is parsed back with openpyxl: it holds exactly the rows the list
shows this user under those filters (all pages), nothing of anyone else's, and the public
file only public fields."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from casework.models import ConflictDeclaration
from casework.roles import Role
from exchange.spreadsheets import XLSX_CONTENT_TYPE

from . import lifecycle
from .factories import LeadFactory, OrganisationFactory, PersonFactory, UserFactory
from .personal_data import id_numbers_in

pytestmark = pytest.mark.django_db


def sheet_rows(response) -> list[dict]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    lines = list(sheet.iter_rows(values_only=True))
    return [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]


def references(rows) -> set[str]:
    return {row.get("案件编号") or row.get("记录编号") for row in rows}


@pytest.fixture
def units(db):
    return OrganisationFactory(name="东莞市甲局"), OrganisationFactory(name="东莞市乙局")


@pytest.fixture
def leads(units):
    """30 leads of 甲局 (more than a page of 25) and 3 of 乙局."""
    first, second = units
    return [LeadFactory(subject_organisation=first) for _ in range(30)], [
        LeadFactory(subject_organisation=second) for _ in range(3)
    ]


def test_the_case_list_export_has_every_filtered_row_and_the_page_links_to_it(client, officer, units, leads):
    _first, second = units
    client.force_login(officer)
    everything = sheet_rows(client.get("/work/cases/export.xlsx"))
    assert references(everything) == {r.reference for r in leads[0] + leads[1]}  # all pages, not 25
    assert everything[0]["失信主体"] in ("东莞市甲局", "东莞市乙局") and everything[0]["主体类型"] == "单位"

    query = f"unit={second.pk}&sort=reference"
    page = client.get(f"/work/cases/?{query}").content.decode()
    assert f'href="/work/cases/export.xlsx?{query.replace("&", "&amp;")}"' in page
    filtered = sheet_rows(client.get(f"/work/cases/export.xlsx?{query}"))
    assert [row["案件编号"] for row in filtered] == sorted(r.reference for r in leads[1])

    searched = sheet_rows(client.get("/work/cases/export.xlsx", {"q": leads[0][3].lead_content}))
    assert references(searched) == {leads[0][3].reference}


def test_the_case_list_export_is_scoped_like_the_list(client, officer, units, leads, liaison):
    _first, second = units
    # An officer who declared 回避 for 乙局 does not get its cases, filtered for or not.
    ConflictDeclaration.objects.create(user=officer, organisation=second, reason="配偶任职")
    client.force_login(officer)
    assert references(sheet_rows(client.get("/work/cases/export.xlsx"))) == {r.reference for r in leads[0]}
    assert sheet_rows(client.get(f"/work/cases/export.xlsx?unit={second.pk}")) == []

    # The intake operator's list holds only the leads they registered.
    intake = UserFactory(roles=[Role.INTAKE_OPERATOR])
    mine = LeadFactory(subject_organisation=second, created_by=intake)
    client.force_login(intake)
    assert references(sheet_rows(client.get("/work/cases/export.xlsx"))) == {mine.reference}

    # A unit's liaison has no case list, and so no export of it.
    client.force_login(liaison)
    assert client.get("/work/cases/export.xlsx").status_code == 403
    assert Client().get("/work/cases/export.xlsx").status_code == 302  # to sign in


def test_a_person_case_names_the_unit_but_never_the_id_number(client, officer, units):
    person = PersonFactory(unit=units[0], name="李四")
    LeadFactory(subject_organisation=None, subject_person=person)
    client.force_login(officer)
    response = client.get("/work/cases/export.xlsx")
    [row] = sheet_rows(response)
    assert (row["失信主体"], row["主体类型"], row["所在单位"]) == ("李四", "公务员", "东莞市甲局")
    text = "".join(str(v) for v in row.values())
    assert id_numbers_in(text, person) == [] and person.id_number[-4:] not in text


def test_the_public_export_has_only_what_is_on_display_with_the_search_applied(
    fixed_today, commission, officer, approver, unit, other_unit
):
    shown = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    other = lifecycle.effective(officer=officer, approver=approver, organisation=other_unit)
    hidden = lifecycle.determined(
        officer=officer, approver=approver, organisation=other_unit, content="乙局未按期兑现奖补资金。"
    )
    person = PersonFactory(unit=unit, name="李四")
    accountable = lifecycle.effective(officer=officer, approver=approver, person=person, category="ACC")
    discipline = lifecycle.effective(
        officer=officer,
        approver=approver,
        person=PersonFactory(unit=unit),
        category="DIS",
        content="另一事项。",
    )
    client = Client()
    page = client.get("/public/records/").content.decode()
    assert 'href="/public/records/export.xlsx"' in page
    rows = sheet_rows(client.get("/public/records/export.xlsx"))
    assert references(rows) == {shown.reference, other.reference, accountable.reference}
    assert hidden.reference not in references(rows) and discipline.reference not in references(rows)
    assert set(rows[0]) == {
        "记录编号",
        "失信主体",
        "主体类型",
        "统一社会信用代码",
        "所在单位",
        "失信类别",
        "等级",
        "失信事实",
        "认定依据",
        "认定单位",
        "认定日期",
        "公示截止日期",
        "异议处理中",
    }
    [person_row] = [r for r in rows if r["记录编号"] == accountable.reference]
    assert (person_row["失信主体"], person_row["所在单位"], person_row["失信事实"]) == (
        "李四",
        unit.name,
        None,
    )
    text = "".join(str(v) for row in rows for v in row.values())
    assert id_numbers_in(text, person) == [] and "科员" not in text

    searched = sheet_rows(client.get("/public/records/export.xlsx", {"q": other_unit.name}))
    assert references(searched) == {other.reference}
    assert (
        "/public/records/export.xlsx?q="
        in client.get("/public/records/", {"q": other_unit.name}).content.decode()
    )
