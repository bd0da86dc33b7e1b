"""Use cases of the credit-repair (信用修复) sub-process, DOMAIN §6.5.

An application is decided on filing by the eligibility check (repair_eligibility): if
every condition passes, the system accepts it at once (S10 "当场受理") and the decision
(3 WD, +3 once) and answer (10 WD) time limits start; if one fails, the system refuses it
at once with the first failing condition as the reason, so the applicant holds a formal
不予修复 answer. Granting repairs the record in the same transaction; revoking a repair
obtained by fraud reinstates it and starts the fraud bar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ... import audit, clock, kinds, rules, sync
from ...action_labels import AuditAction
from ...errors import DomainError, PermissionDeniedError
from ...guards import Refusal, refuse
from ...language import official_language
from ...lifecycle import (
    RECORD_IN_FORCE,
    REPAIR_OPEN,
    REPAIR_STEPS,
    SUBJECT_ROLES,
    RecordState,
    RepairState,
    Step,
)
from ...models import Deadline, Record, RefusalReason, RepairApplication, SyncKind, User
from ...models.records import DeadlineStatus
from ...models.repair import RepairRule
from ...permissions import acting_role, has_role, role_refusal
from ...roles import Role
from ...rule_table import RuleCode
from ..records import steps as record_steps
from ..records.steps import RECORD
from ..steps import apply_step, created, perform, snapshot
from ..validation import (
    PAPER_FILING_ROLES,
    Window,
    filing_date,
    may_record_paper_filings,
    require_choice,
    require_past_date,
    require_text,
)
from .eligibility import Eligibility, repair_eligibility

PS = RepairState

REPAIR = kinds.REPAIR

#: Applying is not a transition of the table (nothing exists yet), but it has its actors: the
#: subject, and the officer recording an application received on paper.
APPLY_STEP = Step(
    "apply",
    gettext_lazy("申请信用修复"),
    (),
    PS.SUBMITTED,
    frozenset(SUBJECT_ROLES) | PAPER_FILING_ROLES,
    "§6.5",
)
DECISION_DEADLINES = (RuleCode.REPAIR_DECIDE, RuleCode.REPAIR_DECIDE_EXTENSION)
ALL_DEADLINES = (*DECISION_DEADLINES, RuleCode.REPAIR_ANSWER)


def repair_rule_version(on: dt.date) -> str:
    """The repair regulation in force on `on` (scenario 35)."""
    rule = RepairRule.objects.filter(valid_from__lte=on).order_by("-valid_from").first()
    if rule is None:
        raise DomainError(_("没有适用于该日期的信用修复规则。"), field="decided_on", code="no_rule")
    return rule.rule_version


# ── applying ─────────────────────────────────────────────────────────────────────────


def repair_window(record: Record) -> Window:
    """A repair is asked for while the record is in force: from its service until its
    maximum disclosure period ends (then it expires, and there is nothing left to repair)."""
    return Window(name=_("公示期"), act=_("申请信用修复"), start=record.served_on, end=record.max_end)


@transaction.atomic(durable=True)
def repair_apply(
    *,
    acting_user,
    record_id: int,
    commitment: str,
    commitment_signed_by_id: int | None = None,
    received_on: dt.date | None = None,
    paper_filing_reason: str = "",
    ip_address: str | None = None,
) -> RepairApplication:
    """The subject applies with its credit commitment (信用承诺书): for a unit, signed by
    the unit head (R6); for a civil servant, by themself. Accepted or refused at once, on
    today's conditions. The application counts on the day the system receives it (the
    10-WD answer runs from it); an earlier `received_on` only for a paper application the
    officer records, with `paper_filing_reason` (validation.filing_date)."""
    record = RECORD.get(acting_user, record_id, lock=True)
    role = acting_role(acting_user, record, APPLY_STEP)
    commitment = require_text(commitment, "commitment", _("请提交信用承诺书。"))
    filing = filing_date(
        acting_user=acting_user,
        given=received_on,
        paper_reason=paper_filing_reason,
        window=repair_window(record),
    )
    signer = _commitment_signer(acting_user, record, commitment_signed_by_id)
    refuse(applicable_refusal(record))
    today = clock.today()
    application = RepairApplication.objects.create(
        record=record,
        applicant=acting_user,
        submitted_on=filing.on,
        commitment=commitment,
        commitment_signed_by=signer,
    )
    created(
        application,
        audit.Acting(acting_user, role, ip_address),
        record=record,
        action=AuditAction.REPAIRAPPLICATION_APPLY,
        after={**snapshot(application), **filing.audit_fields()},
    )
    with official_language():  # a refusal stores the failing conditions' reasons
        eligibility = repair_eligibility(record, today)
    if eligibility.eligible:
        return _accept(application, today)
    return _refuse_ineligible(application, eligibility, today)


def _commitment_signer(acting_user, record: Record, signer_id: int | None) -> User | None:
    if record.is_person_record:
        if may_record_paper_filings(acting_user):
            # A paper application: the person signed the letter; their account, if any.
            return User.objects.filter(person_id=record.subject_person_id).first()
        return acting_user  # a civil servant commits for themself
    if signer_id is None and has_role(acting_user, Role.UNIT_HEAD):
        signer_id = acting_user.pk
    signer = User.objects.filter(pk=signer_id, organisation_id=record.subject_organisation_id).first()
    if signer is None or not has_role(signer, Role.UNIT_HEAD):
        raise DomainError(
            _("单位的信用承诺书须由本单位主要负责人签署。"),
            field="commitment_signed_by",
            code="commitment_signer",
        )
    return signer


def apply_state_refusal(record: Record) -> Refusal | None:
    """A record in force may be repaired."""
    if record.state == RecordState.EFFECTIVE:
        return None
    return DomainError(
        _("只有生效的失信记录可以申请信用修复，该记录状态为“%(state)s”。")
        % {"state": RecordState(record.state).label},
        field="record",
        code="not_effective",
    )


def applicable_refusal(record: Record) -> Refusal | None:
    """In force, and no application still being handled."""
    if (refused := apply_state_refusal(record)) is not None:
        return refused
    if record.repairs.filter(state__in=REPAIR_OPEN).exists():
        return DomainError(_("该记录已有办理中的信用修复申请。"), field="record", code="repair_pending")
    return None


def _accept(application: RepairApplication, today: dt.date) -> RepairApplication:
    def change(app: RepairApplication) -> None:
        app.accepted_on = today

    def after(app: RepairApplication) -> None:
        rules.open_deadline(app.record, RuleCode.REPAIR_DECIDE, app.accepted_on, owner=app)
        rules.open_deadline(app.record, RuleCode.REPAIR_ANSWER, app.submitted_on, owner=app)

    role = acting_role(None, application.record, REPAIR_STEPS["accept"])
    return apply_step(
        REPAIR, application, audit.Acting(None, role), step="accept", change=change, after=after
    )


def _refuse_ineligible(
    application: RepairApplication, eligibility: Eligibility, today: dt.date
) -> RepairApplication:
    failing = eligibility.failing
    detail = "；".join(c.reason for c in failing)
    with official_language():
        reason = str(RefusalReason(failing[0].code).label)

    def change(app: RepairApplication) -> None:
        app.refusal_reason, app.refusal_detail = failing[0].code, detail
        app.decided_on, app.rule_version = today, repair_rule_version(today)

    role = acting_role(None, application.record, REPAIR_STEPS["refuse"])
    return apply_step(
        REPAIR, application, audit.Acting(None, role), step="refuse", change=change, reason=reason
    )


# ── deciding ─────────────────────────────────────────────────────────────────────────


def repair_extend(
    *, acting_user, application_id: int, reason: str, ip_address: str | None = None
) -> RepairApplication:
    """One extension of the decision time limit, with the leader's approval (+3 WD from
    the original due date; the state table allows it once)."""
    reason = require_text(reason, "reason", _("延长决定期限须说明理由。"))

    def change(app: RepairApplication) -> None:
        app.extension_reason = reason

    def after(app: RepairApplication) -> None:
        due = _open_deadline(app, RuleCode.REPAIR_DECIDE)
        start = due.due_on if due else clock.today()
        rules.close_deadline(app.record, RuleCode.REPAIR_DECIDE, owner=app, status=DeadlineStatus.CANCELLED)
        rules.open_deadline(app.record, RuleCode.REPAIR_DECIDE_EXTENSION, start, owner=app)

    return _step(
        acting_user=acting_user,
        application_id=application_id,
        step="extend",
        change=change,
        after=after,
        reason=reason,
        ip_address=ip_address,
    )


def repair_grant(*, acting_user, application_id: int, ip_address: str | None = None) -> RepairApplication:
    """准予修复: the record becomes REPAIRED and leaves public display at once; the platform
    learns of it by the next working day (sync REPAIR)."""
    today = clock.today()

    def change(app: RepairApplication) -> None:
        _decided(app, acting_user, today)

    def after(app: RepairApplication) -> None:
        _close_deadlines(app)
        _move_record(
            acting_user=acting_user, app=app, step="repair", outcome=_repaired, ip_address=ip_address
        )

    return _step(
        acting_user=acting_user,
        application_id=application_id,
        step="grant",
        change=change,
        after=after,
        reason="",
        ip_address=ip_address,
    )


def repair_refuse(
    *, acting_user, application_id: int, reason: str, detail: str, ip_address: str | None = None
) -> RepairApplication:
    """不予修复, with a reason from the fixed list (DOMAIN §6.5) and its explanation."""
    require_choice(reason, RefusalReason, "reason", _("不予修复理由"))
    detail = require_text(detail, "detail", _("请说明不予修复的具体情况。"))
    today = clock.today()

    def change(app: RepairApplication) -> None:
        _decided(app, acting_user, today)
        app.refusal_reason, app.refusal_detail = reason, detail

    return _step(
        acting_user=acting_user,
        application_id=application_id,
        step="refuse",
        change=change,
        after=_close_deadlines,
        reason=detail,
        ip_address=ip_address,
    )


def repair_revoke(
    *,
    acting_user,
    application_id: int,
    reason: str,
    fraud: bool = True,
    ip_address: str | None = None,
) -> RepairApplication:
    """撤销修复: the record is EFFECTIVE again, displayed again if still within its maximum
    period; a repair obtained by fraud bars the subject from repair for the rule's period."""
    reason = require_text(reason, "reason", _("撤销修复须说明理由。"))
    today = clock.today()

    def change(app: RepairApplication) -> None:
        app.revoked_reason, app.fraud, app.revoked_on = reason, bool(fraud), today

    def after(app: RepairApplication) -> None:
        _move_record(
            acting_user=acting_user,
            app=app,
            step="reinstate",
            outcome=_reinstated,
            ip_address=ip_address,
            reason=reason,
        )

    return _step(
        acting_user=acting_user,
        application_id=application_id,
        step="revoke",
        change=change,
        after=after,
        reason=reason,
        ip_address=ip_address,
    )


