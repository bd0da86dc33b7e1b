"""What a user does to a task itself: claim it from the queue, or give it back.

Doing the task is not here: that is the casework service of the step (see flows.py).
Claims are work state, not legal state, so they write no audit entry.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from casework.errors import ConflictError, PermissionDeniedError

from .inbox import may_claim, task_get


def task_claim(*, acting_user, task_id: int) -> Task:
    task = task_get(acting_user, task_id)
    with task.process.flow_class.lock(task.process_id):
        task.refresh_from_db()
        if task.status != STATUS.NEW or task.owner_id:
            raise ConflictError(_("该任务已被领取或已办理，请刷新后重试。"), code="conflict")
        if not may_claim(acting_user, task):
            raise PermissionDeniedError(_("您不能领取该任务。"), code="permission_denied")
        task.flow_task.activation_class(task).assign(acting_user)
        task.assigned = timezone.now()
        task.save(update_fields=["status", "owner", "assigned"])
    return task_get(acting_user, task_id)


def task_release(*, acting_user, task_id: int) -> Task:
    """Back to the queue, by the user who holds it."""
    task = task_get(acting_user, task_id)
    with task.process.flow_class.lock(task.process_id):
        task.refresh_from_db()
        if task.status != STATUS.ASSIGNED or task.owner_id != acting_user.pk:
            raise ConflictError(_("只能退回本人已领取、尚未办理的任务。"), code="conflict")
        task.flow_task.activation_class(task).unassign()
        task.assigned = None
        task.save(update_fields=["status", "owner", "assigned"])
    return task_get(acting_user, task_id)
