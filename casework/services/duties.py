"""三员分立 (GB/T 22239-2019 level 3): the system administrator's, the security administrator's
and the audit administrator's use cases, each refused to the other two (docs/decisions.md
"三员分立: system, security and audit administrators").

- system administrator: accounts (create, deactivate, reactivate), and configuration in the
  admin site; never roles, never the audit trail;
- security administrator: roles (group membership) and sign-in lockouts; never accounts,
  never the audit trail;
- audit administrator: reads the audit trail, runs its verification, exports it; changes
  nothing else.

No account holds two of the three roles: granting one to the holder of another is refused.
Every use case here is audited in its actor's role, with the client address.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import action_labels, audit
from ..errors import DomainError, NotFoundError, PermissionDeniedError
from ..language import official_language
from ..models import AuditHead, Organisation, Person, User
from ..permissions import has_role, role_groups, roles_of
from ..roles import Role, permission_codename

#: The three administrators; no account holds two of them.
DUTY_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


class DutyAction(models.TextChoices):
    """The stored actions of the three administrators (hashed into the chain: never renamed)."""

    USER_CREATE = "account.create", gettext_lazy("新建用户账号")
    USER_DEACTIVATE = "account.deactivate", gettext_lazy("停用用户账号")
    USER_REACTIVATE = "account.reactivate", gettext_lazy("启用用户账号")
    ROLE_GRANT = "account.role_grant", gettext_lazy("授予角色")
    ROLE_REMOVE = "account.role_remove", gettext_lazy("撤销角色")
    LOCKOUT_CLEAR = "auth.lockout_clear", gettext_lazy("解除登录锁定")
    AUDIT_VERIFY = "audit.verify", gettext_lazy("校验审计日志")
    AUDIT_EXPORT = "audit.export", gettext_lazy("导出审计日志")


action_labels.register(dict(DutyAction.choices))


def _guard(acting_user, role: str, message) -> None:
    # A superuser holds every permission, hence every role: none of the three (docs/decisions.md).
    if getattr(acting_user, "is_superuser", False) or not has_role(acting_user, role):
        raise PermissionDeniedError(message, code="permission_denied")


def _target(user_id: int, *, lock: bool = True) -> User:
    qs = User.objects.select_for_update() if lock else User.objects
    user = qs.filter(pk=user_id).first()
    if user is None:
        raise NotFoundError(_("用户不存在。"), code="not_found")
    return user


# ── the system administrator: accounts ───────────────────────────────────────────────


def create_user(
    acting_user,
    *,
    username: str,
    full_name: str,
    password: str,
    organisation: Organisation | None = None,
    person: Person | None = None,
    is_staff: bool = False,
    ip_address: str | None = None,
) -> User:
    """A new account with no role (the security administrator grants roles)."""
    _guard(acting_user, Role.SYSTEM_ADMIN, _("只有系统管理员可以新建用户账号。"))
    username = (username or "").strip()
    if not username:
        raise DomainError(_("请填写用户名。"), field="username")
    if not (full_name or "").strip():
        raise DomainError(_("请填写姓名。"), field="full_name")
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise DomainError(_("用户名“%(name)s”已被使用。") % {"name": username}, field="username")
        if person is not None and User.objects.filter(person=person).exists():
            raise DomainError(_("该公务员已有对应的账号。"), field="person")
        user = User(
            username=username,
            first_name=full_name.strip(),
            organisation=organisation,
            person=person,
            is_staff=is_staff,
        )
        _save_with_password(user, password)
        audit.append(
            audit.Acting(acting_user, Role.SYSTEM_ADMIN, ip_address),
            obj=user,
            action=DutyAction.USER_CREATE,
            diff={
                "username": user.username,
                "name": user.first_name,
                "organisation": organisation.pk if organisation else None,
                "person": person.pk if person else None,
                "is_staff": is_staff,
            },
        )
    return user


def set_active(acting_user, *, user_id: int, active: bool, reason: str = "", ip_address=None) -> User:
    """Deactivate (the account can no longer sign in; nothing is deleted) or reactivate."""
    _guard(acting_user, Role.SYSTEM_ADMIN, _("只有系统管理员可以停用或启用用户账号。"))
    with transaction.atomic():
        user = _target(user_id)
        if user.is_superuser:
            raise PermissionDeniedError(_("超级用户账号只能由超级用户管理。"), code="permission_denied")
        if user.pk == acting_user.pk:
            raise DomainError(_("不能停用或启用自己的账号。"), field="user")
        if user.is_active == active:
            raise DomainError(_("该账号已经是这个状态。"), field="user", code="unchanged")
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.append(
            audit.Acting(acting_user, Role.SYSTEM_ADMIN, ip_address),
            obj=user,
            action=DutyAction.USER_REACTIVATE if active else DutyAction.USER_DEACTIVATE,
            reason=reason,
            diff={"is_active": [not active, active]},
        )
    return user


# ── the security administrator: roles and lockouts ───────────────────────────────────


def grantable_roles() -> list[Role]:
    """Every role a person can hold (the scheduler's SYSTEM is nobody's)."""
    return [r for r in Role if r != Role.SYSTEM]


def _role(role: str) -> Role:
    try:
        value = Role(role)
    except ValueError:
        value = None
    if value is None or value == Role.SYSTEM:
        raise DomainError(_("没有这个角色。"), field="role")
    return value


def _group(role: Role) -> Group:
    group = role_groups(role).first()
    if group is None:
        raise DomainError(_("角色“%(role)s”没有对应的用户组。") % {"role": role.label}, field="role")
    return group


def roles_held(user: User) -> frozenset[str]:
    """The roles the account's groups and permissions grant, read afresh, active or not."""
    user._chengxin_roles = None  # read afresh, not from the cache of an earlier check
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)
    return roles_of(user) if user.is_active else _inactive_roles(user)


