"""Issue #3 item 6: the objection, rectification, accountability and repair flows follow
their object's legal state through the same services, and assign each task by role and
organisation (DOMAIN §6.2–6.5)."""

import datetime as dt

import pytest
from viewflow.workflow.status import PROCESS, STATUS

from casework.models import Deadline
from casework.services import accountability as accountability_svc
from casework.services import objections as objection_svc
from casework.services import rectification as rectification_svc
from casework.services import repair as repair_svc
from workflows.inbox import inbox, queue

from . import accountability_steps, lifecycle, rectification_steps
from .factories import PersonFactory
from .objection_steps import filed
from .repair_cases import effective_record, set_today
from .test_flows import done, process_of, waiting

pytestmark = pytest.mark.django_db

NEW, ASSIGNED = STATUS.NEW, STATUS.ASSIGNED


def nodes_in(tasks) -> list[str]:
    return [t.flow_task.name for t in tasks]


@pytest.mark.usefixtures("fixed_today")
def test_an_objection_flows_from_acceptance_to_closing(officer, approver, liaison, other_liaison, unit):
    """§6.2 with a supplement (scenario 5) and an extension: the supplement is the subject
    unit's work; the extension keeps the approver's decision task (and its due date moves)."""
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    objection = filed(subject=liaison, record=record)
    assert waiting(objection) == [("accept", NEW, None)]
    assert nodes_in(queue(officer)) == ["accept"]

    objection_svc.objection_request_supplement(
        acting_user=officer, objection_id=objection.pk, missing_items="回单"
    )
    assert waiting(objection) == [("supplement", NEW, None)]
    assert nodes_in(queue(liaison)) == ["supplement"] and nodes_in(queue(other_liaison)) == []
    objection_svc.objection_supplement(
        acting_user=liaison,
        objection_id=objection.pk,
        complete_on=dt.date(2026, 2, 2),
        statement_addition="补回单",
    )
    objection_svc.objection_accept(acting_user=officer, objection_id=objection.pk)
    assert waiting(objection) == [("start_verification", NEW, None)]
    objection_svc.objection_start_verification(acting_user=officer, objection_id=objection.pk)
    decide = queue(approver).get()
    assert decide.flow_task.name == "decide"

    objection_svc.objection_extend(acting_user=approver, objection_id=objection.pk, reason="需向提供单位核实")
    assert queue(approver).get().pk == decide.pk and queue(approver).get().due_on > decide.due_on

    objection_svc.objection_decide(
        acting_user=approver, objection_id=objection.pk, outcome="MAINTAIN", reason="属实"
    )
    objection_svc.objection_serve(
        acting_user=officer, objection_id=objection.pk, served_on=dt.date(2026, 2, 2)
    )
    objection_svc.objection_close(acting_user=officer, objection_id=objection.pk)

    assert process_of(objection).status == PROCESS.DONE
    assert done(objection) == [
        ("accept", "officer"),
        ("supplement", "liaison"),
        ("accept", "officer"),
        ("start_verification", "officer"),
        ("decide", "approver"),
        ("serve", "officer"),
        ("close", "officer"),
    ]


@pytest.mark.usefixtures("fixed_today")
def test_a_repeated_objection_refused_on_filing_ends_its_process_at_once(officer, approver, liaison, unit):
    """§6.2 repeat objection: the system refuses it in the filing's transaction."""
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    filed(subject=liaison, record=record)
    repeat = filed(subject=liaison, record=record)

    assert waiting(repeat) == [] and process_of(repeat).status == PROCESS.DONE
    assert done(repeat) == [("accept", None)]  # ended by the system


