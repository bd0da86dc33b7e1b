"""The year's result notice (年度政务诚信考核评价结果通报, N24, DOMAIN §9.1): approving the
year sends each assessed unit a numbered, sealed, verifiable notice with its score, grade,
rank and main deductions and the standings of every unit; each unit reads only its own."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from pypdf import PdfReader

from casework.models import AuditEntry
from casework.roles import Role
from notices.models import Issuer, Notice, NoticeState
from oversight.models import Assessment, AssessmentState, UnitResult

from . import lifecycle
from .assessment_cases import BASE, approved, messages_of, scoring, step
from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessor(db):
    return UserFactory(username="assessor", first_name="考评员", roles=[Role.ASSESSOR])


@pytest.fixture
def records(officer, approver, unit, other_unit, fixed_today):
    """In force: the unit's 一般 and 严重 records (3 + 10 points), the other unit's 轻微 one."""
    lifecycle.effective(officer=officer, approver=approver, organisation=unit, tier="GENERAL")
    lifecycle.effective(
        officer=officer, approver=approver, organisation=unit, tier="SERIOUS", content="严重失信事实。"
    )
    lifecycle.effective(officer=officer, approver=approver, organisation=other_unit, tier="MINOR")


def pdf_text(body: bytes) -> str:
    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(body)).pages)


def approve_with_notices(client, assessor, approver) -> Assessment:
    with TestCase.captureOnCommitCallbacks(execute=True):  # the rendering tasks, eagerly
        return approved(client, assessor, approver)


def test_approving_the_year_sends_each_unit_its_numbered_notice(
    client, issuer, assessor, approver, unit, other_unit, liaison, records
):
    assessment = approve_with_notices(client, assessor, approver)

    notices = Notice.objects.filter(type_code="N24").order_by("sequence")
    results = UnitResult.objects.filter(assessment=assessment)
    assert sorted(n.addressed_to_id for n in notices) == sorted(r.organisation_id for r in results)
    assert [n.number for n in notices] == [f"东监考通〔2026〕{i}号" for i in range(1, len(results) + 1)]
    assert {n.state for n in notices} == {NoticeState.ISSUED}
    assert all(n.record_id is None and n.pdf_ready and n.about == assessment for n in notices)
    assert {(n.drafted_by_id, n.approved_by_id, n.issued_by_id) for n in notices} == {
        (None, approver.pk, approver.pk)
    }

    own = notices.get(addressed_to=unit)
    steps = AuditEntry.objects.filter(object_id=own.pk, action__startswith="notice.").order_by("seq")
    assert [(e.action, e.actor_id) for e in steps] == [
        ("notice.draft", None),
        ("notice.approve", approver.pk),
        ("notice.issue", approver.pk),
        ("notice.render", None),
    ]

    # the unit's liaison downloads it from the unit's page: its own score, grade, rank and
    # deductions, and every unit's standing
    client.force_login(liaison)
    page = client.get("/unit/assessment/2026/").content.decode()
    assert own.number in page and "/unit/assessment/2026/notice.pdf" in page
    response = client.get("/unit/assessment/2026/notice.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = b"".join(response)
    assert body == bytes(own.pdf)
    text = pdf_text(body)
    mine = results.get(organisation=unit)
    assert mine.total == Decimal(87)
    assert "年度政务诚信考核评价结果通报" in text and own.number in text
    assert f"{unit.name}：" in text
    assert "你单位2026年度政务诚信考核评价得分87.0分，等次为B" in text
    assert "（一）政务失信记录：扣13.0分，涉及2项。" in text
    assert f"{other_unit.name}99.0A" in text and f"{unit.name}87.0B" in text
    assert f"核验码：{own.verify_code[:4]}" in text

    # anyone can verify it by its code or by the file itself
    client.logout()
    by_code = client.get(f"/verify/{own.verify_code}").content.decode()
    assert own.number in by_code and "有效" in by_code
    checked = client.post("/verify/", {"pdf": SimpleUploadedFile("n24.pdf", body, "application/pdf")})
    assert own.number in checked.content.decode()


def test_each_unit_reads_only_its_own_notice(
    client, issuer, assessor, approver, officer, unit, other_unit, liaison, other_liaison, records
):
    approve_with_notices(client, assessor, approver)
    own, theirs = (Notice.objects.get(type_code="N24", addressed_to=u) for u in (unit, other_unit))

    client.force_login(other_liaison)
    assert b"".join(client.get("/unit/assessment/2026/notice.pdf")) == bytes(theirs.pdf)
    client.force_login(liaison)
    assert client.get(f"{BASE}2026/units/{other_unit.pk}/notice.pdf").status_code == 403
    # not a record's notice: the notice lists and downloads of cases never show it
    listed = client.get("/api/notices/").json()
    assert own.pk not in [row["id"] for row in listed["results"]]
    assert client.get(f"/api/notices/{own.pk}/download/").status_code == 404
    client.force_login(officer)  # an officer does not read assessments
    assert client.get(f"{BASE}2026/units/{unit.pk}/notice.pdf").status_code == 403
    assert client.get(f"/api/notices/{own.pk}/").status_code == 404

    # the commission's assessor reads every unit's, from the unit's page
    client.force_login(assessor)
    year_page = client.get(f"{BASE}2026/").content.decode()
    assert "已向 2 个单位签发考核结果通报" in year_page
    page = client.get(f"{BASE}2026/units/{other_unit.pk}/").content.decode()
    assert theirs.number in page and f"{BASE}2026/units/{other_unit.pk}/notice.pdf" in page
    assert b"".join(client.get(f"{BASE}2026/units/{other_unit.pk}/notice.pdf")) == bytes(theirs.pdf)


def test_without_a_sealed_issuer_nothing_is_approved(client, assessor, approver, unit, records):
    Issuer.objects.create(
        name="东莞市监察委员会", agency_code="东监", is_default=True, seal_image=b"", contact="0769-12345678"
    )
    scoring(client, assessor)
    step(client, assessor, 2026, "submit")

    response = step(client, approver, 2026, "approve")

    assert "尚未设置印章，不能签发" in " ".join(messages_of(response))
    assert Assessment.objects.get(year=2026).state == AssessmentState.SUBMITTED
    assert not UnitResult.objects.exists() and not Notice.objects.exists()


def test_a_notice_in_rendering_answers_409_not_a_blank_file(
    client, issuer, assessor, approver, liaison, records
):
    approved(client, assessor, approver)  # the rendering tasks never run: no on-commit here
    client.force_login(liaison)
    assert "正在生成" in client.get("/unit/assessment/2026/").content.decode()
    response = client.get("/unit/assessment/2026/notice.pdf")
    assert response.status_code == 409 and "正在生成" in response.content.decode()
