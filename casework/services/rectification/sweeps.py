"""The overdue path of rectification items (DOMAIN §6.3; scenario 9), set-based, for the
deadline sweeps (Celery beat, `sweep_deadlines`) and anything else that runs them.

- `items_mark_overdue(today)`: an item still owed whose deadline passed before `today`
  becomes OVERDUE and is at once URGED, with a new `overdue_reminder` deadline. The
  整改逾期催办函 (N11), one per order listing its late items, is drafted right after, in a
  transaction of its own, by the sweep's caller (workflows.sweeps → notices.overdue_reminders).
- `items_escalate(today)`: an URGED item whose reminder deadline passed is ESCALATED; its
  rectification is escalated (督办/约谈, with the `escalation` deadline), an accountability
  case is opened and an RCT lead is registered for the same subject (seed §二(三)8).

Each call is one transaction with a fixed number of statements however many items are
due (rectification_claims.take: claim, label the orders, move; then supersede, INSERT …
SELECT, one audit append), and changes nothing when run again the same day. The audit
trail gets one entry per order and run for what happened to its items
(`rectification.urge_items`, `rectification.escalate_items`: the numbers in the reason,
each item's state and dates in the diff); the items' own history is in their rows and
their Deadline rows (the missed one CANCELLED, kept; the next one opened). An escalated
order's case and lead are opened by the building blocks an officer's opening and intake
use (`accountability.open_cases`, `records.new_leads`), for all the orders at once, with
the same audit entries. What the escalation causes beyond casework is done after the
commit (casework.services.reactions): once per escalated order, its new case and its new
lead, never per item. Items are claimed with SELECT … FOR UPDATE SKIP LOCKED and then
updated by id, so two sweepers at once never change, nor audit, the same item twice.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from ... import audit, clock
from ...action_labels import AuditAction
from ...kinds import RECTIFICATION
from ...language import official_language
from ...lifecycle import RECTIFICATION_STEPS, ItemState, RectificationState
from ...models import (
    Accountability,
    Category,
    LeadSource,
    Record,
    Rectification,
    RectificationItem,
    Tier,
    Track,
)
from ...roles import Role
from ...rule_table import ESCALATION_BASIS, ESCALATION_TIER_ABOVE, RuleCode
from .. import accountability, reactions, records
from .claims import Order, content_type_id, item_ids, open_deadlines, supersede, take

IS, RS = ItemState, RectificationState
MISSABLE = (RuleCode.RECTIFICATION, RuleCode.RESUBMISSION)
REMINDER = RuleCode.OVERDUE_REMINDER


def _order_entries(orders: list[Order], action: str, to_state: str, reason: str, due: dt.date | None):
    """One entry per order for what happened to its claimed items; `reason` (translated
    once per run) takes the item numbers, the diff each item's state and dates."""
    rectification_type = content_type_id(Rectification)
    new_due = due.isoformat() if due else None
    for order in orders:
        items = {
            str(item.pk): {
                "number": item.number,
                "state": [item.state, to_state],
                "due_on": [item.missed_on.isoformat(), new_due],
            }
            for item in order.items
        }
        yield dict(
            role=Role.SYSTEM,
            content_type_id=rectification_type,
            object_id=order.pk,
            object_repr=order.label,
            record_id=order.record_id,
            action=action,
            reason=reason % {"numbers": order.numbers, "date": new_due},
            diff={"items": items},
        )


# ── first overdue: OVERDUE, then URGED with a reminder ───────────────────────────────


def items_mark_overdue(today: dt.date | None = None) -> int:
    """Scenario 9: nothing submitted by the end of 2026-10-08 → on 2026-10-09 the item is
    OVERDUE and urged, new deadline 10 WD later (10-22); the caller drafts the order's
    整改逾期催办函 that day (notices.overdue_reminders). The number of items urged."""
    today = today or clock.today()
    # What it writes (reasons, the case's reason, the lead) is the case file's: in the
    # official language even when a request, not the beat, runs the sweep.
    with official_language(), transaction.atomic(durable=True):
        orders = take(MISSABLE, [IS.OPEN, IS.RETURNED], IS.URGED, today, waiting_ok=False)
        if not orders:
            return 0
        ids = item_ids(orders)
        supersede(RectificationItem, ids, (*MISSABLE, REMINDER))
        due = open_deadlines(
            REMINDER, today, RectificationItem, [o for order in orders for o in order.item_owners]
        )
        reason = _(
            "整改通知第 %(numbers)s 项整改期限届满未提交整改材料，已逾期，予以催办；新的整改期限为 %(date)s。"
        )
        audit.append_many(_order_entries(orders, AuditAction.RECTIFICATION_URGE_ITEMS, IS.URGED, reason, due))
    return len(ids)


# ── second overdue: ESCALATED, accountability, RCT lead ─────────────────────────────────


