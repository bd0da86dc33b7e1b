"""Review of a submitted rectification report (整改验收, DOMAIN §6.3; scenario 10): an officer
accepts or returns each submitted item; accepted items stay accepted, returned ones reopen
with their own resubmission deadline; when every item is accepted the order is closed."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from ... import audit, clock, rules
from ...errors import ConflictError, DomainError
from ...guards import Refusal
from ...lifecycle import ITEM_STEPS, RECTIFICATION_STEPS, ItemState, RectificationState
from ...models import ItemReview, Rectification, RectificationItem, ReviewDecision, User
from ...permissions import acting_role, role_refusal
from ...rule_table import RuleCode
from ..steps import apply_step, perform
from ..validation import require_choice
from .steps import ITEM, RECTIFICATION, numbers

RS, IS = RectificationState, ItemState


def rectification_start_review(
    *, acting_user, rectification_id: int, ip_address: str | None = None
) -> Rectification:
    return perform(
        RECTIFICATION,
        acting_user=acting_user,
        pk=rectification_id,
        step="start_review",
        ip_address=ip_address,
    )


def _parsed_decisions(decisions: Mapping) -> dict[int, tuple[str, str]]:
    parsed = {}
    for item_id, (decision, reason) in dict(decisions or {}).items():
        require_choice(decision, ReviewDecision, "decisions", _("审核结论"))
        reason = (reason or "").strip()
        if decision == ReviewDecision.RETURN and not reason:
            raise DomainError(_("退回的事项须写明退回理由。"), field="decisions", code="reason_required")
        parsed[int(item_id)] = (decision, reason)
    return parsed


def _check_covers(items: dict[int, RectificationItem], decisions: dict) -> None:
    """One decision for each submitted item, none for anything else."""
    if set(decisions) - set(items):
        raise DomainError(_("只能审核本次提交的整改事项。"), field="decisions", code="unknown_item")
    undecided = [item for pk, item in items.items() if pk not in decisions]
    if undecided:
        raise DomainError(
            _("请对第 %(numbers)s 项作出审核结论。") % {"numbers": numbers(undecided)},
            field="decisions",
            code="undecided",
        )


def _locked_for_review(acting_user, rectification_id: int, seen_state: str) -> Rectification:
    rectification = RECTIFICATION.get(acting_user, rectification_id, lock=True)
    if (refused := review_state_refusal(rectification)) is None:
        return rectification
    if rectification.state != seen_state:
        raise ConflictError(
            _("该事项刚被他人处理，当前状态为“%(state)s”，请刷新后重试。")
            % {"state": rectification.get_state_display()},
            code="conflict",
        )
    raise refused


def reviewer_refusal(acting_user, rectification: Rectification) -> Refusal | None:
    """Who reviews: whoever may accept an item (验收) or send it back."""
    return role_refusal(acting_user, rectification.record, ITEM_STEPS["accept"])


def review_state_refusal(rectification: Rectification) -> Refusal | None:
    """The order is reviewed while it is under review, item by item."""
    if rectification.state == RS.REVIEWING:
        return None
    return DomainError(
        _("当前状态“%(state)s”下不能审核整改。") % {"state": rectification.get_state_display()},
        field="state",
        code="illegal_transition",
    )


def _review_item(
    *, acting_user: User, role: str, item: RectificationItem, decision: str, reason: str
) -> None:
    ItemReview.objects.create(item=item, decision=decision, reason=reason, reviewer=acting_user)
    if decision == ReviewDecision.ACCEPT:
        apply_step(ITEM, item, audit.Acting(acting_user, role), step="accept", reason=reason)
        return

    def change(obj: RectificationItem) -> None:
        obj.return_reason = reason

    def after(obj: RectificationItem) -> None:
        # Only this item reopens, with its own resubmission deadline (scenario 10).
        rules.open_deadline(obj.rectification.record, RuleCode.RESUBMISSION, clock.today(), owner=obj)

    apply_step(
        ITEM, item, audit.Acting(acting_user, role), step="return_", change=change, after=after, reason=reason
    )


def rectification_review(
    *,
    acting_user,
    rectification_id: int,
    decisions: Mapping[int, tuple[str, str]],
    ip_address: str | None = None,
) -> Rectification:
    """Accept or return each submitted item; accepted items stay accepted (scenario 10).
    When every item is accepted the order is closed (验收销号), else it goes back."""
    parsed = _parsed_decisions(decisions)
    seen_state = RECTIFICATION.get(acting_user, rectification_id, lock=False).state
    with transaction.atomic(durable=True):
        rectification = _locked_for_review(acting_user, rectification_id, seen_state)
        record = rectification.record
        items = {i.pk: i for i in rectification.items.filter(state=IS.SUBMITTED).select_for_update()}
        _check_covers(items, parsed)
        item_role = acting_role(acting_user, record, ITEM_STEPS["accept"])
        others_open = (
            rectification.items.exclude(pk__in=items).exclude(state__in=[IS.ACCEPTED, IS.MOOT]).exists()
        )
        all_accepted = not others_open and all(d == ReviewDecision.ACCEPT for d, _r in parsed.values())
        step = "accept" if all_accepted else "return_items"
        role = acting_role(acting_user, record, RECTIFICATION_STEPS[step])
        for pk, (decision, reason) in sorted(parsed.items(), key=lambda kv: items[kv[0]].number):
            _review_item(
                acting_user=acting_user, role=item_role, item=items[pk], decision=decision, reason=reason
            )
        return apply_step(
            RECTIFICATION,
            rectification,
            audit.Acting(acting_user, role, ip_address),
            step=step,
            after=lambda obj: rules.close_deadline(record, RuleCode.RECTIFICATION_REVIEW, owner=obj),
        )
