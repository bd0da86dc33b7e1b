"""The accountability case as a step machine (DOMAIN §6.4): how its steps find, lock, check
and audit a case, shared by casework.services.accountability and .appeals."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models

from ... import kinds
from ...models import Accountability, Appeal, Deadline, Track, User
from ...models.records import DeadlineStatus
from ...rule_table import RuleCode
from ..steps import perform, snapshot

#: The appeal open to the person on service, per track (S15 Art 56; S16 Art 95; S19).
FIRST_APPEAL_WINDOW = {
    Track.SUPERVISORY: RuleCode.APPEAL_REVIEW_APPLY,
    Track.APPOINTING: RuleCode.APPEAL_CS_REVIEW_APPLY,
    Track.PARTY: RuleCode.APPEAL_PARTY_APPEAL_APPLY,
}


CASE = kinds.ACCOUNTABILITY


def case_snapshot(case: Accountability, *, persons: Iterable[int] | None = None) -> dict:
    """The case's fields, its persons and every decision and appeal in it: one audit
    entry shows what a decision or an appeal changed. `persons`: the ids of a case just
    opened, which has no decision or appeal yet, so a set-based opening asks nothing per case."""
    data = snapshot(case)
    if persons is not None:
        return data | {"persons": sorted(persons), "sanctions": [], "appeals": []}
    if case.pk:
        data["persons"] = sorted(case.persons.values_list("pk", flat=True))
        data["sanctions"] = _sanctions(case)
        appeals = Appeal.objects.filter(sanction__accountability=case).order_by("pk")
        data["appeals"] = [[a.pk, a.sanction_id, a.kind, a.outcome] for a in appeals]
    return data


def _sanctions(case: Accountability) -> list[list]:
    return [
        [
            s.pk,
            s.person_id,
            s.decision_type,
            s.effective_on,
            s.period_months,
            s.period_end,
            s.released_on,
            s.revoked,
        ]
        for s in case.sanctions.order_by("pk")
    ]


def case_step(
    *,
    acting_user: User,
    case_id: int,
    step: str,
    change: Callable[[Accountability], None] = lambda c: None,
    after: Callable[[Accountability], None] = lambda c: None,
    **kw,
) -> Accountability:
    return perform(
        CASE,
        acting_user=acting_user,
        pk=case_id,
        step=step,
        change=change,
        after=after,
        capture=case_snapshot,
        **kw,
    )


def case_deadlines(case: Accountability) -> models.QuerySet[Deadline]:
    """The open time limits owned by the case itself (not by its appeals)."""
    return Deadline.objects.filter(owner_type=case_type(), owner_id=case.pk, status=DeadlineStatus.OPEN)


def case_type() -> ContentType:
    return ContentType.objects.get_for_model(Accountability)
