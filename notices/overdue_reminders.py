"""整改逾期催办函 (N11): one letter per rectification order and urging, listing the order's
late items (DOMAIN §6.3 "overdue → reminder: system creates, R1 sends"; §8.3 N11).

The overdue sweep (casework.services.rectification.sweeps.items_mark_overdue) urges the late
items of many orders in one transaction; `draft_overdue_reminders`, which the sweep's caller
runs right after it (workflows.sweeps.rectification_items), drafts their letters in a second
one, in a fixed number of statements whatever the number of orders. Two transactions, so the
legal change is never held up, nor rolled back, by drafting, and the sweep stays as lean as
its benchmark says (bench/sweep.py, docs/performance.md).

Driven by the stored state, not by what the sweep returned: an urging is an order's open
`overdue_reminder` deadlines that started on one day, and its letter is the N11 about the
order whose data carries that day (`urged_on`). So a run that died between the two
transactions is caught up by the next one, and a second run drafts nothing (and locks
nothing). Urgings without a letter have their reminder rows locked FOR UPDATE SKIP LOCKED and
the letters looked for again, so two workers at once never draft the same letter twice. Drafts are what notices.drafting.produce makes: by
the system, possibly incomplete (the audit entry names what is missing), completed by the
officer, approved and issued by people.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from casework import audit, clock
from casework.language import official_language
from casework.models import Deadline, Record, Rectification, RectificationItem
from casework.models.records import DeadlineStatus
from casework.services.rectification.sweeps import MISSABLE, REMINDER

from . import types
from .context import common, iso
from .drafts import draft_entry
from .models import Issuer, Notice
from .services import finish_snapshot, template_version_of

logger = logging.getLogger(__name__)

CODE = "N11"
ESCALATION_WARNING = (
    "逾期仍未完成的，本机关将对你单位进行督办或者约谈主要负责人，启动责任追究程序，"
    "并将未按时完成整改的情况记入政务失信记录"
)


@dataclass
class Urging:
    """The items of one order urged on one day, with their new deadline."""

    order_id: int
    record_id: int
    urged_on: dt.date
    due_on: dt.date
    items: list[dict] = field(default_factory=list)  # pk, number, requirement, deadline (missed)
    reminders: list[int] = field(default_factory=list)  # their overdue_reminder Deadline rows


def draft_overdue_reminders(today: dt.date | None = None) -> int:
    """Draft the letter of every urging up to `today` that has none yet; how many."""
    today = today or clock.today()
    with transaction.atomic(durable=True):
        pending = _without_letter(_urgings(today))
        if pending:
            # Lock their reminders (SKIP LOCKED) and look again: a worker drafting at the same
            # time holds them, or has committed its letters by now.
            pending = _without_letter(_locked(pending))
        if not pending:
            return 0
        with official_language():  # as drafting.produce: whoever runs the sweep
            return len(_draft(pending))


def _urgings(today: dt.date) -> list[Urging]:
    """Every urging still running: the open reminders of items, by order and start day."""
    item_type = ContentType.objects.get_for_model(RectificationItem)
    reminders = Deadline.objects.filter(
        owner_type=item_type, kind=REMINDER, status=DeadlineStatus.OPEN, start_on__lte=today
    )
    started = {owner: rest for owner, *rest in reminders.values_list("owner_id", "pk", "start_on", "due_on")}
    items = RectificationItem.objects.filter(pk__in=list(started)).order_by("rectification_id", "number")
    urgings: dict[tuple[int, dt.date], Urging] = {}
    for pk, number, requirement, order_id, record_id in items.values_list(
        "pk", "number", "requirement", "rectification_id", "rectification__record_id"
    ):
        reminder, start, due = started[pk]
        urging = urgings.setdefault((order_id, start), Urging(order_id, record_id, start, due))
        urging.items.append({"pk": pk, "number": number, "requirement": requirement})
        urging.reminders.append(reminder)
    return list(urgings.values())


def _locked(urgings: list[Urging]) -> list[Urging]:
    """The urgings whose reminders this transaction could lock, all of them."""
    reminders = Deadline.objects.filter(
        pk__in=[pk for u in urgings for pk in u.reminders], status=DeadlineStatus.OPEN
    )
    locked = set(reminders.select_for_update(skip_locked=True).values_list("pk", flat=True))
    return [u for u in urgings if locked.issuperset(u.reminders)]


def _missed(urgings: list[Urging]) -> dict[int, dt.date]:
    """{item: the deadline it missed}: its latest superseded one before the urging."""
    started = {item["pk"]: u.urged_on for u in urgings for item in u.items}
    superseded = Deadline.objects.filter(
        owner_type=ContentType.objects.get_for_model(RectificationItem),
        owner_id__in=list(started),
        kind__in=MISSABLE,
        status=DeadlineStatus.CANCELLED,
    )
    missed: dict[int, dt.date] = {}
    for owner, due in superseded.values_list("owner_id", "due_on"):
        if due < started[owner] and due > missed.get(owner, dt.date.min):
            missed[owner] = due
    return missed


def _without_letter(urgings: list[Urging]) -> list[Urging]:
    if not urgings:
        return []
    letters = Notice.objects.filter(
        type_code=CODE,
        content_type=ContentType.objects.get_for_model(Rectification),
        object_id__in={u.order_id for u in urgings},
    )
    drafted = set(letters.values_list("object_id", "data__urged_on"))
    return [u for u in urgings if (u.order_id, u.urged_on.isoformat()) not in drafted]


# ── drafting ────────────────────────────────────────────────────────────────────────


def _draft(urgings: list[Urging]) -> list[Notice]:
    missed = _missed(urgings)
    for urging in urgings:
        urging.items = [
            {"number": i["number"], "requirement": i["requirement"], "deadline": missed.get(i["pk"])}
            for i in urging.items
        ]
    record_ids = {u.record_id for u in urgings}
    records = Record.objects.select_related("subject_organisation", "subject_person__unit").in_bulk(
        record_ids
    )
    issuers = _issuers()
    originals = _order_numbers(urgings, record_ids)
    notice_type, order_type = types.get(CODE), ContentType.objects.get_for_model(Rectification)
    drafts = []
    for urging in urgings:
        record = records[urging.record_id]
        issuer = issuers.get(record.determining_unit_id) or issuers.get(None)
        if issuer is None:
            logger.warning("no active issuer: %s for record %s not drafted", CODE, record.pk)
            continue
        snapshot = {**common(record, issuer), **_letter(urging, originals)}
        drafts.append(
            Notice(
                type_code=CODE,
                record=record,
                content_type=order_type,
                object_id=urging.order_id,
                issuer=issuer,
                data=finish_snapshot(snapshot, issuer),
                template_version=template_version_of(notice_type),
                drafted_by=None,
            )
        )
    # One INSERT: psycopg binds on the client here, so PostgreSQL's 65,535-parameter limit does
    # not apply (SQLite's backend batches by itself).
    notices = Notice.objects.bulk_create(drafts)
    # No reaction row: nothing reacts to a notice's drafting (no flow follows a notice, no
    # notice is drafted at another's drafting), as for every draft (notices.drafting).
    audit.append_many(draft_entry(notice, notice_type, audit.SYSTEM) for notice in notices)
    return notices


def _issuers() -> dict:
    """{organisation id: its issuer, None: the default}, as drafting.produce picks them for
    the system (no acting user): the unit that determined the record, else the default."""
    issuers: dict = {}
    for issuer in Issuer.objects.filter(is_active=True):
        if issuer.organisation_id:
            issuers.setdefault(issuer.organisation_id, issuer)
        if issuer.is_default:
            issuers[None] = issuer
    return issuers


def _order_numbers(urgings: list[Urging], record_ids: set[int]) -> dict[int, str | None]:
    """{order: the number of its issued 整改通知书}, else the record's latest one."""
    issued = Notice.objects.filter(type_code="N8", number__isnull=False, record_id__in=record_ids)
    order_type = ContentType.objects.get_for_model(Rectification)
    by_order, by_record = {}, {}
    rows = issued.order_by("pk").values_list("record_id", "content_type_id", "object_id", "number")
    for record_id, content_type_id, object_id, number in rows:
        by_record[record_id] = number
        if content_type_id == order_type.pk:
            by_order[object_id] = number
    return {u.order_id: by_order.get(u.order_id) or by_record.get(u.record_id) for u in urgings}


def _letter(urging: Urging, originals: dict) -> dict:
    missed = [item["deadline"] for item in urging.items if item["deadline"]]
    original = max(missed, default=None)
    return {
        "original_number": originals[urging.order_id],
        "original_deadline": iso(original),
        "overdue_days": (urging.urged_on - original).days if original else None,
        "new_deadline": iso(urging.due_on),
        "escalation_warning": ESCALATION_WARNING,
        "item_numbers": "、".join(str(item["number"]) for item in urging.items),
        "items": [{**item, "deadline": iso(item["deadline"])} for item in urging.items],
        "urged_on": iso(urging.urged_on),
    }


__all__ = ["CODE", "draft_overdue_reminders"]
