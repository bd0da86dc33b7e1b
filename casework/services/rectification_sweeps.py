"""The overdue path of rectification items (DOMAIN §6.3; scenario 9), set-based, for the
deadline sweeps (Celery beat, `sweep_deadlines`) and anything else that runs them.

- `items_mark_overdue(today)`: an item still owed whose deadline passed before `today`
  becomes OVERDUE and is at once URGED: the 整改逾期催办函 goes out that day (audited;
  the PDF is issue #4) with a new `overdue_reminder` deadline.
- `items_escalate(today)`: an URGED item whose reminder deadline passed is ESCALATED; its
  rectification is escalated (督办/约谈, with the `escalation` deadline), an accountability
  case is opened and an RCT lead is registered for the same subject (seed §二(三)8).

Each call is one transaction with a fixed number of statements however many items are
due (claim, bulk UPDATE, bulk INSERT, one audit append), and changes nothing when run again
the same day. The only per-object work is the workflow listeners' (casework.services.steps):
once per escalated order, its new case and its new lead, never per item. Items are claimed with SELECT … FOR UPDATE SKIP LOCKED and then updated by
id, so two sweepers at once never change, nor audit, the same item twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat, LPad
from django.utils.translation import gettext as _

from .. import audit, calendar, clock, rules
from ..lifecycle import RECTIFICATION_STEPS, AccountabilityState, ItemState, RecordState, RectificationState
from ..models import (
    Accountability,
    Category,
    Deadline,
    LeadSource,
    Record,
    Rectification,
    RectificationItem,
    RequestState,
    Tier,
    Track,
)
from ..roles import Role
from .records import _fact_hash
from .steps import notify_step

IS, RS = ItemState, RectificationState
MISSABLE = ("rectification", "resubmission")
REMINDER = "overdue_reminder"
#: An RCT record is one tier above the record whose rectification failed, at most 严重 (DOMAIN §4.1).
TIER_ABOVE = {Tier.MINOR: Tier.GENERAL, Tier.GENERAL: Tier.SERIOUS, Tier.SERIOUS: Tier.SERIOUS}
#: Rows per INSERT: PostgreSQL takes at most 65,535 parameters in one statement.
BATCH = 1000


@dataclass(frozen=True)
class Claimed:
    """A claimed item: an unsaved stand-in enough for the audit entry, and what it missed."""

    item: RectificationItem
    state: str
    record_id: int
    missed_on: dt.date


def _item_type() -> ContentType:
    return ContentType.objects.get_for_model(RectificationItem)


def _late(kinds, today: dt.date) -> models.QuerySet:
    return Deadline.objects.filter(owner_type=_item_type(), kind__in=kinds, status="OPEN", due_on__lt=today)


def _claim(kinds, states, today: dt.date, *, waiting_ok: bool = True) -> list[Claimed]:
    """Lock the items in `states` with a passed deadline of `kinds`, skipping rows another
    transaction holds; one statement."""
    late = _late(kinds, today)
    qs = RectificationItem.objects.filter(state__in=states, pk__in=late.values("owner_id"))
    if not waiting_ok:  # a pending extension request holds the deadline until it is decided
        qs = qs.exclude(extensions__state=RequestState.PENDING)
    missed = Subquery(late.filter(owner_id=OuterRef("pk")).order_by("due_on").values("due_on")[:1])
    rows = (
        qs.select_for_update(skip_locked=True, of=("self",))
        .annotate(missed_on=missed)
        .values_list(
            "pk",
            "state",
            "number",
            "requirement",
            "rectification_id",
            "rectification__record_id",
            "missed_on",
        )
        .order_by("pk")
    )
    return [
        Claimed(
            RectificationItem(pk=pk, number=n, requirement=req, rectification_id=rid),
            state,
            record_id,
            missed,
        )
        for pk, state, n, req, rid, record_id, missed in rows
    ]


def _set_state(claimed: list[Claimed], state: str) -> None:
    RectificationItem.objects.filter(pk__in=[c.item.pk for c in claimed]).update(state=state)


def _supersede(owner_type: ContentType, owner_ids: list[int], kinds) -> None:
    """The missed deadlines give way to the next one (CANCELLED: superseded, not met)."""
    Deadline.objects.filter(
        owner_type=owner_type, owner_id__in=owner_ids, kind__in=kinds, status="OPEN"
    ).update(status="CANCELLED")


def _open_many(code: str, today: dt.date, owners: list[tuple[int, models.Model]]) -> dt.date:
    """One `code` deadline from `today` per (record id, owner), in one INSERT; its due date."""
    rule = rules.deadline_rule(code)
    due = calendar.add(today, rule.amount, rule.unit, roll=rule.roll_forward)
    common = dict(
        kind=code,
        label=rule.label,
        start_on=today,
        amount=rule.amount,
        unit=rule.unit,
        roll_forward=rule.roll_forward,
        due_on=due.date,
        provisional=due.provisional,
        rule_version=rule.rule_version,
    )
    Deadline.objects.bulk_create(
        (
            Deadline(
                record_id=record_id,
                owner_type=ContentType.objects.get_for_model(owner),
                owner_id=owner.pk,
                **common,
            )
            for record_id, owner in owners
        ),
        batch_size=BATCH,
    )
    return due.date


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


# ── first overdue: OVERDUE, then URGED with a reminder ───────────────────────────────


def items_mark_overdue(today: dt.date | None = None) -> int:
    """Scenario 9: nothing submitted by the end of 2026-10-08 → on 2026-10-09 the item is
    OVERDUE, the 整改逾期催办函 is issued that day, new deadline 10 WD later (10-22)."""
    today = today or clock.today()
    with transaction.atomic(durable=True):
        claimed = _claim(MISSABLE, [IS.OPEN, IS.RETURNED], today, waiting_ok=False)
        if not claimed:
            return 0
        _set_state(claimed, IS.URGED)
        _supersede(_item_type(), [c.item.pk for c in claimed], (*MISSABLE, REMINDER))
        due = _open_many(REMINDER, today, [(c.record_id, c.item) for c in claimed])
        audit.append_many(_overdue_entries(claimed, due))
    return len(claimed)


def _overdue_entries(claimed: list[Claimed], due: dt.date) -> list[dict]:
    entries = []
    for c in claimed:
        record = Record(pk=c.record_id)
        missed = _("整改期限 %(date)s 届满，未提交整改材料。") % {"date": c.missed_on}
        urged = _("已发出整改逾期催办函，新的整改期限为 %(date)s。") % {"date": due}
        entries.append(_entry(c.item, record, "rectificationitem.mark_overdue", c.state, IS.OVERDUE, missed))
        diff = {"state": [IS.OVERDUE, IS.URGED], "due_on": [None, due]}
        entries.append(_entry(c.item, record, "rectificationitem.urge", IS.OVERDUE, IS.URGED, urged, diff))
    return entries


# ── second overdue: ESCALATED, accountability, RCT lead ─────────────────────────────────


def items_escalate(today: dt.date | None = None) -> int:
    """Scenario 9, second half: the reminder deadline passed too (DOMAIN §6.3 "second overdue")."""
    today = today or clock.today()
    with transaction.atomic(durable=True):
        claimed = _claim((REMINDER,), [IS.URGED], today)
        if claimed:
            _set_state(claimed, IS.ESCALATED)
            _supersede(_item_type(), [c.item.pk for c in claimed], (REMINDER,))
        escalated = _escalate_rectifications(today)
        audit.append_many([_escalation_entry(c) for c in claimed] + escalated.entries)
        escalated.notify()
    return len(claimed)


def _escalation_entry(c: Claimed) -> dict:
    reason = _("催办期限届满仍未整改，督办。")
    return _entry(
        c.item, Record(pk=c.record_id), "rectificationitem.escalate", IS.URGED, IS.ESCALATED, reason
    )


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
        """The work state follows (casework.services.steps listeners): the order's process
        ends, the case's and the lead's start. Per escalated order, never per item."""
        # Re-read in one query: the state field is protected, the UPDATE went around it.
        for rectification in Rectification.objects.filter(pk__in=[r.pk for r in self.rectifications]):
            notify_step(rectification, "escalate", acting_user=None, role=Role.SYSTEM)
        for obj in (*self.cases, *self.leads):
            notify_step(obj, "created", acting_user=None, role=Role.SYSTEM)


def _escalate_rectifications(today: dt.date) -> Escalated:
    rectifications = _claim_rectifications()
    if not rectifications:
        return Escalated([], [], [])
    ids = [r.pk for r in rectifications]
    Rectification.objects.filter(pk__in=ids).update(state=RS.ESCALATED)
    _open_many("escalation", today, [(r.record_id, r) for r in rectifications])
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
            reason=_(
                "%(record)s 的整改通知第 %(numbers)s 项经催办仍未按期完成，"
                "依据东府〔2018〕124号 二(三)8 启动责任追究。"
            )
            % {"record": r.record.reference, "numbers": numbers[r.pk]},
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
    tier = TIER_ABOVE.get(parent.tier, Tier.GENERAL)
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
                "accountability.initiate",
                "",
                AccountabilityState.INITIATED,
                case.reason,
                {"track": [None, case.track]},
            )
        )
        diff = {"source": [None, lead.source], "category": [None, lead.category], "tier": [None, lead.tier]}
        entries.append(_entry(lead, lead, "register_lead", "", RecordState.LEAD, lead.lead_content, diff))
    return entries
