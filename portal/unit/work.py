"""What the department portal shows a unit's liaison or head: the unit's
open work first (items still owed, notices to answer: workflows.owed, which the inbox reads
too; what it filed), then its records and its notices.

Every row starts from a casework/notices query already scoped to the user, narrowed to
the user's own unit: someone who also holds another role still sees only the unit here.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Prefetch, QuerySet

from casework import queries
from casework.lifecycle import RECTIFICATION_WITH_UNIT
from casework.models import (
    Attachment,
    Deadline,
    Objection,
    Record,
    Rectification,
    RectificationItem,
    RepairApplication,
)
from casework.models.records import DeadlineStatus
from casework.rule_table import RuleCode
from casework.services.rectification import ITEM_DEADLINES, sign_off_is_current
from workflows.owed import Due, due, earliest_open, evidence_count, unit_notices, unit_owes  # noqa: F401

#: How many rows of a growing list the home page shows; the rest are on the list's own page.
LATEST = 20
#: Rows per page of a whole list.
PAGE_SIZE = 50


class Latest(list):
    """The first LATEST rows of a list, and whether there are more (`more`)."""

    more = False

    def with_rows(self, rows) -> Latest:
        shown = Latest(rows)
        shown.more = self.more
        return shown


def latest(rows: QuerySet) -> Latest:
    """The first LATEST rows in one query (one row more tells whether the list goes on)."""
    found = list(rows[: LATEST + 1])
    shown = Latest(found[:LATEST])
    shown.more = len(found) > LATEST
    return shown


#: The action form (portal.cases step slug) that answers each kind of time limit the unit owes.
ANSWER_FORMS = {RuleCode.DEFENCE_WINDOW: "submit-defence", RuleCode.WRITTEN_EXPLANATION: "explanation"}


# ── open work: what the unit owes (workflows.owed, the inbox's source too) ──────


def running_rectifications(user) -> list[Rectification]:
    """The unit's orders from service to acceptance, each with its items (and their
    evidence counts) and `signed` (the head's sign-off postdates the last change)."""
    items = RectificationItem.objects.order_by("number").annotate(evidence=evidence_count())
    orders = (
        queries.visible_rectifications(user)
        .filter(record__subject_organisation_id=user.organisation_id, state__in=RECTIFICATION_WITH_UNIT)
        .select_related("record", "head_signed_by")
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("served_on", "pk")
    )
    for order in orders:
        order.signed = sign_off_is_current(order)
    return list(orders)


def _filed(user, listed: QuerySet, filed_on: str) -> QuerySet:
    """What the unit filed about its own records, with the earliest open time limit of each,
    latest first."""
    return (
        listed.filter(record__subject_organisation_id=user.organisation_id)
        .annotate(due_on=earliest_open(listed.model))
        .order_by(f"-{filed_on}", "-pk")
    )


def objections_filed(user) -> QuerySet[Objection]:
    return _filed(user, queries.objection_list(user=user), "received_on")


def repairs_filed(user) -> QuerySet[RepairApplication]:
    return _filed(user, queries.repair_list(user=user), "submitted_on")


# ── the unit's records and notices ───────────────────────────────────────────────


def unit_records(user) -> QuerySet[Record]:
    return (
        queries.record_list(user=user)
        .filter(subject_organisation_id=user.organisation_id)
        .order_by(F("determination_date").desc(nulls_last=True), "-pk")
    )


# ── one item ─────────────────────────────────────────────────────────────────────


def item_evidence(user, item: RectificationItem) -> QuerySet[Attachment]:
    """The item's files this user may download, oldest first."""
    return (
        queries.visible_attachments(user)
        .filter(owner_type=ContentType.objects.get_for_model(RectificationItem), owner_id=item.pk)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )


def item_due(item: RectificationItem) -> Due | None:
    deadline = (
        Deadline.objects.filter(
            owner_type=ContentType.objects.get_for_model(RectificationItem),
            owner_id=item.pk,
            kind__in=ITEM_DEADLINES,
            status=DeadlineStatus.OPEN,
        )
        .order_by("due_on")
        .first()
    )
    return due(deadline.due_on if deadline else None)
