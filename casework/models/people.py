from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import identifiers
from .fields import user_link

# Migration 0001 names the validator by this path.
validate_id_number = identifiers.validate_id_number


class Person(models.Model):
    """A civil servant (公务员) who can be the subject of a record."""

    name = models.CharField(_("姓名"), max_length=50)
    id_number = identifiers.IdNumberField(_("身份证号码"), unique=True)
    unit = models.ForeignKey(
        "casework.Organisation",
        verbose_name=_("工作单位"),
        on_delete=models.PROTECT,
        related_name="staff",
    )
    post = models.CharField(_("职务"), max_length=100, blank=True)
    rank = models.CharField(_("职级"), max_length=50, blank=True)
    supervising_body = models.CharField(
        _("管理权限单位"), max_length=100, blank=True, help_text=_("有权作出处分的机关")
    )
    is_active = models.BooleanField(_("在职"), default=True)
    # A number that fails the check, saved by the HR administrator who verified it
    # (casework.identifiers.ID_NUMBER).
    id_number_override_reason = models.TextField(_("身份证号码校验例外理由"), blank=True)
    id_number_override_by = user_link(_("校验例外核实人"))
    id_number_override_at = models.DateTimeField(_("校验例外核实时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公务员")
        verbose_name_plural = _("公务员")
        ordering = ["unit", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        identifiers.ID_NUMBER.clean(self)

    @property
    def masked_id_number(self) -> str:
        return identifiers.mask_id_number(self.id_number)
