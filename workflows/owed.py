"""What a unit owes the commission now: the one source of the department portal's open work
(/unit/) and of its liaison's and head's inbox (/inbox/), so that the two always agree.

- Items of a rectification order still owed evidence (整改材料), due soonest first.
- Answers owed to a notice: the 陈述申辩 on a 事前告知书 (N1), the 书面说明原因 on a 书面说明原因
  通知书 or 整改通知书 (N7, N8), while the object can still be answered. An overdue 书面说明原因
  stays listed (the unit may still answer until the commission moves on); a 陈述申辩 whose
  window closed does not (the service refuses it then: records.submit_defence_refusal).

These are time limits on the subject's side, not viewflow tasks: the flows do not wait for
them (a defence window that passes lets the approver determine), so the inbox lists them
beside the tasks rather than as tasks. Every row starts from a casework/notices query already
scoped to the user, narrowed to the user's own unit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, F, IntegerField, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from casework import calendar, clock, queries
from casework.errors import PermissionDeniedError
from casework.lifecycle import RECORD_STEPS, RECTIFICATION_STEPS, RectificationState, Step
from casework.models import Attachment, Deadline, Record, Rectification, RectificationItem
from casework.models.records import DeadlineStatus
from casework.permissions import UNIT_ROLES, acting_role, has_role
from casework.rule_table import RuleCode
from casework.services.attachments import EVIDENCE_ITEM_STATES
from casework.services.records import submit_defence_refusal
from casework.services.rectification import EXPLAIN, ITEM_DEADLINES
from notices.models import Notice
from notices.queries import organisation_notices

RS = RectificationState


@dataclass(frozen=True)
class Answer:
    """What answers a time limit: the step the unit takes, the kind of the deadline's owner
    and the states of it the step can be taken from, the notices (types) that ask for it, and
    the service's own guard of the step (`refusal(owner, acting_user=…)`: the refusal or None),
    if it has one."""

    step: Step
    owner: type[Model]
    sources: tuple[str, ...]
    notice_types: tuple[str, ...]
    refusal: Callable | None = None

    def open_owner(self) -> Q:
        """Deadlines whose owner is still in a state the answer is taken from (in SQL: the
        first rows of a list are then the answerable ones, a closed owner's left behind)."""
        owners = self.owner.objects.filter(pk=OuterRef("owner_id"), state__in=self.sources)
        return Q(owner_type=ContentType.objects.get_for_model(self.owner)) & Exists(owners)


#: Time limits that run against the unit, by deadline kind.
ANSWERS = {
    RuleCode.DEFENCE_WINDOW: Answer(
        RECORD_STEPS["submit_defence"],
        Record,
        tuple(RECORD_STEPS["submit_defence"].sources),
        ("N1",),
        submit_defence_refusal,
    ),
    RuleCode.WRITTEN_EXPLANATION: Answer(
        EXPLAIN, Rectification, tuple(RECTIFICATION_STEPS["submit"].sources), ("N7", "N8")
    ),
}


@dataclass(frozen=True)
class Due:
    """A due date as the unit reads it: how many working days are left."""

    on: dt.date
    days_left: int  # working days after today up to `on`; negative: working days since
    overdue: bool

    @property
    def overdue_by(self) -> int:
        return -self.days_left


def due(on: dt.date | None, today: dt.date | None = None) -> Due | None:
    if on is None:
        return None
    today = today or clock.today()
    return Due(on, calendar.working_days_left(on, today), overdue=on < today)


def owned_by(model: type[Model]) -> dict:
    return {"owner_type": ContentType.objects.get_for_model(model), "owner_id": OuterRef("pk")}


def earliest_open(model: type[Model], kinds=None) -> Subquery:
    # The owner comes from a scoped query, and a deadline is visible exactly when its owner is.
    deadlines = Deadline.objects.filter(**owned_by(model), status=DeadlineStatus.OPEN)
    if kinds:
        deadlines = deadlines.filter(kind__in=kinds)
    return Subquery(deadlines.order_by("due_on").values("due_on")[:1])


def evidence_count() -> Coalesce:
    files = (
        Attachment.objects.filter(**owned_by(RectificationItem), purpose="evidence")
        .values("owner_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(files, output_field=IntegerField()), 0)


def with_due(rows) -> list:
    today = clock.today()
    for row in rows:
        row.due = due(row.due_on, today)
    return rows


def is_unit_member(user) -> bool:
    return has_role(user, *UNIT_ROLES) and bool(user.organisation_id)


def owed_items(user, limit: int | None = None) -> list[RectificationItem]:
    """Items the unit still owes evidence for, due soonest first (undated last); each with
    `due` (a Due) and `evidence` (files uploaded so far). With `limit`, the first `limit`
    rows and one more (the caller tells whether the list goes on)."""
    if not is_unit_member(user):
        return []
    items = (
        queries.visible_rectification_items(user)
        .filter(
            rectification__record__subject_organisation_id=user.organisation_id,
            rectification__state__in=(RS.IN_PROGRESS, RS.RETURNED),
            state__in=EVIDENCE_ITEM_STATES,
        )
        .select_related("rectification__record")
        .prefetch_related("extensions")  # whether an extension may be asked: none per item
        .annotate(due_on=earliest_open(RectificationItem, ITEM_DEADLINES), evidence=evidence_count())
        .order_by(F("due_on").asc(nulls_last=True), "rectification_id", "number")
    )
    return with_due(items if limit is None else items[: limit + 1])


def unit_notices(user) -> QuerySet[Notice]:
    """Notices issued to the unit (never a draft or a voided one: notices.queries)."""
    # A staff member who is also the unit's liaison sees its drafts too (undated): last.
    return organisation_notices(user, user.organisation_id).order_by(
        F("issued_on").desc(nulls_last=True), "-pk"
    )


def _answerable(user, deadline: Deadline) -> bool:
    """The owner is still in a state the answer is taken from, and the user may take it:
    a time limit left open on what can no longer be answered (an order closed, a defence
    window passed) is not owed."""
    answer, owner = ANSWERS[deadline.kind], deadline.owner
    if owner is None or owner.state not in answer.sources:
        return False
    try:
        acting_role(user, deadline.record, answer.step)
    except PermissionDeniedError:
        return False
    return answer.refusal is None or answer.refusal(owner, acting_user=user) is None


def answers_owed(user, limit: int | None = None) -> list[Deadline]:
    """Open time limits for the unit's answer to a notice, soonest first; each with `due`,
    `answer` (an Answer) and `notice`, the latest notice issued to the unit that asks for it.
    With `limit`, read from the first `limit` rows and one more whose owner can still be
    answered (the caller tells whether the list goes on), not from every time limit the unit
    ever left open."""
    if not is_unit_member(user):
        return []
    answerable = Q(pk__in=[])
    for kind, answer in ANSWERS.items():
        answerable |= Q(kind=kind) & answer.open_owner()
    deadlines = (
        queries.visible_deadlines(user)
        .filter(record__subject_organisation_id=user.organisation_id, status=DeadlineStatus.OPEN)
        .filter(answerable)
        .select_related("record", "owner_type")
        .prefetch_related("owner")  # one query per kind of owner, not one per deadline
        .order_by("due_on", "pk")
    )
    if limit is not None:
        deadlines = deadlines[: limit + 1]
    for deadline in deadlines:  # the owner's record is the deadline's, read with it
        if deadline.owner is not None and getattr(deadline.owner, "record_id", None) == deadline.record_id:
            deadline.owner.record = deadline.record
    deadlines = with_due([d for d in deadlines if _answerable(user, d)])
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


@dataclass(frozen=True)
class Owed:
    items: list[RectificationItem]
    answers: list[Deadline]
    #: Cut at a limit: more items, more answers than listed (the inbox lists them all).
    more_items: bool = False
    more_answers: bool = False

    @property
    def count(self) -> int:
        return len(self.items) + len(self.answers)

    @property
    def overdue(self) -> int:
        return sum(1 for row in (*self.items, *self.answers) if row.due and row.due.overdue)


def unit_owes(user, limit: int | None = None) -> Owed:
    """Everything the user's unit owes now (empty for anyone outside a unit); with `limit`,
    the first `limit` of each list, and whether it goes on."""
    items, answers = owed_items(user, limit), answers_owed(user, limit)
    if limit is None:
        return Owed(items, answers)
    return Owed(items[:limit], answers[:limit], len(items) > limit, len(answers) > limit)
