"""The outbox towards the provincial credit platform (DOMAIN §6.6).

Every change the platform must learn of writes a `SyncEvent` in the same transaction as
the change; a worker delivers pending events and stores the acknowledgement. Due dates
come from the rule table: the next working day, and 3 working days for a revocation.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import clock, rules
from .models import Record, SyncEvent, SyncKind
from .rule_table import RuleCode

_DUE_RULE: dict[str, RuleCode] = {SyncKind.REVOKE: RuleCode.WITHDRAW_DISPLAY}


def emit(record: Record, kind: str, *, on: dt.date | None = None) -> SyncEvent:
    return SyncEvent.objects.create(record=record, kind=kind, due_on=_due(kind, on), payload=payload(record))


def emit_many(records, kind: str, *, on: dt.date | None = None) -> list[SyncEvent]:
    """One event of `kind` per record, in one INSERT (the set-based sweeps)."""
    due = _due(kind, on)
    return SyncEvent.objects.bulk_create(
        SyncEvent(record=record, kind=kind, due_on=due, payload=payload(record)) for record in records
    )


def _due(kind: str, on: dt.date | None) -> dt.date:
    return rules.due(_DUE_RULE.get(kind, RuleCode.PUBLISH), on or clock.today()).date


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


def deliver_pending(today: dt.date | None = None) -> int:
    """Send every unacknowledged event to the provincial platform and store its answer.

    The platform is a stub here: it accepts every event at once. Each delivery counts an
    attempt; rows another worker is delivering are skipped (SKIP LOCKED), and an event
    acknowledged already is never sent again, so running this twice changes nothing.
    `today` keeps the sweeps' common signature; the stub does not need it.
    """
    with transaction.atomic():
        pending = SyncEvent.objects.filter(acknowledged_at__isnull=True).select_for_update(skip_locked=True)
        ids = list(pending.values_list("pk", flat=True))
        if not ids:
            return 0
        SyncEvent.objects.filter(pk__in=ids, acknowledged_at__isnull=True).update(attempts=F("attempts") + 1)
        return acknowledge(ids)
