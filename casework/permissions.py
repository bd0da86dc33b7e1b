"""Who may see what and who may do what: the one place these rules live.

Visibility is a queryset filter (`visible_records(user)` and friends), applied by every
list, detail, API endpoint and admin page, never a Python check after fetching a row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from .errors import PermissionDeniedError
from .lifecycle import RECORD_STEPS, RECORD_SUBJECT_VISIBLE, Step
from .models import ConflictDeclaration, Organisation, Person, Record
from .roles import Role, permission_codename

#: Roles that see every record (DOMAIN §2: R1–R4 see everything; R9 reads for assessment).
SEE_ALL_ROLES = frozenset({Role.OFFICER, Role.APPROVER, Role.CREDIT_ADMIN, Role.ASSESSOR})
UNIT_ROLES = frozenset({Role.UNIT_LIAISON, Role.UNIT_HEAD})
#: The code of a 回避 refusal: the user holds the step's role but not for this subject.
CONFLICT_OF_INTEREST = "conflict_of_interest"


def roles_of(user) -> frozenset[str]:
    """The roles a user holds, from the `casework.role_*` permissions (cached on the user)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_chengxin_roles", None)
    if cached is None:
        cached = frozenset(
            r for r in Role if r != Role.SYSTEM and user.has_perm(f"casework.{permission_codename(r)}")
        )
        user._chengxin_roles = cached
    return cached


def role_groups(*roles: str):
    """The groups that grant these roles, found by permission: group names are display text."""
    from django.contrib.auth.models import Group

    codenames = [permission_codename(r) for r in roles]
    return Group.objects.filter(permissions__codename__in=codenames).distinct()


def remember_roles(users) -> None:
    """What roles_of gives, for many users at once (a list naming each one's roles): one
    query for all of them instead of one per user."""
    from django.contrib.auth.models import Permission

    users = [u for u in users if getattr(u, "_chengxin_roles", None) is None]
    if not users:
        return
    codes = {permission_codename(r): r for r in Role if r != Role.SYSTEM}
    pks = {u.pk for u in users}
    held: dict[int, set] = {pk: set() for pk in pks}
    rows = (
        Permission.objects.filter(content_type__app_label="casework", codename__in=codes)
        .filter(Q(user__in=pks) | Q(group__user__in=pks))
        .values_list("user", "group__user", "codename")
    )
    for direct, through_group, codename in rows:
        for pk in (direct, through_group):
            if pk in held:
                held[pk].add(codes[codename])
    for u in users:
        if not u.is_active:
            u._chengxin_roles = frozenset()
        elif u.is_superuser:  # has_perm: every permission
            u._chengxin_roles = frozenset(codes.values())
        else:
            u._chengxin_roles = frozenset(held[u.pk])


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def record_scope(user, path: str = "") -> Q:
    """The records this user may see, as a condition on `path` (the lookup from the rows
    filtered to their record, "record__"; "" for records themselves).

    A join on the row's own record, not `record IN (SELECT …)`: PostgreSQL plans it with
    the row's other conditions. For a role that sees every record with no declared
    conflict it asks only that the row has a record, so no records are read at all.
    """
    roles = roles_of(user)
    if not roles:
        return Q(pk__in=[])
    if roles & SEE_ALL_ROLES:
        conditions = Q(**{f"{path}isnull": False}) if path else Q()
    else:
        conditions = Q(pk__in=[])
        # Once the prior notice was served the subject knows of the case, including when a
        # defence sends it back to 拟认定 for an answer.
        subject_visible = Q(**{f"{path}state__in": RECORD_SUBJECT_VISIBLE}) | Q(
            **{f"{path}pre_notice_served_on__isnull": False}
        )
        if roles & UNIT_ROLES and user.organisation_id:
            conditions |= subject_visible & Q(**{f"{path}subject_organisation_id": user.organisation_id})
        if Role.CIVIL_SERVANT in roles and user.person_id:
            conditions |= subject_visible & Q(**{f"{path}subject_person_id": user.person_id})
        if Role.HR_ADMIN in roles:
            conditions |= Q(**{f"{path}subject_person__isnull": False}) & subject_visible
        if Role.INTAKE_OPERATOR in roles:
            conditions |= Q(**{f"{path}created_by": user})
    if declared_conflicts(user):
        conditions &= ~_conflicted(user, path)
    return conditions


def _conflicted(user, path: str) -> Exists:
    """One anti-join over the user's declarations: each names one subject, and the other
    column's NULL equals nothing, so a declared unit never hides a person's records."""
    return Exists(
        ConflictDeclaration.objects.filter(user=user).filter(
            Q(organisation=OuterRef(f"{path}subject_organisation"))
            | Q(person=OuterRef(f"{path}subject_person"))
        )
    )


def visible_records(user) -> QuerySet[Record]:
    """Records this user may see; a declared 回避 conflict hides the subject's records."""
    if not roles_of(user):
        return Record.objects.none()
    return Record.objects.filter(record_scope(user))


def sees_every_record(user) -> bool:
    """Whether `visible_records(user)` is every record: a role that sees all and no declared
    conflict. A count over rows hanging on records may then skip the records sub-query,
    which PostgreSQL answers by reading every record."""
    return bool(roles_of(user) & SEE_ALL_ROLES) and not declared_conflicts(user)


def visible_people(user) -> QuerySet[Person]:
    roles = roles_of(user)
    if roles & (SEE_ALL_ROLES | {Role.HR_ADMIN, Role.INTAKE_OPERATOR, Role.SYSTEM_ADMIN}):
        return Person.objects.all()
    conditions = Q(pk__in=[])
    if roles & UNIT_ROLES and user.organisation_id:
        conditions |= Q(unit_id=user.organisation_id)
    if user.is_authenticated and user.person_id:
        conditions |= Q(pk=user.person_id)
    return Person.objects.filter(conditions)


