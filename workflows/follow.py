"""Keep work state in step with legal state, in the reaction to each legal step.

`follow_step` is called by `workflows.reactions.react` after a step (or a creation) has
committed, in the reaction's own transaction with the object locked. It starts the object's
process ("created"), or completes the task that the object's new state no longer needs,
which sends the flow back to its router to open the task the new state does need. A step
that leaves the needed task unchanged (an extension, a correction) leaves the task — and its
claim — alone. A flow that cannot be locked (FlowLockFailed) fails the reaction, which is
retried; the legal step stays done.
"""

from __future__ import annotations

from django.db import transaction
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from .flows import FLOW_BY_MODEL, FLOWS, CaseFlow
from .models import CaseProcess, subject_key

#: A human task still waiting for someone.
WAITING = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def follow_step(obj, *, acting_user) -> None:
    """Bring the process of `obj`, if a flow follows its kind, up to the step that left it
    as it is (`Reaction.subject`: as the step left it, even when later steps have moved it
    on since). The tasks are then opened and completed as they were when the step was taken
    (a creation and a system step in one transaction: the first state's task is opened,
    then done), and the flow's router opens the task the object's current state needs."""
    flow_class = FLOW_BY_MODEL.get(type(obj))
    if flow_class is not None:
        follow(flow_class, obj, acting_user=acting_user)


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
    workflows existed, or whose reaction is still pending); returns how many
    objects were looked at. Each object under its own row lock, as a step would be."""
    count = 0
    for flow_class in flows:
        for pk in flow_class.model.objects.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                obj = flow_class.model.objects.select_for_update().get(pk=pk)
                follow(flow_class, obj)
            count += 1
    return count
