"""Use cases of the objection (异议) sub-process, DOMAIN §6.2. Each step runs through
casework.services.steps in one durable transaction; what a step does to the record (the
"异议处理中" flag, the outcome of the decision) is in objection_effects.

Time limits come from the rule table: objection_accept (2 WD from the complete filing),
objection_decide (10 WD from acceptance) and objection_extension (+5 WD once).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ... import audit, clock, kinds, rules
from ...action_labels import AuditAction
from ...errors import DomainError
from ...guards import Refusal, refuse
from ...language import official_language
from ...lifecycle import OBJECTION_STEPS, RECORD_STANDING, SUBJECT_ROLES, ObjectionState, RecordState, Step
from ...models import AuditEntry, Objection, ObjectionGround, ObjectionOutcome, Record, User
from ...models.records import DeadlineStatus
from ...permissions import acting_role
from ...rule_table import RuleCode
from ..records.steps import RECORD
from ..steps import apply_step, check_direct_service, created, perform, snapshot
from ..validation import (
    PAPER_FILING_ROLES,
    Window,
    filing_date,
    require_choice,
    require_past_date,
    require_text,
)
from . import effects, evidence

OS = ObjectionState

OBJECTION = kinds.OBJECTION

#: Filing is not a transition of the table (nothing exists yet), but it has its actors: the
#: subject, and the officer recording an objection received on paper.
FILE_STEP = Step(
    "file", gettext_lazy("提出异议"), (), OS.SUBMITTED, frozenset(SUBJECT_ROLES) | PAPER_FILING_ROLES, "§6.2"
)

REPEAT_REASON = gettext_lazy("同一理由重复提出且无新证据")


def objection_snapshot(objection: Objection) -> dict:
    data = snapshot(objection)
    data.pop("fingerprint", None)
    data["attachments"] = (
        sorted(evidence.attachments_of(objection).values_list("pk", flat=True)) if objection.pk else []
    )
    return data


def _step(*, acting_user: User, objection_id: int, step: str, ip_address: str | None, **kwargs) -> Objection:
    return perform(
        OBJECTION,
        acting_user=acting_user,
        pk=objection_id,
        step=step,
        ip_address=ip_address,
        capture=objection_snapshot,
        **kwargs,
    )


# ── filing ─────────────────────────────────────────────────────────────────────────


def objection_window(record: Record) -> Window:
    """An objection may be made from the determination while the record is kept, until it
    is archived (DOMAIN §6.2 "When")."""
    return Window(name=_("异议期"), act=_("提出异议"), start=record.determination_date)


def _archived_refusal(record: Record) -> Refusal | None:
    """Archiving closes the window whatever day a filing claims: an objection received on
    paper before it is recorded before the record is archived (docs/decisions.md)."""
    if record.state != RecordState.ARCHIVED:
        return None
    entry = AuditEntry.objects.filter(record=record, action="archive").order_by("-seq").first()
    end = timezone.localdate(entry.created_at) if entry else clock.today()
    return dataclasses.replace(objection_window(record), end=end).closed("received_on")


def _objectable_refusal(record: Record) -> Refusal | None:
    if record.state in RECORD_STANDING:
        return None
    return DomainError(
        _("失信记录当前状态为“%(state)s”，不能提出或受理异议。") % {"state": RecordState(record.state).label},
        field="record",
        code="not_objectable",
    )


def file_state_refusal(record: Record) -> Refusal | None:
    """The record's state refuses an objection: archived (its window closed), or not decided."""
    return _archived_refusal(record) or _objectable_refusal(record)


