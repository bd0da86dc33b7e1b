from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import user_link


class AttachmentVisibility(models.TextChoices):
    """Who outside the commission may have a file (need-to-know, 等保 level 3)."""

    INTERNAL = "INTERNAL", _("内部（仅监委工作人员）")
    SUBJECT = "SUBJECT", _("向当事方公开")
    PUBLIC = "PUBLIC", _("可向社会公开")


class Attachment(models.Model):
    """An uploaded file (evidence, objection grounds, commitment letter).

    Stored outside the web root under a generated name; `content_type` is what the bytes
    are, not what the file name claims. Served only to users who may see what it belongs
    to and, outside the commission, only when its `visibility` shares it with them
    (casework.queries.visible_attachments).
    """

    record = models.ForeignKey(
        "casework.Record", on_delete=models.PROTECT, related_name="attachments", verbose_name=_("失信记录")
    )
    owner_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    owner_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("owner_type", "owner_id")
    purpose = models.CharField(_("用途"), max_length=30)
    original_name = models.CharField(_("原文件名"), max_length=255)
    stored_name = models.CharField(max_length=100, unique=True, editable=False)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    # INTERNAL unless said otherwise: a file nobody classed stays with the commission.
    visibility = models.CharField(
        _("可见范围"),
        max_length=10,
        choices=AttachmentVisibility.choices,
        default=AttachmentVisibility.INTERNAL,
    )
    uploaded_by = user_link(_("上传人"), required=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["owner_type", "owner_id"])]
        constraints = [models.CheckConstraint(name="attachment_not_empty", condition=models.Q(size__gt=0))]

    def __str__(self) -> str:
        return self.original_name
