"""Use cases of the rectification sub-process (整改, DOMAIN §6.3; scenarios 8, 10, 12).

An officer drafts the order with numbered items; another person, an approver, issues it;
an officer serves it and every item's deadline starts. The unit's liaison uploads
evidence per item, the unit head signs after the last change of evidence, the liaison
submits; an officer reviews item by item and only the returned items reopen. Extensions
are in rectification_extension.py, the overdue path (set-based) in rectification_sweeps.py;
the review is in rectification_review.py (its use cases are importable from here too).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ... import audit, clock, rules
from ...action_labels import AuditAction
from ...errors import DomainError
from ...guards import Refusal, own_rectification_draft, refuse
from ...language import official_language
from ...lifecycle import (
    ITEM_STEPS,
    RECORD_IN_FORCE,
    RECTIFICATION_RUNNING,
    ItemState,
    RecordState,
    RectificationState,
    Step,
)
from ...models import Attachment, Deadline, ItemReview, Record, Rectification, RectificationItem
from ...models.records import DeadlineStatus
from ...permissions import acting_role
from ...roles import Role
from ...rule_table import RuleCode
from ..attachments import attachment_upload
from ..records.steps import RECORD
from ..steps import apply_step, check_direct_service, created, perform
from ..validation import require_past_date, require_text
from .review import rectification_review, rectification_start_review
from .steps import ITEM, RECTIFICATION, numbers

RS, IS = RectificationState, ItemState

__all__ = [
    "ITEM",
    "RECTIFICATION",
    "rectification_draft",
    "rectification_explain",
    "rectification_issue",
    "rectification_item_add_evidence",
    "rectification_review",
    "rectification_serve",
    "rectification_sign_off",
    "rectification_start_review",
    "rectification_submit",
    "sign_off_is_current",
]


# Actions that create or annotate without moving a state: who may take them.
DRAFT = Step("draft", gettext_lazy("拟定整改通知"), (), RS.DRAFT, frozenset({Role.OFFICER}), "§6.3")
EXPLAIN = Step(
    "explain", gettext_lazy("提交情况说明"), (), None, frozenset({Role.UNIT_LIAISON, Role.UNIT_HEAD}), "§6.3"
)

#: Items the unit still owes: what a submission carries.
PENDING_ITEM_STATES = ITEM_STEPS["submit"].sources
#: The item deadlines a submission meets.
ITEM_DEADLINES = (RuleCode.RECTIFICATION, RuleCode.RESUBMISSION, RuleCode.OVERDUE_REMINDER)


# ── draft, issue, serve ────────────────────────────────────────────────────────────


def _validated_items(items: Iterable[Mapping]) -> list[dict]:
    items = list(items or [])
    if not items:
        raise DomainError(_("整改通知至少须列明一项整改要求。"), field="items", code="required")
    default = rules.deadline_rule(RuleCode.RECTIFICATION).amount
    longest = rules.deadline_rule(RuleCode.RECTIFICATION_MAX).amount
    return [_validated_item(i, item, default, longest) for i, item in enumerate(items)]


def _validated_item(index: int, item: Mapping, default: int, longest: int) -> dict:
    prefix, n = f"items.{index}", {"n": index + 1}
    row = {
        "requirement": require_text(
            item.get("requirement"), f"{prefix}.requirement", _("第 %(n)s 项：请填写整改要求。") % n
        ),
        "acceptance_criteria": require_text(
            item.get("acceptance_criteria"),
            f"{prefix}.acceptance_criteria",
            _("第 %(n)s 项：请填写验收标准。") % n,
        ),
        "required_evidence": require_text(
            item.get("required_evidence"),
            f"{prefix}.required_evidence",
            _("第 %(n)s 项：请填写须提交的材料。") % n,
        ),
    }
    days = item.get("period_days")
    days = default if days is None else days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= longest:
        raise DomainError(
            _("第 %(n)s 项：整改期限须为 1 至 %(max)s 个自然日。") % {**n, "max": longest},
            field=f"{prefix}.period_days",
            code="period_days",
        )
    return {**row, "period_days": days}


def _record_refusal(record: Record) -> Refusal | None:
    if record.state in RECORD_IN_FORCE:
        return None
    return DomainError(
        _("只有已认定或生效的失信记录才能下达整改通知，该记录当前状态为“%(state)s”。")
        % {"state": RecordState(record.state).label},
        field="record",
        code="record_state",
    )


def new_order_refusal(record: Record) -> Refusal | None:
    """An order follows a finding, goes to a unit, and one runs at a time."""
    if (refused := _record_refusal(record)) is not None:
        return refused
    if record.subject_person_id:
        # The steps after service are the unit's (liaison, head): a person has neither.
        return DomainError(_("整改通知只对失信单位下达。"), field="record", code="subject")
    # The record's orders (a few): a page that read them already asks no query here.
    if any(order.state in RECTIFICATION_RUNNING for order in record.rectifications.all()):
        return DomainError(_("该记录已有未办结的整改。"), field="record", code="duplicate")
    return None


@transaction.atomic(durable=True)
def rectification_draft(
    *, acting_user, record_id: int, items: Iterable[Mapping], ip_address: str | None = None
) -> Rectification:
    """DOMAIN §6.3 "issue", first half: R1 drafts the numbered items; default period from
    the `rectification` rule, complex items up to the `rectification_max` rule."""
    record = RECORD.get(acting_user, record_id, lock=True)
    role = acting_role(acting_user, record, DRAFT)
    rows = _validated_items(items)
    refuse(new_order_refusal(record))
    rectification = Rectification.objects.create(record=record, drafted_by=acting_user)
    RectificationItem.objects.bulk_create(
        RectificationItem(rectification=rectification, number=n, **row) for n, row in enumerate(rows, 1)
    )
    created(
        rectification,
        audit.Acting(acting_user, role, ip_address),
        record=record,
        action=AuditAction.RECTIFICATION_DRAFT,
        after={"items": rows},
    )
    return rectification


def rectification_issue(
    *, acting_user, rectification_id: int, ip_address: str | None = None
) -> Rectification:
    """R2 approves and issues the 整改通知书; never the person who drafted it."""

    def change(rectification: Rectification) -> None:
        refuse(own_rectification_draft(acting_user, rectification))
        refuse(_record_refusal(rectification.record))
        rectification.issued_by = acting_user

    return perform(
        RECTIFICATION,
        acting_user=acting_user,
        pk=rectification_id,
        step="issue",
        change=change,
        ip_address=ip_address,
    )


def service_change(served_on: dt.date):
    """The (change, after) pair of the order's service: every item's deadline runs from it,
    its period in calendar days, rolled forward off a rest day (scenario 8); the written
    explanation is due in 10 WD. Taken by the service of the issued 整改通知书
    (notices.services.notice_serve), or by `rectification_serve` where it has none."""
    require_past_date(served_on, "served_on", _("整改通知送达日期"))

    def change(rectification: Rectification) -> None:
        rectification.served_on = served_on

    def after(rectification: Rectification) -> None:
        record = rectification.record
        for item in rectification.items.all():
            rules.open_deadline(
                record, RuleCode.RECTIFICATION, served_on, owner=item, amount=item.period_days
            )
        rules.open_deadline(record, RuleCode.WRITTEN_EXPLANATION, served_on, owner=rectification)

    return change, after


def rectification_serve(
    *, acting_user, rectification_id: int, served_on: dt.date, ip_address: str | None = None
) -> Rectification:
    """The order's service typed in: refused while its 整改通知书 is on its way (then serving
    that notice records it, with the date the periods run from)."""
    change, after = service_change(served_on)

    def guarded(rectification: Rectification) -> None:
        check_direct_service(rectification, "serve")
        change(rectification)

    return perform(
        RECTIFICATION,
        acting_user=acting_user,
        pk=rectification_id,
        step="serve",
        change=guarded,
        after=after,
        ip_address=ip_address,
    )


@transaction.atomic(durable=True)
def rectification_explain(
    *, acting_user, rectification_id: int, explanation: str, ip_address: str | None = None
) -> Rectification:
    """The unit's written explanation of the causes (书面说明原因, S1): due 10 WD from service."""
    text = require_text(explanation, "explanation", _("请填写情况说明。"))
    rectification = RECTIFICATION.get(acting_user, rectification_id, lock=True)
    role = acting_role(acting_user, rectification.record, EXPLAIN)
    if rectification.state not in (RS.IN_PROGRESS, RS.RETURNED):
        raise DomainError(
            _("整改当前状态为“%(state)s”，不能提交情况说明。") % {"state": rectification.get_state_display()},
            field="state",
            code="illegal_state",
        )
    before, rectification.explanation = rectification.explanation, text
    rectification.save(update_fields=["explanation"])
    rules.close_deadline(rectification.record, RuleCode.WRITTEN_EXPLANATION, owner=rectification)
    audit.append(
        audit.Acting(acting_user, role, ip_address),
        obj=rectification,
        record=rectification.record,
        action=AuditAction.RECTIFICATION_EXPLAIN,
        diff=audit.field_diff({"explanation": before}, {"explanation": text}),
    )
    return rectification