def _step(
    *,
    acting_user: User,
    application_id: int,
    step: str,
    change: Callable[[RepairApplication], None],
    after: Callable[[RepairApplication], None],
    reason: str,
    ip_address: str | None,
) -> RepairApplication:
    return perform(
        REPAIR,
        acting_user=acting_user,
        pk=application_id,
        step=step,
        change=change,
        after=after,
        reason=reason,
        ip_address=ip_address,
    )


def _decided(app: RepairApplication, acting_user, today: dt.date) -> None:
    app.decided_on, app.decided_by, app.rule_version = today, acting_user, repair_rule_version(today)


def _open_deadline(app: RepairApplication, kind: str) -> Deadline | None:
    owner_type = ContentType.objects.get_for_model(app)
    return Deadline.objects.filter(
        owner_type=owner_type, owner_id=app.pk, kind=kind, status=DeadlineStatus.OPEN
    ).first()


def _close_deadlines(app: RepairApplication) -> None:
    for kind in ALL_DEADLINES:
        rules.close_deadline(app.record, kind, owner=app)


# ── what a decision does to the record ──────────────────────────────────────────────


def _move_record(
    *,
    acting_user: User,
    app: RepairApplication,
    step: str,
    outcome: Callable[[Record], tuple[bool, SyncKind | None]],
    ip_address: str | None,
    reason: str = "",
) -> Record:
    """Take the record's `step` in the application's transaction, the record locked;
    `outcome` reads on the locked record whether it is displayed after the step and what,
    if anything, the platform must hear of it."""
    record = Record.objects.select_for_update(of=("self",)).get(pk=app.record_id)
    role = acting_role(acting_user, record, step)
    public, sync_kind = outcome(record)

    def change(r: Record) -> None:
        r.public = public

    def after(r: Record) -> None:
        if sync_kind:
            sync.emit(r, sync_kind)

    return apply_step(
        RECORD,
        record,
        audit.Acting(acting_user, role, ip_address),
        step=step,
        change=change,
        after=after,
        reason=reason,
        capture=record_steps.snapshot,
    )