def test_a_rectification_goes_to_the_unit_then_its_head_then_back_for_submission(
    settings, officer, approver, liaison, head, other_liaison, unit
):
    """§6.3 and scenario 12: issue (approver), serve (officer), the liaison uploads, the
    head signs what was uploaded, the liaison submits, the officer reviews; the items'
    deadlines are the unit's task's due date."""
    set_today(settings, "2026-09-01")
    rectification = rectification_steps.drafted(officer=officer, approver=approver, unit=unit)
    assert waiting(rectification) == [("issue", NEW, None)]
    rectification_svc.rectification_issue(acting_user=approver, rectification_id=rectification.pk)
    rectification_svc.rectification_serve(
        acting_user=officer, rectification_id=rectification.pk, served_on=rectification_steps.SERVED_ON
    )
    submit = queue(liaison).get()
    assert submit.flow_task.name == "submit" and submit.due_on == dt.date(2026, 9, 15)  # 情况说明, 10 WD
    assert list(queue(other_liaison)) == [] and list(queue(head)) == []
    rectification_svc.rectification_explain(
        acting_user=liaison, rectification_id=rectification.pk, explanation="原因"
    )
    item_deadline = Deadline.objects.get(kind="rectification", status="OPEN", record=rectification.record)
    assert queue(liaison).get().due_on == item_deadline.due_on > dt.date(2026, 9, 15)

    rectification_steps.add_evidence(liaison, rectification)
    assert nodes_in(queue(head)) == ["sign_off"] and list(queue(liaison)) == []
    rectification_svc.rectification_sign_off(
        acting_user=head, rectification_id=rectification.pk, declaration=True
    )
    assert nodes_in(queue(liaison)) == ["submit"]
    rectification_svc.rectification_submit(
        acting_user=liaison, rectification_id=rectification.pk, truth_declared=True
    )
    rectification_svc.rectification_start_review(acting_user=officer, rectification_id=rectification.pk)
    item = rectification.items.get()
    rectification_svc.rectification_review(
        acting_user=officer, rectification_id=rectification.pk, decisions={item.pk: ("ACCEPT", "")}
    )

    assert process_of(rectification).status == PROCESS.DONE
    assert [node for node, _who in done(rectification)] == [
        "issue",
        "serve",
        "submit",
        "sign_off",
        "submit",
        "start_review",
        "review",
    ]


def test_an_accountability_case_reaches_hr_after_service(settings, officer, approver, hr, unit):
    """§6.4: the commission investigates, hears, deliberates and decides; HR executes."""
    set_today(settings, "2026-02-02")
    person = PersonFactory(unit=unit)
    record = lifecycle.effective(officer=officer, approver=approver, person=person)
    case = accountability_steps.opened(officer=officer, record=record, persons=[person])
    assert waiting(case) == [("investigate", NEW, None)]

    case = accountability_steps.deliberated(
        officer=officer, record=record, persons=[person], on=dt.date(2026, 1, 20)
    )
    assert waiting(case) == [("decide", NEW, None)]
    accountability_svc.accountability_decide(
        acting_user=approver,
        accountability_id=case.pk,
        decisions=[accountability_steps.decision(person)],
        decided_on=dt.date(2026, 1, 26),
    )
    assert list(queue(hr)) == []  # HR is not told before service
    accountability_svc.accountability_serve(
        acting_user=officer, accountability_id=case.pk, served_on=dt.date(2026, 1, 27)
    )

    assert nodes_in(queue(hr)) == ["execute"]
    assert [node for node, _who in done(case)] == ["investigate", "hear", "deliberate", "decide", "serve"]


def test_a_repair_application_waits_for_the_approvers_decision(
    settings, officer, approver, liaison, head, unit
):
    """§6.5 and scenario 13: accepted at submission by the system, decided by an approver."""
    record = effective_record(
        settings, officer=officer, approver=approver, organisation=unit, determined_on=dt.date(2026, 1, 15)
    )
    set_today(settings, "2026-04-16")
    application = repair_svc.repair_apply(
        acting_user=liaison,
        record_id=record.pk,
        commitment="本单位承诺依法履约。",
        commitment_signed_by_id=head.pk,
    )
    decide = queue(approver).get()
    assert decide.flow_task.name == "decide" and decide.due_on == dt.date(2026, 4, 21)
    assert done(application) == [("accept", None)]

    repair_svc.repair_grant(acting_user=approver, application_id=application.pk)

    assert process_of(application).status == PROCESS.DONE and list(inbox(approver)) == []
