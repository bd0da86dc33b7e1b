"""Civil-servant integrity files (公务员诚信档案, DOMAIN §9.5).

A file is opened once per civil servant by HR; what the system already knows about the
person (records, sanctions, repairs, honours queries) is read into it by query whenever it
is shown, never copied, so it cannot drift. What only HR knows (rewards, training, annual
assessments, personal-matters checks, commitments) is entered by hand as `FileEntry` rows:
append-only, a mistake is put right by a new entry that voids the old one, with a reason.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.models.fields import user_link


class IntegrityFile(models.Model):
    person = models.OneToOneField(
        "casework.Person",
        verbose_name=_("公务员"),
        on_delete=models.PROTECT,
        related_name="integrity_file",
    )
    opened_on = models.DateField(_("建档日期"))
    opened_by = user_link(_("建档人"))

    class Meta:
        verbose_name = _("公务员诚信档案")
        verbose_name_plural = _("公务员诚信档案")
        ordering = ["person__unit", "person__name"]

    def __str__(self) -> str:
        return str(_("%(name)s的诚信档案") % {"name": self.person.name})


class EntryKind(models.TextChoices):
    """What HR enters by hand (rewards: S16 Art 53; assessment: S16 Art 38)."""

    COMMENDATION = "COMMENDATION", _("嘉奖")
    MERIT_THIRD = "MERIT_THIRD", _("记三等功")
    MERIT_SECOND = "MERIT_SECOND", _("记二等功")
    MERIT_FIRST = "MERIT_FIRST", _("记一等功")
    HONOUR_TITLE = "HONOUR_TITLE", _("授予称号")
    TRAINING = "TRAINING", _("诚信培训")
    ANNUAL_ASSESSMENT = "ANNUAL_ASSESSMENT", _("年度考核")
    PERSONAL_MATTERS = "PERSONAL_MATTERS", _("个人有关事项报告核查")
    COMMITMENT = "COMMITMENT", _("承诺")
    OTHER = "OTHER", _("其他")


#: The sections of the file the hand entries fall in, in the order the file shows them.
REWARD_KINDS = (
    EntryKind.COMMENDATION,
    EntryKind.MERIT_THIRD,
    EntryKind.MERIT_SECOND,
    EntryKind.MERIT_FIRST,
    EntryKind.HONOUR_TITLE,
)


class AssessmentResult(models.TextChoices):
    """The four grades of the annual assessment (S16 Art 38)."""

    EXCELLENT = "优秀", _("优秀")
    COMPETENT = "称职", _("称职")
    BASIC = "基本称职", _("基本称职")
    INCOMPETENT = "不称职", _("不称职")


class FileEntryQuerySet(models.QuerySet):
    """Entries are never changed nor removed: a correction is a new entry."""

    def update(self, **kwargs):
        raise TypeError("integrity file entries are append-only")

    def delete(self):
        raise TypeError("integrity file entries are append-only")


class FileEntry(models.Model):
    file = models.ForeignKey(
        IntegrityFile, verbose_name=_("诚信档案"), on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("类别"), max_length=20, choices=EntryKind.choices)
    entry_date = models.DateField(_("日期"))
    description = models.TextField(_("内容"))
    #: The training's result, or the assessment's grade (AssessmentResult).
    result = models.CharField(_("结果"), max_length=100, blank=True)
    #: The assessment year.
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    evidence = models.CharField(_("证明材料"), max_length=200, blank=True)
    #: The older entry this one replaces; that one is void from then on.
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("更正的条目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrected_by",
    )
    correction_reason = models.TextField(_("更正理由"), blank=True)
    created_by = user_link(_("登记人"), required=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = FileEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("诚信档案条目")
        verbose_name_plural = _("诚信档案条目")
        ordering = ["entry_date", "id"]
        constraints = [
            models.CheckConstraint(
                name="file_entry_correction_has_reason",
                condition=Q(corrects__isnull=True) | ~Q(correction_reason=""),
            ),
            models.CheckConstraint(
                name="file_entry_assessment_has_year_and_grade",
                condition=~Q(kind="ANNUAL_ASSESSMENT")
                | (Q(year__isnull=False) & Q(result__in=[r.value for r in AssessmentResult])),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.entry_date}"
