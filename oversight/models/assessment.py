"""The annual integrity assessment (政务诚信考核评价, DOMAIN §9.1).

A year's `Assessment` carries its own indicator tree (`Indicator`, weights in points, base
100), copied from the default rows in `IndicatorTemplate` or from an earlier year, and frozen
once scoring starts. Scoring writes `ScoreLine`s — each a deduction or addition on one
indicator for one unit, with the rows behind it — and approval writes one `UnitResult` per
unit: the result as approved, never updated (an upheld objection appends a new revision).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.models.fields import user_link

POINTS = {"max_digits": 6, "decimal_places": 1}


class AssessmentState(models.TextChoices):
    DRAFT = "DRAFT", _("草拟指标")
    SCORING = "SCORING", _("评分中")
    SUBMITTED = "SUBMITTED", _("已提交审定")
    APPROVED = "APPROVED", _("已审定（结果冻结）")


class LineOrigin(models.TextChoices):
    AUTO = "auto", _("系统计算")
    MANUAL = "manual", _("人工加减分")
    OBJECTION = "objection", _("异议复核调整")


class ObjectionState(models.TextChoices):
    PENDING = "PENDING", _("待答复")
    UPHELD = "UPHELD", _("异议成立")
    REJECTED = "REJECTED", _("异议不成立")


class IndicatorFields(models.Model):
    code = models.SlugField(_("指标代码"), max_length=40)
    name = models.CharField(_("指标名称"), max_length=100)
    weight = models.DecimalField(_("分值"), **POINTS)
    #: The deduction source that scores it (oversight.assessment.sources), blank: by hand only.
    source = models.CharField(_("自动扣分来源"), max_length=40, blank=True)
    #: An additions indicator (加分项): starts at 0 and rises to its weight; the others start
    #: at their weight and fall to 0.
    bonus = models.BooleanField(_("加分项"), default=False)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    description = models.TextField(_("评分说明"), blank=True)

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.weight}）"


class IndicatorTemplate(IndicatorFields):
    """The default tree a new year starts from: data, edited like any year's tree."""

    class Meta(IndicatorFields.Meta):
        verbose_name = _("考核指标模板")
        verbose_name_plural = _("考核指标模板")
        constraints = [models.UniqueConstraint(fields=["code"], name="assessment_template_code")]


class Assessment(models.Model):
    year = models.PositiveSmallIntegerField(_("考核年度"), unique=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=AssessmentState.choices, default=AssessmentState.DRAFT
    )
    base = models.DecimalField(_("基础分"), default=100, **POINTS)
    #: The day the automatic deductions were last computed (their "as of").
    computed_on = models.DateField(_("计算日期"), null=True, blank=True)
    created_by = user_link(_("创建人"), required=True)
    submitted_by = user_link(_("提交人"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_by = user_link(_("审定人"))
    approved_on = models.DateField(_("审定日期"), null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} 年度政务诚信考核评价"


class Indicator(IndicatorFields):
    assessment = models.ForeignKey(
        Assessment, verbose_name=_("年度考核"), on_delete=models.CASCADE, related_name="indicators"
    )

    class Meta(IndicatorFields.Meta):
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "code"], name="assessment_indicator_code")
        ]


class ScoreLine(models.Model):
    """One deduction (negative points) or addition on one indicator for one unit, with what
    it rests on: `references` is a list of {"kind", "id", "record_id", "label"}."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="lines")
    organisation = models.ForeignKey(
        "casework.Organisation", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="lines"
    )
    origin = models.CharField(_("来源"), max_length=10, choices=LineOrigin.choices)
    points = models.DecimalField(_("分值"), **POINTS)
    explanation = models.CharField(_("说明"), max_length=500)
    references = models.JSONField(_("依据"), default=list, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    evidence = models.FileField(_("佐证材料"), upload_to="assessment/evidence/%Y/", blank=True)
    created_by = user_link(_("录入人"))
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核得分明细")
        verbose_name_plural = _("考核得分明细")
        ordering = ["indicator__position", "id"]
        indexes = [models.Index(fields=["assessment", "organisation"], name="assessment_line_unit")]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.points:+}"


class UnitResult(models.Model):
    """A unit's approved result, written once: revision 1 on approval, one more for each
    upheld objection. `scores` maps indicator code to its score (a string of the decimal)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="results")
    organisation = models.ForeignKey(
        "casework.Organisation", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    organisation_name = models.CharField(_("单位名称"), max_length=100)
    revision = models.PositiveSmallIntegerField(_("版本"), default=1)
    scores = models.JSONField(_("各指标得分"))
    deductions = models.TextField(_("扣分明细"), blank=True)
    total = models.DecimalField(_("总分"), **POINTS)
    grade = models.CharField(_("等级"), max_length=2)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["assessment", "organisation", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "organisation", "revision"], name="assessment_result_revision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_name} {self.total}（{self.grade}）"


class ResultObjection(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="objections")
    organisation = models.ForeignKey(
        "casework.Organisation", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("异议理由"))
    filed_by = user_link(_("提出人"), required=True)
    filed_on = models.DateField(_("提出日期"))
    state = models.CharField(
        _("状态"), max_length=10, choices=ObjectionState.choices, default=ObjectionState.PENDING
    )
    answer = models.TextField(_("答复意见"), blank=True)
    answered_by = user_link(_("答复人"))
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    #: The adjustment an upheld objection made.
    line = models.OneToOneField(
        ScoreLine, null=True, blank=True, on_delete=models.PROTECT, related_name="objection"
    )

    class Meta:
        verbose_name = _("考核结果异议")
        verbose_name_plural = _("考核结果异议")
        ordering = ["-filed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation} 考核结果异议（{self.filed_on}）"
