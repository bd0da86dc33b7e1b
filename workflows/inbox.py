"""Read paths of the work state, already scoped to the user (ARCHITECTURE §7).

A process — and every task of it — is visible exactly when the object it follows is,
by that object's own casework rule (the record's visible_records; an accountability
case's visible_accountabilities): a unit liaison sees only its unit's work, a 回避
conflict hides the subject's processes. A task of the subject's side can only be
claimed by the subject's own unit (or the civil servant), whatever the role grants.

Tasks carry their due date — the earliest OPEN casework Deadline of the followed object
or of its children (a rectification's items, an accountability case's appeals) — and
come sorted by it, earliest first, undated last; overdue when before clock.today().
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from casework import clock, rules
from casework.errors import NotFoundError
from casework.models import Deadline, User
from casework.permissions import SEE_ALL_ROLES, declared_conflicts, has_role, roles_of
from casework.roles import Role, permission_codename

from .flows import FLOWS, AccountabilityFlow
from .models import AccountabilityProcess, CaseProcess
from .nodes import PERSON_PERMISSIONS, SUBJECT_PERMISSIONS, UNIT_PERMISSIONS

#: From a task to the objects that decide its visibility and due date.
RECORD = "process__caseprocess__record"
SUBCLASSES = (
    "recordprocess",
    "objectionprocess__objection",
    "rectificationprocess__rectification",
    "accountabilityprocess__accountability",
    "repairprocess__repair",
)


def visible_q(user, prefix: str = "") -> Q:
    """Processes whose followed object the user may see, each by its own casework rule."""
    if roles_of(user) & SEE_ALL_ROLES:
        return _commission_q(user, prefix)
    condition = Q(pk__in=[])
    for flow in FLOWS:
        link = flow.process_class._meta.model_name
        if flow.subject_field:
            condition |= Q(**{f"{prefix}{link}__{flow.subject_field}__in": flow.visible(user)})
        else:
            condition |= Q(**{f"{prefix}{link}__isnull": False, f"{prefix}record__in": flow.visible(user)})
    return condition


def _commission_q(user, prefix: str) -> Q:
    """`visible_q` for the commission's roles, in a form PostgreSQL serves from the task's
    own indexes: they see every record but those they declared a 回避 conflict for, and with
    it every process that follows a record or an object under one (its `record` is the
    followed object's: CaseFlow.start_process). Five `IN (visible objects)` sub-queries,
    one per flow, cost a hash of every object for each request. An accountability case
    keeps its own rule (a case with no record, a conflict with a named person)."""
    process = prefix.removesuffix("caseprocess__")  # viewflow's row: its flow and its id
    condition = ~Q(**{f"{process}flow_class": AccountabilityFlow}) & Q(**{f"{prefix}record__isnull": False})
    conflicts = declared_conflicts(user)
    if conflicts.organisation_ids:
        condition &= ~Q(**{f"{prefix}record__subject_organisation_id__in": conflicts.organisation_ids})
    if conflicts.person_ids:
        condition &= ~Q(**{f"{prefix}record__subject_person_id__in": conflicts.person_ids})
    cases = AccountabilityProcess.objects.filter(accountability__in=AccountabilityFlow.visible(user))
    return condition | Q(**{f"{process}pk__in": cases.values("pk")})


def visible_processes(user) -> QuerySet[CaseProcess]:
    return (
        CaseProcess.objects.filter(visible_q(user))
        .select_related("record__subject_organisation", "record__subject_person", *SUBCLASSES)
        .order_by("-created", "-pk")
    )


def process_get(user, process_id: int) -> CaseProcess:
    try:
        return visible_processes(user).get(pk=process_id)
    except (CaseProcess.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("流程不存在或您无权查看。"), code="not_found") from None


def _deadlines() -> QuerySet[Deadline]:
    """The time limits of the task's followed object and of its children. Every one of them
    is on the process's record (rules.open_deadline takes the owner's record), so the record
    narrows them first, by its index, to the few of one case: matched by owner alone, each
    task's sub-query read the deadline table for the children's `IN`."""
    process = "process__caseprocess__"
    owners = Q(
        owner_type=OuterRef("process__artifact_content_type"),
        owner_id=OuterRef("process__artifact_object_id"),
    )
    for flow in FLOWS:
        for model, path in flow.deadline_children:
            subject = f"{process}{flow.process_class._meta.model_name}__{flow.subject_field}_id"
            children = model.objects.filter(**{path: OuterRef(OuterRef(subject))}).values("pk")
            owners |= Q(owner_type=ContentType.objects.get_for_model(model), owner_id__in=children)
    return Deadline.objects.filter(owners, record_id=OuterRef(f"{process}record_id"))


def _due_on(today) -> Subquery:
    """The earliest running time limit of the task's followed object or of its children (a
    subject's window that closed is not the task's time limit)."""
    return Subquery(_deadlines().filter(rules.running(today)).order_by("due_on").values("due_on")[:1])


def visible_tasks(user) -> QuerySet[Task]:
    """Human tasks of the processes the user may see, with `due_on` and `overdue`,
    earliest due first."""
    today = clock.today()
    return (
        Task.objects.filter(visible_q(user, "process__caseprocess__"), flow_task_type="HUMAN")
        .select_related("owner", f"{RECORD}__subject_organisation", f"{RECORD}__subject_person")
        .annotate(due_on=_due_on(today), overdue=Exists(_deadlines().filter(rules.overdue(today))))
        .order_by(F("due_on").asc(nulls_last=True), "created", "pk")
    )


def inbox(user) -> QuerySet[Task]:
    """The tasks assigned to the user."""
    return visible_tasks(user).filter(owner=user, status__in=[STATUS.ASSIGNED, STATUS.STARTED])


def queue(user) -> QuerySet[Task]:
    """Unassigned tasks the user may claim: their role's, and of the subject's side only
    their own unit's (or their own, for a civil servant)."""
    own_side = Q(pk__in=[])
    if user.organisation_id:
        own_side |= Q(
            owner_permission__in=UNIT_PERMISSIONS,
            **{f"{RECORD}__subject_organisation_id": user.organisation_id},
        )
    if user.person_id:
        own_side |= Q(
            owner_permission__in=PERSON_PERMISSIONS, **{f"{RECORD}__subject_person_id": user.person_id}
        )
    return (
        visible_tasks(user)
        .filter(takes_q(user), status=STATUS.NEW, owner__isnull=True)
        .filter(~Q(owner_permission__in=SUBJECT_PERMISSIONS) | own_side)
    )


