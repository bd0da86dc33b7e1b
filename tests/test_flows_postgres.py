"""On PostgreSQL the flows lock their process row (viewflow SelectForUpdateLock): a legal
step and a claim on the same process queue for it, and two claims of one task have one winner."""

import pytest
from django.db import transaction
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from casework.errors import ConflictError
from casework.roles import Role
from casework.services import records as svc
from workflows.models import RecordProcess, subject_key
from workflows.services import task_claim

from . import concurrency, lifecycle
from .factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_step_waits_for_the_process_lock_held_by_another_transaction():
    """The listener takes the process row lock inside the step's transaction: while a claim
    (or any viewflow action) holds it, the step waits, then completes the task."""
    officer = UserFactory(roles=[Role.OFFICER])
    record = lifecycle.lead(officer=officer, organisation=OrganisationFactory())
    process = RecordProcess.objects.get(key=subject_key(record))

    with transaction.atomic():
        RecordProcess.objects.select_for_update().get(pk=process.pk)
        threads, outcomes = concurrency.start(
            [lambda: svc.record_start_verification(acting_user=officer, record_id=record.pk)]
        )
        concurrency.wait_for_lock_waiters(1)
        assert Task.objects.filter(process=process, status=STATUS.NEW, flow_task_type="HUMAN").count() == 1
    concurrency.join(threads)

    assert [o.state for o in outcomes] == ["VERIFYING"]
    assert Task.objects.get(process=process, status=STATUS.ASSIGNED).flow_task.name == "propose"


def test_two_officers_claiming_one_task_at_once_have_one_winner():
    officers = [UserFactory(roles=[Role.OFFICER]) for _ in range(4)]
    record = lifecycle.lead(officer=officers[0], organisation=OrganisationFactory())
    process = RecordProcess.objects.get(key=subject_key(record))
    task = Task.objects.get(process=process, status=STATUS.NEW, flow_task_type="HUMAN")

    outcomes = concurrency.race(
        RecordProcess.objects.filter(pk=process.pk),
        [(lambda u=u: task_claim(acting_user=u, task_id=task.pk)) for u in officers],
    )

    winners = [o for o in outcomes if isinstance(o, Task)]
    assert len(winners) == 1 and sum(isinstance(o, ConflictError) for o in outcomes) == 3, outcomes
    assert Task.objects.get(pk=task.pk).owner_id == winners[0].owner_id
