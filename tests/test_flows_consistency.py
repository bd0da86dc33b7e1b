"""ARCHITECTURE §1: for every open process, the task that is waiting matches the legal
state of the object it follows; and every object whose state needs someone's work has
an open process. Cases are built in many states through the services only."""

import datetime as dt

import pytest
from django.test import override_settings
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from casework.lifecycle import (
    AccountabilityState,
    ObjectionState,
    RecordState,
    RectificationState,
    RepairState,
)
from casework.models import Accountability, Objection, Record, Rectification, RepairApplication
from casework.roles import Role
from casework.services import objections as objection_svc
from casework.services import records as svc
from casework.services import rectification as rectification_svc
from casework.services import repair as repair_svc
from workflows.models import CaseProcess, subject_key

from . import accountability_steps, lifecycle, rectification_steps
from .factories import OrganisationFactory, PersonFactory, UserFactory
from .objection_steps import filed

pytestmark = pytest.mark.django_db

R, OB, T, A, P = RecordState, ObjectionState, RectificationState, AccountabilityState, RepairState

#: The task each legal state waits for, restated here from DOMAIN §5–6 (not imported
#: from the flows, so a wrong routing table cannot pass its own test). None: no one's.
EXPECTED = {
    Record: {
        R.LEAD: "start_verification",
        R.VERIFYING: "propose",
        R.PROPOSED: "approve_pre_notice",
        R.PRE_NOTICE: "determine",
        R.DETERMINED: "serve",
    },
    Objection: {
        OB.SUBMITTED: "accept",
        OB.NEEDS_SUPPLEMENT: "supplement",
        OB.ACCEPTED: "start_verification",
        OB.VERIFYING: "decide",
        OB.EXTENDED: "decide",
        OB.DECIDED: "serve",
        OB.SERVED: "close",
    },
    Rectification: {
        T.DRAFT: "issue",
        T.ISSUED: "serve",
        T.IN_PROGRESS: "submit",
        T.RETURNED: "submit",
        T.SUBMITTED: "start_review",
        T.REVIEWING: "review",
    },
    Accountability: {
        A.INITIATED: "investigate",
        A.INVESTIGATING: "hear",
        A.HEARING: "deliberate",
        A.DELIBERATION: "decide",
        A.DECIDED: "serve",
        A.SERVED: "execute",
        A.EXECUTING: "start_period",
        A.IN_PERIOD: "release",
        A.APPEALED: "decide_appeal",
        A.RELEASED: "close",
    },
    RepairApplication: {P.SUBMITTED: "accept", P.ACCEPTED: "decide", P.EXTENDED: "decide"},
}


def expected_task(obj) -> str | None:
    if (
        isinstance(obj, Record)
        and obj.state == R.PROPOSED
        and obj.defence_statement
        and not obj.defence_reply
    ):
        return "answer_defence"  # T6: the statement is answered before a new notice
    if isinstance(obj, Rectification) and obj.state in (T.IN_PROGRESS, T.RETURNED):
        signed, changed = obj.head_signed_at, obj.evidence_changed_at
        if changed and (signed is None or signed <= changed):
            return "sign_off"  # scenario 12: the head signs what was uploaded
    return EXPECTED[type(obj)].get(obj.state)


def build_records(officer, approver, liaison, unit):
    lifecycle.lead(officer=officer, organisation=unit, content="LEAD")
    verifying = lifecycle.lead(officer=officer, organisation=unit, content="VERIFYING")
    svc.record_start_verification(acting_user=officer, record_id=verifying.pk)
    lifecycle.proposed(officer=officer, organisation=unit, content="PROPOSED")
    defended = lifecycle.pre_notice(officer=officer, approver=approver, organisation=unit, content="DEFENDED")
    with override_settings(CHENGXIN_TODAY="2026-01-06"):  # in the 5-WD defence window
        svc.record_submit_defence(acting_user=liaison, record_id=defended.pk, statement="已支付。")
    lifecycle.pre_notice(officer=officer, approver=approver, organisation=unit, content="PRE_NOTICE")
    lifecycle.determined(officer=officer, approver=approver, organisation=unit, content="DETERMINED")
    dismissed = lifecycle.lead(officer=officer, organisation=unit, content="DISMISSED")
    svc.record_dismiss(acting_user=approver, record_id=dismissed.pk, reason="不实")
    # The ways out of a proposal: returned to the officer, amended after the prior notice,
    # dismissed before the determination.
    returned = lifecycle.pre_notice(officer=officer, approver=approver, organisation=unit, content="RETURNED")
    svc.record_return_proposal(acting_user=approver, record_id=returned.pk, reason="失信事实不清")
    amended = lifecycle.pre_notice(officer=officer, approver=approver, organisation=unit, content="AMENDED")
    svc.record_amend_proposal(
        acting_user=officer, record_id=amended.pk, reason="情节轻微，降级", tier="MINOR"
    )
    withdrawn = lifecycle.proposed(officer=officer, organisation=unit, content="DISMISSED PROPOSAL")
    svc.record_dismiss(acting_user=approver, record_id=withdrawn.pk, reason="证据不足，不予认定")


