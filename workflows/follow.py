"""Keep work state in step with legal state, inside the transaction of the legal step.

`on_step` is registered in casework.services.steps.STEP_LISTENERS (WorkflowsConfig.ready):
every service that creates a followed object or takes one of its steps calls it after
the audit entry, in the same transaction. It starts the object's process ("created"),
or completes the task that the object's new state no longer needs, which sends the flow
back to its router to open the task the new state does need. A step that leaves the
needed task unchanged (an extension, a correction) leaves the task — and its claim — alone.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from casework.errors import ConflictError

from .flows import FLOW_BY_MODEL, FLOWS, CaseFlow
from .models import CaseProcess, subject_key

#: A human task still waiting for someone.
WAITING = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def on_step(*, obj, step: str, acting_user, role: str) -> None:
    flow_class = FLOW_BY_MODEL.get(type(obj))
    if flow_class is None:
        return
    try:
        if connection.in_atomic_block:  # the normal case: the step's own transaction
            follow(flow_class, obj, acting_user=acting_user)
        else:
            with transaction.atomic():
                follow(flow_class, obj, acting_user=acting_user)
    except FlowLockFailed:
        raise ConflictError(_("该事项刚被他人处理，请刷新后重试。"), code="conflict") from None


def follow(flow_class: type[CaseFlow], obj, *, acting_user=None) -> None:
    """Bring `obj`'s process up to date with its legal state (idempotent)."""
    process = CaseProcess.objects.filter(key=subject_key(obj)).first()
    if process is None:
        if flow_class.node_for(obj):
            flow_class.start.run(obj=obj)
        return
    if process.status == PROCESS.NEW:
        advance(flow_class, process.pk, flow_class.node_for(obj), acting_user)


def advance(flow_class: type[CaseFlow], process_pk: int, needed: str | None, acting_user) -> None:
    with flow_class.lock(process_pk):
        waiting = Task.objects.filter(process_id=process_pk, flow_task_type="HUMAN", status__in=WAITING)
        for task in waiting.order_by("pk"):
            if task.flow_task.name != needed:
                finish(task, acting_user)


def finish(task: Task, acting_user) -> None:
    """Complete `task` as viewflow's own task views do (assign → start → execute), with the
    user who took the step as its owner (None for the scheduler): the archive shows who
    actually did the work, not who had claimed it."""
    activation = task.flow_task.activation_class(task)
    if task.status == STATUS.NEW:
        activation.assign(acting_user)
    else:
        task.owner = acting_user  # None: the scheduler, not whoever had claimed it
    if task.status == STATUS.ASSIGNED:
        activation.start(None)
    activation.execute()


def follow_all(*, flows: tuple[type[CaseFlow], ...] = FLOWS) -> int:
    """Start or update the process of every followed object (objects made before the
    workflows existed, or by a service that does not notify yet); returns how many
    objects were looked at. Each object under its own row lock, as a step would be."""
    count = 0
    for flow_class in flows:
        for pk in flow_class.model.objects.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                obj = flow_class.model.objects.select_for_update().get(pk=pk)
                follow(flow_class, obj)
            count += 1
    return count
