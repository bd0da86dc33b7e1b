from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def validate_id_number(value: str) -> None:
    """GB 11643-1999: 17 digits and a check character (0-9 or X)."""
    if len(value) != 18 or not value[:17].isdigit():
        raise ValidationError(_("身份证号码应为 18 位，前 17 位为数字。"), code="id_format")
    if value[17].upper() != id_check_char(value[:17]):
        raise ValidationError(_("身份证号码校验位不正确。"), code="id_checksum")


def id_check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def mask_id_number(value: str) -> str:
    """`441900199001011234` → `4419**********234`: region prefix and last four only."""
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


class Person(models.Model):
    """A civil servant (公务员) who can be the subject of a record."""

    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号码"), max_length=18, unique=True, validators=[validate_id_number])
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

    class Meta:
        verbose_name = _("公务员")
        verbose_name_plural = _("公务员")
        ordering = ["unit", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)
