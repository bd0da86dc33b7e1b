"""Commitments (承诺, DOMAIN §9.8): what a unit promised to whom, under which document and
basis, its milestones with their due dates, and the change requests that alone may change it
lawfully. The states and steps are oversight.commitments.lifecycle's; the services there are
the only writers.

A milestone and a broken commitment keep the lead they became (`lead`): a lead is registered
once, however often the miss is recorded."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.models.fields import user_link

from ..commitments.lifecycle import ChangeState, CommitmentState, CommitmentType, MilestoneState, Reason


def _lead(verbose_name) -> models.ForeignKey:
    return models.ForeignKey(
        "casework.Record",
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )


class Attached(models.Model):
    """An optional file, checked by content (casework.uploads) and stored under a generated name."""

    file_name = models.CharField(_("附件名称"), max_length=200, blank=True, default="")
    stored_name = models.CharField(_("存储名"), max_length=100, blank=True, default="")
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, default="")

    class Meta:
        abstract = True


class Commitment(Attached):
    promisor = models.ForeignKey(
        "casework.Organisation", verbose_name=_("承诺单位"), on_delete=models.PROTECT, related_name="+"
    )
    counterparty_name = models.CharField(_("承诺对象"), max_length=200)
    counterparty_uscc = models.CharField(_("承诺对象统一社会信用代码"), max_length=18, blank=True, default="")
    type = models.CharField(_("承诺类型"), max_length=20, choices=CommitmentType.choices)
    document_number = models.CharField(_("文件编号"), max_length=100, blank=True, default="")
    document_title = models.CharField(_("文件名称"), max_length=200)
    legal_basis = models.TextField(_("法律政策依据"), blank=True, default="")
    obligations = models.TextField(_("承诺义务"))
    state = models.CharField(
        _("状态"), max_length=12, choices=CommitmentState.choices, default=CommitmentState.IN_FORCE
    )
    registered_on = models.DateField(_("登记日期"))
    registered_by = user_link(_("登记人"), required=True)
    breached_on = models.DateField(_("认定违约日期"), null=True, blank=True)
    breach_reason = models.TextField(_("违约情形"), blank=True, default="")
    lead = _lead(_("违约线索"))

    class Meta:
        verbose_name = _("承诺")
        verbose_name_plural = _("承诺")
        ordering = ["-registered_on", "-id"]
        indexes = [
            models.Index(fields=["promisor", "state"], name="commitment_promisor_state"),
            # the commission's list, newest first, pages off this index
            models.Index(fields=["-registered_on", "-id"], name="commitment_registered"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.document_title}"

    @property
    def number(self) -> str:
        return f"CN-{self.registered_on.year}-{self.pk or 0:06d}"


class Milestone(models.Model):
    commitment = models.ForeignKey(
        Commitment, verbose_name=_("承诺"), on_delete=models.PROTECT, related_name="milestones"
    )
    description = models.TextField(_("履约节点"))
    due_on = models.DateField(_("应履行日期"))
    state = models.CharField(
        _("状态"), max_length=10, choices=MilestoneState.choices, default=MilestoneState.PENDING
    )
    performed_on = models.DateField(_("履行日期"), null=True, blank=True)
    missed_on = models.DateField(_("登记未履行日期"), null=True, blank=True)
    reason = models.CharField(
        _("未履行原因类别"), max_length=20, choices=Reason.choices, blank=True, default=""
    )
    explanation = models.TextField(_("未履行情况说明"), blank=True, default="")
    lead = _lead(_("失信线索"))
    recorded_by = user_link(_("登记人"))

    class Meta:
        verbose_name = _("履约节点")
        verbose_name_plural = _("履约节点")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=MilestoneState.PERFORMED) | Q(performed_on__isnull=False),
                name="milestone_performed_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(state=MilestoneState.MISSED) | ~Q(reason=""),
                name="milestone_missed_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["state", "due_on"], name="milestone_state_due")]

    def __str__(self) -> str:
        return self.description[:50]


class ChangeRequest(Attached):
    commitment = models.ForeignKey(
        Commitment, verbose_name=_("承诺"), on_delete=models.PROTECT, related_name="change_requests"
    )
    reason = models.CharField(_("变更事由"), max_length=20, choices=Reason.choices)
    procedure = models.TextField(_("法定程序材料"))
    compensation = models.TextField(_("补偿决定"))
    state = models.CharField(
        _("状态"), max_length=10, choices=ChangeState.choices, default=ChangeState.SUBMITTED
    )
    submitted_on = models.DateField(_("提交日期"))
    submitted_by = user_link(_("提交人"), required=True)
    decided_on = models.DateField(_("审批日期"), null=True, blank=True)
    decided_by = user_link(_("审批人"))
    decision_note = models.TextField(_("审批意见"), blank=True, default="")

    class Meta:
        verbose_name = _("承诺变更申请")
        verbose_name_plural = _("承诺变更申请")
        ordering = ["-submitted_on", "-id"]
        constraints = [
            # One request waits at a time: the approver decides it before another is made.
            models.UniqueConstraint(
                fields=["commitment"],
                condition=Q(state="submitted"),
                name="change_request_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment.number} {self.get_reason_display()}"