# ── evidence, sign-off, submission ───────────────────────────────────────────────────


def rectification_item_add_evidence(
    *, acting_user, item_id: int, uploaded_file, ip_address: str | None = None
) -> Attachment:
    """One evidence file for one item; it makes any earlier sign-off of the head stale."""
    item = ITEM.get(acting_user, item_id, lock=False)
    return attachment_upload(
        acting_user=acting_user,
        record_id=item.rectification.record_id,
        owner=item,
        purpose="evidence",
        uploaded_file=uploaded_file,
        ip_address=ip_address,
    )


def sign_off_is_current(rectification: Rectification) -> bool:
    """Signed, and no evidence changed since (scenario 12)."""
    signed, changed = rectification.head_signed_at, rectification.evidence_changed_at
    return signed is not None and (changed is None or signed > changed)


def rectification_sign_off(
    *, acting_user, rectification_id: int, declaration: bool, ip_address: str | None = None
) -> Rectification:
    """The head of the subject unit signs the report (主要领导负责制, seed §三(一))."""
    if not declaration:
        raise DomainError(
            _("签字前须确认已审阅整改报告及全部材料，并对其真实性负责。"),
            field="declaration",
            code="declaration",
        )

    def change(rectification: Rectification) -> None:
        rectification.head_signed_by, rectification.head_signed_at = acting_user, timezone.now()

    with official_language():
        reason = _("主要负责人签字确认整改报告")
    return perform(
        RECTIFICATION,
        acting_user=acting_user,
        pk=rectification_id,
        step="sign_off",
        change=change,
        reason=reason,
        ip_address=ip_address,
    )


