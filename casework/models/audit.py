from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..action_labels import action_label


class AppendOnlyError(Exception):
    pass


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit entries cannot be updated")

    def delete(self):
        raise AppendOnlyError("audit entries cannot be deleted")

    _raw_delete = delete


class AuditEntry(models.Model):
    """One append-only, hash-chained line of the audit trail.

    `hash` is SHA-256 over the entry's content and `prev_hash`, so altering or removing
    any stored entry breaks the chain from that point (see casework/audit.py verify()).
    Only casework.audit.append() creates entries.
    """

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    created_at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        "casework.User",
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    actor_role = models.CharField(_("角色"), max_length=40, blank=True)
    # Looked up with object_id: the (content_type, object_id) index serves both, and a sweep's
    # thousand entries write one index entry fewer each.
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", db_index=False)
    object_id = models.CharField(_("对象编号"), max_length=40)
    object_repr = models.CharField(_("对象"), max_length=200)
    record = models.ForeignKey(
        "casework.Record",
        verbose_name=_("失信记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_entries",
    )
    action = models.CharField(_("操作"), max_length=60)
    from_state = models.CharField(_("原状态"), max_length=30, blank=True)
    to_state = models.CharField(_("新状态"), max_length=30, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    diff = models.JSONField(_("字段变更"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    # Unique by a constraint, not unique=True: that would add a varchar_pattern_ops twin for
    # LIKE, which no query runs on a hash, and which every entry would write to.
    hash = models.CharField(max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["seq"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [models.UniqueConstraint(fields=["hash"], name="audit_hash_unique")]

    def __str__(self) -> str:
        return f"#{self.seq} {action_label(self.action)} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit entries cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditHead(models.Model):
    """The single row that holds the chain's tip. Appenders lock it, which serialises
    appends on every database and lets verify() notice a removed last entry."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"#{self.seq}"