@transaction.atomic(durable=True)
def objection_file(
    *,
    acting_user,
    record_id: int,
    ground: str,
    statement: str,
    attachment_ids: Iterable[int] = (),
    received_on: dt.date | None = None,
    paper_filing_reason: str = "",
    ip_address: str | None = None,
) -> Objection:
    """The subject objects to its record (the officer records one received on paper, with
    its day and `paper_filing_reason`: validation.filing_date). The commission's clock
    starts on the day it received the objection (DOMAIN §7 rule 5). The record is locked,
    so two identical filings at once still see each other: the second is a repeat, created
    and refused at once by the system with the reason (a 不予受理 the subject can be
    notified of)."""
    record = RECORD.get(acting_user, record_id, lock=True)
    role = acting_role(acting_user, record, FILE_STEP)
    refuse(_archived_refusal(record))
    filing = filing_date(
        acting_user=acting_user,
        given=received_on,
        paper_reason=paper_filing_reason,
        field="received_on",
        name=_("收到日期"),
        window=objection_window(record),
    )
    refuse(_objectable_refusal(record))
    require_choice(ground, ObjectionGround, "ground", _("异议理由类别"))
    statement = require_text(statement, "statement", _("请填写异议内容。"))
    received_on = filing.on
    attachments = evidence.claimable(acting_user, record, attachment_ids)
    fingerprint = evidence.grounds_fingerprint(ground, statement)
    repeat = evidence.is_repeat(record, fingerprint, attachments)
    objection = Objection.objects.create(
        record=record,
        ground=ground,
        statement=statement,
        fingerprint=fingerprint,
        filed_by=acting_user,
        received_on=received_on,
        complete_on=received_on,
    )
    evidence.attach(attachments, objection)
    created(
        objection,
        audit.Acting(acting_user, role, ip_address),
        record=record,
        action=AuditAction.OBJECTION_FILE,
        after={**objection_snapshot(objection), **filing.audit_fields()},
    )
    if repeat:
        return _refuse_repeat(objection)
    rules.open_deadline(record, RuleCode.OBJECTION_ACCEPT, received_on, owner=objection)
    return objection


def _refuse_repeat(objection: Objection) -> Objection:
    with official_language():
        reason = str(REPEAT_REASON)

    def change(obj: Objection) -> None:
        obj.not_accepted_reason = reason

    return apply_step(
        OBJECTION,
        objection,
        audit.SYSTEM,
        step="refuse",
        change=change,
        reason=reason,
        capture=objection_snapshot,
    )


# ── completeness: accept, refuse, or ask once for what is missing ─────────────────────


def objection_request_supplement(
    *, acting_user, objection_id: int, missing_items: str, ip_address: str | None = None
) -> Objection:
    """One-time list of what is missing (一次性告知, S23 Art 30): the accept clock stops
    and restarts from the complete filing."""
    missing_items = require_text(missing_items, "missing_items", _("请一次性列明需补正的全部材料。"))

    def change(obj: Objection) -> None:
        if obj.missing_items:
            raise DomainError(
                _("需补正的材料应一次性告知，该异议已通知过补正。"),
                field="missing_items",
                code="already_requested",
            )
        obj.missing_items, obj.complete_on = missing_items, None

    def after(obj: Objection) -> None:
        rules.close_deadline(
            obj.record, RuleCode.OBJECTION_ACCEPT, owner=obj, status=DeadlineStatus.CANCELLED
        )

    return _step(
        acting_user=acting_user,
        objection_id=objection_id,
        step="request_supplement",
        change=change,
        after=after,
        reason=missing_items,
        ip_address=ip_address,
    )