def items_escalate(today: dt.date | None = None) -> int:
    """Scenario 9, second half: the reminder deadline passed too (DOMAIN §6.3 "second overdue")."""
    today = today or clock.today()
    # What it writes (reasons, the case's reason, the lead) is the case file's: in the
    # official language even when a request, not the beat, runs the sweep.
    with official_language(), transaction.atomic(durable=True):
        orders = take((REMINDER,), [IS.URGED], IS.ESCALATED, today)
        ids = item_ids(orders)
        if ids:
            supersede(RectificationItem, ids, (REMINDER,))
        rectifications = _claim_rectifications()
        reason = _("整改通知第 %(numbers)s 项催办期限届满仍未整改，督办。")
        entries = _order_entries(orders, AuditAction.RECTIFICATION_ESCALATE_ITEMS, IS.ESCALATED, reason, None)
        audit.append_many([*entries, *map(_escalation_entry, rectifications)])
        _escalate(rectifications, today)
    return len(ids)


def _claim_rectifications() -> list[Rectification]:
    """Lock every still-running order with an escalated item: those of the items just
    claimed, and any a previous run had to skip (locked then by a submission or another
    sweeper, which escalates it itself when it was a sweeper)."""
    escalated_items = RectificationItem.objects.filter(state=IS.ESCALATED).values("rectification_id")
    qs = Rectification.objects.filter(
        pk__in=escalated_items, state__in=RECTIFICATION_STEPS["escalate"].sources
    )
    qs = qs.select_for_update(skip_locked=True, of=("self",))
    return list(qs.select_related("record__subject_organisation", "record__subject_person").order_by("pk"))


def _escalation_entry(rectification: Rectification) -> dict:
    return dict(
        actor=None,
        role=Role.SYSTEM,
        obj=rectification,
        record=rectification.record,
        action=RECTIFICATION.audit_action("escalate"),
        from_state=rectification.state,
        to_state=RS.ESCALATED,
        reason=_("整改逾期经催办仍未完成，督办/约谈。"),
        diff={"state": [rectification.state, RS.ESCALATED]},
    )


def _escalate(rectifications: list[Rectification], today: dt.date) -> None:
    """督办/约谈: the orders ESCALATED, their `escalation` limits opened and what follows
    noted (after the commit, casework.services.reactions: the 督办通知书, the end of the
    order's process); then each order's case and RCT lead, opened as an officer's are. One
    statement per step however many orders escalate, never one per item."""
    if not rectifications:
        return
    ids = [r.pk for r in rectifications]
    Rectification.objects.filter(pk__in=ids).update(state=RS.ESCALATED)
    open_deadlines(RuleCode.ESCALATION, today, Rectification, [(r.record_id, r.pk) for r in rectifications])
    # Re-read in one query: the state field is protected, the UPDATE went around it.
    escalated = Rectification.objects.filter(pk__in=ids)
    reactions.note_many(escalated, "escalate", acting_user=audit.SYSTEM.user, role=audit.SYSTEM.role)
    numbers = _escalated_numbers(ids)
    accountability.open_cases([_case(r, numbers[r.pk], today) for r in rectifications], audit.SYSTEM)
    records.new_leads([_rct_lead(r, numbers[r.pk], today) for r in rectifications], audit.SYSTEM)


def _escalated_numbers(rectification_ids: list[int]) -> dict[int, str]:
    """{order: "1、3"}: the numbers of its escalated items."""
    rows = RectificationItem.objects.filter(rectification__in=rectification_ids, state=IS.ESCALATED)
    numbers: dict[int, list[int]] = {}
    for rectification_id, number in rows.order_by("number").values_list("rectification_id", "number"):
        numbers.setdefault(rectification_id, []).append(number)
    return {rid: "、".join(str(n) for n in ns) for rid, ns in numbers.items()}


def _case(rectification: Rectification, numbers: str, today: dt.date) -> tuple[Accountability, list[int]]:
    """The order's case, against the subject unit (问责) or person (政务处分), with its persons."""
    record = rectification.record
    case = Accountability(
        record=record,
        rectification=rectification,
        unit_id=record.subject_organisation_id or record.subject_person.unit_id,
        track=Track.SUPERVISORY if record.subject_person_id else Track.PARTY,
        reason=_("%(record)s 的整改通知第 %(numbers)s 项经催办仍未按期完成，依据%(basis)s 启动责任追究。")
        % {"record": record.reference, "numbers": numbers, "basis": ESCALATION_BASIS},
        initiated_on=today,
    )
    return case, [record.subject_person_id] if record.subject_person_id else []


def _rct_lead(rectification: Rectification, numbers: str, today: dt.date) -> Record:
    """The order's RCT lead (seed §二(三)8), category and tier pre-filled for the officer
    who verifies and proposes it (T2, T4): the system registers, a person proposes."""
    parent = rectification.record
    content = _(
        "整改逾期：%(record)s 的整改通知（整改编号 %(id)s）第 %(numbers)s 项经催办仍未按期完成，"
        "于 %(date)s 督办。拟记入未按时完成整改的政务失信记录。"
    ) % {"record": parent.reference, "id": rectification.pk, "numbers": numbers, "date": today.isoformat()}
    return Record(
        subject_organisation=parent.subject_organisation,
        subject_person=parent.subject_person,
        source=LeadSource.RECTIFICATION,
        lead_content=content,
        received_on=today,
        category=Category.RCT,
        domain=parent.domain,
        tier=ESCALATION_TIER_ABOVE.get(parent.tier, Tier.GENERAL),
        tier_rationale=_("未按时完成整改，较原记录（%(tier)s）提高一级，最高为严重。")
        % {"tier": Tier(parent.tier).label if parent.tier else "—"},
    )