def visible_organisations(user) -> QuerySet[Organisation]:
    """The organisation tree is public information for every signed-in user."""
    if not roles_of(user):
        return Organisation.objects.none()
    return Organisation.objects.all()


def may_see_id_numbers(user) -> bool:
    return has_role(user, *settings.CHENGXIN["ID_NUMBER_ROLES"])


@dataclass(frozen=True)
class Conflicts:
    """The subjects a user declared 回避 for, read once (`declared_conflicts`) for a page that
    asks about many records; the services ask `has_conflict` afresh each time."""

    organisation_ids: frozenset[int]
    person_ids: frozenset[int]

    def __bool__(self) -> bool:
        return bool(self.organisation_ids or self.person_ids)

    def cover(self, record: Record) -> bool:
        return (
            record.subject_organisation_id in self.organisation_ids
            or record.subject_person_id in self.person_ids
        )


#: Bumped whenever a declaration is saved or deleted in this process (casework.signals): a
#: user object's cached declarations older than this are read again.
_conflicts_generation = [0]


def forget_declared_conflicts(**_kwargs) -> None:
    _conflicts_generation[0] += 1


def conflicts_generation() -> int:
    """Changes whenever a declaration does: what was built from a user's declarations is
    built again once it differs."""
    return _conflicts_generation[0]


def declared_conflicts(user) -> Conflicts:
    """The user's declarations, read once per user object (a request's): every visibility
    filter of a page asks, and most users have none, which spares the filter altogether."""
    if not getattr(user, "pk", None):
        return Conflicts(frozenset(), frozenset())
    cached = getattr(user, "_chengxin_declared", None)
    if cached is not None and cached[0] == _conflicts_generation[0]:
        return cached[1]
    rows = list(ConflictDeclaration.objects.filter(user=user).values_list("organisation_id", "person_id"))
    conflicts = Conflicts(
        frozenset(org for org, _person in rows if org is not None),
        frozenset(person for _org, person in rows if person is not None),
    )
    user._chengxin_declared = (_conflicts_generation[0], conflicts)
    return conflicts


#: The declarations of the user a page is being built for (`conflicts_read_once`).
_read_once: ContextVar[tuple[int, Conflicts] | None] = ContextVar("chengxin_conflicts", default=None)


@contextmanager
def conflicts_read_once(user, conflicts: Conflicts | None = None) -> Iterator[Conflicts]:
    """While a page asks the guards about many objects of `user`'s (its actions, greyed out or
    not), `role_refusal` reads the declarations once instead of once per question. Only for
    building a page: a service changing state asks `has_conflict` afresh."""
    conflicts = conflicts or declared_conflicts(user)
    token = _read_once.set((user.pk, conflicts))
    try:
        yield conflicts
    finally:
        _read_once.reset(token)


def conflicts_held(user) -> Conflicts | None:
    held = _read_once.get()
    return held[1] if held is not None and held[0] == user.pk else None


def has_conflict(user, record: Record) -> bool:
    return ConflictDeclaration.objects.filter(
        Q(user=user)
        & (
            Q(
                organisation_id=record.subject_organisation_id,
                organisation__isnull=False,
            )
            | Q(person_id=record.subject_person_id, person__isnull=False)
        )
    ).exists()


def is_subject_side(user, record: Record) -> bool:
    """The user speaks for the record's subject: its unit's liaison/head, or the person."""
    roles = roles_of(user)
    if record.subject_organisation_id:
        return bool(roles & UNIT_ROLES) and user.organisation_id == record.subject_organisation_id
    return Role.CIVIL_SERVANT in roles and user.person_id == record.subject_person_id


def role_refusal(user, record: Record | None, step: str | Step, *, conflicts: Conflicts | None = None):
    """Why `user` may not take `step` (a record step's name, or any Step of a sub-process
    table) on `record`'s case: a PermissionDeniedError to raise or show, or None.

    Subject-side roles act only for their own subject; nobody acts under a 回避 conflict
    (`conflicts`: the user's declarations already read, for a page listing many records).
    A case opened without a record: the role alone decides.
    """
    step = RECORD_STEPS[step] if isinstance(step, str) else step
    if user is None:  # the scheduler
        return None if Role.SYSTEM in step.roles else PermissionDeniedError(_("该操作不能由系统自动执行。"))
    if not _allowed(user, record, step):
        return PermissionDeniedError(
            _("您没有权限执行“%(step)s”操作。") % {"step": step.label}, code="permission_denied"
        )
    conflicts = conflicts or conflicts_held(user)
    if record is not None and (
        conflicts.cover(record) if conflicts is not None else has_conflict(user, record)
    ):
        return PermissionDeniedError(_("您已登记回避，不能办理该主体的案件。"), code=CONFLICT_OF_INTEREST)
    return None


def _allowed(user, record: Record | None, step: Step) -> frozenset[str]:
    """The step's roles this user holds, subject-side ones only for their own subject."""
    allowed = step.roles & roles_of(user)
    subject_roles = allowed & (UNIT_ROLES | {Role.CIVIL_SERVANT})
    if subject_roles and record is not None and not is_subject_side(user, record):
        allowed -= subject_roles
    return allowed


def acting_role(user, record: Record, step: str | Step, *, conflicts: Conflicts | None = None) -> str:
    """The role in which `user` may take `step` on `record`'s case, or PermissionDeniedError
    (`role_refusal`)."""
    step = RECORD_STEPS[step] if isinstance(step, str) else step
    if (refused := role_refusal(user, record, step, conflicts=conflicts)) is not None:
        raise refused
    return Role.SYSTEM if user is None else sorted(_allowed(user, record, step))[0]
