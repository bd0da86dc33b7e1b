"""The machinery every lifecycle step shares, for the record and each sub-process:
find the object among those the user may see, lock it, check who and when, change it,
run the FSM transition, write the audit entry and note what the step causes beyond
casework (a `reactions` row, done after the commit), all in one durable transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from django.conf import settings
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from .. import audit
from ..errors import ConflictError
from ..guards import illegal_state
from ..kinds import ObjectKind
from ..permissions import acting_role
from . import reactions


def check_direct_service(obj, step: str) -> None:
    """Before a service is recorded on its own rather than as the service of its notice:
    the check named in settings `CHENGXIN["DIRECT_SERVICE_CHECK"]` (config wires
    `notices.service_steps.refuse_direct_service`, which raises DomainError while a notice
    whose service records `step` on `obj` is on its way). Casework does not know its
    notices; the one layer that knows them all names the check. Unset: no notices, no check."""
    check = settings.CHENGXIN.get("DIRECT_SERVICE_CHECK")
    if check:
        import_string(check)(obj=obj, step=step)


#: The step machine of a kind of object is its declaration (casework.kinds): its model, its
#: table of steps, the path from it to its record, who sees it, its audit names.
Machine = ObjectKind


def snapshot(obj: models.Model) -> dict:
    """The audited fields of `obj` (timestamps left out), for the entry's diff."""
    skip = {"id", "created_at", "updated_at"}
    fields = [f.name for f in obj._meta.concrete_fields if f.name not in skip]
    data = model_to_dict(obj, fields=fields)
    data["state"] = getattr(obj, "state", None)
    return data


def perform(
    machine: Machine,
    *,
    acting_user,
    pk: int,
    step: str,
    change: Callable = lambda obj: None,
    after: Callable = lambda obj: None,
    reason: str = "",
    ip_address: str | None = None,
    capture: Callable[[models.Model], dict] = snapshot,
):
    """Run one step in its own transaction. The state read before the lock tells a lost
    race (ConflictError, 409) from a step that was never allowed (DomainError, 400)."""
    seen_state = machine.get(acting_user, pk, lock=False).state
    with transaction.atomic(durable=True):
        obj = machine.get(acting_user, pk, lock=True)
        role = acting_role(acting_user, machine.record_of(obj), machine.steps[step])
        if not can_proceed(getattr(obj, step)):
            _refuse(machine, obj, step, seen_state)
        return apply_step(
            machine,
            obj,
            audit.Acting(acting_user, role, ip_address),
            step=step,
            change=change,
            after=after,
            reason=reason,
            capture=capture,
        )


def apply_step(
    machine: Machine,
    obj,
    by: audit.Acting,
    *,
    step: str,
    change: Callable = lambda obj: None,
    after: Callable = lambda obj: None,
    reason: str = "",
    capture: Callable[[models.Model], dict] = snapshot,
):
    """Take `step` on `obj`, already locked inside the caller's transaction, with the role
    the caller established: how one use case moves a second object (an objection decided
    as 撤销 revokes its record) in the same transaction."""
    if not can_proceed(getattr(obj, step)):
        _refuse(machine, obj, step, obj.state)
    before, from_state = capture(obj), obj.state
    change(obj)
    getattr(obj, step)()
    try:
        obj.save()
    except ConcurrentTransition:
        raise ConflictError(_("该事项刚被他人处理，请刷新后重试。"), code="conflict") from None
    after(obj)
    audit.append(
        by,
        obj=obj,
        record=machine.record_of(obj),
        action=machine.audit_action(step),
        from_state=from_state,
        to_state=obj.state,
        reason=reason,
        diff=audit.field_diff(before, capture(obj)),
    )
    reactions.note(obj, step, acting_user=by.user, role=by.role)
    return obj


class Creation(NamedTuple):
    """A new object as its entry names it: its record, its fields (the diff from nothing)
    and the entry's reason."""

    obj: models.Model
    record: models.Model
    after: dict
    reason: str = ""


def created(obj, by: audit.Acting, *, record, action: str, after: dict, reason: str = "") -> None:
    """How every creation service ends: the new object's entry (from nothing to `after`, in
    its first state) and its reaction, in the caller's transaction."""
    created_many([Creation(obj, record, after, reason)], by, action=action)


def created_many(creations: Sequence[Creation], by: audit.Acting, *, action: str) -> None:
    """`created` for many new objects at once, in a fixed number of statements (one audit
    append, one INSERT of reactions): how a set-based creation ends."""
    audit.append_many(_creation_entry(creation, by, action) for creation in creations)
    objs = [creation.obj for creation in creations]
    reactions.note_many(objs, "created", acting_user=by.user, role=by.role)


def _creation_entry(creation: Creation, by: audit.Acting, action: str) -> dict:
    return dict(
        actor=by.user,
        role=by.role,
        ip_address=by.ip_address,
        obj=creation.obj,
        record=creation.record,
        action=action,
        to_state=creation.obj.state,
        reason=creation.reason,
        diff=audit.field_diff({}, creation.after),
    )


def _refuse(machine: Machine, obj, step: str, seen_state: str):
    state_label = machine.states(obj.state).label
    if obj.state != seen_state:
        raise ConflictError(
            _("该事项刚被他人处理，当前状态为“%(state)s”，请刷新后重试。") % {"state": state_label},
            code="conflict",
        )
    raise illegal_state(state_label, machine.steps[step].label)