def _inactive_roles(user: User) -> frozenset[str]:
    codenames = set(Group.objects.filter(user=user).values_list("permissions__codename", flat=True)) | set(
        user.user_permissions.values_list("codename", flat=True)
    )
    return frozenset(r for r in grantable_roles() if permission_codename(r) in codenames)


def _change_role(acting_user, *, user_id: int, role: str, grant: bool, ip_address) -> User:
    _guard(acting_user, Role.SECURITY_ADMIN, _("只有安全管理员可以授予或撤销角色。"))
    role = _role(role)
    with transaction.atomic():
        user = _target(user_id)
        if user.is_superuser:
            raise PermissionDeniedError(_("超级用户账号只能由超级用户管理。"), code="permission_denied")
        if user.pk == acting_user.pk:
            raise PermissionDeniedError(
                _("不能更改自己的角色，请由另一位安全管理员办理。"), code="permission_denied"
            )
        held = roles_held(user)
        if grant:
            if role in held:
                raise DomainError(_("该用户已有角色“%(role)s”。") % {"role": role.label}, field="role")
            clash = (held & DUTY_ROLES) - {role}
            if role in DUTY_ROLES and clash:
                raise DomainError(
                    _("三员分立：该用户已是%(held)s，不能再授予%(role)s。")
                    % {"held": "、".join(str(Role(r).label) for r in sorted(clash)), "role": role.label},
                    field="role",
                    code="separation_of_duties",
                )
        elif role not in held:
            raise DomainError(_("该用户没有角色“%(role)s”。") % {"role": role.label}, field="role")
        group = _group(role)
        through = User.groups.through
        # Through the table, not user.groups: the m2m_changed receiver below audits changes
        # made elsewhere (the admin); this one is audited here, in the security role.
        if grant:
            through.objects.get_or_create(user=user, group=group)
        else:
            through.objects.filter(user=user, group__in=role_groups(role)).delete()
        audit.append(
            audit.Acting(acting_user, Role.SECURITY_ADMIN, ip_address),
            obj=user,
            action=DutyAction.ROLE_GRANT if grant else DutyAction.ROLE_REMOVE,
            diff={"role": str(role), "group": group.name},
        )
    user._chengxin_roles = None
    return user


def grant_role(acting_user, *, user_id: int, role: str, ip_address=None) -> User:
    return _change_role(acting_user, user_id=user_id, role=role, grant=True, ip_address=ip_address)


