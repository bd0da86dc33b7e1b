"""The annual integrity assessment (DOMAIN §9.1) through the portal pages: the tree frozen
once scoring starts, deductions traced to real records, separation of duties, results frozen
on approval, the 考评办 workbook, a unit's own view and its objection window."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from casework.models import AuditEntry, Record
from casework.roles import Role
from casework.services.records import decided
from exchange.models import Complaint
from oversight.assessment import sources
from oversight.assessment.lifecycle import ASSESSMENT_STEPS
from oversight.models import Assessment, AssessmentState, Indicator, LineOrigin, ScoreLine, UnitResult

from . import lifecycle
from .assessment_cases import BASE, approved, create, messages_of, page_totals, post, scoring, step
from .factories import UserFactory
from .rectification_steps import PDF_BYTES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("issuer")]


@pytest.fixture
def assessor(db):
    return UserFactory(username="assessor", first_name="考评员", roles=[Role.ASSESSOR])


@pytest.fixture
def records(officer, approver, unit, other_unit, fixed_today):
    """In force on 2026-02-02: the unit's 一般 and 严重 records, the other unit's 轻微 one."""
    return {
        "general": lifecycle.effective(officer=officer, approver=approver, organisation=unit, tier="GENERAL"),
        "serious": lifecycle.effective(
            officer=officer, approver=approver, organisation=unit, tier="SERIOUS", content="严重失信事实。"
        ),
        "minor": lifecycle.effective(
            officer=officer, approver=approver, organisation=other_unit, tier="MINOR"
        ),
    }


def response_total(client) -> Decimal:
    return client.get("/unit/assessment/2026/").context["score"].total


def _lines(unit, code):
    return ScoreLine.objects.filter(organisation=unit, indicator__code=code).order_by("pk")


# ── the tree ─────────────────────────────────────────────────────────────────────────────
def test_a_new_year_copies_the_default_tree_and_the_assessor_edits_it(client, assessor):
    assessment = create(client, assessor)
    codes = list(assessment.indicators.values_list("code", flat=True))
    assert codes[:2] == ["commitments", "records"] and "bonus" in codes
    records = assessment.indicators.get(code="records")
    response = post(
        client,
        assessor,
        f"{BASE}2026/indicators/{records.pk}/",
        {"code": "records", "name": "失信记录情况", "weight": "30", "source": "records", "position": 2},
    )
    assert response.status_code == 302
    assert Indicator.objects.get(pk=records.pk).name == "失信记录情况"


def test_the_tree_is_frozen_once_scoring_starts(client, assessor):
    assessment = scoring(client, assessor)
    assert assessment.state == "SCORING"
    records = assessment.indicators.get(code="records")
    response = post(
        client,
        assessor,
        f"{BASE}2026/indicators/{records.pk}/",
        {"code": "records", "name": "改名", "weight": "50", "source": "records", "position": 2},
        follow=True,
    )
    assert "2026 年度考核已开始评分，指标体系已冻结，不能再修改。" in messages_of(response)
    assert Indicator.objects.get(pk=records.pk).weight == Decimal(30)
    delete = post(client, assessor, f"{BASE}2026/indicators/{records.pk}/delete/", follow=True)
    assert "指标体系已冻结" in " ".join(messages_of(delete))
    assert Indicator.objects.filter(pk=records.pk).exists()


def test_scoring_does_not_start_when_weights_do_not_add_up_to_the_base(client, assessor):
    assessment = create(client, assessor)
    records = assessment.indicators.get(code="records")
    post(
        client,
        assessor,
        f"{BASE}2026/indicators/{records.pk}/",
        {"code": "records", "name": "失信记录", "weight": "20", "source": "records", "position": 2},
    )
    response = step(client, assessor, 2026, "start_scoring")
    assert "扣分类指标分值合计为 90.0，应等于基础分 100.0。" in messages_of(response)
    assert Assessment.objects.get(year=2026).state == "DRAFT"


# ── deductions traced to the rows behind them ────────────────────────────────────────────
def test_records_in_force_are_deducted_by_tier_with_references_to_them(
    client, assessor, unit, other_unit, records
):
    scoring(client, assessor)
    lines = _lines(unit, "records")
    assert sorted(line.points for line in lines) == [Decimal(-10), Decimal(-3)]
    referenced = {ref["record_id"] for line in lines for ref in line.references}
    assert referenced == {records["general"].pk, records["serious"].pk}
    assert any(records["serious"].reference in line.explanation for line in lines)
    [minor] = _lines(other_unit, "records")
    assert minor.points == Decimal(-1) and minor.references[0]["record_id"] == records["minor"].pk
    response = client.get(f"{BASE}2026/")
    totals = page_totals(response.content.decode())
    assert totals[unit.name] == Decimal(87) and totals[other_unit.name] == Decimal(99)


def test_an_indicator_loses_no_more_than_its_weight(client, assessor, unit, records, settings):
    settings.CHENGXIN = {
        **settings.CHENGXIN,
        "ASSESSMENT": {**settings.CHENGXIN["ASSESSMENT"], "TIER_POINTS": {"GENERAL": 15, "SERIOUS": 25}},
    }
    scoring(client, assessor)
    response = client.get(f"{BASE}2026/units/{unit.pk}/")
    score = response.context["score"]
    assert score.scores["records"] == Decimal(0)
    assert score.total == Decimal(70)


def test_overdue_objections_count_against_the_determining_unit(
    client, assessor, commission, officer, approver, unit, liaison, settings
):
    from .objection_steps import filed

    settings.CHENGXIN_TODAY = "2026-01-20"
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    filed(subject=liaison, record=record)  # to accept within 2 WD: by 2026-01-22
    settings.CHENGXIN_TODAY = "2026-02-02"
    scoring(client, assessor)
    [line] = _lines(commission, "objections")
    assert line.points == Decimal(-1) and line.references[0]["record_id"] == record.pk
    assert not _lines(unit, "objections").exists()


def test_a_unit_sees_no_record_it_may_not_see_behind_its_deductions(
    client, assessor, approver, commission, officer, unit, liaison, settings
):
    """The commission determined the unit's record and let an objection run late: the
    commission's liaison sees the deduction, not the unit's record behind it."""
    from .objection_steps import filed

    settings.CHENGXIN_TODAY = "2026-01-20"
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    filed(subject=liaison, record=record)
    settings.CHENGXIN_TODAY = "2026-02-02"
    approved(client, assessor, approver)
    commission_liaison = UserFactory(organisation=commission, roles=[Role.UNIT_LIAISON])
    client.force_login(commission_liaison)
    html = client.get("/unit/assessment/2026/").content.decode()
    assert "您无权查看的记录" in html and "异议处理：涉及您无权查看的记录" in html
    assert record.reference not in html and f"/work/cases/{record.pk}/" not in html
    assert response_total(client) == Decimal(99)


def test_overdue_rectification_items_are_deducted(client, assessor, officer, approver, unit, settings):
    from .rectification_steps import in_progress

    settings.CHENGXIN_TODAY = "2026-02-02"
    rectification = in_progress(
        officer=officer, approver=approver, unit=unit, count=2, served_on=dt.date(2026, 1, 20)
    )
    settings.CHENGXIN_TODAY = "2026-03-10"  # 30 days from service ran out in February
    scoring(client, assessor)
    lines = _lines(unit, "rectification")
    assert [line.points for line in lines] == [Decimal(-2), Decimal(-2)]
    assert {ref["record_id"] for line in lines for ref in line.references} == {rectification.record_id}


def test_listed_defaulters_and_substantiated_complaints_are_deducted(
    client, assessor, officer, approver, unit, fixed_today
):
    from .court_cases import entry, upload

    upload(client, officer, [entry(unit.name, "(2025)粤1971执100号", code=unit.credit_code)])
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    Complaint.objects.create(
        channel="hotline",
        title="拖欠工程款",
        content="某局拖欠工程款。",
        received_on=dt.date(2026, 1, 3),
        routing_due=dt.date(2026, 1, 5),
        feedback_due=dt.date(2026, 1, 18),
        state="ACCEPTED",
        lead=record,
    )
    scoring(client, assessor)
    [judgment] = _lines(unit, "judgments")
    assert judgment.points == Decimal(-5) and "(2025)粤1971执100号" in judgment.explanation
    [complaint] = _lines(unit, "complaints")
    assert complaint.points == Decimal(-1) and record.pk in {r["record_id"] for r in complaint.references}


def test_late_self_reports_are_deducted(client, assessor, unit, liaison, fixed_today):
    from oversight.selfreports.services import self_report_submit

    report = self_report_submit(
        acting_user=liaison,
        kind="judgment",
        document_number="(2025)粤1971民初200号",
        issuing_body="东莞市第一人民法院",
        received_on=dt.date(2026, 1, 5),
        summary="本单位败诉，须支付工程款。",
    )
    assert report.late
    scoring(client, assessor)
    [line] = _lines(unit, "self_reports")
    assert line.points == Decimal(-1) and "(2025)粤1971民初200号" in line.explanation
    assert {"self_report", "record"} == {ref["kind"] for ref in line.references}


def test_broken_commitments_are_deducted(client, assessor, officer, unit, fixed_today):
    from .test_commitments import WORK, as_user, register

    as_user(client, officer)
    commitment = register(client, unit, base=WORK)
    client.post(f"{WORK}{commitment.pk}/act/breach/", {"reason": "承诺奖励至今未兑现。"})
    scoring(client, assessor)
    [line] = _lines(unit, "commitments")
    assert line.points == Decimal(-3) and commitment.number in line.explanation
    commitment.refresh_from_db()
    assert commitment.lead.reference not in line.explanation and line.references[0]["kind"] == "commitment"


def test_counting_takes_the_same_queries_for_three_units_as_for_one(
    client, assessor, officer, approver, unit, fixed_today
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from oversight.assessment import services

    from .factories import OrganisationFactory

    lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    assessment = scoring(client, assessor)
    services.assessment_recompute(acting_user=assessor, assessment_id=assessment.pk)  # the roles, cached
    with CaptureQueriesContext(connection) as one:
        services.assessment_recompute(acting_user=assessor, assessment_id=assessment.pk)
    for _n in range(2):
        lifecycle.effective(officer=officer, approver=approver, organisation=OrganisationFactory())
    with CaptureQueriesContext(connection) as three:
        services.assessment_recompute(acting_user=assessor, assessment_id=assessment.pk)
    assert ScoreLine.objects.filter(indicator__code="records").count() == 3
    assert len(three) == len(one)


# ── manual adjustments ───────────────────────────────────────────────────────────────────
def test_a_manual_adjustment_needs_a_reason_and_counts(client, assessor, unit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assessment = scoring(client, assessor)
    bonus = assessment.indicators.get(code="bonus")
    url = f"{BASE}2026/adjustments/"
    refused = post(
        client,
        assessor,
        url,
        {"organisation": unit.pk, "indicator": bonus.pk, "points": "3", "reason": ""},
        follow=True,
    )
    assert any("理由" in m for m in messages_of(refused))
    evidence = SimpleUploadedFile("表彰文件.pdf", PDF_BYTES)
    data = {"organisation": unit.pk, "indicator": bonus.pk, "points": "3", "reason": "获省级诚信建设表彰。"}
    post(client, assessor, url, {**data, "evidence": evidence})
    [line] = ScoreLine.objects.filter(origin=LineOrigin.MANUAL)
    assert line.reason == "获省级诚信建设表彰。" and line.created_by == assessor
    page = client.get(f"{BASE}2026/units/{unit.pk}/").content.decode()
    assert f"{BASE}2026/lines/{line.pk}/evidence/" in page
    download = client.get(f"{BASE}2026/lines/{line.pk}/evidence/")
    assert b"".join(download.streaming_content) == PDF_BYTES
    totals = page_totals(client.get(f"{BASE}2026/").content.decode())
    assert totals[unit.name] == Decimal(103)


# ── lifecycle, separation of duties, frozen results ─────────────────────────────────────
def test_the_approver_must_not_be_who_submitted(client, assessor, approver):
    both = UserFactory(username="both", roles=[Role.ASSESSOR, Role.APPROVER])
    scoring(client, both)
    step(client, both, 2026, "submit")
    response = step(client, both, 2026, "approve")
    assert "审定人不能是提交人：请由其他审批人员审定本年度考核结果。" in messages_of(response)
    assert Assessment.objects.get(year=2026).state == "SUBMITTED"
    step(client, approver, 2026, "approve")
    assert Assessment.objects.get(year=2026).state == "APPROVED"


def test_the_approver_returns_it_with_a_reason(client, assessor, approver):
    scoring(client, assessor)
    step(client, assessor, 2026, "submit")
    assert "请填写退回理由。" in messages_of(step(client, approver, 2026, "return", reason=""))
    step(client, approver, 2026, "return", reason="扣分依据需核实。")
    assessment = Assessment.objects.get(year=2026)
    assert assessment.state == "SCORING" and assessment.return_reason == "扣分依据需核实。"


def test_every_step_is_audited(client, assessor, approver):
    assessment = approved(client, assessor, approver)
    actions = list(
        AuditEntry.objects.filter(object_id=str(assessment.pk), action__startswith="assessment.").values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "assessment.create",
        "assessment.start_scoring",
        "assessment.submit",
        "assessment.approve",
    ]


def test_a_frozen_result_does_not_change_when_a_record_changes_later(
    client, assessor, approver, unit, records
):
    approved(client, assessor, approver)
    before = page_totals(client.get(f"{BASE}2026/").content.decode())
    assert before[unit.name] == Decimal(87)
    decided.record_revoke(
        acting_user=approver, record_id=records["serious"].pk, reason="原决定被撤销。", document="撤销决定书"
    )
    assert Record.objects.get(pk=records["serious"].pk).state == "REVOKED"
    fresh = sources.records_in_force(sources.Window(2026, dt.date(2026, 2, 2)))
    assert records["serious"].pk not in {ref["record_id"] for hit in fresh for ref in hit.references}
    response = step(client, assessor, 2026, "recompute")
    assert any("不能执行“重新计算扣分”" in m for m in messages_of(response))
    after = page_totals(client.get(f"{BASE}2026/").content.decode())
    assert after == before
    assert UnitResult.objects.get(organisation=unit).total == Decimal(87)


# ── the 考评办 workbook ────────────────────────────────────────────────────────────────────
def test_the_workbook_totals_equal_the_page(client, assessor, approver, unit, other_unit, records):
    approved(client, assessor, approver)
    page = page_totals(client.get(f"{BASE}2026/").content.decode())
    response = client.get(f"{BASE}2026/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[0] == "单位" and header[-4:] == ("扣分明细及依据", "总分", "等级", "排名")
    assert "政务失信记录（30.0）" in header
    book = {row[0]: Decimal(str(row[-3])) for row in rows[1:]}
    assert book == page
    mine = next(row for row in rows[1:] if row[0] == unit.name)
    assert records["serious"].reference in mine[-4] and mine[-2] == "B"


# ── a unit's own view and its objection ───────────────────────────────────────────────────
def test_a_liaison_sees_only_their_own_unit(client, assessor, approver, unit, other_unit, liaison, records):
    client.force_login(liaison)
    assert client.get("/unit/assessment/2026/").status_code == 404  # not approved yet
    approved(client, assessor, approver)
    client.force_login(liaison)
    response = client.get("/unit/assessment/2026/")
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["score"].total == Decimal(87)
    assert f"/work/cases/{records['serious'].pk}/" in html
    assert records["minor"].reference not in html and other_unit.name not in html
    assert 'href="/unit/assessment/"' in html and 'href="/work/assessment/"' not in html
    assert client.get(f"{BASE}2026/").status_code == 403
    assert client.get(f"{BASE}2026/units/{other_unit.pk}/").status_code == 403
    assert client.get(f"{BASE}2026/export.xlsx").status_code == 403


def test_the_units_dashboard_shows_its_score_once_the_year_is_approved(
    client, assessor, approver, unit, liaison, other_liaison, records
):
    client.force_login(liaison)
    assert "年度考核评价结果公布后在此显示。" in client.get("/unit/").content.decode()
    approved(client, assessor, approver)
    client.force_login(liaison)
    html = client.get("/unit/").content.decode()
    assert "87.0" in html and "2026 年度，等次" in html and 'href="/unit/assessment/2026/"' in html
    client.force_login(other_liaison)
    assert "87.0" not in client.get("/unit/").content.decode()


def test_a_unit_objects_within_the_window_and_the_assessor_answers(
    client, assessor, approver, unit, other_unit, liaison, other_liaison, records, settings
):
    assessment = approved(client, assessor, approver)  # approved on Mon 2026-02-02
    post(client, liaison, "/unit/assessment/2026/", {"reason": "严重失信记录已申请修复，请复核。"})
    objection = assessment.objections.get()
    assert objection.organisation == unit and objection.state == "PENDING"
    records_indicator = assessment.indicators.get(code="records")
    post(
        client,
        assessor,
        f"{BASE}objections/{objection.pk}/answer/",
        {"upheld": "1", "answer": "经复核，调增 5 分。", "indicator": records_indicator.pk, "points": "5"},
    )
    objection.refresh_from_db()
    assert objection.state == "UPHELD" and objection.line.points == Decimal(5)
    revisions = UnitResult.objects.filter(organisation=unit).order_by("revision")
    assert [r.total for r in revisions] == [Decimal(87), Decimal(92)]
    assert page_totals(client.get(f"{BASE}2026/").content.decode())[unit.name] == Decimal(92)
    settings.CHENGXIN_TODAY = "2026-02-10"  # 5 working days after 2026-02-02 end on 02-09
    response = post(client, other_liaison, "/unit/assessment/2026/", {"reason": "扣分有误。"}, follow=True)
    assert "异议期已于 2026-02-09 届满，不能再提出异议。" in messages_of(response)
    assert not assessment.objections.filter(organisation=other_unit).exists()


def test_a_rejected_objection_keeps_the_result(client, assessor, approver, unit, liaison, records):
    assessment = approved(client, assessor, approver)
    post(client, liaison, "/unit/assessment/2026/", {"reason": "扣分有误。"})
    objection = assessment.objections.get()
    post(
        client,
        assessor,
        f"{BASE}objections/{objection.pk}/answer/",
        {"upheld": "0", "answer": "扣分依据属实。"},
    )
    objection.refresh_from_db()
    assert objection.state == "REJECTED" and objection.line is None
    assert UnitResult.objects.filter(organisation=unit).count() == 1


# ── the state table, every step × state × role ───────────────────────────────────────────
@pytest.mark.parametrize("name", sorted(ASSESSMENT_STEPS))
def test_each_step_is_allowed_exactly_in_its_table_states_and_roles(name, assessor, approver, liaison):
    from oversight.assessment.services import refusal

    rule = ASSESSMENT_STEPS[name]
    for state in AssessmentState:
        assessment = Assessment(year=2026, state=state)
        for user, role in (
            (assessor, Role.ASSESSOR),
            (approver, Role.APPROVER),
            (liaison, Role.UNIT_LIAISON),
        ):
            allowed = state in rule.sources and role in rule.roles
            assert (refusal(user, assessment, name) == "") == allowed, (name, state, role)


def test_every_page_of_a_year_renders_in_each_state(client, assessor, approver, unit, records):
    create(client, assessor)
    pages = [BASE, f"{BASE}2026/", f"{BASE}2026/units/{unit.pk}/"]
    for move, user in (
        (None, assessor),
        ("start_scoring", assessor),
        ("submit", assessor),
        ("approve", approver),
    ):
        if move:
            step(client, user, 2026, move)
        client.force_login(user)
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, (move, page)
            assert 'href="/work/assessment/"' in response.content.decode()
