"""The roles of DOMAIN §2. A role is held through the `casework.role_<code>` permission,
normally granted by the Django group of the same label (see migration 0002)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("办案人员")
    APPROVER = "approver", _("审批人员")
    CREDIT_ADMIN = "credit_admin", _("信用管理员")
    HR_ADMIN = "hr_admin", _("人事管理员")
    UNIT_LIAISON = "unit_liaison", _("单位联络员")
    UNIT_HEAD = "unit_head", _("单位主要负责人")
    CIVIL_SERVANT = "civil_servant", _("公务员")
    INTAKE_OPERATOR = "intake_operator", _("线索登记员")
    ASSESSOR = "assessor", _("考评人员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    # 三员分立 (GB/T 22239 level 3): roles and lockouts; the audit trail (docs/decisions.md).
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")
    # Not a group: the scheduler and other automatic callers act as this role.
    SYSTEM = "system", _("系统")


def permission_codename(role: str) -> str:
    return f"role_{role}"