def remove_role(acting_user, *, user_id: int, role: str, ip_address=None) -> User:
    return _change_role(acting_user, user_id=user_id, role=role, grant=False, ip_address=ip_address)


@dataclass(frozen=True)
class Lock:
    """One lockout counter: an account name or a client address, its failures within the
    lock time, and whether they reach the limit."""

    kind: str  # "username" or "ip_address"
    value: str
    failures: int
    last_attempt: object
    locked: bool


def lockouts() -> list[Lock]:
    """The counters django-axes keeps, per account name and per address, locked first."""
    import datetime as dt

    from axes.models import AccessAttempt
    from django.db.models import Max, Sum
    from django.utils import timezone

    limit = getattr(settings, "AXES_FAILURE_LIMIT", 5)
    cool_off = getattr(settings, "AXES_COOLOFF_TIME", dt.timedelta(minutes=15))
    if not isinstance(cool_off, dt.timedelta):
        cool_off = dt.timedelta(hours=cool_off or 0)
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off)
    found = []
    for kind in ("username", "ip_address"):
        rows = (
            recent.exclude(**{f"{kind}__isnull": True})
            .values(kind)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        )
        for row in rows:
            found.append(Lock(kind, str(row[kind]), row["failures"], row["last"], row["failures"] >= limit))
    return sorted(found, key=lambda lock: (not lock.locked, lock.kind, lock.value))


def clear_lockout(acting_user, *, username: str = "", address: str = "", ip_address=None) -> int:
    """Remove axes' failure counts for an account name or a client address (axes' own reset);
    returns how many counters were removed."""
    from axes.utils import reset

    _guard(acting_user, Role.SECURITY_ADMIN, _("只有安全管理员可以解除登录锁定。"))
    username, address = (username or "").strip(), (address or "").strip()
    if bool(username) == bool(address):
        raise DomainError(_("请指定一个用户名或一个 IP 地址。"), field="username")
    with transaction.atomic():
        removed = reset(username=username) if username else reset(ip=address)
        user = User.objects.filter(username=username).first() if username else None
        about = (
            {"obj": user}
            if user is not None
            else {
                "content_type_id": ContentType.objects.get_for_model(User).pk,
                "object_id": "",
                "object_repr": username or address,
            }
        )
        audit.append_many(
            [
                dict(
                    actor=acting_user,
                    role=Role.SECURITY_ADMIN,
                    action=DutyAction.LOCKOUT_CLEAR,
                    ip_address=ip_address,
                    diff={"username": username or None, "address": address or None, "removed": removed},
                    **about,
                )
            ]
        )
    return removed


# ── the audit administrator: verification and export ─────────────────────────────────


@dataclass(frozen=True)
class Verification:
    """The result of one run of the audit trail's check (the one `manage.py verify_audit` runs)."""

    ok: bool
    count: int
    checkpoints: int
    problems: list[str]
    bad_seq: int | None


def verify_trail() -> Verification:
    """The hash chain walked (casework.audit.verify) and compared with every signed checkpoint
    (casework.checkpoints.check): what `manage.py verify_audit` reports."""
    from .. import checkpoints

    result = audit.verify()
    against = checkpoints.check()
    problems = []
    if not result.ok:
        problems.append(f"audit chain broken at entry #{result.bad_seq}: {result.problem}")
    problems += against.problems
    bad_seq = result.bad_seq if not result.ok else against.bad_seq
    return Verification(result.ok and against.ok, result.count, len(against.checkpoints), problems, bad_seq)


def _head() -> AuditHead:
    head, _created = AuditHead.objects.get_or_create(pk=1)
    return head


def run_verification(acting_user, *, ip_address=None) -> Verification:
    """Run the check and keep its result on the audit trail itself (action audit.verify):
    the history of runs is those entries."""
    _guard(acting_user, Role.AUDIT_ADMIN, _("只有审计管理员可以校验审计日志。"))
    result = verify_trail()
    with transaction.atomic():
        audit.append(
            audit.Acting(acting_user, Role.AUDIT_ADMIN, ip_address),
            obj=_head(),
            action=DutyAction.AUDIT_VERIFY,
            diff={
                "ok": result.ok,
                "count": result.count,
                "checkpoints": result.checkpoints,
                "bad_seq": result.bad_seq,
                "problems": result.problems[:20],
            },
        )
    return result


