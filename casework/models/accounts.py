from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. Roles are Django groups carrying `casework.role_*` permissions
    (see casework/permissions.py), so that viewflow's permission-based queues see them too.
    """

    organisation = models.ForeignKey(
        "casework.Organisation",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    person = models.OneToOneField(
        "casework.Person",
        verbose_name=_("对应公务员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        permissions = [
            ("role_officer", _("角色：办案人员")),
            ("role_approver", _("角色：审批人员")),
            ("role_credit_admin", _("角色：信用管理员")),
            ("role_hr_admin", _("角色：人事管理员")),
            ("role_unit_liaison", _("角色：单位联络员")),
            ("role_unit_head", _("角色：单位主要负责人")),
            ("role_civil_servant", _("角色：公务员")),
            ("role_intake_operator", _("角色：线索登记员")),
            ("role_assessor", _("角色：考评人员")),
            ("role_system_admin", _("角色：系统管理员")),
            ("role_security_admin", _("角色：安全管理员")),
            ("role_audit_admin", _("角色：审计管理员")),
        ]


class ConflictDeclaration(models.Model):
    """回避 (S14 Art 47): the user may neither open nor act on cases about this subject."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("用户"))
    organisation = models.ForeignKey(
        "casework.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name=_("回避单位"),
    )
    person = models.ForeignKey(
        "casework.Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name=_("回避人员"),
    )
    reason = models.CharField(_("回避事由"), max_length=200)
    declared_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("回避登记")
        verbose_name_plural = _("回避登记")
        constraints = [
            models.CheckConstraint(
                name="conflict_one_subject",
                condition=models.Q(organisation__isnull=False, person__isnull=True)
                | models.Q(organisation__isnull=True, person__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ↔ {self.organisation or self.person}"
