"""The worklists of the roles whose work is not a case list: the approver's 待核准 queue (drafts,
proposals, cases to determine) and HR's sanctions to execute. Every row starts from a scoped query (casework.queries,
notices.queries), so a 回避 conflict or another scope hides it here as everywhere.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, Case, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, When

from casework import clock, queries, rules
from casework.lifecycle import ACCOUNTABILITY_TO_EXECUTE, RecordState
from casework.models import Accountability, Appeal, Deadline, Record
from casework.models.records import DeadlineStatus
from casework.permissions import has_role
from casework.rule_table import RuleCode
from notices import types as notice_types
from notices.lifecycle import NoticeState
from notices.models import Notice
from notices.queries import visible_notices

from .access import APPROVAL_ROLES, HR_ROLES

# ── the approver's queue ─────────────────────────────────────────────────────────


def notices_to_approve(user) -> QuerySet[Notice]:
    """Drafts waiting for 核准 that this user may approve: never their own draft (the
    service refuses it: notices.guards.own_draft), oldest first."""
    if not has_role(user, *APPROVAL_ROLES):
        return Notice.objects.none()
    return (
        visible_notices(user)
        .filter(state=NoticeState.DRAFT)
        .exclude(drafted_by=user)
        .select_related("record__subject_organisation", "record__subject_person", "drafted_by")
        .order_by("drafted_at", "pk")
    )


def proposals_to_approve(user) -> QuerySet[Record]:
    """拟认定 waiting for the approver's decision, not proposed by this user, oldest first."""
    if not has_role(user, *APPROVAL_ROLES):
        return Record.objects.none()
    return (
        queries.record_list(user=user)
        .filter(state=RecordState.PROPOSED)
        .exclude(proposed_by=user)
        .select_related("proposed_by")
        .order_by("updated_at", "pk")
    )


def _deadlines(kind: str) -> QuerySet[Deadline]:
    return Deadline.objects.filter(record=OuterRef("pk"), kind=kind).order_by("-pk")


def records_to_determine(user) -> QuerySet[Record]:
    """待认定 (T7): prior notices served whose defence window has closed with no statement
    and defence (one would have taken the record back to 拟认定), not proposed by this user
    (the service refuses it: separation of duties); each with `window_end` (the window's last
    day) and `determine_by` (the open `determination` limit, 10 WD after it), oldest first.
    A written waiver is given with the determination itself, so a case inside its window is
    not listed."""
    if not has_role(user, *APPROVAL_ROLES):
        return Record.objects.none()
    today = clock.today()
    window_running = _deadlines(RuleCode.DEFENCE_WINDOW).filter(status=DeadlineStatus.OPEN, due_on__gte=today)
    return (
        queries.record_list(user=user)
        .filter(state=RecordState.PRE_NOTICE, pre_notice_served_on__isnull=False)
        .exclude(Exists(window_running))
        .exclude(proposed_by=user)
        .select_related("subject_organisation", "subject_person", "proposed_by")
        .annotate(
            window_end=Subquery(
                _deadlines(RuleCode.DEFENCE_WINDOW)
                .exclude(status=DeadlineStatus.CANCELLED)
                .values("due_on")[:1]
            ),
            determine_by=Subquery(
                _deadlines(RuleCode.DETERMINATION).filter(status=DeadlineStatus.OPEN).values("due_on")[:1]
            ),
        )
        .order_by("window_end", "pk")
    )


@dataclass(frozen=True)
class DraftRow:
    notice: Notice
    missing: list[str]  # what the officer must still complete before it can be approved

    @property
    def ready(self) -> bool:
        return not self.missing


def draft_rows(user) -> list[DraftRow]:
    """The drafts, those ready for 核准 first: a system draft still missing a field waits for
    the officer to complete it (完善草稿), and approval would refuse it until then."""
    rows = []
    for notice in notices_to_approve(user):
        try:
            missing = notice_types.get(notice.type_code).validate(notice.data)
        except KeyError:  # a type no longer in the catalogue: the notice page says more
            missing = []
        rows.append(DraftRow(notice, missing))
    return sorted(rows, key=lambda row: not row.ready)


@dataclass(frozen=True)
class ApprovalCounts:
    notices: int  # drafts ready for 核准
    incomplete: int  # drafts the officer must complete first
    proposals: int
    determinations: int = 0  # 待认定: the defence window closed

    @property
    def total(self) -> int:
        """What the approver can act on now."""
        return self.notices + self.proposals + self.determinations


def approval_counts(user) -> ApprovalCounts:
    rows = draft_rows(user)
    ready = sum(row.ready for row in rows)
    return ApprovalCounts(
        ready,
        len(rows) - ready,
        proposals_to_approve(user).count(),
        records_to_determine(user).count(),
    )


# ── HR: sanctions to execute ─────────────────────────────────────────────────────


def cases_to_execute(user) -> list[Accountability]:
    """Cases whose sanctions HR executes now, oldest service first; each with
    `visible_sanctions` and `due` (the earliest open time limit: HR's execution limit)."""
    if not has_role(user, *HR_ROLES):
        return []
    sanctions = queries.sanction_list(user=user).order_by("pk")
    cases = list(
        queries.accountability_list(user=user)
        .filter(state__in=ACCOUNTABILITY_TO_EXECUTE)
        .prefetch_related(Prefetch("sanctions", queryset=sanctions, to_attr="visible_sanctions"))
        .order_by("served_on", "pk")
    )
    today = clock.today()
    limits = _open_limits(cases)
    for case in cases:
        case.due = next(iter(limits[case.pk]), None)
        case.overdue = bool(case.due and rules.is_overdue(case.due, today))
    return cases


def _open_limits(cases: list[Accountability]) -> dict[int, list[Deadline]]:
    """The open time limits of these cases, earliest first, by case, in one query: what
    casework.queries.accountability_deadlines gives for one case (its own limits and its
    appeals' decision limits), for all of them."""
    by_case: dict[int, list[Deadline]] = defaultdict(list)
    if not cases:
        return by_case
    case_type = ContentType.objects.get_for_model(Accountability)
    appeal_type = ContentType.objects.get_for_model(Appeal)
    pks = [case.pk for case in cases]
    appeals = Appeal.objects.filter(sanction__accountability__in=pks)
    rows = (
        Deadline.objects.filter(
            Q(owner_type=case_type, owner_id__in=pks)
            | Q(owner_type=appeal_type, owner_id__in=appeals.values("pk")),
            status=DeadlineStatus.OPEN,
        )
        .annotate(
            case_id=Case(
                When(owner_type=case_type, then=F("owner_id")),
                default=Subquery(
                    appeals.filter(pk=OuterRef("owner_id")).values("sanction__accountability")[:1]
                ),
                output_field=BigIntegerField(),
            )
        )
        .order_by("due_on", "id")
    )
    for deadline in rows:
        by_case[deadline.case_id].append(deadline)
    return by_case


def appeals_pending(user) -> QuerySet[Appeal]:
    """复审/复核/申诉 not yet decided on the sanctions this user sees: the sanction stands
    meanwhile (an appeal does not suspend it), but HR must know it may change."""
    if not has_role(user, *HR_ROLES):
        return Appeal.objects.none()
    return (
        Appeal.objects.filter(sanction__in=queries.sanction_list(user=user), outcome="")
        .select_related("sanction__person", "sanction__accountability")
        .order_by("decision_due", "pk")
    )
