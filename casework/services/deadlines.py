"""The generic overdue marker: every time limit a handler let pass is flagged once (DOMAIN §6.2
"flag OVERDUE at end of the decision day", scenario 2).

A deadline due on day D is flagged by the first sweep on D+1 or later: its `overdue_since` is
stamped with the sweep's date and one audit entry per deadline alerts the people who see its
record (R2's inbox shows the marker, the audit trail is the alert; no e-mail). Set-based and
idempotent like the other sweeps: a constant number of queries whatever the number of rows,
rows claimed with SELECT … FOR UPDATE SKIP LOCKED and stamped by an UPDATE conditional on
still being unflagged, so a second run, or a second worker, flags nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from .. import audit, rules
from ..action_labels import AuditAction
from ..models import Deadline, RectificationItem
from ..models.records import DeadlineStatus
from ..roles import Role

__all__ = ["deadlines_flag_overdue"]

# Item deadlines have a state machine of their own that the rectification sweep moves
# (OVERDUE → URGED → ESCALATED, scenario 9): flagging them here would alert twice.
_OWN_SWEEP_MODELS = (RectificationItem,)


def deadlines_flag_overdue(today: dt.date, *, kinds: Iterable[str] | None = None) -> dict[str, int]:
    """Flag every open deadline (of `kinds`, default all) whose last day is before `today`
    and that is not flagged yet. Returns how many were flagged, per deadline kind (empty
    when nothing was due)."""
    due = _claimable(today) if kinds is None else _claimable(today).filter(kind__in=list(kinds))
    with transaction.atomic(durable=True):
        claimed = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True))
        if not claimed:
            return {}
        stamped = Deadline.objects.filter(
            pk__in=claimed, status=DeadlineStatus.OPEN, overdue_since__isnull=True
        ).update(overdue_since=today)
        if stamped != len(claimed):
            # Only without row locks (SQLite): another sweep got there first. Leave the
            # rows to it; the next run finds nothing left to do.
            transaction.set_rollback(True)
            return {}
        flagged = list(Deadline.objects.filter(pk__in=claimed).select_related("record").order_by("pk"))
        audit.append_many(_overdue_entry(deadline) for deadline in flagged)
    return dict(Counter(deadline.kind for deadline in flagged))


def _claimable(today: dt.date):
    """Open, past, unflagged handler deadlines, oldest first (the lock order of every sweep)."""
    return (
        Deadline.objects.filter(rules.overdue(today), overdue_since__isnull=True)
        .exclude(owner_type__in=ContentType.objects.get_for_models(*_OWN_SWEEP_MODELS).values())
        .order_by("pk")
    )


def _overdue_entry(deadline: Deadline) -> dict:
    """The audited change is the deadline row itself (its repr names the time limit and its
    last day); `record` puts the alert in front of everyone who may see the record."""
    return dict(
        actor=None,
        role=Role.SYSTEM,
        obj=deadline,
        record=deadline.record,
        action=AuditAction.DEADLINE_OVERDUE,
        diff={"overdue_since": [None, deadline.overdue_since]},
    )
