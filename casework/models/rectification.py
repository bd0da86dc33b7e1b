from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from ..lifecycle import ITEM_STEPS, RECTIFICATION_STEPS, ItemState, RectificationState, RequestState
from .fields import user_link
from .steps import StepMachine


class Rectification(StepMachine, models.Model):
    """A rectification order (整改) on a record: numbered items, each with its own deadline
    (a `Deadline` owned by the item). The unit head's sign-off must postdate the last
    change of evidence before the liaison can submit (scenario 12)."""

    record = models.ForeignKey(
        "casework.Record", on_delete=models.PROTECT, related_name="rectifications", verbose_name=_("失信记录")
    )
    state = FSMField(
        _("状态"), default=RectificationState.DRAFT, choices=RectificationState.choices, protected=True
    )
    steps = RECTIFICATION_STEPS  # one transition method per row (StepMachine)
    drafted_by = user_link(_("拟稿人"), required=True)
    issued_by = user_link(_("签发人"))
    served_on = models.DateField(_("整改通知送达日期"), null=True, blank=True)
    explanation = models.TextField(_("情况说明"), blank=True)
    head_signed_by = user_link(_("主要负责人签字"))
    head_signed_at = models.DateTimeField(_("签字时间"), null=True, blank=True)
    evidence_changed_at = models.DateTimeField(_("材料最后变更时间"), null=True, blank=True)
    truth_declared = models.BooleanField(_("已声明材料真实"), default=False)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("整改")
        verbose_name_plural = _("整改")
        ordering = ["-created_at"]
        # The API list's keyset order.
        indexes = [models.Index(fields=["created_at", "id"], name="rectification_created_id")]

    def __str__(self) -> str:
        return f"{self.record} · 整改"


class RectificationItem(StepMachine, models.Model):
    """One numbered requirement of a rectification order."""

    rectification = models.ForeignKey(
        Rectification, on_delete=models.CASCADE, related_name="items", verbose_name=_("整改")
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    state = FSMField(_("状态"), default=ItemState.OPEN, choices=ItemState.choices, protected=True)
    steps = ITEM_STEPS  # one transition method per row (StepMachine)
    requirement = models.TextField(_("整改要求"))
    acceptance_criteria = models.TextField(_("验收标准"))
    required_evidence = models.TextField(_("须提交的材料"))
    period_days = models.PositiveSmallIntegerField(_("整改期限（自然日）"))
    extension_used = models.BooleanField(_("已延期"), default=False)
    return_reason = models.TextField(_("退回理由"), blank=True)

    class Meta:
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ["rectification", "number"]
        constraints = [
            models.UniqueConstraint(fields=["rectification", "number"], name="item_number_unique"),
            models.CheckConstraint(name="item_period_positive", condition=models.Q(period_days__gt=0)),
        ]
        indexes = [models.Index(fields=["state"], name="item_state")]

    def __str__(self) -> str:
        return f"{self.number}. {self.requirement[:30]}"


class ExtensionRequest(models.Model):
    """One per item at most, asked before its deadline (scenario 11)."""

    item = models.ForeignKey(
        RectificationItem, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("整改事项")
    )
    requested_by = user_link(_("申请人"), required=True)
    requested_on = models.DateField(_("申请日期"))
    reason = models.TextField(_("延期理由"))
    days = models.PositiveSmallIntegerField(_("申请延长天数"))
    state = models.CharField(
        _("状态"), max_length=10, choices=RequestState.choices, default=RequestState.PENDING
    )
    decided_by = user_link(_("审批人"))
    decided_on = models.DateField(_("审批日期"), null=True, blank=True)
    decision_reason = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_on"]
        constraints = [
            models.UniqueConstraint(fields=["item"], name="one_extension_request_per_item"),
            models.CheckConstraint(name="extension_days_positive", condition=models.Q(days__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.item} +{self.days}"


class ReviewDecision(models.TextChoices):
    ACCEPT = "ACCEPT", _("验收")
    RETURN = "RETURN", _("退回")


class ItemReview(models.Model):
    """The history of reviews of one item: accepted items stay accepted (scenario 10)."""

    item = models.ForeignKey(
        RectificationItem, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("整改事项")
    )
    decision = models.CharField(_("审核结论"), max_length=10, choices=ReviewDecision.choices)
    reason = models.TextField(_("审核意见"), blank=True)
    reviewer = user_link(_("审核人"), required=True)
    reviewed_at = models.DateTimeField(_("审核时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("整改审核")
        verbose_name_plural = _("整改审核")
        ordering = ["reviewed_at", "id"]

    def __str__(self) -> str:
        return f"{self.item} {self.get_decision_display()}"
