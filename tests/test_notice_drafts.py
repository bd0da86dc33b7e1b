"""Completing a draft the system left incomplete (POST /api/notices/{id}/revise/, the service
notices.drafts.notice_revise_draft): officers only, drafts only, the merged data checked as
approval will check it, nothing changed on error, one audit entry per revision."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import TestCase
from pypdf import PdfReader

from casework.errors import DomainError
from casework.models import AuditEntry
from notices import services
from notices.models import Notice, NoticeState

from . import lifecycle
from .api_fixtures import api
from .notice_cases import draft, issued, record_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today", "issuer")]

EVIDENCE = ["《政府采购合同》及验收报告", "供应商催款函及邮寄凭证"]


@pytest.fixture
def system_draft(officer, approver, unit) -> Notice:
    """The 事前告知书 the system drafts when the prior notice is approved: a record without
    evidence attachments leaves its 证据 blank, for the officer to fill in."""
    record = lifecycle.approved(officer=officer, approver=approver, organisation=unit)
    notice = Notice.objects.get(record=record, type_code="N1", drafted_by__isnull=True)
    assert notice.data["evidence"] == []
    return notice


def revisions(notice) -> list[AuditEntry]:
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Notice),
        object_id=str(notice.pk),
        action="notice.revise",
    )
    return list(entries)


def revise(user, notice, body):
    return api(user).post(f"/api/notices/{notice.pk}/revise/", body, format="json")


def test_an_officer_completes_a_system_draft_which_can_then_be_approved_and_issued(
    officer, approver, system_draft
):
    refused = api(approver).post(f"/api/notices/{system_draft.pk}/approve/")
    assert refused.status_code == 400 and "缺少“证据摘要”" in refused.json()["detail"]

    response = revise(officer, system_draft, {"data": {"evidence": EVIDENCE}, "reason": "补充证据摘要"})
    assert response.status_code == 200, response.content
    assert response.json()["data"]["evidence"] == EVIDENCE and response.json()["state"] == "DRAFT"
    (entry,) = revisions(system_draft)
    assert entry.actor == officer and entry.reason == "补充证据摘要" and entry.record == system_draft.record
    assert entry.diff["evidence"] == [[], EVIDENCE]
    assert Notice.objects.get(pk=system_draft.pk).drafted_by == officer  # who completed it answers for it

    assert api(approver).post(f"/api/notices/{system_draft.pk}/approve/").status_code == 200
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert api(officer).post(f"/api/notices/{system_draft.pk}/issue/").status_code == 200
    notice = Notice.objects.get(pk=system_draft.pk)
    assert notice.state == NoticeState.ISSUED and notice.data["evidence"] == EVIDENCE
    text = "".join(
        "".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(bytes(notice.pdf))).pages
    )
    assert "供应商催款函及邮寄凭证" in text


def test_bad_input_is_refused_naming_the_field_and_nothing_changes(officer, system_draft):
    cases = [
        ({"data": {"evidence": [], "facts": "改写的事实。"}}, "evidence", "证据"),
        ({"data": {"facts": "  "}}, "facts", "失信事实"),
        ({"data": {"issuer.name": "另一个机关"}}, "issuer.name", "发文机关"),
        ({"data": {"items[].requirement": "x"}}, "items[].requirement", "不是有效的字段名"),
        ({"data": {"facts.text": "x"}}, "facts.text", "不能分项填写"),
        ({"data": {}}, "data", "修改的文书内容"),
        (
            {"data": {"subject.credit_code": "91441900MA4W000001"}},
            "subject.credit_code",
            "第 9–17 位（组织机构代码）校验位错误",
        ),
    ]
    for body, field, words in cases:
        response = revise(officer, system_draft, body)
        assert response.status_code == 400, body
        assert response.json()["field"] == field and words in response.json()["detail"], response.json()
    stored = Notice.objects.get(pk=system_draft.pk)
    assert stored.data == system_draft.data and stored.drafted_by is None
    assert revisions(system_draft) == []


def test_nested_entries_are_set_by_their_dotted_key_and_none_removes_an_optional_one(officer, system_draft):
    code = "91441900MA4W000037"
    fields = {"evidence": EVIDENCE, "subject.credit_code": code, "cc": ["东莞市发展和改革局"]}
    revised = services.notice_revise_draft(acting_user=officer, notice_id=system_draft.pk, fields=fields)
    assert revised.data["subject"] == {**system_draft.data["subject"], "credit_code": code}
    assert revised.data["cc"] == ["东莞市发展和改革局"]
    revised = services.notice_revise_draft(
        acting_user=officer, notice_id=system_draft.pk, fields={"cc": None}
    )
    assert "cc" not in revised.data and revised.data["evidence"] == EVIDENCE
    assert Notice.objects.get(pk=system_draft.pk).data == revised.data
    first, second = revisions(system_draft)
    assert set(first.diff) == {"evidence", "subject", "cc", "drafted_by"} and set(second.diff) == {"cc"}


def test_the_unit_and_other_units_get_the_404_of_a_missing_id(
    system_draft, liaison, other_liaison, approver, officer
):
    body = {"data": {"evidence": EVIDENCE}}
    missing = revise(officer, Notice(pk=999_999), body)
    assert missing.status_code == 404
    for outsider in (liaison, other_liaison):
        response = revise(outsider, system_draft, body)
        assert (response.status_code, response.json()) == (404, missing.json())
    assert revise(approver, system_draft, body).status_code == 403  # an approver approves, not drafts
    assert Notice.objects.get(pk=system_draft.pk).data["evidence"] == []
    assert revisions(system_draft) == []


def test_only_a_draft_can_be_revised(officer, approver, record):
    sent = issued(officer=officer, approver=approver, record=record, type_code="N3")
    approved = draft(officer=officer, record=record, type_code="N8")
    services.notice_approve(acting_user=approver, notice_id=approved.pk)
    for notice in (sent, approved):
        response = revise(officer, notice, {"data": {"contact": "0769-87654321"}})
        assert response.status_code == 400 and response.json()["code"] == "not_draft"
        assert "只有草稿可以修改" in response.json()["detail"]
        assert Notice.objects.get(pk=notice.pk).data["contact"] == notice.data["contact"]
    with pytest.raises(DomainError):
        services.notice_revise_draft(acting_user=officer, notice_id=sent.pk, fields={"contact": "x"})
    assert revisions(sent) == revisions(approved) == []