def build_objections(officer, approver, liaison, record):
    def new(text):
        return filed(subject=liaison, record=record, statement=text)

    new("SUBMITTED")
    objection_svc.objection_request_supplement(
        acting_user=officer, objection_id=new("SUPPLEMENT").pk, missing_items="回单"
    )
    for text, steps in [("ACCEPTED", 1), ("VERIFYING", 2), ("EXTENDED", 3), ("DECIDED", 4), ("CLOSED", 6)]:
        objection = new(text)
        actions = [
            lambda o: objection_svc.objection_accept(acting_user=officer, objection_id=o.pk),
            lambda o: objection_svc.objection_start_verification(acting_user=officer, objection_id=o.pk),
            lambda o: objection_svc.objection_extend(acting_user=approver, objection_id=o.pk, reason="核实"),
            lambda o: objection_svc.objection_decide(
                acting_user=approver, objection_id=o.pk, outcome="MAINTAIN", reason="属实"
            ),
            lambda o: objection_svc.objection_serve(
                acting_user=officer, objection_id=o.pk, served_on=dt.date(2026, 9, 1)
            ),
            lambda o: objection_svc.objection_close(acting_user=officer, objection_id=o.pk),
        ]
        for action in actions[:steps]:
            action(objection)


def build_rectifications(officer, approver, liaison, head):
    def order(**kwargs):
        unit = OrganisationFactory()
        return unit, rectification_steps.drafted(officer=officer, approver=approver, unit=unit, **kwargs)

    order()
    _, issued = order()
    rectification_svc.rectification_issue(acting_user=approver, rectification_id=issued.pk)
    for evidence, signed in [(False, False), (True, False), (True, True)]:
        unit = OrganisationFactory()
        rectification = rectification_steps.in_progress(officer=officer, approver=approver, unit=unit)
        unit_liaison = UserFactory(organisation=unit, roles=[Role.UNIT_LIAISON])
        if evidence:
            rectification_steps.add_evidence(unit_liaison, rectification)
        if signed:
            unit_head = UserFactory(organisation=unit, roles=[Role.UNIT_HEAD])
            rectification_svc.rectification_sign_off(
                acting_user=unit_head, rectification_id=rectification.pk, declaration=True
            )
    rectification_steps.submitted(
        officer=officer, approver=approver, unit=liaison.organisation, liaison=liaison, head=head, count=2
    )


def build_accountabilities(officer, approver, unit):
    for n, steps in enumerate(["opened", "deliberated", "served"]):
        person = PersonFactory(unit=unit)
        record = lifecycle.effective(officer=officer, approver=approver, person=person, content=f"问责{n}")
        if steps == "opened":
            accountability_steps.opened(officer=officer, record=record, persons=[person])
        elif steps == "deliberated":
            accountability_steps.deliberated(officer=officer, record=record, persons=[person])
        else:
            accountability_steps.served(
                officer=officer,
                approver=approver,
                record=record,
                persons=[person],
                decisions=[accountability_steps.decision(person)],
                decided_on=dt.date(2026, 1, 26),
                served_on=dt.date(2026, 1, 27),
            )


def build_repairs(officer, approver, liaison, head, unit):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit, content="修复")
    repair_svc.repair_apply(
        acting_user=liaison, record_id=record.pk, commitment="承诺。", commitment_signed_by_id=head.pk
    )


def test_every_open_process_waits_at_the_task_its_objects_legal_state_needs(
    settings, officer, approver, liaison, unit
):
    settings.CHENGXIN_TODAY = "2026-09-01"
    head = UserFactory(organisation=unit, roles=[Role.UNIT_HEAD])
    build_records(officer, approver, liaison, unit)
    objected = lifecycle.effective(officer=officer, approver=approver, organisation=unit, content="异议")
    build_objections(officer, approver, liaison, objected)
    build_rectifications(officer, approver, liaison, head)
    build_accountabilities(officer, approver, unit)
    build_repairs(officer, approver, liaison, head, unit)

    followed = [obj for model in EXPECTED for obj in model.objects.all()]
    assert {type(o) for o in followed} == set(EXPECTED)
    assert {(type(o).__name__, expected_task(o)) for o in followed} >= {
        ("Record", "answer_defence"),
        ("Rectification", "sign_off"),
        ("Objection", "decide"),
        ("Accountability", "execute"),
        ("RepairApplication", "decide"),
    }
    for obj in followed:
        process = CaseProcess.objects.filter(key=subject_key(obj)).first()
        needed = expected_task(obj)
        if needed is None:
            assert process is None or process.status == PROCESS.DONE, obj
            continue
        assert process is not None and process.status == PROCESS.NEW, obj
        waiting = Task.objects.filter(process=process).exclude(status__in=[STATUS.DONE, STATUS.CANCELED])
        assert [(t.flow_task_type, t.flow_task.name) for t in waiting] == [("HUMAN", needed)], (
            obj,
            obj.state,
        )
    assert not Task.objects.filter(status=STATUS.ERROR).exists()
