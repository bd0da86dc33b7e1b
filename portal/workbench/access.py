"""Who gets the workbench, what each role may do in bulk, and where each user starts."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from casework.permissions import SEE_ALL_ROLES, UNIT_ROLES, has_role
from casework.roles import Role
from casework.services.honours import HONOURS_ROLES
from casework.services.reminders import REMIND_STEP
from workflows.inbox import ASSIGN_ROLES

#: The commission's roles (DOMAIN §2 R1–R3, and R9 the assessors, who only read).
COMMISSION_ROLES = SEE_ALL_ROLES


def is_commission(user) -> bool:
    return has_role(user, *COMMISSION_ROLES)


def bulk_actions(user) -> list[tuple[str, str]]:
    """The bulk actions of the case list this user may take, as form choices."""
    actions = []
    if has_role(user, *REMIND_STEP.roles):
        actions.append(("remind", _("提醒当事方按期办理")))
    if has_role(user, *ASSIGN_ROLES):
        actions.append(("assign", _("分配待办任务")))
    return actions


def start_page(user) -> str | None:
    """The URL name of the page a signed-in user starts from (None: the inbox will do)."""
    if is_commission(user):
        return "work-dashboard"
    if has_role(user, *UNIT_ROLES):
        return "unit-home"
    if has_role(user, Role.CIVIL_SERVANT):
        return "me-home"
    return None


def navigation(request) -> dict:
    """Context processor: which of the role-specific links the navigation shows."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    return {
        "nav": {
            "commission": is_commission(user),
            "unit": has_role(user, *UNIT_ROLES),
            "personal": has_role(user, Role.CIVIL_SERVANT),
            "honours": has_role(user, *HONOURS_ROLES),
            "start": start_page(user),
        }
    }