def _repaired(record: Record) -> tuple[bool, SyncKind | None]:
    # The objection flag is left as it is: an objection runs on its own.
    return False, SyncKind.REPAIR if (record.public or _platform_knows(record)) else None


def _reinstated(record: Record) -> tuple[bool, SyncKind | None]:
    public = rules.is_public(record, clock.today())
    return public, SyncKind.UPDATE if (public or _platform_knows(record)) else None


def _platform_knows(record: Record) -> bool:
    return record.sync_events.exists()


# ── obligations performed (scenario 15, 18) ─────────────────────────────────────────


#: 登记义务履行完毕 is not a transition: the record stays where it is.
FULFILLED_STEP = Step(
    "fulfilled",
    gettext_lazy("登记义务履行完毕"),
    RECORD_IN_FORCE,
    None,
    frozenset({Role.OFFICER}),
    "§6.5",
)


def fulfilled_refusal(acting_user, record: Record) -> Refusal | None:
    """An officer without a 回避 conflict registers that the obligations were performed."""
    if not has_role(acting_user, Role.OFFICER):
        return PermissionDeniedError(_("只有办案人员可以登记义务履行情况。"), code="permission_denied")
    return role_refusal(acting_user, record, FULFILLED_STEP)


def fulfilled_state_refusal(record: Record) -> Refusal | None:
    if record.state in FULFILLED_STEP.sources:
        return None
    return DomainError(_("只有已认定或生效的记录可以登记义务履行情况。"), field="state", code="illegal_state")


