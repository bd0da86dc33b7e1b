"""Reads of the outbox, scoped to the user: the credit administrator sees every channel; other
commission staff see the province's messages of the records they may see (the same scope as
casework's /api/sync-events/); anyone else is refused."""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, Case, CharField, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat

from casework import queries
from casework.permissions import has_role
from casework.roles import Role

from .models import Outbound, OutboundState
from .province.outbox import CHANNEL as PROVINCE


def outbound_list(*, user, today: dt.date) -> QuerySet[Outbound]:
    """The outbox with `overdue` (due date passed, not delivered) on each row."""
    if has_role(user, Role.CREDIT_ADMIN):
        rows = Outbound.objects.all()
    else:
        keys = (
            queries.sync_event_list(user=user)  # refuses anyone outside the commission
            .annotate(outbound_key=Concat(Value("sync-"), Cast("pk", output_field=CharField())))
            .values("outbound_key")
        )
        rows = Outbound.objects.filter(channel=PROVINCE, key__in=keys)
    return rows.annotate(
        overdue=Case(
            When(Q(due_on__lt=today) & ~Q(state=OutboundState.DELIVERED), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def health(today: dt.date) -> dict[str, int]:
    """What the system page shows: messages overdue and dead (one query each)."""
    return {
        "overdue": Outbound.objects.filter(due_on__lt=today).exclude(state=OutboundState.DELIVERED).count(),
        "dead": Outbound.objects.filter(state=OutboundState.DEAD).count(),
    }