def takes_q(user) -> Q:
    """Tasks of the user's roles: a commission task is in the queue of every role its
    lifecycle step names (nodes.step_task), a subject-side task of its permission's."""
    roles = roles_of(user)
    nodes = [node for flow in FLOWS for node in flow.human_tasks() if node.roles & roles]
    return Q(owner_permission__in=user.get_all_permissions()) | Q(flow_task__in=nodes)


#: Who hands commission work out, and to whom (workflows.services.tasks_assign).
ASSIGN_ROLES = frozenset({Role.OFFICER, Role.APPROVER})


def assignees(user) -> QuerySet[User]:
    """The colleagues `user` may hand commission tasks to: active officers and approvers
    (by group or by a permission of their own); nobody when the user may not assign."""
    if not has_role(user, *ASSIGN_ROLES):
        return User.objects.none()
    codenames = [permission_codename(r) for r in ASSIGN_ROLES]
    holds = Q(groups__permissions__codename__in=codenames) | Q(user_permissions__codename__in=codenames)
    return User.objects.filter(holds, is_active=True).distinct().order_by("first_name", "username")


def may_claim(user, task: Task) -> bool:
    return bool(user and user.is_authenticated) and queue(user).filter(pk=task.pk).exists()


def task_get(user, task_id: int) -> Task:
    try:
        return visible_tasks(user).get(pk=task_id)
    except (Task.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("任务不存在或您无权查看。"), code="not_found") from None


def process_tasks(process: CaseProcess) -> QuerySet[Task]:
    """Every human task of a process the caller already found visible, oldest first."""
    return (
        Task.objects.filter(process_id=process.pk, flow_task_type="HUMAN")
        .select_related("owner")
        .order_by("pk")
    )


# ── the inbox page: bounded lists ─────────────────────────────────────────────────

#: How many tasks a list of the inbox page shows at once.
PAGE_ROWS = 25
#: The queue is counted exactly up to this many tasks; beyond, the page says "more than".
COUNT_CAP = 1000


def queue_by_age(user, after: int | None = None) -> QuerySet[Task]:
    """The queue oldest first, from the task after `after` on (keyset on created, pk): the
    partial index `task_queue_created` walks the unassigned tasks in this order and stops
    at the page's last row, where the due-date order had to date every task of a role's
    queue first. Due dates are computed for the rows shown only."""
    rows = queue(user).order_by("created", "pk")
    if after is not None:
        mark = Task.objects.filter(pk=after).values("created")
        rows = rows.filter(Q(created__gt=Subquery(mark)) | Q(created=Subquery(mark), pk__gt=after))
    return rows


def capped_count(rows: QuerySet, cap: int | None = None) -> int:
    """How many rows, counted up to `cap` (default COUNT_CAP) + 1: more means "more than cap"."""
    cap = COUNT_CAP if cap is None else cap
    return rows.order_by().values("pk")[: cap + 1].count()


@dataclass(frozen=True)
class QueuePage:
    rows: list[Task]
    after: int | None  # the page starts after this task (None: the first page)
    next_after: int | None  # the next page's `after` (None: this is the last page)
    count: int  # the whole queue, counted up to `cap` + 1
    cap: int

    @property
    def count_capped(self) -> bool:
        return self.count > self.cap


def queue_page(user, after: int | None = None) -> QueuePage:
    rows = list(queue_by_age(user, after)[: PAGE_ROWS + 1])
    next_after = rows[PAGE_ROWS - 1].pk if len(rows) > PAGE_ROWS else None
    return QueuePage(rows[:PAGE_ROWS], after, next_after, capped_count(queue(user), COUNT_CAP), COUNT_CAP)
