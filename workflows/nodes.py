"""Building blocks of the case flows, subclassed from viewflow (never patched, LIBRARIES §2.1).

- `HumanTask`: a user task whose claim and execution obey the project's visibility, not
  viewflow's "anyone with the permission" (viewflow#505);
- `role_task` / `subject_task`: who may take a task, by role and by organisation;
- `StateLock`: `SelectForUpdateLock` on PostgreSQL, viewflow's transaction-only lock elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from viewflow.utils import is_owner
from viewflow.workflow import lock, nodes

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

    def can_assign(self, user, task) -> bool:
        from .inbox import may_claim

        return may_claim(user, task)

    def can_execute(self, user, task) -> bool:
        from .inbox import inbox

        return is_owner(task.owner, user) and inbox(user).filter(pk=task.pk).exists()


def _usable(user, role: str, record) -> bool:
    return bool(user and user.is_active and has_role(user, role) and not has_conflict(user, record))


def role_task(title: str, role: str, *, assign: Callable | None = None) -> HumanTask:
    """A commission-side task, in the queue of every holder of `role` who may see the case;
    `assign(activation)` may name the user it goes to directly."""
    task = HumanTask(title).Permission(role_permission(role))
    if assign is not None:
        task.Assign(lambda activation: _checked(assign(activation), role, activation))
    return task


def _checked(user, role: str, activation):
    return user if _usable(user, role, activation.process.record) else None


def subject_task(title: str, unit_role: str = Role.UNIT_LIAISON) -> HumanTask:
    """A task of the subject's side: the civil servant for a person's record (assigned to
    them directly), else the queue of the subject unit's `unit_role` users."""

    def permission(activation) -> str:
        record = activation.process.record
        return role_permission(Role.CIVIL_SERVANT if record.subject_person_id else unit_role)

    def the_person(activation):
        person = activation.process.record.subject_person
        user = getattr(person, "user", None) if person else None
        return _checked(user, Role.CIVIL_SERVANT, activation)

    return HumanTask(title).Permission(permission).Assign(the_person)


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
