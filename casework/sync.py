"""The outbox towards the provincial credit platform (DOMAIN §6.6).

Every change the platform must learn of writes a `SyncEvent` in the same transaction as
the change; a worker delivers pending events and stores the acknowledgement. Due dates
come from the rule table: the next working day, and 3 working days for a revocation.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import calendar, clock, rules
from .models import Record, SyncEvent, SyncKind

_DUE_RULE = {SyncKind.REVOKE: "withdraw_display"}


def emit(record: Record, kind: str, *, on: dt.date | None = None) -> SyncEvent:
    on = on or clock.today()
    rule = rules.deadline_rule(_DUE_RULE.get(kind, "publish"))
    due = calendar.add(on, rule.amount, rule.unit, roll=rule.roll_forward).date
    return SyncEvent.objects.create(record=record, kind=kind, due_on=due, payload=payload(record))


def payload(record: Record) -> dict:
    """The public view of the record (DOMAIN §6.6): never a personal ID number."""
    return {
        "reference": record.reference,
        "subject": str(record.subject),
        "credit_code": record.subject_organisation.credit_code if record.subject_organisation_id else None,
        "category": record.category,
        "tier": record.tier,
        "state": record.state,
        "public": record.public,
        "objection_pending": record.objection_pending,
        "determination_date": record.determination_date.isoformat() if record.determination_date else None,
        "max_end": record.max_end.isoformat() if record.max_end else None,
    }


def acknowledge(event_ids) -> int:
    """Store the platform's acknowledgement; acknowledging twice changes nothing."""
    return SyncEvent.objects.filter(pk__in=list(event_ids), acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now()
    )
