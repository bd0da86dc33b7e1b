"""What the defaulter list and the court documents share: document numbers as compared,
leads registered from a court source, notes on a record."""

from __future__ import annotations

import hashlib
import json
import unicodedata

from casework import audit, clock
from casework.lifecycle import RecordState
from casework.models import Record
from casework.services.records import fact_hash, new_leads

S = RecordState
#: A record no longer running: a new lead about the same facts may be registered.
CLOSED = (S.DISMISSED, S.ARCHIVED)


def number_key(value: str) -> str:
    """A 案号 or 文书号 as compared: "（2025）粤1971执123号" and "(2025)粤1971执 123 号" are one."""
    return "".join(unicodedata.normalize("NFKC", value or "").split())


def content_hash(values: dict) -> str:
    blob = json.dumps(values, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def register_lead(lead: Record, by: audit.Acting) -> tuple[Record, bool]:
    """The lead, registered through casework's intake (same fact hash, same audit entry), or
    the running record of the same facts about the same subject (created: False)."""
    running = Record.objects.exclude(state__in=CLOSED).filter(fact_hash=fact_hash(lead)).first()
    if running is not None:
        return running, False
    lead.received_on = lead.received_on or clock.today()
    [record] = new_leads([lead], by)
    return record, True
