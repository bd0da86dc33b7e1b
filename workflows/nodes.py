"""Building blocks of the case flows, subclassed from viewflow (never patched, LIBRARIES §2.1).

- `HumanTask`: a user task whose claim and execution obey the project's visibility, not
  viewflow's "anyone with the permission" (viewflow#505);
- `step_task` / `subject_task`: who may take a task, by its step's roles and by organisation;
- `StateLock`: `SelectForUpdateLock` on PostgreSQL, viewflow's transaction-only lock elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from viewflow.utils import is_owner
from viewflow.workflow import lock, nodes

from casework.kinds import ObjectKind
from casework.lifecycle import Step
from casework.permissions import has_conflict, has_role
from casework.roles import Role, permission_codename


def role_permission(role: str) -> str:
    return f"casework.{permission_codename(role)}"


#: Permissions of tasks that belong to the subject's side: only the subject's own unit
#: (or the civil servant) may claim them, whatever their role grants elsewhere.
UNIT_PERMISSIONS = frozenset({role_permission(Role.UNIT_LIAISON), role_permission(Role.UNIT_HEAD)})
PERSON_PERMISSIONS = frozenset({role_permission(Role.CIVIL_SERVANT)})
SUBJECT_PERMISSIONS = UNIT_PERMISSIONS | PERSON_PERMISSIONS


class HumanTask(nodes.View):
    """A task done by calling a casework service: the step's listener completes it, so
    the node has no view of its own (viewflow's task pages are not mounted)."""

    def __init__(self, title: str, **kwargs):
        super().__init__(view=None, **kwargs)
        self.task_title = title
        self.step: Step | None = None  # the lifecycle step that completes it
        self.roles: frozenset[str] = frozenset()  # the commission roles whose queue it is in

    def can_assign(self, user, task) -> bool:
        from .inbox import may_claim

        return may_claim(user, task)

    def can_execute(self, user, task) -> bool:
        from .inbox import inbox

        return is_owner(task.owner, user) and inbox(user).filter(pk=task.pk).exists()


def _usable(user, roles, record) -> bool:
    return bool(user and user.is_active and has_role(user, *roles) and not has_conflict(user, record))


#: Who a commission task is for: the roles of its step that a person holds (not the
#: scheduler's, not the subject's side, whose tasks are subject_task's).
NOT_QUEUED_ROLES = frozenset({Role.SYSTEM, Role.UNIT_LIAISON, Role.UNIT_HEAD, Role.CIVIL_SERVANT})


def step_task(
    kind: ObjectKind, step_name: str, title: str | None = None, *, assign: Callable | None = None
) -> HumanTask:
    """A commission-side task for taking the kind's step `step_name`, in the queue of every
    holder of one of the step's roles who may see the case (the lifecycle table says who:
    never restated here); `assign(activation)` may name the user it goes to directly.
    Its title is the step's label unless the queue words the work otherwise (`title`)."""
    step = kind.steps[step_name]
    roles = tuple(role for role in Role if role in step.roles and role not in NOT_QUEUED_ROLES)
    task = HumanTask(title or step.label).Permission(role_permission(roles[0]))
    task.step, task.roles = step, frozenset(roles)
    if assign is not None:
        task.Assign(lambda activation: _checked(assign(activation), roles, activation))
    return task


def _checked(user, roles, activation):
    return user if _usable(user, roles, activation.process.record) else None


def subject_task(kind: ObjectKind, step_name: str, title: str | None = None) -> HumanTask:
    """A task of the subject's side for taking the kind's step `step_name`: the civil
    servant for a person's record (assigned to them directly), else the queue of the subject
    unit's users of the step's unit role (the liaison's, unless the step is the head's
    alone). Titled as step_task's."""
    step = kind.steps[step_name]
    unit_role = Role.UNIT_LIAISON if Role.UNIT_LIAISON in step.roles else Role.UNIT_HEAD

    def permission(activation) -> str:
        record = activation.process.record
        return role_permission(Role.CIVIL_SERVANT if record.subject_person_id else unit_role)

    def the_person(activation):
        person = activation.process.record.subject_person
        user = getattr(person, "user", None) if person else None
        return _checked(user, (Role.CIVIL_SERVANT,), activation)

    task = HumanTask(title or step.label).Permission(permission).Assign(the_person)
    task.step = step  # no commission roles: claimed by the subject's side only (inbox.queue)
    return task


def case_officer(activation):
    """The record's 承办人, who took the lead into verification."""
    return activation.process.record.assigned_officer


class StateLock:
    """Row lock on the process (`SELECT … FOR UPDATE`) on PostgreSQL; on SQLite, whose
    writers are serialised anyway, viewflow's no_lock (a transaction only).

    nowait=False, one attempt: the step that moves a process already holds its domain
    object's row lock, so waiting briefly for a concurrent claim beats failing; a
    deadlock still fails at once (FlowLockFailed, reported as a 409)."""

    def __init__(self):
        self._row_lock = lock.SelectForUpdateLock(nowait=False, attempts=1)

    def __call__(self, flow_class, process_pk):
        if connection.vendor == "postgresql":
            return self._row_lock(flow_class, process_pk)
        return lock.no_lock(flow_class, process_pk)


state_lock = StateLock()
