"""Disclosure policy as set-based functions for the deadline sweeps (DOMAIN §5.1 T12, §6.6).

Each function changes every due row with a constant number of queries whatever their
number, can run again on the same day without changing anything, and is safe with two
workers: rows are claimed with SELECT … FOR UPDATE SKIP LOCKED and changed by an UPDATE
conditional on the state they were claimed in.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ... import audit, sync
from ...lifecycle import RecordState
from ...models import Record, SyncKind
from ...roles import Role
from ..repair import repair_overdue

__all__ = ["records_expire_due", "repair_overdue"]

S = RecordState


def records_expire_due(today: dt.date) -> int:
    """T12: every EFFECTIVE record whose maximum disclosure period ended before `today`
    becomes EXPIRED and leaves public display (display stops the day after `max_end`;
    status durations do not roll forward). Each gets its audit entry; the platform is
    told of those that were on display (sync EXPIRE). Returns how many expired."""
    with transaction.atomic(durable=True):
        due = Record.objects.filter(state=S.EFFECTIVE, max_end__lt=today)
        claimed = dict(due.select_for_update(skip_locked=True, of=("self",)).values_list("pk", "public"))
        if not claimed:
            return 0
        changed = Record.objects.filter(pk__in=list(claimed), state=S.EFFECTIVE).update(
            state=S.EXPIRED, public=False, updated_at=timezone.now()
        )
        if changed != len(claimed):
            # Only without row locks (SQLite): another worker got there first. Undo and
            # leave the rows to the next run, which finds nothing left to do.
            transaction.set_rollback(True)
            return 0
        expired = list(Record.objects.filter(pk__in=list(claimed)).select_related(*_SUBJECT))
        audit.append_many(_expiry_entry(record, was_public=claimed[record.pk]) for record in expired)
        sync.emit_many([r for r in expired if claimed[r.pk]], SyncKind.EXPIRE, on=today)
    return changed


_SUBJECT = ("subject_organisation", "subject_person")


def _expiry_entry(record: Record, *, was_public: bool) -> dict:
    diff = {"state": [S.EFFECTIVE.value, S.EXPIRED.value]}
    if was_public:
        diff["public"] = [True, False]
    return dict(
        actor=None,
        role=Role.SYSTEM,
        obj=record,
        record=record,
        action="expire",
        from_state=S.EFFECTIVE.value,
        to_state=S.EXPIRED.value,
        diff=diff,
    )
