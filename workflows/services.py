"""What a user does to a task itself: claim it from the queue, give it back, or (the
commission) hand the open tasks of several cases to a colleague.

Doing the task is not here: that is the casework service of the step (see flows.py).
Claims are work state, not legal state, so they write no audit entry; handing a task to
someone else (`tasks_assign`) is a decision about another person's work, and is audited.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from casework import audit
from casework.action_labels import AuditAction
from casework.errors import ConflictError, DomainError, PermissionDeniedError
from casework.language import official_language
from casework.lifecycle import RecordState, Step
from casework.permissions import acting_role, has_role
from casework.services.bulk import BulkResult, reference_of, select_records

from .inbox import ASSIGN_ROLES, RECORD, assignees, may_claim, takes_q, task_get, visible_tasks
from .nodes import SUBJECT_PERMISSIONS


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


# ── handing commission work to a colleague (the case list's bulk "分配") ─────────────

ASSIGN_STEP = Step(
    name="assign_tasks",
    label=gettext_lazy("分配任务"),
    sources=tuple(RecordState.values),
    target=None,
    roles=ASSIGN_ROLES,
    domain_ref="§2",
)


def tasks_assign(
    *, acting_user, record_ids: Iterable[int | str], assignee_id: int | str, ip_address: str | None = None
) -> BulkResult:
    """Give the open commission-side tasks of the selected cases to `assignee_id`.

    Only tasks the acting user sees and the assignee may do (their role's, on a case they
    see: a 回避 conflict hides it) move; the subject side's tasks are never the commission's
    to hand out. Unlike a claim, handing work to someone else is audited: one entry per task.
    Ids the user cannot see come back in `not_found`, untouched."""
    if not has_role(acting_user, *ASSIGN_ROLES):
        raise PermissionDeniedError(_("只有办案人员或审批人员可以分配任务。"), code="permission_denied")
    assignee = _assignee(acting_user, assignee_id)
    with transaction.atomic(durable=True):
        records, not_found = select_records(user=acting_user, record_ids=record_ids)
        result = BulkResult(not_found=not_found)
        tasks = _open_commission_tasks(acting_user, records)
        takeable = set(
            visible_tasks(assignee)
            .filter(takes_q(assignee), pk__in=[t.pk for t in tasks])
            .values_list("pk", flat=True)
        )
        entries = []
        for record in records:
            mine = [t for t in tasks if t.process.caseprocess.record_id == record.pk]
            movable = [t for t in mine if t.pk in takeable and t.owner_id != assignee.pk]
            role = acting_role(acting_user, record, ASSIGN_STEP) if movable else ""
            handed = [
                e for t in movable if (e := _hand_over(t, assignee, acting_user, role, record, ip_address))
            ]
            if handed:
                entries += handed
                result.done.append(reference_of(record))
            else:
                result.skipped.append((reference_of(record), _why_not_assigned(mine, takeable)))
        audit.append_many(entries)
        result.count = len(entries)
    return result


def _assignee(acting_user, assignee_id: int | str):
    assignee_id = str(assignee_id).strip()
    found = assignees(acting_user).filter(pk=int(assignee_id)).first() if assignee_id.isdigit() else None
    if found is None:
        raise DomainError(_("请选择接收任务的办案人员或审批人员。"), field="assignee", code="required")
    return found


def _open_commission_tasks(user, records) -> list[Task]:
    return list(
        visible_tasks(user)
        .filter(**{f"{RECORD}__in": records}, status__in=[STATUS.NEW, STATUS.ASSIGNED])
        .exclude(owner_permission__in=SUBJECT_PERMISSIONS)
        .select_related("process__caseprocess")
    )


def _why_not_assigned(tasks: list[Task], takeable: set[int]) -> str:
    if not tasks:
        return _("没有可分配的待办任务")
    if any(t.pk in takeable for t in tasks):
        return _("任务已由该人员办理")
    return _("该人员不能办理这些任务")


def _hand_over(task: Task, assignee, acting_user, role: str, record, ip_address) -> dict | None:
    """Under the process lock, as a claim: a task done or taken up meanwhile is left alone."""
    with task.process.flow_class.lock(task.process_id):
        task.refresh_from_db()
        if task.status not in (STATUS.NEW, STATUS.ASSIGNED):
            return None
        before = task.owner_id
        activation = task.flow_task.activation_class(task)
        if task.status == STATUS.NEW:
            activation.assign(assignee)
        else:
            activation.reassign(assignee)
        task.assigned = timezone.now()
        task.save(update_fields=["status", "owner", "assigned"])
    name = assignee.get_full_name() or assignee.get_username()
    with official_language():
        reason = _("将“%(task)s”分配给 %(name)s。") % {"task": task.flow_task.task_title, "name": name}
    return dict(
        actor=acting_user,
        role=role,
        obj=task,
        record=record,
        action=AuditAction.TASK_ASSIGN,
        reason=reason,
        ip_address=ip_address,
        diff={"owner": [before, assignee.pk]},
    )