@transaction.atomic(durable=True)
def record_mark_obligations_fulfilled(
    *, acting_user, record_id: int, on: dt.date, evidence: str, ip_address: str | None = None
) -> Record:
    """The officer registers that the judgment or legal obligation behind the record was
    performed (履行完毕), with its evidence: a condition of repair for JUD/DEF and 轻微."""
    record = RECORD.get(acting_user, record_id, lock=True)
    refuse(fulfilled_refusal(acting_user, record))
    require_past_date(on, "on", _("义务履行完毕日期"))
    evidence = require_text(evidence, "evidence", _("请填写义务履行完毕的证明材料。"))
    refuse(fulfilled_state_refusal(record))
    before = record_steps.snapshot(record)
    record.obligations_fulfilled_on = on
    record.save(update_fields=["obligations_fulfilled_on", "updated_at"])
    audit.append(
        audit.Acting(acting_user, Role.OFFICER, ip_address),
        obj=record,
        record=record,
        action=AuditAction.MARK_OBLIGATIONS_FULFILLED,
        from_state=record.state,
        to_state=record.state,
        reason=evidence,
        diff=audit.field_diff(before, record_steps.snapshot(record)),
    )
    return record


# ── sweeps ───────────────────────────────────────────────────────────────────────────


def repair_overdue(today: dt.date) -> int:
    """How many applications are past their decision time limit on `today` (one query;
    a read: the inbox marks them overdue from their Deadline rows)."""
    owner_type = ContentType.objects.get_for_model(RepairApplication)
    overdue = Deadline.objects.filter(
        owner_type=owner_type, kind__in=DECISION_DEADLINES, status=DeadlineStatus.OPEN, due_on__lt=today
    )
    return (
        RepairApplication.objects.filter(
            state__in=(PS.ACCEPTED, PS.EXTENDED), pk__in=overdue.values("owner_id")
        )
        .distinct()
        .count()
    )
