"""Issue #3 item 6: the viewflow flows follow the legal state, step by step, through the
same services the API calls (ARCHITECTURE §1: work state never drifts from legal state)."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.test import override_settings
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from casework.errors import DomainError
from casework.models import Measure
from casework.services import records as svc
from casework.services.records import decided
from workflows.flows import RecordFlow
from workflows.follow import follow_all
from workflows.inbox import queue
from workflows.models import CaseProcess, RecordProcess, subject_key

from . import lifecycle
from .factories import LeadFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]

WAITING = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def process_of(obj) -> CaseProcess:
    return CaseProcess.objects.get(key=subject_key(obj))


def waiting(obj) -> list[tuple[str, str, str | None]]:
    """(node, status, owner's username) of the human tasks waiting on `obj`'s process."""
    tasks = Task.objects.filter(process=process_of(obj), flow_task_type="HUMAN", status__in=WAITING)
    return [(t.flow_task.name, t.status, t.owner.username if t.owner else None) for t in tasks.order_by("pk")]


def done(obj) -> list[tuple[str, str | None]]:
    """(node, who did it) of the finished human tasks, in order."""
    tasks = Task.objects.filter(process=process_of(obj), flow_task_type="HUMAN", status=STATUS.DONE)
    return [(t.flow_task.name, t.owner.username if t.owner else None) for t in tasks.order_by("pk")]


def test_a_registered_lead_waits_in_the_officers_queue_for_verification(officer, approver, unit):
    """DOMAIN §5.1 T1→T2: a new lead is work for any case officer, not yet anyone's."""
    record = lifecycle.lead(officer=officer, organisation=unit)

    process = process_of(record)
    assert isinstance(process.coerced, RecordProcess) and process.coerced.record == record
    assert process.flow_class is RecordFlow and process.status == PROCESS.NEW
    assert waiting(record) == [("start_verification", STATUS.NEW, None)]
    assert [t.flow_task.name for t in queue(officer)] == ["start_verification"]
    assert list(queue(approver)) == []


def test_each_record_step_completes_its_task_and_opens_the_next_one(officer, approver, liaison, unit):
    """DOMAIN §5.1 T2–T8 with a statement of defence (T6): each service call completes the
    waiting task in its own transaction and the flow opens the task the new state needs;
    the officer who took the lead gets the officer's tasks directly."""
    record = lifecycle.lead(officer=officer, organisation=unit)
    svc.record_start_verification(acting_user=officer, record_id=record.pk)
    assert waiting(record) == [("propose", STATUS.ASSIGNED, "officer")]

    lifecycle_propose(officer, record)
    assert waiting(record) == [("approve_pre_notice", STATUS.NEW, None)]
    svc.record_approve_pre_notice(acting_user=approver, record_id=record.pk)
    assert waiting(record) == [("serve_pre_notice", STATUS.ASSIGNED, "officer")]
    svc.record_pre_notice_served(acting_user=officer, record_id=record.pk, served_on=dt.date(2026, 1, 5))
    assert waiting(record) == [("determine", STATUS.NEW, None)]

    with override_settings(CHENGXIN_TODAY="2026-01-06"):  # in the 5-WD defence window
        svc.record_submit_defence(acting_user=liaison, record_id=record.pk, statement="款项已支付。")
    assert waiting(record) == [("answer_defence", STATUS.ASSIGNED, "officer")]
    svc.record_answer_defence(acting_user=officer, record_id=record.pk, reply="经核，款项未支付。")
    assert waiting(record) == [("approve_pre_notice", STATUS.NEW, None)]
    svc.record_approve_pre_notice(acting_user=approver, record_id=record.pk)
    svc.record_pre_notice_served(acting_user=officer, record_id=record.pk, served_on=dt.date(2026, 1, 6))
    svc.record_determine(acting_user=approver, record_id=record.pk, determination_date=dt.date(2026, 1, 20))
    assert waiting(record) == [("serve", STATUS.ASSIGNED, "officer")]
    decided.record_serve(
        acting_user=officer,
        record_id=record.pk,
        served_on=dt.date(2026, 1, 21),
        method="IN_PERSON",
        proof="回证",
    )

    assert waiting(record) == []
    assert process_of(record).status == PROCESS.DONE
    assert done(record) == [
        ("start_verification", "officer"),
        ("propose", "officer"),
        ("approve_pre_notice", "approver"),
        ("serve_pre_notice", "officer"),
        ("determine", "liaison"),  # the defence, not a determination, ended this wait
        ("answer_defence", "officer"),
        ("approve_pre_notice", "approver"),
        ("serve_pre_notice", "officer"),
        ("determine", "approver"),
        ("serve", "officer"),
    ]


def lifecycle_propose(officer, record):
    return svc.record_propose(
        acting_user=officer,
        record_id=record.pk,
        category="PRM",
        domain="PROCUREMENT",
        tier="GENERAL",
        facts="拖欠中小企业账款 80 万元。",
        legal_basis="《保障中小企业款项支付条例》第九条",
        measure_ids=[Measure.objects.get(code="M01").pk],
    )


def test_a_step_that_leaves_the_needed_task_unchanged_keeps_the_task_and_its_claim(officer, approver, unit):
    """T14 on a determined record: the correction is not the service of the decision, so the
    officer's 登记送达 task stays open, still theirs."""
    record = lifecycle.determined(officer=officer, approver=approver, organisation=unit)
    before = Task.objects.get(process=process_of(record), status=STATUS.ASSIGNED)

    decided.record_amend(
        acting_user=approver,
        record_id=record.pk,
        changes={"facts": "更正后的失信事实：拖欠 80 万元。"},
        reason="笔误",
    )

    after = Task.objects.get(process=process_of(record), status=STATUS.ASSIGNED)
    assert (after.pk, after.owner) == (before.pk, officer)


def test_a_dismissed_lead_ends_its_process(officer, approver, unit):
    """T3: nothing is left to do on a dismissed lead."""
    record = lifecycle.lead(officer=officer, organisation=unit)
    svc.record_dismiss(acting_user=approver, record_id=record.pk, reason="线索不实")

    assert waiting(record) == []
    assert process_of(record).status == PROCESS.DONE
    assert done(record) == [("start_verification", "approver")]


def test_a_refused_step_leaves_its_task_waiting(officer, approver, unit):
    """T7 before the defence window closed, without a waiver: the service refuses, and the
    approver's 认定 task is still there to do."""
    record = lifecycle.pre_notice(officer=officer, approver=approver, organisation=unit)
    with pytest.raises(DomainError, match="陈述申辩期"):
        svc.record_determine(
            acting_user=approver, record_id=record.pk, determination_date=dt.date(2026, 1, 6)
        )
    assert waiting(record) == [("determine", STATUS.NEW, None)]


def test_following_all_objects_starts_the_processes_of_records_made_without_the_services(officer, unit):
    """Records that predate the workflows (imports, the demo seed before this issue) get
    their process from `manage.py follow_workflows`; a second run changes nothing."""
    record = LeadFactory(subject_organisation=unit)
    assert not CaseProcess.objects.filter(key=subject_key(record)).exists()

    follow_all()
    follow_all()

    assert waiting(record) == [("start_verification", STATUS.NEW, None)]
    assert CaseProcess.objects.filter(key=subject_key(record)).count() == 1


def test_a_renamed_nodes_stored_tasks_are_renamed_with_it_and_back(officer, unit):
    """viewflow stores a task's node by name: workflows 0002 moves the tasks of the record's
    and the objection's `verify` to `start_verification`, and back when reversed."""
    renaming = importlib.import_module("workflows.migrations.0002_nodes_named_after_their_steps")
    record = lifecycle.lead(officer=officer, organisation=unit)
    tasks = Task.objects.filter(process=process_of(record), flow_task_type="HUMAN")

    def stored(ref: str) -> int:  # the string itself: reading the field imports the node
        return tasks.filter(flow_task=f"workflows/flows.RecordFlow.{ref}").count()

    renaming.backwards(apps, None)
    assert (stored("verify"), stored("start_verification")) == (1, 0)
    renaming.forwards(apps, None)
    assert (stored("verify"), stored("start_verification")) == (0, 1)
    assert waiting(record) == [("start_verification", STATUS.NEW, None)]
