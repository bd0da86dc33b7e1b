"""Extension of a rectification item's deadline (延期整改, DOMAIN §6.3; scenario 11).

One request per item, filed no later than the item's deadline, for at most the item's
original period; an approver decides within the `extension_decide` limit. On approval
the deadline moves by the granted calendar days from its current due date, rolled
forward off a rest day. While a request waits, the overdue sweep leaves the item alone.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ... import audit, clock, queries, rules
from ...action_labels import AuditAction
from ...errors import ConflictError, DomainError, NotFoundError
from ...lifecycle import ItemState, Step
from ...models import Deadline, ExtensionRequest, RectificationItem, RequestState
from ...models.records import DeadlineStatus
from ...permissions import acting_role
from ...roles import Role
from ...rule_table import RuleCode
from .. import reactions
from ..validation import PAPER_FILING_ROLES, Window, filing_date, require_text
from .steps import ITEM

#: The unit's liaison asks; the officer records a request the commission received on paper.
REQUEST = Step(
    "request_extension",
    gettext_lazy("申请延期整改"),
    (),
    None,
    frozenset({Role.UNIT_LIAISON}) | PAPER_FILING_ROLES,
    "§6.3",
)
DECIDE = Step(
    "decide_extension", gettext_lazy("审批延期整改申请"), (), None, frozenset({Role.APPROVER}), "§6.3"
)
#: The item deadlines an extension moves: the original period, or the one after a return.
EXTENDABLE = (RuleCode.RECTIFICATION, RuleCode.RESUBMISSION)


def running_deadline(item: RectificationItem) -> Deadline | None:
    if item.state not in (ItemState.OPEN, ItemState.RETURNED):
        return None
    return Deadline.objects.filter(
        owner_type=ContentType.objects.get_for_model(RectificationItem),
        owner_id=item.pk,
        kind__in=EXTENDABLE,
        status=DeadlineStatus.OPEN,
    ).first()


def extension_window(item: RectificationItem, deadline: Deadline | None) -> Window:
    """A request is made before the item's deadline runs out (DOMAIN §6.3): the running
    one, or once the sweep found the item late, the one it missed."""
    if deadline is None:
        deadline = (
            Deadline.objects.filter(
                owner_type=ContentType.objects.get_for_model(RectificationItem),
                owner_id=item.pk,
                kind__in=EXTENDABLE,
            )
            .order_by("-id")
            .first()
        )
    return Window(
        name=_("整改期限"),
        act=_("申请延期"),
        start=item.rectification.served_on,
        end=deadline.due_on if deadline else None,
    )


def _check_request(item: RectificationItem, days, deadline: Deadline | None) -> None:
    if item.extension_used or item.extensions.exists():
        raise DomainError(
            _("每个整改事项只能申请一次延期，该事项已申请过。"), field="item", code="extension_used"
        )
    if deadline is None:
        raise DomainError(
            _("整改事项当前状态为“%(state)s”，不能申请延期。") % {"state": item.get_state_display()},
            field="state",
            code="illegal_state",
        )
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= item.period_days:
        raise DomainError(
            _("延长天数须为 1 至 %(max)s 天（不超过原整改期限）。") % {"max": item.period_days},
            field="days",
            code="days",
        )


@transaction.atomic(durable=True)
def rectification_request_extension(
    *,
    acting_user,
    item_id: int,
    days: int,
    reason: str,
    received_on: dt.date | None = None,
    paper_filing_reason: str = "",
    ip_address: str | None = None,
) -> ExtensionRequest:
    """The request counts on the day the system receives it; an earlier `received_on` only
    for a paper request the officer records, with `paper_filing_reason`
    (validation.filing_date). The approver's decision limit runs from that day."""
    item = ITEM.get(acting_user, item_id, lock=True)
    record = item.rectification.record
    role = acting_role(acting_user, record, REQUEST)
    reason = require_text(reason, "reason", _("请说明申请延期的理由。"))
    deadline = running_deadline(item)
    filing = filing_date(
        acting_user=acting_user,
        given=received_on,
        paper_reason=paper_filing_reason,
        window=extension_window(item, deadline),
    )
    _check_request(item, days, deadline)
    request = ExtensionRequest.objects.create(
        item=item, requested_by=acting_user, requested_on=filing.on, reason=reason, days=days
    )
    rules.open_deadline(record, RuleCode.EXTENSION_DECIDE, filing.on, owner=request)
    audit.append(
        audit.Acting(acting_user, role, ip_address),
        obj=request,
        record=record,
        action=AuditAction.EXTENSIONREQUEST_REQUEST,
        to_state=request.state,
        reason=reason,
        diff=audit.field_diff({}, {"item": item.number, "days": days, **filing.audit_fields()}),
    )
    return request


def _get_request(acting_user, request_id: int, *, lock: bool) -> ExtensionRequest:
    qs = ExtensionRequest.objects.filter(item__in=queries.visible_rectification_items(acting_user))
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=request_id)
    except (ExtensionRequest.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("延期申请不存在或您无权查看。"), code="not_found") from None


def _check_pending(request: ExtensionRequest, seen_state: str) -> None:
    if request.state == RequestState.PENDING:
        return
    if request.state != seen_state:
        raise ConflictError(_("该延期申请刚被他人审批，请刷新后重试。"), code="conflict")
    raise DomainError(_("该延期申请已审批。"), field="state", code="already_decided")


def _extend(item: RectificationItem, days: int) -> tuple:
    """Move the item's running deadline by `days` calendar days from its due date."""
    current = running_deadline(item)
    if current is None:
        raise DomainError(
            _("整改事项当前状态为“%(state)s”，已无需延期。") % {"state": item.get_state_display()},
            field="state",
            code="illegal_state",
        )
    record = item.rectification.record
    extended = rules.open_deadline(record, RuleCode.RECTIFICATION, current.due_on, owner=item, amount=days)
    if current.kind != RuleCode.RECTIFICATION:
        rules.close_deadline(record, current.kind, owner=item, status=DeadlineStatus.CANCELLED)
    item.extension_used = True
    item.save(update_fields=["extension_used"])
    return current.due_on, extended.due_on


def rectification_decide_extension(
    *, acting_user, request_id: int, approve: bool, reason: str = "", ip_address: str | None = None
) -> ExtensionRequest:
    if not approve:
        reason = require_text(reason, "reason", _("不予批准须说明理由。"))
    seen_state = _get_request(acting_user, request_id, lock=False).state
    with transaction.atomic(durable=True):
        request = _get_request(acting_user, request_id, lock=True)
        item = RectificationItem.objects.select_for_update().get(pk=request.item_id)
        record = item.rectification.record
        role = acting_role(acting_user, record, DECIDE)
        _check_pending(request, seen_state)
        diff = {"state": [RequestState.PENDING, RequestState.APPROVED if approve else RequestState.REJECTED]}
        if approve:
            diff["due_on"] = list(_extend(item, request.days))
        request.state, request.decided_by = diff["state"][1], acting_user
        request.decided_on, request.decision_reason = clock.today(), (reason or "").strip()
        request.save()
        rules.close_deadline(record, RuleCode.EXTENSION_DECIDE, owner=request)
        audit.append(
            audit.Acting(acting_user, role, ip_address),
            obj=request,
            record=record,
            action=AuditAction.EXTENSIONREQUEST_APPROVE if approve else AuditAction.EXTENSIONREQUEST_REJECT,
            from_state=RequestState.PENDING,
            to_state=request.state,
            reason=request.decision_reason,
            diff=diff,
        )
        reactions.note(request, DECIDE.name, acting_user=acting_user, role=role)
    return request
