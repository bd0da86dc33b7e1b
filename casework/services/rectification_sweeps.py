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
SELECT, one audit append), and changes nothing when run again the same day. The audit trail gets one entry
per order and run for what happened to its items (`rectification.urge_items`,
`rectification.escalate_items`: the numbers in the reason, each item's state and dates in
the diff); the items' own history is in their rows and their Deadline rows (the missed one
CANCELLED, kept; the next one opened). The only per-object work is what the escalation
causes beyond casework, done after the commit (casework.services.reactions): once per
escalated order, its new case and its new lead, never per item. Items are claimed with SELECT … FOR UPDATE SKIP LOCKED and then updated by id,
so two sweepers at once never change, nor audit, the same item twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Cast, Concat, LPad
from django.utils.translation import gettext as _

from .. import audit, clock
from ..action_labels import AuditAction
from ..language import official_language
from ..lifecycle import RECTIFICATION_STEPS, AccountabilityState, ItemState, RecordState, RectificationState
from ..models import (
    Accountability,
    Category,
    LeadSource,
    Record,
    Rectification,
    RectificationItem,
    Tier,
    Track,
)
from ..roles import Role
from ..rule_table import ESCALATION_BASIS, ESCALATION_TIER_ABOVE, RuleCode
from . import reactions
from .records import _fact_hash
from .rectification_claims import Order, content_type_id, item_ids, open_deadlines, supersede, take

IS, RS = ItemState, RectificationState
MISSABLE = (RuleCode.RECTIFICATION, RuleCode.RESUBMISSION)
REMINDER = RuleCode.OVERDUE_REMINDER
#: Rows per INSERT: PostgreSQL takes at most 65,535 parameters in one statement.
BATCH = 1000


def _entry(obj, record, action: str, from_state: str, to_state: str, reason: str, diff=None) -> dict:
    return dict(
        actor=None,
        role=Role.SYSTEM,
        obj=obj,
        record=record,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        diff=diff or {"state": [from_state, to_state]},
    )


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
        escalated = _escalate_rectifications(today)
        reason = _("整改通知第 %(numbers)s 项催办期限届满仍未整改，督办。")
        entries = _order_entries(orders, AuditAction.RECTIFICATION_ESCALATE_ITEMS, IS.ESCALATED, reason, None)
        audit.append_many([*entries, *escalated.entries])
        escalated.notify()
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


@dataclass
class Escalated:
    rectifications: list[Rectification]
    cases: list[Accountability]
    leads: list[Record]

    @property
    def entries(self) -> list[dict]:
        return _escalation_entries(self.rectifications, self.cases, self.leads)

    def notify(self) -> None:
        """What follows, after the commit (casework.services.reactions): the order's 督办通知书
        and the end of its process, the start of the case's and the lead's. One row per
        escalated order, never per item, in one INSERT per step."""
        system = {"acting_user": None, "role": Role.SYSTEM}
        # Re-read in one query: the state field is protected, the UPDATE went around it.
        escalated = Rectification.objects.filter(pk__in=[r.pk for r in self.rectifications])
        reactions.note_many(escalated, "escalate", **system)
        reactions.note_many([*self.cases, *self.leads], "created", **system)


def _escalate_rectifications(today: dt.date) -> Escalated:
    rectifications = _claim_rectifications()
    if not rectifications:
        return Escalated([], [], [])
    ids = [r.pk for r in rectifications]
    Rectification.objects.filter(pk__in=ids).update(state=RS.ESCALATED)
    open_deadlines(RuleCode.ESCALATION, today, Rectification, [(r.record_id, r.pk) for r in rectifications])
    numbers = _escalated_numbers(ids)
    cases = _open_cases(rectifications, numbers, today)
    leads = _register_rct_leads(rectifications, numbers, today)
    return Escalated(rectifications, cases, leads)


def _escalated_numbers(rectification_ids: list[int]) -> dict[int, str]:
    """{order: "1、3"}: the numbers of its escalated items."""
    rows = RectificationItem.objects.filter(rectification__in=rectification_ids, state=IS.ESCALATED)
    numbers: dict[int, list[int]] = {}
    for rectification_id, number in rows.order_by("number").values_list("rectification_id", "number"):
        numbers.setdefault(rectification_id, []).append(number)
    return {rid: "、".join(str(n) for n in ns) for rid, ns in numbers.items()}


