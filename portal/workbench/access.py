"""Who gets which page, what each role may do in bulk, and where each user starts.

Every signed-in user lands on the page of their own work (LOGIN_REDIRECT_URL → `start`):
the commission on the dashboard, HR on the sanctions to execute, the intake operator on
lead registration, the system administrator on configuration and system health, a unit on
its portal, a civil servant on their own file. A page of another role answers the Chinese
403 page (`require_role`), which links back to the user's own start page.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.permissions import SEE_ALL_ROLES, UNIT_ROLES, has_role
from casework.roles import Role
from casework.services.honours import HONOURS_ROLES
from casework.services.reminders import REMIND_STEP
from exchange.complaints.queries import READ_ROLES as COMPLAINT_READ_ROLES
from exchange.importers import importable_kinds
from workflows.inbox import ASSIGN_ROLES

#: The commission's roles (DOMAIN §2 R1–R3, and R9 the assessors, who only read).
COMMISSION_ROLES = SEE_ALL_ROLES
#: Who registers leads (T1): the intake operator (R8), whose one job it is, and officers.
REGISTER_ROLES = frozenset({Role.OFFICER, Role.INTAKE_OPERATOR})
#: Who approves (核准) notices and proposals.
APPROVAL_ROLES = frozenset({Role.APPROVER})
#: Who executes sanctions (DOMAIN §2 R4).
HR_ROLES = frozenset({Role.HR_ADMIN})
#: Who looks after the configuration and the system's health (R11).
SYSTEM_ROLES = frozenset({Role.SYSTEM_ADMIN})
#: 三员分立 (portal.duties): the security administrator's roles and lockouts, the audit
#: administrator's audit trail; each their own screens, nobody else's.
SECURITY_ROLES = frozenset({Role.SECURITY_ADMIN})
AUDIT_ROLES = frozenset({Role.AUDIT_ADMIN})
#: Roles with work in the inbox (the flows' human tasks): the others never get a task.
TASK_ROLES = frozenset(
    {
        Role.OFFICER,
        Role.APPROVER,
        Role.HR_ADMIN,
        Role.UNIT_LIAISON,
        Role.UNIT_HEAD,
        Role.CIVIL_SERVANT,
    }
)


def is_commission(user) -> bool:
    return has_role(user, *COMMISSION_ROLES)


def may_register(user) -> bool:
    return has_role(user, *REGISTER_ROLES)


def may_configure(user) -> bool:
    """Configuration roles (settings CHENGXIN["ADMIN_ROLES"]) and superusers: the admin site."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or has_role(user, *settings.CHENGXIN.get("ADMIN_ROLES", ()))


def require_role(user, *roles: str) -> None:
    """A signed-in user outside `roles` gets the 403 page (PermissionDenied), which Django
    renders with templates/403.html even when DEBUG is on (an Http404 would not be)."""
    if not has_role(user, *roles):
        raise PermissionDenied(_("此页面属于其他岗位，您的账号无权使用。"))


def bulk_actions(user) -> list[tuple[str, str]]:
    """The bulk actions of the case list this user may take, as form choices."""
    actions = []
    if has_role(user, *REMIND_STEP.roles):
        actions.append(("remind", gettext_lazy("提醒当事方按期办理")))
    if has_role(user, *ASSIGN_ROLES):
        actions.append(("assign", gettext_lazy("分配待办任务")))
    return actions


#: (roles, URL name), first match wins: someone with a commission role and another one
#: starts on the dashboard, which links to the rest.
START_PAGES = [
    (COMMISSION_ROLES, "work-dashboard"),
    (HR_ROLES, "work-hr"),
    (REGISTER_ROLES, "case-register"),
    (SYSTEM_ROLES, "work-system"),
    (SECURITY_ROLES, "security-users"),
    (AUDIT_ROLES, "audit-trail"),
    (UNIT_ROLES, "unit-home"),
    (frozenset({Role.CIVIL_SERVANT}), "me-home"),
]


def start_page(user) -> str:
    """The URL name of the page a signed-in user starts from (no role: the home page)."""
    for roles, name in START_PAGES:
        if has_role(user, *roles):
            return name
    if may_configure(user):
        return "work-system"
    return "home"


def navigation(request) -> dict:
    """Context processor: which of the role-specific links the navigation shows."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    commission = is_commission(user)
    return {
        "nav": {
            "commission": commission,
            "cases": commission or has_role(user, Role.INTAKE_OPERATOR),
            "register": may_register(user),
            "complaints": has_role(user, *COMPLAINT_READ_ROLES),
            "approvals": has_role(user, *APPROVAL_ROLES),
            "court": has_role(user, Role.OFFICER, Role.CREDIT_ADMIN),  # exchange.court IMPORT_ROLES
            "assessment": has_role(user, Role.ASSESSOR, Role.APPROVER),  # oversight.assessment READ_ROLES
            "hr": has_role(user, *HR_ROLES),
            "system": has_role(user, *SYSTEM_ROLES) or may_configure(user),
            "admin": may_configure(user),
            # 三员分立: the role's own screens; a superuser (who holds every role) uses none.
            "system_users": has_role(user, *SYSTEM_ROLES) and not user.is_superuser,
            "security": has_role(user, *SECURITY_ROLES) and not user.is_superuser,
            "audit": has_role(user, *AUDIT_ROLES) and not user.is_superuser,
            "unit": has_role(user, *UNIT_ROLES) and bool(user.organisation_id),
            "commitments": commission or (has_role(user, *UNIT_ROLES) and bool(user.organisation_id)),
            "personal": has_role(user, Role.CIVIL_SERVANT) and bool(user.person_id),
            "honours": has_role(user, *HONOURS_ROLES),
            "inbox": has_role(user, *TASK_ROLES),
            "imports": bool(importable_kinds(user)),
            "start": start_page(user),
        }
    }
