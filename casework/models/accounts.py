from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
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
    # When the password was last set (expiry: casework.passwords). Accounts that existed
    # before the field got the migration's time: a full period to change (docs/decisions.md).
    password_changed_at = models.DateTimeField(_("密码修改时间"), default=timezone.now)

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

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def save(self, *args, **kwargs):
        changed = self._password is not None  # set_password() since the last save
        super().save(*args, **kwargs)
        if changed:
            # The history the rules check, and every API token of the old password revoked.
            from ..passwords import password_was_set

            password_was_set(self)


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


class PasswordHistory(models.Model):
    """A password a user had (its hash only): a new one may not repeat the last few
    (CHENGXIN["PASSWORDS"]["HISTORY"], casework.passwords)."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(_("密码（哈希值）"), max_length=128)
    created_at = models.DateTimeField(_("设置时间"), default=timezone.now)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user} · {self.created_at:%Y-%m-%d}"


class ApiToken(models.Model):
    """A key for the API (`Authorization: Token <key>`), of which only the SHA-256 is
    stored. It ends at `expires_at`, when revoked (API sign-out, site sign-out, password
    change, the user or an administrator) or with its user's deactivation."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user} · {self.name or self.pk}"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now
