"""On PostgreSQL the flows lock their process row (viewflow SelectForUpdateLock): a legal
step and a claim on the same process queue for it, and two claims of one task have one winner."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from casework.errors import ConflictError
from casework.roles import Role
from casework.services import records as svc
from workflows.models import RecordProcess, subject_key
from workflows.services import task_claim

from . import lifecycle
from .factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _wait_for_lock_waiters(count: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0] >= count:
                return
            time.sleep(0.05)
    raise AssertionError(f"fewer than {count} sessions ended up waiting for the process lock")


def _run_all(attempts) -> list[object]:
    outcomes, guard = [], threading.Lock()

    def run(attempt):
        try:
            result = attempt()
        except Exception as exc:  # collected and asserted by the caller
            result = exc
        finally:
            connections.close_all()
        with guard:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(a,)) for a in attempts]
    for thread in threads:
        thread.start()
    return threads, outcomes


def test_a_step_waits_for_the_process_lock_held_by_another_transaction():
    """The listener takes the process row lock inside the step's transaction: while a claim
    (or any viewflow action) holds it, the step waits, then completes the task."""
    officer = UserFactory(roles=[Role.OFFICER])
    record = lifecycle.lead(officer=officer, organisation=OrganisationFactory())
    process = RecordProcess.objects.get(key=subject_key(record))

    with transaction.atomic():
        RecordProcess.objects.select_for_update().get(pk=process.pk)
        threads, outcomes = _run_all(
            [lambda: svc.record_start_verification(acting_user=officer, record_id=record.pk)]
        )
        _wait_for_lock_waiters(1)
        assert Task.objects.filter(process=process, status=STATUS.NEW, flow_task_type="HUMAN").count() == 1
    for thread in threads:
        thread.join(timeout=30)

    assert [o.state for o in outcomes] == ["VERIFYING"]
    assert Task.objects.get(process=process, status=STATUS.ASSIGNED).flow_task.name == "propose"


def test_two_officers_claiming_one_task_at_once_have_one_winner():
    officers = [UserFactory(roles=[Role.OFFICER]) for _ in range(4)]
    record = lifecycle.lead(officer=officers[0], organisation=OrganisationFactory())
    process = RecordProcess.objects.get(key=subject_key(record))
    task = Task.objects.get(process=process, status=STATUS.NEW, flow_task_type="HUMAN")

    with transaction.atomic():
        RecordProcess.objects.select_for_update().get(pk=process.pk)
        threads, outcomes = _run_all(
            [(lambda u=u: task_claim(acting_user=u, task_id=task.pk)) for u in officers]
        )
        _wait_for_lock_waiters(4)
    for thread in threads:
        thread.join(timeout=30)

    winners = [o for o in outcomes if isinstance(o, Task)]
    assert len(winners) == 1 and sum(isinstance(o, ConflictError) for o in outcomes) == 3, outcomes
    assert Task.objects.get(pk=task.pk).owner_id == winners[0].owner_id