def _locked_pending_items(rectification: Rectification) -> list[RectificationItem]:
    return list(
        rectification.items.filter(state__in=PENDING_ITEM_STATES).select_for_update().order_by("number")
    )


def _check_evidence(items: list[RectificationItem]) -> None:
    """Each item has a file; a returned item a file uploaded after its last review."""
    ids = [item.pk for item in items]
    last_review = dict(
        ItemReview.objects.filter(item__in=ids)
        .values("item")
        .annotate(at=Max("reviewed_at"))
        .values_list("item", "at")
    )
    uploads = Attachment.objects.filter(
        owner_type=ContentType.objects.get_for_model(RectificationItem), owner_id__in=ids, purpose="evidence"
    ).values_list("owner_id", "uploaded_at")
    covered = {owner for owner, at in uploads if last_review.get(owner) is None or at > last_review[owner]}
    missing = [item for item in items if item.pk not in covered]
    if missing:
        raise DomainError(
            _("第 %(numbers)s 项尚未上传整改材料（退回的事项须重新上传）。") % {"numbers": numbers(missing)},
            field="evidence",
            code="evidence_required",
        )


def _check_sign_off(rectification: Rectification) -> None:
    if not sign_off_is_current(rectification):
        stale = rectification.head_signed_at is not None
        message = _("材料在签字后有变更，须经单位主要负责人签字后方可提交。") if stale else ""
        raise DomainError(
            message or _("须经单位主要负责人签字后方可提交。"),
            field="head_sign_off",
            code="sign_off_required",
        )


def close_item_deadlines(item: RectificationItem, status: str = DeadlineStatus.MET) -> None:
    Deadline.objects.filter(
        owner_type=ContentType.objects.get_for_model(RectificationItem),
        owner_id=item.pk,
        kind__in=ITEM_DEADLINES,
        status=DeadlineStatus.OPEN,
    ).update(status=status)


def rectification_submit(
    *, acting_user, rectification_id: int, truth_declared: bool, ip_address: str | None = None
) -> Rectification:
    """The liaison submits the 整改报告: every item still owed has evidence, the head's
    sign-off postdates the last change of evidence, the materials are declared true."""

    pending: list[RectificationItem] = []

    def change(rectification: Rectification) -> None:
        nonlocal pending
        pending = _locked_pending_items(rectification)
        if not pending:
            raise DomainError(_("没有待提交的整改事项。"), field="items", code="nothing_to_submit")
        _check_evidence(pending)
        _check_sign_off(rectification)
        if not truth_declared:
            raise DomainError(
                _("提交前须声明所提交材料真实、准确、完整。"), field="truth_declared", code="declaration"
            )
        rectification.truth_declared, rectification.submitted_at = True, timezone.now()

    def after(rectification: Rectification) -> None:
        role = acting_role(acting_user, rectification.record, ITEM_STEPS["submit"])
        for item in pending:
            apply_step(ITEM, item, audit.Acting(acting_user, role), step="submit", after=close_item_deadlines)
        rules.open_deadline(
            rectification.record, RuleCode.RECTIFICATION_REVIEW, clock.today(), owner=rectification
        )

    return perform(
        RECTIFICATION,
        acting_user=acting_user,
        pk=rectification_id,
        step="submit",
        change=change,
        after=after,
        ip_address=ip_address,
    )
