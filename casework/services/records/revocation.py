"""What a revoked record (DOMAIN §5.1 T10) does to the sub-processes running on it, in the
revocation's own transaction, whatever revoked it: an objection decided as 撤销 (scenario
6) or the source decision falling (T10, scenario 7). Open rectifications close as moot with
every time limit they held; linked accountability cases are flagged for re-examination
(S14 Art 49). The record is already locked by the caller."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from ... import audit, kinds
from ...action_labels import AuditAction
from ...lifecycle import ITEM_STEPS, RECTIFICATION_STEPS
from ...models import Accountability, Deadline, ExtensionRequest, Record, Rectification, RectificationItem
from ...models.records import DeadlineStatus
from ..steps import apply_step


def revocation_cascade(record: Record, *, reason: str) -> None:
    close_rectifications_moot(record, reason=reason)
    flag_accountability(record, reason=reason)


def close_rectifications_moot(record: Record, *, reason: str) -> None:
    """The cascade runs as the system: the item table lets only SYSTEM close an item as
    moot, and the approver's own decision is the objection's audit entry."""
    open_states = RECTIFICATION_STEPS["close_moot"].sources
    cases = Rectification.objects.select_for_update().filter(record=record, state__in=open_states)
    for case in cases:
        items = RectificationItem.objects.select_for_update().filter(
            rectification=case, state__in=ITEM_STEPS["close_moot"].sources
        )
        for item in items:
            apply_step(kinds.ITEM, item, audit.SYSTEM, step="close_moot", reason=reason)
        apply_step(kinds.RECTIFICATION, case, audit.SYSTEM, step="close_moot", reason=reason)
        _cancel_deadlines(case)


def _cancel_deadlines(case: Rectification) -> None:
    """Every time limit of the order, its items and their extension requests: a request
    still waiting would otherwise be reported overdue on a moot item."""
    owners = (
        Q(owner_type=ContentType.objects.get_for_model(Rectification), owner_id=case.pk)
        | Q(
            owner_type=ContentType.objects.get_for_model(RectificationItem),
            owner_id__in=case.items.values("pk"),
        )
        | Q(
            owner_type=ContentType.objects.get_for_model(ExtensionRequest),
            owner_id__in=ExtensionRequest.objects.filter(item__rectification=case).values("pk"),
        )
    )
    Deadline.objects.filter(owners, status=DeadlineStatus.OPEN).update(status=DeadlineStatus.CANCELLED)


def flag_accountability(record: Record, *, reason: str) -> None:
    linked = Q(record=record) | Q(rectification__record=record)
    cases = Accountability.objects.select_for_update(of=("self",)).filter(linked, needs_reexamination=False)
    for case in cases:
        case.needs_reexamination = True
        case.save(update_fields=["needs_reexamination"])
        audit.append(
            audit.SYSTEM,
            obj=case,
            record=record,
            action=AuditAction.ACCOUNTABILITY_FLAG_REEXAMINATION,
            from_state=case.state,
            to_state=case.state,
            reason=reason,
            diff={"needs_reexamination": [False, True]},
        )
