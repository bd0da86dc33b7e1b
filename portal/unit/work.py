"""What the department portal shows a unit's liaison or head (issue #5 item 2): the unit's
open work first (items still owed, notices to answer, what it filed), then its records and
its notices.

Every row starts from a casework/notices query already scoped to the user, narrowed to
the user's own unit: someone who also holds another role still sees only the unit here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, IntegerField, Model, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from casework import calendar, clock, queries
from casework.lifecycle import RectificationState
from casework.models import (
    Attachment,
    Deadline,
    Objection,
    Record,
    Rectification,
    RectificationItem,
    RepairApplication,
)
from casework.services.attachments import EVIDENCE_ITEM_STATES
from casework.services.rectification import ITEM_DEADLINES, sign_off_is_current
from notices.models import Notice
from notices.queries import visible_notices

RS = RectificationState


@dataclass(frozen=True)
class Answer:
    """What answers a notice: the action form (portal.cases kind and step) and the notices
    (types) that ask for it."""

    kind: str
    step: str
    notice_types: tuple[str, ...]


#: Time limits that run against the unit, by deadline kind: 陈述申辩 on a 事前告知书 (N1),
#: 书面说明原因 on a 书面说明原因通知书 or 整改通知书 (N7, N8).
ANSWERS = {
    "defence_window": Answer("cases", "submit-defence", ("N1",)),
    "written_explanation": Answer("rectifications", "explanation", ("N7", "N8")),
}
#: Orders the unit is working on or waiting on, from service to acceptance.
RUNNING_STATES = (RS.IN_PROGRESS, RS.SUBMITTED, RS.REVIEWING, RS.RETURNED)


@dataclass(frozen=True)
class Due:
    """A due date as the unit reads it: how many working days are left."""

    on: dt.date
    days_left: int  # working days after today up to `on`; negative: working days since
    overdue: bool

    @property
    def overdue_by(self) -> int:
        return -self.days_left


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (调休 days count)."""
    work = calendar.current()
    return sum(work.is_workday(start + dt.timedelta(days=n)) for n in range(1, (end - start).days + 1))


def due(on: dt.date | None, today: dt.date | None = None) -> Due | None:
    if on is None:
        return None
    today = today or clock.today()
    if on >= today:
        return Due(on, working_days_between(today, on), overdue=False)
    return Due(on, -working_days_between(on, today), overdue=True)


def _owned_by(model: type[Model]) -> dict:
    return {"owner_type": ContentType.objects.get_for_model(model), "owner_id": OuterRef("pk")}


def _earliest_open(model: type[Model], kinds=None) -> Subquery:
    # The owner comes from a scoped query, and a deadline is visible exactly when its owner is.
    deadlines = Deadline.objects.filter(**_owned_by(model), status="OPEN")
    if kinds:
        deadlines = deadlines.filter(kind__in=kinds)
    return Subquery(deadlines.order_by("due_on").values("due_on")[:1])


def _evidence_count() -> Coalesce:
    files = (
        Attachment.objects.filter(**_owned_by(RectificationItem), purpose="evidence")
        .values("owner_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(files, output_field=IntegerField()), 0)


def _with_due(rows) -> list:
    today = clock.today()
    for row in rows:
        row.due = due(row.due_on, today)
    return rows


# ── open work ────────────────────────────────────────────────────────────────────


def owed_items(user) -> list[RectificationItem]:
    """Items the unit still owes evidence for, due soonest first (undated last); each with
    `due` (a Due) and `evidence` (files uploaded so far)."""
    items = (
        queries.visible_rectification_items(user)
        .filter(
            rectification__record__subject_organisation_id=user.organisation_id,
            rectification__state__in=(RS.IN_PROGRESS, RS.RETURNED),
            state__in=EVIDENCE_ITEM_STATES,
        )
        .select_related("rectification__record")
        .annotate(due_on=_earliest_open(RectificationItem, ITEM_DEADLINES), evidence=_evidence_count())
        .order_by(F("due_on").asc(nulls_last=True), "rectification_id", "number")
    )
    return _with_due(items)


def running_rectifications(user) -> list[Rectification]:
    """The unit's orders from service to acceptance, each with its items (and their
    evidence counts) and `signed` (the head's sign-off postdates the last change)."""
    items = RectificationItem.objects.order_by("number").annotate(evidence=_evidence_count())
    orders = (
        queries.visible_rectifications(user)
        .filter(record__subject_organisation_id=user.organisation_id, state__in=RUNNING_STATES)
        .select_related("record", "head_signed_by")
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("served_on", "pk")
    )
    for order in orders:
        order.signed = sign_off_is_current(order)
    return list(orders)


def answers_owed(user) -> list[Deadline]:
    """Open time limits for the unit's answer to a notice, soonest first; each with `due`,
    `answer` (an Answer) and `notice`, the latest notice issued to the unit that asks for it."""
    deadlines = _with_due(
        queries.visible_deadlines(user)
        .filter(record__subject_organisation_id=user.organisation_id, kind__in=ANSWERS, status="OPEN")
        .select_related("record", "owner_type")
        .order_by("due_on", "pk")
    )
    types = {t for answer in ANSWERS.values() for t in answer.notice_types}
    notices = unit_notices(user).filter(record__in={d.record_id for d in deadlines}, type_code__in=types)
    for deadline in deadlines:
        deadline.answer = ANSWERS[deadline.kind]
        deadline.notice = next(
            (
                n
                for n in notices
                if n.record_id == deadline.record_id and n.type_code in deadline.answer.notice_types
            ),
            None,
        )
    return deadlines


def objections_filed(user) -> QuerySet[Objection]:
    return (
        queries.objection_list(user=user)
        .filter(record__subject_organisation_id=user.organisation_id)
        .annotate(due_on=_earliest_open(Objection))
        .order_by("-received_on", "-pk")
    )


def repairs_filed(user) -> QuerySet[RepairApplication]:
    return (
        queries.repair_list(user=user)
        .filter(record__subject_organisation_id=user.organisation_id)
        .annotate(due_on=_earliest_open(RepairApplication))
        .order_by("-submitted_on", "-pk")
    )


# ── the unit's records and notices ───────────────────────────────────────────────


def unit_records(user) -> QuerySet[Record]:
    return (
        queries.record_list(user=user)
        .filter(subject_organisation_id=user.organisation_id)
        .order_by(F("determination_date").desc(nulls_last=True), "-pk")
    )


def unit_notices(user) -> QuerySet[Notice]:
    """Notices issued to the unit (never a draft or a voided one: notices.queries)."""
    return (
        visible_notices(user)
        .filter(record__subject_organisation_id=user.organisation_id)
        .order_by(F("issued_on").desc(nulls_last=True), "-pk")
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
            status="OPEN",
        )
        .order_by("due_on")
        .first()
    )
    return due(deadline.due_on if deadline else None)
