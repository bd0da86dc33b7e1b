"""One demo account per role (DOMAIN §2), all with the password `chengxin-demo`."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission

from ..models import ConflictDeclaration, Organisation, Person, User
from ..permissions import role_groups
from ..roles import Role

PASSWORD = "chengxin-demo"


@dataclass(frozen=True)
class Account:
    username: str
    full_name: str
    role: str  # a Role value; "" for the superuser
    unit: str = ""  # short name of the organisation
    staff: bool = True
    person: str = ""  # name of a demo Person the account belongs to


ACCOUNTS = [
    Account("officer", "陈志明", Role.OFFICER, "市监委"),
    Account("officer2", "林嘉欣", Role.OFFICER, "市监委"),
    Account("approver", "黄永康", Role.APPROVER, "市监委"),
    Account("credit_admin", "张慧敏", Role.CREDIT_ADMIN, "市发改局"),
    Account("hr_admin", "梁振华", Role.HR_ADMIN, "市人社局"),
    Account("liaison", "何思颖", Role.UNIT_LIAISON, "市交通运输局"),
    Account("unit_head", "邓建峰", Role.UNIT_HEAD, "市交通运输局"),
    Account("liaison2", "叶卓伦", Role.UNIT_LIAISON, "虎门镇"),
    Account("civil_servant", "李伟强", Role.CIVIL_SERVANT, "市住建局", staff=False, person="李伟强"),
    Account("intake", "罗敏仪", Role.INTAKE_OPERATOR, "市监委", staff=False),
    Account("assessor", "祁文杰", Role.ASSESSOR, "市考评办", staff=False),
    Account("sysadmin", "吴国豪", Role.SYSTEM_ADMIN, "市政务和数据局"),
    # 三员分立: the security and the audit administrator, each their own account.
    Account("secadmin", "郑安琪", Role.SECURITY_ADMIN, "市政务和数据局", staff=False),
    Account("auditadmin", "冯立诚", Role.AUDIT_ADMIN, "市政务和数据局", staff=False),
    Account("admin", "超级管理员", ""),
]

#: Model permissions the staff roles need to open the admin; their querysets stay scoped
#: by casework.permissions, so a unit liaison still sees only the unit's records.
VIEW_PERMISSIONS = ["view_record", "view_organisation", "view_person"]
STAFF_ROLES = [
    Role.OFFICER,
    Role.APPROVER,
    Role.CREDIT_ADMIN,
    Role.HR_ADMIN,
    Role.UNIT_LIAISON,
    Role.UNIT_HEAD,
    Role.SYSTEM_ADMIN,
]

#: A declared 回避 (S14 Art 47), so that the demo shows a hidden subject.
CONFLICTS = [("officer2", "石龙镇", "配偶在东莞市石龙镇人民政府任职")]


def grant_view_permissions() -> int:
    """Add the view permissions to the staff role groups; returns how many were missing."""
    perms = list(Permission.objects.filter(content_type__app_label="casework", codename__in=VIEW_PERMISSIONS))
    added = 0
    for group in role_groups(*STAFF_ROLES):
        missing = [p for p in perms if not group.permissions.filter(pk=p.pk).exists()]
        group.permissions.add(*missing)
        added += len(missing)
    return added


def build_users(orgs: dict[str, Organisation], people: dict[str, Person]) -> tuple[dict[str, User], int]:
    """The accounts by username; returns the number of rows created (users and 回避)."""
    users, created, password = {}, 0, None
    for account in ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            password = password or make_password(PASSWORD)  # hashing is slow: once per run
            user, created = _create_user(account, orgs, people, password), created + 1
        users[account.username] = user
    return users, created + _declare_conflicts(users, orgs)


def _create_user(account: Account, orgs, people, password: str) -> User:
    user = User.objects.create(
        username=account.username,
        password=password,
        first_name=account.full_name,
        organisation=orgs.get(account.unit),
        person=people.get(account.person),
        is_staff=account.staff,
        is_superuser=not account.role,
    )
    if account.role:
        user.groups.add(*role_groups(account.role))
    return user


def _declare_conflicts(users: dict[str, User], orgs: dict[str, Organisation]) -> int:
    created = 0
    for username, unit, reason in CONFLICTS:
        _, new = ConflictDeclaration.objects.get_or_create(
            user=users[username], organisation=orgs[unit], defaults={"reason": reason}
        )
        created += new
    return created


def account_rows(users: dict[str, User]) -> list[tuple[str, str, str, str, str]]:
    """(username, password, role, name, unit) for the table the command prints."""
    rows = []
    for account in ACCOUNTS:
        user = users[account.username]
        role = str(Role(account.role).label) if account.role else "超级用户"
        unit = user.organisation.name if user.organisation_id else "—"
        rows.append((account.username, PASSWORD, role, user.first_name, unit))
    return rows
