"""casework's SyncEvents into the generic outbox, and the platform's answer back onto them.

casework writes a SyncEvent in the step's transaction and knows nothing of exchange
(ARCHITECTURE §2). `copy_sync_events` copies the events not yet in the outbox in one
INSERT … ON CONFLICT DO NOTHING on the idempotency key `sync-<event id>`: run twice, or by
two workers at once, each event is copied once. The row is mapped (columns.py) at copy
time, from the payload the step stored, so the province receives what the record was when
it changed, in the map version in force when the event left casework.

`acknowledged` keeps SyncEvent.acknowledged_at and attempts in step with the outbox, so the
screens and the API that read SyncEvent stay true.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat

from casework import sync
from casework.models import SyncEvent

from ..models import Outbound
from . import columns

CHANNEL = "province"


def key_of(event_id: int) -> str:
    return f"sync-{event_id}"


def stream_of(record_id: int) -> str:
    return f"record-{record_id}"


def copy_sync_events() -> int:
    """Copy every unacknowledged SyncEvent not yet in the outbox; returns how many were copied."""
    column_map = columns.current()
    in_outbox = Outbound.objects.filter(
        key=Concat(Value("sync-"), Cast(OuterRef("pk"), output_field=CharField()))
    )
    with transaction.atomic():
        # Locked while copied: two workers copying at once are serialised on the events they
        # share, so the outbox ids (the per-stream order) follow the events' order.
        events = list(
            SyncEvent.objects.filter(acknowledged_at__isnull=True)
            .exclude(Exists(in_outbox))
            .order_by("pk")
            .select_for_update()
            .values("pk", "record_id", "kind", "payload", "due_on", "created_at")
        )
        if not events:
            return 0
        return _copy(events, column_map)


def _copy(events: list[dict], column_map) -> int:
    rows = [
        Outbound(
            channel=CHANNEL,
            stream=stream_of(e["record_id"]),
            kind=e["kind"],
            key=key_of(e["pk"]),
            due_on=e["due_on"],
            payload={
                "map_version": column_map.version,
                "event_id": e["pk"],
                "row": column_map.row(
                    payload=e["payload"],
                    event={
                        "id": e["pk"],
                        "kind": e["kind"],
                        "key": key_of(e["pk"]),
                        "due_on": e["due_on"].isoformat(),
                        "created_at": e["created_at"].isoformat(timespec="seconds"),
                    },
                ),
            },
        )
        for e in events
    ]
    # ids follow event order, so the outbox's per-stream order is the events' order.
    return len(Outbound.objects.bulk_create(rows, ignore_conflicts=True))


def acknowledged(messages) -> None:
    """After delivery: the SyncEvents of these outbox rows are acknowledged, with the
    attempts the delivery took."""
    by_event = {m.payload["event_id"]: m.attempts for m in messages if "event_id" in m.payload}
    sync.acknowledge(by_event)
    for attempts in set(by_event.values()):
        SyncEvent.objects.filter(pk__in=[e for e, a in by_event.items() if a == attempts]).update(
            attempts=attempts
        )


def attempted(messages) -> None:
    """A failed attempt counts on the SyncEvent too (the existing screens show attempts)."""
    by_event = {m.payload["event_id"]: m.attempts for m in messages if "event_id" in m.payload}
    for attempts in set(by_event.values()):
        SyncEvent.objects.filter(pk__in=[e for e, a in by_event.items() if a == attempts]).update(
            attempts=min(attempts, 32767)
        )
