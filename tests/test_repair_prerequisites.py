"""Repair prerequisites and effects across the sub-processes (DOMAIN §6.5):
scenario 18 (rectification not accepted, judgment not performed), an accountability
decision not yet executed, and scenario 17's honours query and integrity file."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casework import queries
from casework.lifecycle import RecordState, RepairState
from casework.models import RefusalReason
from casework.roles import Role
from casework.services import honours
from casework.services import rectification as rect
from casework.services import repair as svc
from casework.services.repair.eligibility import repair_eligibility

from . import accountability_steps
from .factories import UserFactory
from .rectification_steps import PDF_BYTES
from .repair_cases import effective_record, set_today

pytestmark = pytest.mark.django_db

COMMITMENT = "本单位承诺：已纠正失信行为，今后依法依规履约践诺。"
PDF = PDF_BYTES


@pytest.fixture
def record(settings, officer, approver, unit):
    return effective_record(
        settings, officer=officer, approver=approver, organisation=unit, determined_on=dt.date(2026, 1, 15)
    )


def _served_rectification(settings, *, officer, approver, record):
    set_today(settings, "2026-02-02")
    order = rect.rectification_draft(
        acting_user=officer,
        record_id=record.pk,
        items=[
            {
                "requirement": "支付拖欠款项",
                "acceptance_criteria": "款项全额到账",
                "required_evidence": "银行回单",
            }
        ],
    )
    rect.rectification_issue(acting_user=approver, rectification_id=order.pk)
    return rect.rectification_serve(
        acting_user=officer, rectification_id=order.pk, served_on=dt.date(2026, 2, 2)
    )


def _accepted(settings, tmp_path, order, *, officer, liaison, head):
    settings.CHENGXIN_UPLOAD_ROOT = tmp_path
    item = order.items.get()
    rect.rectification_item_add_evidence(
        acting_user=liaison,
        item_id=item.pk,
        uploaded_file=SimpleUploadedFile("回单.pdf", PDF, "application/pdf"),
    )
    rect.rectification_sign_off(acting_user=head, rectification_id=order.pk, declaration=True)
    rect.rectification_submit(acting_user=liaison, rectification_id=order.pk, truth_declared=True)
    rect.rectification_start_review(acting_user=officer, rectification_id=order.pk)
    return rect.rectification_review(
        acting_user=officer, rectification_id=order.pk, decisions={item.pk: ("ACCEPT", "")}
    )


def test_repair_is_refused_while_the_linked_rectification_is_not_accepted(
    settings, tmp_path, record, officer, approver, liaison, head
):
    """Scenario 18: refused with "整改未验收" until the rectification is accepted (验收销号)."""
    order = _served_rectification(settings, officer=officer, approver=approver, record=record)
    set_today(settings, "2026-05-06")

    refused = svc.repair_apply(acting_user=head, record_id=record.pk, commitment=COMMITMENT)

    assert refused.state == RepairState.REFUSED
    assert refused.refusal_reason == RefusalReason.RECTIFICATION
    assert refused.get_refusal_reason_display() == "整改未验收"

    _accepted(settings, tmp_path, order, officer=officer, liaison=liaison, head=head)
    assert repair_eligibility(record, dt.date(2026, 5, 6)).eligible
    accepted = svc.repair_apply(acting_user=head, record_id=record.pk, commitment=COMMITMENT)
    assert accepted.state == RepairState.ACCEPTED


def test_repair_is_refused_while_a_linked_judgment_is_unperformed(settings, officer, approver, unit, head):
    """Scenario 18: a JUD record is refused "义务未履行" until performance is registered."""
    record = effective_record(
        settings,
        officer=officer,
        approver=approver,
        organisation=unit,
        category="JUD",
        determined_on=dt.date(2026, 1, 15),
    )
    set_today(settings, "2026-05-06")

    refused = svc.repair_apply(acting_user=head, record_id=record.pk, commitment=COMMITMENT)
    svc.record_mark_obligations_fulfilled(
        acting_user=officer,
        record_id=record.pk,
        on=dt.date(2026, 5, 6),
        evidence="（2025）粤1971执100号结案通知书",
    )
    accepted = svc.repair_apply(acting_user=head, record_id=record.pk, commitment=COMMITMENT)

    assert (refused.state, refused.get_refusal_reason_display()) == (RepairState.REFUSED, "义务未履行")
    assert accepted.state == RepairState.ACCEPTED


def test_repair_waits_for_an_accountability_decision_to_be_executed(
    settings, officer, approver, civil_servant
):
    """DOMAIN §6.5 refusal reason "问责决定尚未执行"."""
    person = civil_servant.person
    record = effective_record(
        settings,
        officer=officer,
        approver=approver,
        person=person,
        category="DIS",
        determined_on=dt.date(2026, 1, 15),
    )
    set_today(settings, "2026-02-02")
    accountability_steps.decided(
        officer=officer,
        approver=approver,
        record=record,
        persons=[person],
        decisions=[accountability_steps.decision(person, effective_on=dt.date(2026, 2, 2))],
        decided_on=dt.date(2026, 2, 2),
    )

    result = repair_eligibility(record, dt.date(2026, 5, 6))

    assert [c.code for c in result.failing] == [RefusalReason.ACCOUNTABILITY]


def test_a_repaired_person_record_restores_honours_and_shows_as_repaired_in_the_file(
    settings, officer, approver, civil_servant
):
    """Scenario 17: honours query eligible, integrity file "已修复", record still visible
    to officers, approvers, the credit administrator and the HR administrator."""
    person = civil_servant.person
    record = effective_record(
        settings,
        officer=officer,
        approver=approver,
        person=person,
        category="PRM",
        determined_on=dt.date(2026, 1, 15),
    )
    set_today(settings, "2026-06-17")
    hr_admin = UserFactory(roles=[Role.HR_ADMIN])
    before = honours.honours_check(acting_user=hr_admin, person_id=person.pk, purpose="年度评优")
    application = svc.repair_apply(
        acting_user=civil_servant, record_id=record.pk, commitment="本人承诺改正。"
    )

    svc.repair_grant(acting_user=approver, application_id=application.pk)

    after = honours.honours_check(acting_user=hr_admin, person_id=person.pk, purpose="年度评优")
    assert before.eligible is False
    assert after.eligible is True and after.reasons == []
    entry = next(e for e in honours.integrity_file(person).records if e.id == record.pk)
    assert entry.label == "已修复"
    for user in (officer, approver, UserFactory(roles=[Role.CREDIT_ADMIN]), hr_admin, civil_servant):
        assert queries.record_get(user=user, record_id=record.pk).state == RecordState.REPAIRED


def test_a_repaired_organisation_record_restores_its_honours_eligibility(settings, record, head, approver):
    """Scenario 17 for the unit."""
    set_today(settings, "2026-06-17")
    credit_admin = UserFactory(roles=[Role.CREDIT_ADMIN])
    application = svc.repair_apply(acting_user=head, record_id=record.pk, commitment=COMMITMENT)
    assert not honours.honours_check(
        acting_user=credit_admin, organisation_id=record.subject_organisation_id, purpose="文明单位评选"
    ).eligible

    svc.repair_grant(acting_user=approver, application_id=application.pk)

    assert honours.honours_check(
        acting_user=credit_admin, organisation_id=record.subject_organisation_id, purpose="文明单位评选"
    ).eligible
