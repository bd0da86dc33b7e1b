"""The dashboards and the statistics page: every figure drawn with its data table for the
commission's roles, its Excel export equal to that table, the filters changing the numbers,
a unit seeing only its own, and the queries not growing with the number of records."""

from __future__ import annotations

import datetime as dt
import io
from html.parser import HTMLParser

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from casework.lifecycle import ObjectionState, RecordState, RepairState
from casework.models import ConflictDeclaration, Deadline, Objection, Record, RepairApplication
from casework.roles import Role
from oversight.models import RiskAlert, RiskRule
from oversight.statistics.registry import COMMISSION_FIGURES, UNIT_FIGURES, for_user
from oversight.statistics.scope import Scope

from .factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)
COMMISSION = [Role.OFFICER, Role.APPROVER, Role.CREDIT_ADMIN, Role.ASSESSOR]
CATEGORIES = ["PEN", "JUD", "PRM", "ACC"]
TIERS = ["MINOR", "GENERAL", "SERIOUS"]
STATES = [RecordState.EFFECTIVE, RecordState.DETERMINED, RecordState.REPAIRED, RecordState.EXPIRED]


@pytest.fixture(autouse=True)
def today(settings):
    settings.CHENGXIN_TODAY = TODAY.isoformat()


@pytest.fixture
def rule(db):
    return RiskRule.objects.create(code="dash_rule", name="测试规则", level="orange", owner_role=Role.OFFICER)


