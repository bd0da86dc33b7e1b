from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import identifiers, pii
from .fields import user_link

# Migration 0001 names the validator by this path.
validate_id_number = identifiers.validate_id_number


class PersonQuerySet(models.QuerySet):
    def with_id_number(self, raw: str):
        """The people whose ID number is `raw` (as typed: normalised, then matched by its keyed hash)."""
        return self.filter(id_number_hash=pii.lookup_hash(raw))

    def with_id_numbers(self, raws):
        return self.filter(id_number_hash__in=[pii.lookup_hash(raw) for raw in raws])

    def with_id_number_tail(self, tail: str):
        """By the last digits, which the masked column keeps in clear (as every page shows them)."""
        return self.filter(id_number_masked__endswith=identifiers.normalise_id_number(tail))


class Person(models.Model):
    """A civil servant (公务员) who can be the subject of a record.

    The ID number is stored encrypted with a keyed hash for lookups (casework.pii):
    `person.id_number` reads and writes it in clear; filter with
    `Person.objects.with_id_number(raw)`, never on a column."""

    name = models.CharField(_("姓名"), max_length=50)
    id_number_ciphertext = models.TextField(_("身份证号码（密文）"), editable=False)
    id_number_hash = models.CharField(_("身份证号码检索摘要"), max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField(_("身份证号码（脱敏）"), max_length=18, editable=False)
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

    objects = PersonQuerySet.as_manager()
    #: (ciphertext, number in clear) once decrypted or set: not a column.
    _id_number_cache: tuple[str, str] | None = None

    class Meta:
        verbose_name = _("公务员")
        verbose_name_plural = _("公务员")
        ordering = ["unit", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number(self) -> str:
        """The number in clear, decrypted on first read (a wrong key raises pii.PiiKeyError)."""
        cached = self._id_number_cache
        if cached is None or cached[0] != self.id_number_ciphertext:
            cached = (self.id_number_ciphertext, pii.decrypt(self.id_number_ciphertext))
            self._id_number_cache = cached
        return cached[1]

    @id_number.setter
    def id_number(self, raw: str) -> None:
        number = identifiers.normalise_id_number(raw)
        if self._id_number_cache == (self.id_number_ciphertext, number) and number:
            return  # unchanged: keep the ciphertext (no needless re-encryption, no spurious diff)
        for column, value in pii.columns(number).items():
            setattr(self, column, value)
        self._id_number_cache = (self.id_number_ciphertext, number)

    def clean(self):
        super().clean()
        if not self.id_number:
            raise ValidationError({"id_number": ValidationError(_("请填写身份证号码。"), code="required")})
        try:
            identifiers.validate_id_number_shape(self.id_number)
        except ValidationError as refused:
            raise ValidationError({"id_number": refused}) from None
        taken = Person.objects.with_id_number(self.id_number).exclude(pk=self.pk)
        if taken.exists():
            raise ValidationError(
                {"id_number": ValidationError(_("已有相同身份证号码的公务员。"), code="unique")}
            )
        identifiers.ID_NUMBER.clean(self)

    @property
    def masked_id_number(self) -> str:
        return self.id_number_masked
