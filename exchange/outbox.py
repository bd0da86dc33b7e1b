"""Writing to the outbox (exchange.models.Outbound). Call it inside the transaction of the
change the message reports; delivery happens later (exchange.delivery)."""

from __future__ import annotations

import datetime as dt

from .models import Outbound


def enqueue(
    *, channel: str, stream: str, kind: str, key: str, payload: dict, due_on: dt.date | None = None
) -> Outbound:
    """One message, once: a second call with the same key returns the first row unchanged."""
    message, _created = Outbound.objects.get_or_create(
        key=key,
        defaults={"channel": channel, "stream": stream, "kind": kind, "payload": payload, "due_on": due_on},
    )
    return message