def _open_cases(rectifications: list[Rectification], numbers: dict, today: dt.date) -> list[Accountability]:
    """One case per escalated order, against the subject unit (问责) or person (政务处分)."""
    cases = [
        Accountability(
            record_id=r.record_id,
            rectification=r,
            unit_id=r.record.subject_organisation_id or r.record.subject_person.unit_id,
            track=Track.SUPERVISORY if r.record.subject_person_id else Track.PARTY,
            reason=_("%(record)s 的整改通知第 %(numbers)s 项经催办仍未按期完成，依据%(basis)s 启动责任追究。")
            % {"record": r.record.reference, "numbers": numbers[r.pk], "basis": ESCALATION_BASIS},
            initiated_on=today,
        )
        for r in rectifications
    ]
    Accountability.objects.bulk_create(cases, batch_size=BATCH)
    persons = [
        Accountability.persons.through(accountability_id=case.pk, person_id=r.record.subject_person_id)
        for case, r in zip(cases, rectifications, strict=True)
        if r.record.subject_person_id
    ]
    if persons:
        Accountability.persons.through.objects.bulk_create(persons, batch_size=BATCH)
    return cases


def _register_rct_leads(rectifications: list[Rectification], numbers: dict, today: dt.date) -> list[Record]:
    """An RCT lead per escalated order (seed §二(三)8), category and tier pre-filled for the
    officer who verifies and proposes it (T2, T4): the system registers, a person proposes."""
    leads = [_rct_lead(r, numbers[r.pk], today) for r in rectifications]
    Record.objects.bulk_create(leads, batch_size=BATCH)
    prefix = f"ZWSX-{today.year}-"
    Record.objects.filter(pk__in=[lead.pk for lead in leads]).update(
        reference=Concat(Value(prefix), LPad(Cast("pk", models.CharField()), 6, Value("0")))
    )
    for lead in leads:
        lead.reference = f"{prefix}{lead.pk:06d}"
    return leads


def _rct_lead(rectification: Rectification, numbers: str, today: dt.date) -> Record:
    parent = rectification.record
    content = _(
        "整改逾期：%(record)s 的整改通知（整改编号 %(id)s）第 %(numbers)s 项经催办仍未按期完成，"
        "于 %(date)s 督办。拟记入未按时完成整改的政务失信记录。"
    ) % {"record": parent.reference, "id": rectification.pk, "numbers": numbers, "date": today.isoformat()}
    tier = ESCALATION_TIER_ABOVE.get(parent.tier, Tier.GENERAL)
    return Record(
        subject_organisation=parent.subject_organisation,
        subject_person=parent.subject_person,
        source=LeadSource.RECTIFICATION,
        lead_content=content,
        received_on=today,
        fact_hash=_fact_hash(parent.subject_organisation_id, parent.subject_person_id, content),
        category=Category.RCT,
        domain=parent.domain,
        tier=tier,
        tier_rationale=_("未按时完成整改，较原记录（%(tier)s）提高一级，最高为严重。")
        % {"tier": Tier(parent.tier).label if parent.tier else "—"},
    )


def _escalation_entries(rectifications, cases, leads) -> list[dict]:
    entries = []
    for r, case, lead in zip(rectifications, cases, leads, strict=True):
        entries.append(
            _entry(
                r,
                r.record,
                "rectification.escalate",
                r.state,
                RS.ESCALATED,
                _("整改逾期经催办仍未完成，督办/约谈。"),
            )
        )
        entries.append(
            _entry(
                case,
                r.record,
                AuditAction.ACCOUNTABILITY_INITIATE,
                "",
                AccountabilityState.INITIATED,
                case.reason,
                {"track": [None, case.track]},
            )
        )
        diff = {"source": [None, lead.source], "category": [None, lead.category], "tier": [None, lead.tier]}
        entries.append(
            _entry(lead, lead, AuditAction.REGISTER_LEAD, "", RecordState.LEAD, lead.lead_content, diff)
        )
    return entries
