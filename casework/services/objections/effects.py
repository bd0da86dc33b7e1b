"""What an objection does to its record, inside the objection's own transaction (DOMAIN
§5.1 T10/T14, §6.2): the "异议处理中" flag, the outcome of the decision, and the linked
effects of a revocation (scenario 6, in revocation_effects). Every function here expects the record locked by
`locked_record` and writes its audit entries in the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.utils.translation import gettext as _
from django_fsm import can_proceed

from ... import audit, sync
from ...action_labels import AuditAction
from ...errors import DomainError
from ...language import official_language
from ...lifecycle import OBJECTION_PENDING, RecordState
from ...models import Objection, ObjectionOutcome, Record, SyncKind
from ...permissions import acting_role
from ..records import decided as decided_records
from ..records.revocation import revocation_cascade
from ..records.steps import RECORD, snapshot
from ..steps import apply_step

Outcome = ObjectionOutcome

# The objection is "pending" on its record from acceptance to decision.

# The record step an outcome takes, where it takes one (T14 for 更正/补充, T10 for 撤销).
OUTCOME_STEPS = {Outcome.CORRECT: "amend", Outcome.SUPPLEMENT: "amend", Outcome.REVOKE: "revoke"}


def locked_record(objection: Objection) -> Record:
    return Record.objects.select_for_update().get(pk=objection.record_id)


def write_record_fields(record: Record, *, actor, role: str, action: str, reason: str = "", **fields) -> bool:
    """Set flags on the locked record and audit the change; False when nothing changed."""
    before = snapshot(record)
    for name, value in fields.items():
        setattr(record, name, value)
    diff = audit.field_diff(before, snapshot(record))
    if not diff:
        return False
    record.save()
    audit.append(
        audit.Acting(actor, role),
        obj=record,
        record=record,
        action=action,
        from_state=record.state,
        to_state=record.state,
        reason=reason,
        diff=diff,
    )
    return True


def flag_on(record: Record, *, actor, role: str, reason: str = "") -> None:
    """Scenario 4: "异议处理中" on the day of acceptance; the record stays displayed and
    nothing else (rectification deadlines included) is suspended."""
    if write_record_fields(
        record,
        actor=actor,
        role=role,
        action=AuditAction.OBJECTION_FLAG_ON,
        reason=reason,
        objection_pending=True,
    ):
        sync.emit(record, SyncKind.OBJECTION_FLAG_ON)


def flag_off(record: Record, objection: Objection, *, actor, role: str, reason: str = "", **fields) -> None:
    """Remove the flag unless another accepted objection on the record is still open."""
    others = Objection.objects.filter(record=record, state__in=OBJECTION_PENDING).exclude(pk=objection.pk)
    pending = record.objection_pending and others.exists()
    was_public = record.public
    changed = write_record_fields(
        record,
        actor=actor,
        role=role,
        action=AuditAction.OBJECTION_FLAG_OFF,
        reason=reason,
        objection_pending=pending,
        **fields,
    )
    if changed and not pending:
        sync.emit(record, SyncKind.OBJECTION_FLAG_OFF)
    if changed and was_public and not record.public:
        sync.emit(record, SyncKind.UPDATE)


# ── the outcome of the decision ─────────────────────────────────────────────────────

#: apply(record, objection, actor=, role=): the outcome's effect on the locked record.
Effect = Callable[..., None]


def outcome_effect(outcome: str, *, reason: str, corrections: dict | None, document: str) -> Effect:
    """Check what the outcome needs before anything is locked, and return its effect
    (DOMAIN §6.2 outcomes; §5.1 T14 for 更正/补充, T10 for 撤销)."""
    if outcome in (Outcome.CORRECT, Outcome.SUPPLEMENT):
        if not corrections:
            raise DomainError(
                _("处理结果为“%(outcome)s”时须写明更正或补充的内容。") % {"outcome": Outcome(outcome).label},
                field="corrections",
                code="required",
            )
        return partial(_amend, decided_records.amendment(corrections), reason)
    if outcome == Outcome.REVOKE:
        return partial(_revoke, decided_records.revocation(reason, document), reason)
    note = f"{reason}（{document}）" if document else reason
    # 停止公开 / 移出名单: the record is kept but no longer displayed (S10 Art 51);
    # 维持 / 无法确认: the record is kept as it is, the objection text stays on file.
    hide = {"public": False} if outcome in (Outcome.STOP_DISCLOSURE, Outcome.DELIST) else {}
    return partial(_keep, note, hide)


def check_outcome_applies(record: Record, outcome: str) -> None:
    step = OUTCOME_STEPS.get(outcome)
    if step and not can_proceed(getattr(record, step)):
        raise DomainError(
            _("失信记录当前状态为“%(state)s”，不能作出“%(outcome)s”的处理决定。")
            % {"state": RecordState(record.state).label, "outcome": Outcome(outcome).label},
            field="outcome",
            code="outcome_not_applicable",
        )


def _keep(note: str, hide: dict, record: Record, objection: Objection, *, actor, role: str) -> None:
    flag_off(record, objection, actor=actor, role=role, reason=note, **hide)


def _amend(
    amended: decided_records.Amendment, reason: str, record: Record, objection: Objection, *, actor, role: str
) -> None:
    amend_role = acting_role(actor, record, "amend")
    apply_step(
        RECORD,
        record,
        audit.Acting(actor, amend_role),
        step="amend",
        change=amended.change,
        after=amended.after,
        reason=reason,
    )
    flag_off(record, objection, actor=actor, role=role, reason=reason)


def _revoke(steps, reason: str, record: Record, objection: Objection, *, actor, role: str) -> None:
    """T10 and its linked effects (scenario 6): display withdrawn and the province told
    within 3 WD (the REVOKE sync event, which also clears the flag: no separate
    OBJECTION_FLAG_OFF), open rectifications closed as moot, linked accountability
    flagged for re-examination (S14 Art 49)."""
    change, after = steps
    revoke_role = acting_role(actor, record, "revoke")
    apply_step(
        RECORD,
        record,
        audit.Acting(actor, revoke_role),
        step="revoke",
        change=change,
        after=after,
        reason=reason,
    )
    with official_language():
        cascade_reason = _("异议处理决定撤销失信记录：%(reason)s") % {"reason": reason}
    revocation_cascade(record, reason=cascade_reason)
