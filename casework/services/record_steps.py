"""The machinery every record step shares: lock, permission, state check, transition,
audit entry, all in one transaction."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from .. import audit
from ..errors import ConflictError, DomainError, NotFoundError
from ..lifecycle import RECORD_STEPS, RecordState
from ..models import Record
from ..permissions import acting_role, visible_records

_AUDITED_FIELDS = [
    f.name
    for f in Record._meta.concrete_fields
    if f.name not in {"id", "created_at", "updated_at", "fact_hash"}
] + ["measures"]


def snapshot(record: Record) -> dict:
    data = model_to_dict(record, fields=[f for f in _AUDITED_FIELDS if f != "measures"])
    data["state"] = record.state
    if record.pk:
        data["measures"] = sorted(record.measures.values_list("code", flat=True))
    return data


def get_visible_record(acting_user, record_id: int, *, lock: bool) -> Record:
    qs = Record.objects.all() if acting_user is None else visible_records(acting_user)
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=record_id)
    except Record.DoesNotExist:
        raise NotFoundError(_("失信记录不存在或您无权查看。"), code="not_found") from None


def perform_step(
    *,
    acting_user,
    record_id: int,
    step: str,
    change: Callable[[Record], None] = lambda r: None,
    after: Callable[[Record], None] = lambda r: None,
    reason: str = "",
    ip_address: str | None = None,
) -> Record:
    """Run one lifecycle step: lock, check who and when, change, transition, audit.

    The state read before the lock tells a lost race (ConflictError, 409) from a step
    that was never allowed (DomainError, 400).
    """
    seen_state = get_visible_record(acting_user, record_id, lock=False).state
    with transaction.atomic(durable=True):
        record = get_visible_record(acting_user, record_id, lock=True)
        role = acting_role(acting_user, record, step)
        label = RECORD_STEPS[step].label
        if not can_proceed(getattr(record, step)):
            state_label = RecordState(record.state).label
            if record.state != seen_state:
                raise ConflictError(
                    _("该记录刚被他人处理，当前状态为“%(state)s”，请刷新后重试。") % {"state": state_label},
                    code="conflict",
                )
            raise DomainError(
                _("当前状态“%(state)s”下不能执行“%(step)s”。") % {"state": state_label, "step": label},
                field="state",
                code="illegal_transition",
            )
        before, from_state = snapshot(record), record.state
        change(record)
        getattr(record, step)()
        try:
            record.save()
        except ConcurrentTransition:
            raise ConflictError(_("该记录刚被他人处理，请刷新后重试。"), code="conflict") from None
        after(record)
        audit.append(
            actor=acting_user,
            role=role,
            obj=record,
            record=record,
            action=step,
            from_state=from_state,
            to_state=record.state,
            reason=reason,
            ip_address=ip_address,
            diff=audit.field_diff(before, snapshot(record)),
        )
    return record
