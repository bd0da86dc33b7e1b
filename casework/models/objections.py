from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from ..lifecycle import OBJECTION_STEPS, ObjectionState
from .fields import user_link
from .steps import StepMachine


class ObjectionGround(models.TextChoices):
    """S10 Art 48; 上海 Art 36."""

    ERROR = "ERROR", _("信息错误或遗漏")
    PERIOD_EXCEEDED = "PERIOD_EXCEEDED", _("超过公示期限仍在公示")
    CONDITIONS = "CONDITIONS", _("不符合列入条件或应当移出")
    PRIVACY = "PRIVACY", _("侵犯商业秘密或个人隐私")
    PERIOD_OR_REPAIR = "PERIOD_OR_REPAIR", _("对公示期限或修复结果有异议")
    OTHER = "OTHER", _("其他违法情形")


class ObjectionOutcome(models.TextChoices):
    """S10 Art 51; S13 Art 25. How each one changes the record: DOMAIN §5.1 T10/T14."""

    MAINTAIN = "MAINTAIN", _("维持")
    CORRECT = "CORRECT", _("更正")
    SUPPLEMENT = "SUPPLEMENT", _("补充")
    REVOKE = "REVOKE", _("撤销")
    STOP_DISCLOSURE = "STOP_DISCLOSURE", _("停止公开")
    DELIST = "DELIST", _("移出名单")
    UNCONFIRMABLE = "UNCONFIRMABLE", _("无法确认")


class Objection(StepMachine, models.Model):
    """An objection (异议) by the record's subject. The decision clock runs from the day the
    filing is complete (`complete_on`), which a supplement request moves (scenario 5)."""

    record = models.ForeignKey(
        "casework.Record", on_delete=models.PROTECT, related_name="objections", verbose_name=_("失信记录")
    )
    state = FSMField(
        _("状态"), default=ObjectionState.SUBMITTED, choices=ObjectionState.choices, protected=True
    )
    steps = OBJECTION_STEPS  # one transition method per row (StepMachine)
    ground = models.CharField(_("异议理由类别"), max_length=20, choices=ObjectionGround.choices)
    statement = models.TextField(_("异议内容"))
    fingerprint = models.CharField(max_length=64, db_index=True, editable=False)
    filed_by = user_link(_("提出人"), required=True)
    received_on = models.DateField(_("收到日期"))
    complete_on = models.DateField(_("材料齐全日期"), null=True, blank=True)
    missing_items = models.TextField(_("需补正材料"), blank=True)
    not_accepted_reason = models.TextField(_("不予受理理由"), blank=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    extension_reason = models.TextField(_("延期理由"), blank=True)
    outcome = models.CharField(_("处理结果"), max_length=20, choices=ObjectionOutcome.choices, blank=True)
    decision_reason = models.TextField(_("处理理由"), blank=True)
    corrections = models.JSONField(_("更正/补充内容"), default=dict, blank=True)
    decided_by = user_link(_("决定人"))
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    served_on = models.DateField(_("送达日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.record} · {self.get_ground_display()}"
