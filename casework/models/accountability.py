from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from ..lifecycle import ACCOUNTABILITY_STEPS, AccountabilityState
from .fields import user_link
from .steps import StepMachine


class Track(models.TextChoices):
    """The parallel legal tracks of DOMAIN §6.4."""

    SUPERVISORY = "SUPERVISORY", _("政务处分（监察机关）")
    APPOINTING = "APPOINTING", _("处分（任免机关）")
    PARTY = "PARTY", _("问责")


class DecisionType(models.TextChoices):
    # 政务处分 / 处分 (S14 Art 7; S16 Art 62): the six forms with a period.
    WARNING = "WARNING", _("警告")
    DEMERIT = "DEMERIT", _("记过")
    MAJOR_DEMERIT = "MAJOR_DEMERIT", _("记大过")
    DEMOTION = "DEMOTION", _("降级")
    REMOVAL_FROM_POST = "REMOVAL_FROM_POST", _("撤职")
    EXPULSION = "EXPULSION", _("开除")
    # Lighter handling (S14 Art 12; S15 Art 52(1)).
    REMINDER_TALK = "REMINDER_TALK", _("谈话提醒")
    CRITICISM = "CRITICISM", _("批评教育")
    SELF_EXAMINATION = "SELF_EXAMINATION", _("责令检查")
    ADMONITION = "ADMONITION", _("诫勉")
    # 问责 (S18, S19).
    CIRCULAR = "CIRCULAR", _("通报")
    ORGANISATIONAL = "ORGANISATIONAL", _("组织调整或者组织处理")
    PUBLIC_APOLOGY = "PUBLIC_APOLOGY", _("责令公开道歉")
    SUSPENSION = "SUSPENSION", _("停职检查")
    RESIGNATION = "RESIGNATION", _("引咎辞职")
    ORDERED_RESIGNATION = "ORDERED_RESIGNATION", _("责令辞职")
    DISMISSAL = "DISMISSAL", _("免职")
    INSPECTION = "INSPECTION", _("检查")
    REORGANISATION = "REORGANISATION", _("改组")
    # Other outcomes (S14 Art 44).
    NOT_SANCTIONED = "NOT_SANCTIONED", _("不予处分")
    EXEMPTED = "EXEMPTED", _("免予处分")
    TRANSFERRED = "TRANSFERRED", _("移送")


class Accountability(StepMachine, models.Model):
    """A case against persons and/or a unit, usually opened from a record or an escalated
    rectification. `needs_reexamination` marks a case whose underlying record was revoked
    (S14 Art 49, scenario 6)."""

    record = models.ForeignKey(
        "casework.Record",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountabilities",
        verbose_name=_("失信记录"),
    )
    rectification = models.ForeignKey(
        "casework.Rectification",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountabilities",
        verbose_name=_("源于整改"),
    )
    unit = models.ForeignKey(
        "casework.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountabilities",
        verbose_name=_("被追责单位"),
    )
    persons = models.ManyToManyField("casework.Person", blank=True, verbose_name=_("被追责人员"))
    track = models.CharField(_("程序"), max_length=20, choices=Track.choices)
    state = FSMField(
        _("状态"), default=AccountabilityState.INITIATED, choices=AccountabilityState.choices, protected=True
    )
    steps = ACCOUNTABILITY_STEPS  # one transition method per row (StepMachine)
    reason = models.TextField(_("立案事由"))
    initiated_by = user_link(_("立案人"))
    initiated_on = models.DateField(_("立案日期"))
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    served_on = models.DateField(_("送达日期"), null=True, blank=True)
    needs_reexamination = models.BooleanField(_("需重新审查"), default=False)

    class Meta:
        verbose_name = _("责任追究")
        verbose_name_plural = _("责任追究")
        ordering = ["-initiated_on", "-id"]
        # The API list's keyset order.
        indexes = [models.Index(fields=["initiated_on", "id"], name="accountability_initiated_id")]

    def __str__(self) -> str:
        return f"{self.get_track_display()} · {self.reason[:30]}"


class Sanction(models.Model):
    """The decision on one person. A period runs from `effective_on` (status duration: no
    roll-forward); several sanctions → the heaviest, combined ≤ 48 months (S14 Art 8, 15)."""

    accountability = models.ForeignKey(
        Accountability, on_delete=models.CASCADE, related_name="sanctions", verbose_name=_("责任追究")
    )
    person = models.ForeignKey(
        "casework.Person", on_delete=models.PROTECT, related_name="sanctions", verbose_name=_("被处分人")
    )
    decision_type = models.CharField(_("处理类型"), max_length=30, choices=DecisionType.choices)
    basis = models.TextField(_("依据"))
    effective_on = models.DateField(_("生效日期"))
    period_months = models.PositiveSmallIntegerField(_("处分期（月）"), default=0)
    period_end = models.DateField(_("处分期届满"), null=True, blank=True)
    released_on = models.DateField(_("解除日期"), null=True, blank=True)
    revoked = models.BooleanField(_("已撤销"), default=False)

    class Meta:
        verbose_name = _("处分/问责决定")
        verbose_name_plural = _("处分/问责决定")
        ordering = ["-effective_on", "-id"]
        indexes = [models.Index(fields=["person", "period_end"], name="sanction_person_period")]

    def __str__(self) -> str:
        return f"{self.person} {self.get_decision_type_display()}"


class AppealKind(models.TextChoices):
    REVIEW = "REVIEW", _("复审")  # S15 Art 56: 1 month to apply, 1 month to decide
    RE_REVIEW = "RE_REVIEW", _("复核")  # S15 Art 56: 1 month to apply, 2 months to decide
    CS_REVIEW = "CS_REVIEW", _("复核（公务员法）")  # S16 Art 95: 30 days / 30 days
    COMPLAINT = "COMPLAINT", _("申诉")  # S16 Art 95: 15 days after 复核 / 60 days
    PARTY_APPEAL = "PARTY_APPEAL", _("问责申诉")  # S19: 15 days / 30 days


class AppealOutcome(models.TextChoices):
    UPHELD = "UPHELD", _("维持")
    VARIED = "VARIED", _("变更")
    REVOKED = "REVOKED", _("撤销")


class Appeal(models.Model):
    """An appeal does not suspend the sanction (S15 Art 56; S16 Art 96)."""

    sanction = models.ForeignKey(
        Sanction, on_delete=models.CASCADE, related_name="appeals", verbose_name=_("决定")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=AppealKind.choices)
    filed_on = models.DateField(_("申请日期"))
    grounds = models.TextField(_("理由"))
    decision_due = models.DateField(_("决定期限"))
    outcome = models.CharField(_("结果"), max_length=10, choices=AppealOutcome.choices, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("复审/复核/申诉")
        verbose_name_plural = _("复审/复核/申诉")
        ordering = ["-filed_on"]

    def __str__(self) -> str:
        return f"{self.sanction} {self.get_kind_display()}"
