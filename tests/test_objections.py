"""The objection (异议) sub-process through its services: who may file, when, the time
limits of DOMAIN §6.2 (scenarios 2 and 5) and the repeat-objection rule."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django_fsm import can_proceed

from casework.errors import DomainError, PermissionDeniedError
from casework.lifecycle import OBJECTION_STEPS, ObjectionState
from casework.models import AuditEntry, Deadline, Objection
from casework.roles import Role
from casework.services import objections as svc
from casework.services.objections.evidence import attachments_of
from casework.services.records import decided

from . import lifecycle
from .factories import PersonFactory, UserFactory
from .objection_steps import day, filed, upload, verifying

pytestmark = pytest.mark.django_db
OS = ObjectionState


def deadlines(objection, kind):
    owner = {"owner_type": ContentType.objects.get_for_model(Objection), "owner_id": objection.pk}
    return list(Deadline.objects.filter(**owner, kind=kind).order_by("id"))


@pytest.fixture
def record(officer, approver, unit, settings):
    settings.CHENGXIN_TODAY = "2026-06-01"
    return lifecycle.effective(officer=officer, approver=approver, organisation=unit)


@pytest.mark.parametrize("state", list(ObjectionState))
@pytest.mark.parametrize("step", list(OBJECTION_STEPS))
def test_the_model_allows_exactly_the_steps_of_the_objection_table(state, step):
    assert can_proceed(getattr(Objection(state=state), step)) == (state in OBJECTION_STEPS[step].sources)


# ── scenario 2 ────────────────────────────────────────────────────────────────────


def test_acceptance_and_decision_are_due_across_mid_autumn_and_national_day(
    officer, approver, liaison, unit, settings
):
    """Scenario 2: received Thu 2026-09-24 → acceptance due Tue 2026-09-29; accepted Mon
    2026-09-28 → decision due Fri 2026-10-16 (Sat 10-10 is a working day)."""
    settings.CHENGXIN_TODAY = "2026-09-24"
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    objection = filed(subject=liaison, record=record, received_on=day("2026-09-24"))
    [accept] = deadlines(objection, "objection_accept")
    assert (accept.start_on, accept.due_on, accept.status) == (day("2026-09-24"), day("2026-09-29"), "OPEN")
    assert accept.record == record and accept.label == "异议受理"

    settings.CHENGXIN_TODAY = "2026-09-28"
    objection = svc.objection_accept(acting_user=officer, objection_id=objection.pk)
    assert objection.accepted_on == day("2026-09-28")
    [accept] = deadlines(objection, "objection_accept")
    assert accept.status == "MET"
    [decide] = deadlines(objection, "objection_decide")
    assert (decide.start_on, decide.due_on, decide.status) == (day("2026-09-28"), day("2026-10-16"), "OPEN")


def test_an_extension_adds_five_working_days_to_the_decision_once(
    officer, approver, liaison, record, settings
):
    """DOMAIN §6.2: one extension ≤ 5 WD with the leader's approval. Accepted Tue 2026-06-02:
    due Wed 06-16; extended: Wed 06-24 (端午 06-19 is not counted)."""
    settings.CHENGXIN_TODAY = "2026-06-02"
    objection = verifying(subject=liaison, officer=officer, record=record)
    [decide] = deadlines(objection, "objection_decide")
    assert decide.due_on == day("2026-06-16")

    objection = svc.objection_extend(
        acting_user=approver, objection_id=objection.pk, reason="需向信息提供单位核实"
    )
    assert objection.state == OS.EXTENDED and objection.extension_reason == "需向信息提供单位核实"
    old, new = deadlines(objection, "objection_decide")
    assert old.status == "CANCELLED"
    assert (new.start_on, new.amount, new.due_on, new.status) == (
        day("2026-06-02"),
        15,
        day("2026-06-24"),
        "OPEN",
    )
    with pytest.raises(DomainError) as caught:
        svc.objection_extend(acting_user=approver, objection_id=objection.pk, reason="再次延期")
    assert caught.value.field == "state" and "已延期" in caught.value.message


def test_an_extension_after_the_decision_deadline_is_refused(officer, approver, liaison, record, settings):
    settings.CHENGXIN_TODAY = "2026-06-02"
    objection = verifying(subject=liaison, officer=officer, record=record)
    settings.CHENGXIN_TODAY = "2026-06-17"
    with pytest.raises(DomainError, match="2026-06-16 届满") as caught:
        svc.objection_extend(acting_user=approver, objection_id=objection.pk, reason="来不及")
    assert caught.value.field == "deadline"
    assert Objection.objects.get(pk=objection.pk).state == OS.VERIFYING


# ── scenario 5 ────────────────────────────────────────────────────────────────────


def test_a_supplement_restarts_the_clock_from_the_complete_filing(officer, liaison, record, settings):
    """Scenario 5: filed 2026-06-01 with missing material; 补正通知书; complete 2026-06-08 →
    acceptance due 2 WD after 06-08 and the decision counted from 06-08, not from 06-01."""
    objection = filed(subject=liaison, record=record, received_on=day("2026-06-01"))
    settings.CHENGXIN_TODAY = "2026-06-02"
    objection = svc.objection_request_supplement(
        acting_user=officer, objection_id=objection.pk, missing_items="1. 付款凭证；2. 合同结算单"
    )
    assert objection.state == OS.NEEDS_SUPPLEMENT and objection.complete_on is None
    [stopped] = deadlines(objection, "objection_accept")
    assert (stopped.due_on, stopped.status) == (day("2026-06-03"), "CANCELLED")

    settings.CHENGXIN_TODAY = "2026-06-08"
    evidence = upload(record, liaison)
    objection = svc.objection_supplement(
        acting_user=liaison,
        objection_id=objection.pk,
        complete_on=day("2026-06-08"),
        statement_addition="补交付款凭证。",
        attachment_ids=[evidence.pk],
    )
    assert objection.state == OS.SUBMITTED and objection.complete_on == day("2026-06-08")
    assert "【补正】补交付款凭证。" in objection.statement
    assert evidence in attachments_of(objection)
    _, restarted = deadlines(objection, "objection_accept")
    assert (restarted.start_on, restarted.due_on, restarted.status) == (
        day("2026-06-08"),
        day("2026-06-10"),
        "OPEN",
    )

    with pytest.raises(DomainError, match="不能早于材料齐全日期") as caught:
        svc.objection_accept(acting_user=officer, objection_id=objection.pk, accepted_on=day("2026-06-05"))
    assert caught.value.field == "accepted_on"
    objection = svc.objection_accept(acting_user=officer, objection_id=objection.pk)
    [decide] = deadlines(objection, "objection_decide")
    assert (decide.start_on, decide.due_on) == (day("2026-06-08"), day("2026-06-23"))


def test_missing_items_are_listed_once(officer, liaison, record):
    """一次性告知 (S23 Art 30 analogy): no second, piecemeal request."""
    objection = filed(subject=liaison, record=record)
    svc.objection_request_supplement(acting_user=officer, objection_id=objection.pk, missing_items="付款凭证")
    svc.objection_supplement(
        acting_user=liaison,
        objection_id=objection.pk,
        complete_on=day("2026-06-01"),
        statement_addition="见附件",
    )
    with pytest.raises(DomainError, match="一次性告知") as caught:
        svc.objection_request_supplement(acting_user=officer, objection_id=objection.pk, missing_items="合同")
    assert caught.value.field == "missing_items"


# ── who may file, and when ────────────────────────────────────────────────────────


def test_the_civil_servant_objects_to_their_own_record(officer, approver, civil_servant, settings):
    settings.CHENGXIN_TODAY = "2026-06-01"
    record = lifecycle.effective(
        officer=officer, approver=approver, person=civil_servant.person, category="DIS"
    )
    objection = filed(subject=civil_servant, record=record, ground="ERROR")
    assert objection.state == OS.SUBMITTED and objection.filed_by == civil_servant
    entry = AuditEntry.objects.get(action="objection.file")
    assert (entry.actor, entry.actor_role, entry.record, entry.to_state) == (
        civil_servant,
        Role.CIVIL_SERVANT,
        record,
        OS.SUBMITTED,
    )


def test_only_the_subject_side_may_file(approver, liaison, record, unit):
    """Besides the officer recording a paper objection (tests/test_filing_dates.py)."""
    colleague = UserFactory(person=PersonFactory(unit=unit), organisation=unit, roles=[Role.CIVIL_SERVANT])
    with pytest.raises(PermissionDeniedError, match="提出异议"):
        filed(subject=approver, record=record)
    with pytest.raises(DomainError) as caught:  # a civil servant does not see the unit's records
        filed(subject=colleague, record=record)
    assert caught.value.status_code == 404
    assert not Objection.objects.exists()


def test_a_stranger_cannot_file_on_another_units_record(other_liaison, record):
    with pytest.raises(DomainError) as caught:
        filed(subject=other_liaison, record=record)
    assert caught.value.status_code == 404 and caught.value.code == "not_found"


def test_no_objection_before_the_record_is_decided(officer, approver, liaison, unit, fixed_today):
    """During 事前告知 the subject answers by 陈述申辩 (§6.1), not by an objection."""
    record = lifecycle.pre_notice(officer=officer, approver=approver, organisation=unit)
    with pytest.raises(DomainError, match="事前告知") as caught:
        filed(subject=liaison, record=record)
    assert caught.value.field == "record"


def test_attachments_must_be_the_filers_own_uploads_for_the_record(officer, approver, liaison, record, unit):
    someone_else = upload(record, officer)
    with pytest.raises(DomainError) as caught:
        filed(subject=liaison, record=record, attachments=[someone_else])
    assert caught.value.field == "attachment_ids"
    other_record = lifecycle.effective(
        officer=officer, approver=approver, organisation=unit, content="另一线索"
    )
    with pytest.raises(DomainError):
        filed(subject=liaison, record=record, attachments=[upload(other_record, liaison)])
    assert not Objection.objects.exists()


# ── repeat objection ──────────────────────────────────────────────────────────────


def test_a_repeated_objection_without_new_evidence_is_not_accepted(officer, liaison, record):
    """DOMAIN §6.2: same grounds, no new evidence → NOT_ACCEPTED with the reason. It is
    stored and refused by the system at once, so the subject can be told why."""
    first = filed(subject=liaison, record=record, attachments=[upload(record, liaison)])
    svc.objection_refuse(acting_user=officer, objection_id=first.pk, reason="不属于异议受理范围")
    same_again = upload(record, liaison)  # the same document, uploaded again
    repeat = filed(
        subject=liaison,
        record=record,
        statement="该记录所称拖欠款项已于 2025 年 12 月全部支付，  不符合列入条件。",
        attachments=[same_again],
    )
    assert repeat.state == OS.NOT_ACCEPTED
    assert repeat.not_accepted_reason == "同一理由重复提出且无新证据"
    assert deadlines(repeat, "objection_accept") == []
    refusal = AuditEntry.objects.get(action="objection.refuse", object_id=str(repeat.pk))
    assert (refusal.actor, refusal.actor_role, refusal.reason) == (
        None,
        Role.SYSTEM,
        "同一理由重复提出且无新证据",
    )


def test_new_evidence_or_new_grounds_make_a_new_objection(liaison, record):
    first = filed(subject=liaison, record=record)
    new_evidence = filed(subject=liaison, record=record, attachments=[upload(record, liaison, "新的结算单")])
    new_ground = filed(subject=liaison, record=record, ground="ERROR")
    assert [o.state for o in (first, new_evidence, new_ground)] == [OS.SUBMITTED] * 3


def test_an_objection_cannot_be_accepted_once_its_record_is_revoked(officer, approver, liaison, record):
    objection = filed(subject=liaison, record=record)
    decided.record_revoke(
        acting_user=approver, record_id=record.pk, reason="法院撤销原判决", document="（2026）粤19民再1号"
    )
    with pytest.raises(DomainError, match="已撤销") as caught:
        svc.objection_accept(acting_user=officer, objection_id=objection.pk)
    assert caught.value.field == "record"
    assert Objection.objects.get(pk=objection.pk).state == OS.SUBMITTED
