"""The outbox towards the provincial credit platform (DOMAIN §6.6).

Every change the platform must learn of writes a `SyncEvent` in the same transaction as
the change. Delivery is the exchange app's (exchange/province, exchange/delivery): it copies
the events into its outbox, sends them through the configured transport and, once the
platform has answered, stores the acknowledgement here (`acknowledge`). Due dates
come from the rule table: the next working day, and 3 working days for a revocation.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import prefetch_related_objects
from django.utils import timezone

from . import clock, personal_numbers, rules
from .models import Record, SyncEvent, SyncKind
from .rule_table import RuleCode

_DUE_RULE: dict[str, RuleCode] = {SyncKind.REVOKE: RuleCode.WITHDRAW_DISPLAY}


def emit(record: Record, kind: str, *, on: dt.date | None = None) -> SyncEvent:
    return SyncEvent.objects.create(record=record, kind=kind, due_on=_due(kind, on), payload=payload(record))


def emit_many(records, kind: str, *, on: dt.date | None = None) -> list[SyncEvent]:
    """One event of `kind` per record, in one INSERT (the set-based sweeps)."""
    due = _due(kind, on)
    records = list(records)
    # One query each for what payload() reads beyond the row, not one per record.
    prefetch_related_objects(
        records, "measures", "determining_unit", "subject_organisation", "subject_person"
    )
    return SyncEvent.objects.bulk_create(
        SyncEvent(record=record, kind=kind, due_on=due, payload=payload(record)) for record in records
    )


def _due(kind: str, on: dt.date | None) -> dt.date:
    return rules.due(_DUE_RULE.get(kind, RuleCode.PUBLISH), on or clock.today()).date


def payload(record: Record) -> dict:
    """The public view of the record (DOMAIN §6.6) as it stands when the change is made:
    never a personal ID number. The provincial column map (exchange/province) reads these
    keys; the snapshot is taken here, in the step's transaction, so a later change cannot
    alter what an earlier event reports."""
    unit = record.determining_unit
    return {
        "reference": record.reference,
        "subject": str(record.subject),
        "subject_kind": "person" if record.subject_person_id else "organisation",
        "credit_code": record.subject_organisation.credit_code if record.subject_organisation_id else None,
        "category": record.category,
        "category_label": record.get_category_display() if record.category else "",
        "tier": record.tier,
        "tier_label": record.get_tier_display() if record.tier else "",
        # The platform publishes these: masked like the public pages (older data may
        # hold what the services now refuse).
        "facts": personal_numbers.mask(record.facts),
        "legal_basis": personal_numbers.mask(record.legal_basis),
        "measures": "；".join(m.name for m in record.measures.all()) if record.pk else "",
        "determining_unit": unit.name if unit else "",
        "determining_unit_code": unit.credit_code if unit else "",
        "state": record.state,
        "public": record.public,
        "objection_pending": record.objection_pending,
        "determination_date": record.determination_date.isoformat() if record.determination_date else None,
        "min_end": record.min_end.isoformat() if record.min_end else None,
        "max_end": record.max_end.isoformat() if record.max_end else None,
        "closing_document": record.closing_document,
    }


def acknowledge(event_ids) -> int:
    """Store the platform's acknowledgement; acknowledging twice changes nothing."""
    return SyncEvent.objects.filter(pk__in=list(event_ids), acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now()
    )