def add_records(
    count: int, unit, *, start: int = 0, category=None, tier=None, month=None, user=None, rule=None
):
    """`count` records about `unit`, spread over categories, tiers, states and the last months,
    each with an open time limit (every other one overdue), an objection and a repair
    application every third, and an alert every fourth: bulk-created, as the figures only read."""
    user = user or UserFactory()
    records = Record.objects.bulk_create(
        Record(
            subject_organisation=unit,
            source="HOTLINE",
            lead_content=f"线索{n}",
            received_on=month or TODAY - dt.timedelta(days=11 * (n % 30)),
            fact_hash=f"{unit.pk}-{n}",
            reference=f"T-{unit.pk}-{n:05d}",
            category=category or CATEGORIES[n % len(CATEGORIES)],
            tier=tier or TIERS[n % len(TIERS)],
            state=STATES[n % len(STATES)],
            public=n % 2 == 0,
        )
        for n in range(start, start + count)
    )
    owner_type = ContentType.objects.get_for_model(Record)
    Deadline.objects.bulk_create(
        Deadline(
            record=record,
            owner_type=owner_type,
            owner_id=record.pk,
            kind="objection_decide",
            label="异议处理决定",
            start_on=TODAY - dt.timedelta(days=20),
            amount=10,
            unit="wd",
            due_on=TODAY - dt.timedelta(days=3) if n % 2 else TODAY + dt.timedelta(days=6),
        )
        for n, record in enumerate(records)
    )
    Objection.objects.bulk_create(
        Objection(
            record=r,
            ground="FACT",
            statement="异议",
            fingerprint=str(r.pk),
            filed_by=user,
            received_on=TODAY,
            state=[ObjectionState.ACCEPTED, ObjectionState.CLOSED][n % 2],
        )
        for n, r in enumerate(records)
        if n % 3 == 0
    )
    RepairApplication.objects.bulk_create(
        RepairApplication(
            record=r,
            applicant=user,
            submitted_on=TODAY,
            commitment="承诺",
            state=[RepairState.SUBMITTED, RepairState.GRANTED][n % 2],
        )
        for n, r in enumerate(records)
        if n % 3 == 1
    )
    if rule:
        RiskAlert.objects.bulk_create(
            RiskAlert(
                rule=rule,
                key=f"r:{r.pk}",
                level=["red", "blue"][n // 4 % 2],
                owner_role=Role.OFFICER,
                organisation=unit,
                record=r,
                summary="预警",
                raised_on=TODAY,
            )
            for n, r in enumerate(records)
            if n % 4 == 0
        )
    return records


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class Tables(HTMLParser):
    """The figure tables of a page: {table id: [[cell text, …], …]} (header row included)."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = self._row = self._cell = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and (attrs.get("id") or "").endswith("-table"):
            self._table = self.tables.setdefault(
                attrs["id"].removesuffix("-table").removeprefix("figure-"), []
            )
        elif tag == "tr" and self._table is not None:
            self._row = []
            self._table.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = self._row = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def sheet_rows(body: bytes) -> dict[str, list[list[str]]]:
    book = load_workbook(io.BytesIO(body), read_only=True)
    return {
        sheet.title: [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


def figures_of(response) -> dict:
    return {shown.spec.name: shown.table for shown in response.context["figures"]}


def counts(table) -> dict:
    return {row[0]: row[1] for row in table.rows}


# ── the pages ────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("role", COMMISSION)
@pytest.mark.parametrize("url", ["/work/", "/work/statistics/"])
def test_a_commission_role_sees_every_figure_with_its_chart_data_and_table(role, url, unit, rule):
    add_records(12, unit, rule=rule)
    user = UserFactory(roles=[role])
    response = signed_in(user).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    tables = Tables(html).tables
    assert "vendor/echarts/6.1.0/echarts.min.js" in html and "js/charts.js" in html
    assert set(tables) == {spec.name for spec in for_user(COMMISSION_FIGURES, user)}
    for spec in for_user(COMMISSION_FIGURES, user):
        assert f'id="figure-{spec.name}-data" type="application/json"' in html
        assert f'data-chart="figure-{spec.name}-data"' in html
        assert f'href="/work/dashboard/{spec.name}.xlsx?' in html
        assert len(tables[spec.name]) > 1, spec.name  # headers and at least one row
    assert "<script>" not in html  # data in json_script tags, code in static files only


def test_pages_without_charts_do_not_load_echarts(officer):
    html = signed_in(officer).get("/work/cases/").content.decode()
    assert "echarts" not in html


def test_the_numbers_are_those_of_the_records(officer, unit, other_unit, rule, civil_servant):
    add_records(8, unit, category="PEN", tier="GENERAL", month=dt.date(2026, 5, 4), rule=rule)
    add_records(3, other_unit, start=100, category="JUD", tier="SERIOUS", month=dt.date(2026, 2, 9))
    figures = figures_of(signed_in(officer).get("/work/"))
    assert counts(figures["records-by-category"]) == {
        **dict.fromkeys(counts(figures["records-by-category"]), 0),
        "行政处罚": 8,
        "司法判决": 3,
    }
    assert counts(figures["records-by-tier"]) == {"轻微": 0, "一般": 8, "严重": 3}
    months = counts(figures["records-per-month"])
    assert list(months) == [f"2025-{m:02d}" for m in range(7, 13)] + [f"2026-{m:02d}" for m in range(1, 7)]
    assert months["2026-05"] == 8 and months["2026-02"] == 3 and sum(months.values()) == 11
    overdue = figures["overdue-by-unit"].rows  # every other record's time limit is 3 days late
    assert [(name, n) for name, n, _days in overdue] == [("东莞市甲局", 4), ("东莞市乙局", 1)]
    assert overdue[0][2] == 1  # last day Fri 2026-06-12, today Mon 06-15: one working day late
    assert counts(figures["alerts"]) == {
        "蓝色（提示）": 1,
        "黄色（关注）": 0,
        "橙色（警示）": 0,
        "红色（严重）": 1,
    }
    # Objections on records 0, 3, 6 of the first unit and 0 of the second, accepted / closed in turn.
    assert counts(figures["objections"])["已受理"] == 3 and counts(figures["objections"])["已办结"] == 1
    assert counts(figures["repairs"])["已提交"] == 1 and counts(figures["repairs"])["准予修复"] == 3
    disclosure = counts(figures["disclosure"])
    assert sum(disclosure.values()) == 11 and disclosure["已修复"] == 2 + 1
    # One active civil servant in 甲局, no integrity file opened yet (scenario 32).
    assert figures["integrity-coverage"].rows == [("东莞市甲局", 0.0, 1, 0), ("合计", 0.0, 1, 0)]


def test_a_declared_conflict_leaves_the_units_records_out_of_the_figures(officer, unit, other_unit):
    add_records(5, unit)
    add_records(2, other_unit, start=100)
    everything = figures_of(signed_in(officer).get("/work/"))
    assert sum(counts(everything["objections"]).values()) == 2 + 1
    assert sum(counts(everything["repairs"]).values()) == 2 + 1
    ConflictDeclaration.objects.create(user=officer, organisation=unit, reason="回避")
    figures = figures_of(signed_in(officer).get("/work/"))
    assert sum(counts(figures["records-by-tier"]).values()) == 2
    # the rows hanging on records too: counted over every record only without a conflict
    assert sum(counts(figures["objections"]).values()) == 1
    assert sum(counts(figures["repairs"]).values()) == 1


# ── the statistics page's filters ───────────────────────────────────────────────────


def test_the_filters_change_the_numbers(officer, unit, other_unit, rule):
    add_records(8, unit, category="PEN", tier="GENERAL", month=dt.date(2026, 5, 4), rule=rule)
    add_records(
        3, other_unit, start=100, category="JUD", tier="SERIOUS", month=dt.date(2026, 2, 9), rule=rule
    )
    client = signed_in(officer)

    def total(params: dict, figure: str = "records-by-tier") -> int:
        response = client.get("/work/statistics/", params)
        assert response.status_code == 200
        return sum(n for _label, n, *_rest in figures_of(response)[figure].rows)

    assert total({}) == 11
    assert total({"unit": unit.pk}) == 8
    assert total({"unit": other_unit.pk}) == 3
    assert total({"category": "JUD"}) == 3
    assert total({"tier": "GENERAL"}) == 8
    assert total({"tier": "GENERAL", "category": "JUD"}) == 0
    assert total({"date_from": "2026-03-01"}) == 8
    assert total({"date_to": "2026-03-01"}) == 3
    assert total({"unit": other_unit.pk}, "overdue-by-unit") == 1
    assert total({"unit": unit.pk}, "alerts") == 2
    assert total({"category": "JUD"}, "alerts") == 1
    response = client.get("/work/statistics/", {"date_from": "2026-01-01", "date_to": "2026-03-31"})
    months = counts(figures_of(response)["records-per-month"])
    assert months == {"2026-01": 0, "2026-02": 3, "2026-03": 0}


def test_a_period_ending_before_it_starts_is_refused(officer):
    response = signed_in(officer).get(
        "/work/statistics/", {"date_from": "2026-05-01", "date_to": "2026-04-01"}
    )
    assert response.status_code == 400
    assert "收到日期至不能早于收到日期自" in response.content.decode()


# ── the exports ─────────────────────────────────────────────────────────────────────


def test_each_figures_export_equals_its_table_on_the_page(officer, unit, other_unit, rule):
    add_records(9, unit, rule=rule)
    add_records(4, other_unit, start=100)
    client = signed_in(officer)
    params = {"unit": unit.pk, "date_from": "2026-01-01"}
    tables = Tables(client.get("/work/statistics/", params).content.decode()).tables
    for spec in for_user(COMMISSION_FIGURES, officer):
        response = client.get(f"/work/dashboard/{spec.name}.xlsx", params)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        (rows,) = sheet_rows(response.content).values()
        assert rows == tables[spec.name], spec.name


def test_the_statistics_export_has_every_filtered_figure(officer, unit, other_unit):
    add_records(9, unit)
    add_records(4, other_unit, start=100)
    client = signed_in(officer)
    params = {"unit": other_unit.pk}
    tables = Tables(client.get("/work/statistics/", params).content.decode()).tables
    sheets = sheet_rows(client.get("/work/statistics/export.xlsx", params).content)
    assert list(sheets.values()) == [tables[spec.name] for spec in for_user(COMMISSION_FIGURES, officer)]
    assert sum(int(n) for _label, n in sheets["记录按失信等级"][1:]) == 4


def test_an_unknown_figure_is_missing(officer):
    assert signed_in(officer).get("/work/dashboard/nothing.xlsx").status_code == 404


# ── who sees what ───────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "url", ["/work/statistics/", "/work/statistics/export.xlsx", "/work/dashboard/records-by-tier.xlsx"]
)
@pytest.mark.parametrize("who", ["liaison", "civil_servant", "hr"])
def test_the_statistics_are_the_commissions_alone(request, url, who):
    user = UserFactory(roles=[Role.HR_ADMIN]) if who == "hr" else request.getfixturevalue(who)
    assert signed_in(user).get(url).status_code == 403


def test_a_unit_liaison_sees_only_their_units_dashboard(liaison, unit, other_unit):
    own = add_records(4, unit)
    other = add_records(6, other_unit, start=100)
    client = signed_in(liaison)
    response = client.get("/unit/")
    html = response.content.decode()
    assert response.status_code == 200 and "echarts.min.js" in html
    assert all(r.reference in html for r in own)
    assert not any(r.reference in html for r in other)
    (work,) = response.context["board"]["figures"]
    assert work.table.rows == [("异议处理决定", 4, 2)]
    deadlines = response.context["board"]["deadlines"].rows
    # Late since Fri 06-12: one working day; due Sun 06-21: 06-16, 17, 18 (06-19 is 端午).
    assert sorted(left for *_rest, left in deadlines) == [-1, -1, 3, 3]
    assert html.count("已逾期 1 个工作日") == 2
    (rows,) = sheet_rows(client.get(f"/unit/dashboard/{UNIT_FIGURES[0].name}.xlsx").content).values()
    assert rows == [["期限类型", "在办", "已逾期"], ["异议处理决定", "4", "2"]]
    assert client.get("/work/").status_code == 302  # the commission's dashboard is not theirs
    assert client.get("/work/dashboard/records-by-tier.xlsx").status_code == 403


def test_the_unit_figure_exports_are_the_units(officer):
    assert signed_in(officer).get(f"/unit/dashboard/{UNIT_FIGURES[0].name}.xlsx").status_code == 403


# ── must-show: the queries do not grow with the number of records ─────────────────────


def queries_of(client: Client, url: str) -> int:
    client.get(url)  # warm the per-process caches (content types, calendar)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def figure_queries(user) -> dict[str, int]:
    found = {}
    for spec in (*COMMISSION_FIGURES, *UNIT_FIGURES):
        with CaptureQueriesContext(connection) as captured:
            spec.table(user=user, scope=Scope(today=TODAY, unit_id=None))
        found[spec.name] = len(captured)
    return found


def test_the_dashboards_queries_do_not_grow_with_the_number_of_records(
    officer, liaison, unit, other_unit, rule
):
    add_records(10, unit, rule=rule)
    add_records(10, other_unit, start=1000, rule=rule)
    assert Record.objects.count() == 20
    officer_client, liaison_client = signed_in(officer), signed_in(liaison)
    urls = ["/work/", "/work/statistics/", "/work/statistics/?tier=GENERAL&date_from=2026-01-01"]
    few = {url: queries_of(officer_client, url) for url in urls}
    few["/unit/"] = queries_of(liaison_client, "/unit/")
    figure_queries(officer)  # the user's roles, read once and kept on the user
    few_figures = figure_queries(officer)

    add_records(90, unit, start=10, rule=rule)
    add_records(90, other_unit, start=1010, rule=rule)
    assert Record.objects.count() == 200
    many = {url: queries_of(officer_client, url) for url in urls}
    many["/unit/"] = queries_of(liaison_client, "/unit/")
    assert many == few
    assert figure_queries(officer) == few_figures
    assert max(few_figures.values()) <= 3  # one grouped query each, plus the calendar's check


def test_the_grades_are_the_latest_approved_years_each_units_last_revision(
    approver, officer, unit, other_unit
):
    from oversight.models import Assessment, AssessmentState, UnitResult

    old = Assessment.objects.create(year=2024, state=AssessmentState.APPROVED, created_by=approver)
    new = Assessment.objects.create(year=2025, state=AssessmentState.APPROVED, created_by=approver)
    Assessment.objects.create(year=2026, state=AssessmentState.SCORING, created_by=approver)

    def result(assessment, unit, grade, revision=1):
        UnitResult.objects.create(
            assessment=assessment,
            organisation=unit,
            organisation_name=unit.name,
            revision=revision,
            scores={},
            total=90,
            grade=grade,
        )

    result(old, unit, "D")
    result(new, unit, "C")
    result(new, unit, "B", revision=2)  # an upheld objection raised it
    result(new, other_unit, "A")
    figures = figures_of(signed_in(approver).get("/work/"))
    assert counts(figures["assessment-grades"]) == {"A": 1, "B": 1, "C": 0, "D": 0}
    response = signed_in(approver).get("/work/statistics/", {"unit": unit.pk})
    assert counts(figures_of(response)["assessment-grades"]) == {"A": 0, "B": 1, "C": 0, "D": 0}
    # The assessment is read by its assessors and approvers (oversight.assessment.queries): an
    # officer's pages and exports leave the figure out rather than show it empty.
    client = signed_in(officer)
    assert "assessment-grades" not in figures_of(client.get("/work/"))
    assert "assessment-grades" not in figures_of(client.get("/work/statistics/"))
    assert client.get("/work/dashboard/assessment-grades.xlsx").status_code == 404
    assert "年度考核等次" not in sheet_rows(client.get("/work/statistics/export.xlsx").content)


def test_the_coverage_chart_draws_the_units_below_100_and_the_total_the_table_all(officer, unit, other_unit):
    """Fifty units at 100 % would bury the one HR must act on: the chart draws the units below
    100 % (lowest first) and the total; the table and the export keep every unit."""
    import json

    from oversight.models import IntegrityFile

    from .factories import PersonFactory

    covered = PersonFactory(unit=unit)
    IntegrityFile.objects.create(person=covered, opened_on=TODAY)
    PersonFactory(unit=other_unit)
    html = signed_in(officer).get("/work/").content.decode()

    start = html.index('id="figure-integrity-coverage-data" type="application/json">') + len(
        'id="figure-integrity-coverage-data" type="application/json">'
    )
    chart = json.loads(html[start : html.index("</script>", start)])
    assert chart["labels"] == ["东莞市乙局", "合计"]
    assert chart["series"][0]["data"] == [0.0, 50.0]
    table = [row[0] for row in Tables(html).tables["integrity-coverage"][1:]]
    assert sorted(table[:-1]) == ["东莞市乙局", "东莞市甲局"] and table[-1] == "合计"
    assert "覆盖率最低的 15 个" in html