def objection_supplement(
    *,
    acting_user,
    objection_id: int,
    complete_on: dt.date,
    statement_addition: str = "",
    attachment_ids: Iterable[int] = (),
    ip_address: str | None = None,
) -> Objection:
    """Scenario 5: the accept clock restarts from the day the material is complete: the
    day the commission receives it (only the subject supplements, online)."""
    complete_on = filing_date(
        acting_user=acting_user,
        given=complete_on,
        paper_reason="",
        field="complete_on",
        name=_("材料齐全日期"),
        window=Window(name=_("补正期"), act=_("补正材料")),
    ).on
    addition = (statement_addition or "").strip()
    if not addition and not attachment_ids:
        raise DomainError(_("请补充异议内容或上传补正材料。"), field="statement_addition", code="required")

    def change(obj: Objection) -> None:
        if complete_on < obj.received_on:
            raise DomainError(_("材料齐全日期不能早于收到日期。"), field="complete_on", code="date_order")
        evidence.attach(evidence.claimable(acting_user, obj.record, attachment_ids, obj), obj)
        if addition:
            with official_language():
                obj.statement = f"{obj.statement}\n\n{_('【补正】')}{addition}"
            obj.fingerprint = evidence.grounds_fingerprint(obj.ground, obj.statement)
        obj.complete_on = complete_on

    def after(obj: Objection) -> None:
        rules.open_deadline(obj.record, RuleCode.OBJECTION_ACCEPT, complete_on, owner=obj)

    return _step(
        acting_user=acting_user,
        objection_id=objection_id,
        step="supplement",
        change=change,
        after=after,
        reason=addition,
        ip_address=ip_address,
    )


def objection_accept(
    *, acting_user, objection_id: int, accepted_on: dt.date | None = None, ip_address: str | None = None
) -> Objection:
    """The record shows "异议处理中" from today, in this same transaction (scenario 4);
    the decision is due 10 WD after acceptance (scenario 2)."""
    accepted_on = require_past_date(accepted_on or clock.today(), "accepted_on", _("受理日期"))

    def change(obj: Objection) -> None:
        if accepted_on < obj.complete_on:
            raise DomainError(_("受理日期不能早于材料齐全日期。"), field="accepted_on", code="date_order")
        obj.accepted_on = accepted_on

    def after(obj: Objection) -> None:
        record = effects.locked_record(obj)
        refuse(_objectable_refusal(record))
        role = acting_role(acting_user, record, OBJECTION_STEPS["accept"])
        with official_language():
            reason = _("异议已受理")
        effects.flag_on(record, actor=acting_user, role=role, reason=reason)
        rules.close_deadline(record, RuleCode.OBJECTION_ACCEPT, owner=obj)
        rules.open_deadline(record, RuleCode.OBJECTION_DECIDE, accepted_on, owner=obj)

    return _step(
        acting_user=acting_user,
        objection_id=objection_id,
        step="accept",
        change=change,
        after=after,
        ip_address=ip_address,
    )


def objection_refuse(
    *, acting_user, objection_id: int, reason: str, ip_address: str | None = None
) -> Objection:
    reason = require_text(reason, "reason", _("不予受理须说明理由。"))

    def change(obj: Objection) -> None:
        obj.not_accepted_reason = reason

    def after(obj: Objection) -> None:
        rules.close_deadline(obj.record, RuleCode.OBJECTION_ACCEPT, owner=obj)

    return _step(
        acting_user=acting_user,
        objection_id=objection_id,
        step="refuse",
        change=change,
        after=after,
        reason=reason,
        ip_address=ip_address,
    )


# ── verification and decision ──────────────────────────────────────────────────────


def objection_start_verification(
    *, acting_user, objection_id: int, ip_address: str | None = None
) -> Objection:
    return _step(
        acting_user=acting_user, objection_id=objection_id, step="start_verification", ip_address=ip_address
    )


def _open_decide_deadline(obj: Objection):
    return obj.record.deadlines.filter(
        owner_type=ContentType.objects.get_for_model(Objection),
        owner_id=obj.pk,
        kind=RuleCode.OBJECTION_DECIDE,
        status=DeadlineStatus.OPEN,
    ).first()