def record_export(acting_user, *, filters: dict, rows: int, file_format: str, ip_address=None) -> None:
    """Audit an export of the audit trail (what was asked for, how many rows)."""
    _guard(acting_user, Role.AUDIT_ADMIN, _("只有审计管理员可以导出审计日志。"))
    with transaction.atomic():
        audit.append(
            audit.Acting(acting_user, Role.AUDIT_ADMIN, ip_address),
            obj=_head(),
            action=DutyAction.AUDIT_EXPORT,
            diff={"filters": filters, "rows": rows, "format": file_format},
        )


# ── role changes made elsewhere (the admin's group editing of a user) ──────────────────

#: Who is changing a user's groups outside the use cases above: the admin sets it around
#: its save (casework.admin.records.UserAdmin). Code that sets up accounts (seed_demo, the
#: tests' factories, a migration) sets none and is not audited here.
_acting: contextvars.ContextVar[audit.Acting | None] = contextvars.ContextVar(
    "chengxin_group_actor", default=None
)


@contextmanager
def acting_as(by: audit.Acting) -> Iterator[None]:
    token = _acting.set(by)
    try:
        yield
    finally:
        _acting.reset(token)


def _audit_group_change(users, groups, *, grant: bool) -> None:
    by = _acting.get()
    groups = list(groups)
    if by is None or not groups:
        return
    with official_language(), transaction.atomic():
        audit.append_many(
            [
                dict(
                    actor=by.user,
                    role=by.role,
                    obj=user,
                    action=DutyAction.ROLE_GRANT if grant else DutyAction.ROLE_REMOVE,
                    ip_address=by.ip_address,
                    diff={"group": group.name, "via": "groups"},
                )
                for user in users
                for group in groups
            ]
        )


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="chengxin.duties.groups_changed")
def _groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if _acting.get() is None:
        return
    if action == "pre_clear":
        # pk_set is not given for a clear: remember what is about to go.
        instance._chengxin_cleared = list(instance.user_set.all()) if reverse else list(instance.groups.all())
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    grant = action == "post_add"
    if action == "post_clear":
        others = getattr(instance, "_chengxin_cleared", [])
    else:
        others = list(model.objects.filter(pk__in=pk_set or ()))
    if reverse:  # group.user_set.add(users)
        _audit_group_change(others, [instance], grant=grant)
    else:
        _audit_group_change([instance], others, grant=grant)


# ── first-time set-up (manage.py create_admins) ──────────────────────────────────────


def bootstrap_admin(*, username: str, role: str, password: str, full_name: str = "") -> User:
    """The first account of one of the three roles, made on the server by the operator
    (`manage.py create_admins`), audited as the system: before it nobody holds the roles
    that create accounts and grant roles. Refuses an existing name, so that it never gives
    an existing account a second one of the three."""
    role = _role(role)
    if role not in DUTY_ROLES:
        raise DomainError(_("只能创建系统管理员、安全管理员或审计管理员。"), field="role")
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise DomainError(_("用户名“%(name)s”已被使用。") % {"name": username}, field="username")
        user = User(
            username=username, first_name=full_name or str(role.label), is_staff=role == Role.SYSTEM_ADMIN
        )
        _save_with_password(user, password)
        group = _group(role)
        User.groups.through.objects.create(user=user, group=group)
        audit.append(audit.SYSTEM, obj=user, action=DutyAction.USER_CREATE, diff={"username": username})
        audit.append(
            audit.SYSTEM,
            obj=user,
            action=DutyAction.ROLE_GRANT,
            diff={"role": str(role), "group": group.name},
        )
    return user


def _save_with_password(user: User, password: str) -> None:
    """Save a new account with its first password, under the password rules (the rules'
    refusal names the field) and with its history begun."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise DomainError(_("密码：") + " ".join(error.messages), field="password") from None
    user.set_password(password)
    user.save()
    password_validation.password_changed(password, user)
