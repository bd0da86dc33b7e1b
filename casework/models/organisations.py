from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import identifiers
from .fields import user_link


class OrganisationType(models.TextChoices):
    DEPARTMENT = "DEPARTMENT", _("市直部门")
    PARK = "PARK", _("园区")
    TOWN = "TOWN", _("镇街")
    VILLAGE = "VILLAGE", _("村(社区)")
    INSTITUTION = "INSTITUTION", _("事业单位")


class Organisation(models.Model):
    """A government body that can be the subject of a record, or that employs civil servants.

    `name` is the current name; the names it carried before live in `OrganisationName`
    so that a notice or a record can show the name in force on its own date.
    """

    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    type = models.CharField(_("类型"), max_length=20, choices=OrganisationType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    credit_code = identifiers.CreditCodeField(_("统一社会信用代码"), unique=True, null=True, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    # A code that fails the check, saved by the credit administrator who verified it
    # (casework.identifiers.USCC).
    credit_code_override_reason = models.TextField(_("信用代码校验例外理由"), blank=True)
    credit_code_override_by = user_link(_("校验例外核实人"))
    credit_code_override_at = models.DateTimeField(_("校验例外核实时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["type", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        identifiers.USCC.clean(self)

    def name_on(self, day) -> str:
        """The name the organisation carried on `day` (falls back to the current name)."""
        for entry in self.names.all():
            if entry.valid_from <= day and (entry.valid_to is None or day <= entry.valid_to):
                return entry.name
        return self.name


class OrganisationName(models.Model):
    """An effective-dated name: bureaus were renamed in the 2019 reform and again since."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="names",
        verbose_name=_("单位"),
    )
    name = models.CharField(_("名称"), max_length=100)
    valid_from = models.DateField(_("启用日期"))
    valid_to = models.DateField(_("停用日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("单位名称沿革")
        verbose_name_plural = _("单位名称沿革")
        ordering = ["organisation", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                name="orgname_valid_range",
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(valid_to__isnull=True),
                name="orgname_one_current",
            ),
        ]

    def __str__(self) -> str:
        return self.name