def objection_extend(
    *, acting_user, objection_id: int, reason: str, ip_address: str | None = None
) -> Objection:
    """Once (the table reaches EXTENDED only from VERIFYING), before the decision is due.
    The decision deadline keeps its start (the acceptance) and grows by the extension
    rule's length: N working days after acceptance plus M more is N+M after it."""
    reason = require_text(reason, "reason", _("延期须说明理由。"))

    def change(obj: Objection) -> None:
        current = _open_decide_deadline(obj)
        if current and clock.today() > current.due_on:
            raise DomainError(
                _("处理决定期限已于 %(date)s 届满，不能再延期。") % {"date": current.due_on},
                field="deadline",
                code="deadline_passed",
            )
        obj.extension_reason = reason

    def after(obj: Objection) -> None:
        amount = (
            rules.deadline_rule(RuleCode.OBJECTION_DECIDE).amount
            + rules.deadline_rule(RuleCode.OBJECTION_EXTENSION).amount
        )
        rules.open_deadline(obj.record, RuleCode.OBJECTION_DECIDE, obj.accepted_on, owner=obj, amount=amount)

    return _step(
        acting_user=acting_user,
        objection_id=objection_id,
        step="extend",
        change=change,
        after=after,
        reason=reason,
        ip_address=ip_address,
    )


def objection_decide(
    *,
    acting_user,
    objection_id: int,
    outcome: str,
    reason: str,
    corrections: dict | None = None,
    document: str = "",
    ip_address: str | None = None,
) -> Objection:
    """The decision and its effect on the record in one transaction (DOMAIN §6.2, T10,
    T14, scenario 6). A decision after the due date is still taken: flagging it overdue
    is the sweep's job."""
    require_choice(outcome, ObjectionOutcome, "outcome", _("处理结果"))
    reason = require_text(reason, "reason", _("请填写处理理由。"))
    document = (document or "").strip()
    effect = effects.outcome_effect(outcome, reason=reason, corrections=corrections, document=document)
    keep_corrections = outcome in (ObjectionOutcome.CORRECT, ObjectionOutcome.SUPPLEMENT)

    record: Record | None = None  # locked by `change`, changed by `after`

    def change(obj: Objection) -> None:
        nonlocal record
        record = effects.locked_record(obj)
        effects.check_outcome_applies(record, outcome)
        obj.outcome, obj.decision_reason = outcome, reason
        obj.corrections = dict(corrections or {}) if keep_corrections else {}
        obj.decided_by, obj.decided_on = acting_user, clock.today()

    def after(obj: Objection) -> None:
        role = acting_role(acting_user, record, OBJECTION_STEPS["decide"])
        effect(record, obj, actor=acting_user, role=role)
        rules.close_deadline(record, RuleCode.OBJECTION_DECIDE, owner=obj)

    return _step(
        acting_user=acting_user,
        objection_id=objection_id,
        step="decide",
        change=change,
        after=after,
        reason=reason,
        ip_address=ip_address,
    )


# ── service of the result, and closing ─────────────────────────────────────────────


def service_change(served_on: dt.date):
    """The (change, after) pair of the result's service: the further remedies (复审/复核,
    复议/诉讼) run from it. Taken by the service of the issued 异议处理结果告知书
    (notices.services.notice_serve), or by `objection_serve` where it has none."""
    require_past_date(served_on, "served_on", _("送达日期"))

    def change(obj: Objection) -> None:
        if served_on < obj.decided_on:
            raise DomainError(_("送达日期不能早于决定日期。"), field="served_on", code="date_order")
        obj.served_on = served_on

    return change, lambda obj: None


def objection_serve(
    *, acting_user, objection_id: int, served_on: dt.date, ip_address: str | None = None
) -> Objection:
    """The result's service typed in: refused while its result notice is on its way."""
    change, _after = service_change(served_on)

    def guarded(obj: Objection) -> None:
        check_direct_service(obj, "serve")
        change(obj)

    return _step(
        acting_user=acting_user,
        objection_id=objection_id,
        step="serve",
        change=guarded,
        ip_address=ip_address,
    )


def objection_close(*, acting_user, objection_id: int, ip_address: str | None = None) -> Objection:
    return _step(acting_user=acting_user, objection_id=objection_id, step="close", ip_address=ip_address)
