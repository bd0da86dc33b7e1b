"""A complaint as it came in (DOMAIN §9.3): from which channel, under which work-order number,
from whom, about what and which unit; where triage sent it (a lead, another complaint, back
to the hotline, nowhere) and when the complainant was answered.

The states and steps are exchange.complaints.lifecycle's; the services there are the only
writers. The complainant's name and contact are personal data: every page, list, export and
API shows them masked except to the roles that call back (exchange.complaints.masking)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.models.fields import user_link

from ..complaints.lifecycle import Channel, ComplaintState


class Complaint(models.Model):
    channel = models.CharField(_("来源渠道"), max_length=20, choices=Channel.choices)
    #: The channel's own number (工单编号); blank for a walk-in complaint, which has none.
    work_order = models.CharField(_("工单编号"), max_length=60, blank=True, default="")
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("内容"))
    complainant_name = models.CharField(_("投诉人"), max_length=100, blank=True, default="")
    complainant_contact = models.CharField(_("联系方式"), max_length=100, blank=True, default="")
    #: 分类编码 after DB44/T 2479-2024 and 诉求类型, as the channel classified the complaint.
    classification_code = models.CharField(_("分类编码"), max_length=40, blank=True, default="")
    request_type = models.CharField(_("诉求类型"), max_length=40, blank=True, default="")
    #: The unit complained about, once known (the hotline names it as text: `handling_unit`).
    organisation = models.ForeignKey(
        "casework.Organisation",
        verbose_name=_("被投诉单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handling_unit = models.CharField(_("承办单位（来件所列）"), max_length=200, blank=True, default="")
    #: What else the channel sent (时限, 回访结果…), kept as received.
    extra = models.JSONField(_("其他来件信息"), default=dict, blank=True)
    received_on = models.DateField(_("收到日期"))
    routing_due = models.DateField(_("分办期限"))
    feedback_due = models.DateField(_("书面答复期限"))
    #: The rule version the two dates were computed under (a provisional year: recomputed).
    due_provisional = models.BooleanField(_("期限待节假日确认"), default=False)
    state = models.CharField(
        _("状态"), max_length=10, choices=ComplaintState.choices, default=ComplaintState.RECEIVED
    )
    routed_on = models.DateField(_("分办日期"), null=True, blank=True)
    reason = models.TextField(_("退单或不予受理理由"), blank=True, default="")
    lead = models.ForeignKey(
        "casework.Record",
        verbose_name=_("线索"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    merged_into = models.ForeignKey(
        "self", verbose_name=_("并入"), on_delete=models.PROTECT, null=True, blank=True, related_name="merged"
    )
    #: The written answer to the complainant (a notice on the lead, or the channel's message).
    replied_on = models.DateField(_("书面答复日期"), null=True, blank=True)
    #: The result sent when the lead closed.
    result_on = models.DateField(_("办结日期"), null=True, blank=True)
    import_batch = models.ForeignKey(
        "exchange.ImportBatch", verbose_name=_("导入批次"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_by = user_link(_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("投诉")
        verbose_name_plural = _("投诉")
        ordering = ["-received_on", "-id"]
        constraints = [
            # One complaint per work order of a channel: the API and the import are idempotent on it.
            models.UniqueConstraint(
                fields=["channel", "work_order"],
                condition=~models.Q(work_order=""),
                name="complaint_work_order_once",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "routing_due"], name="complaint_triage"),
            # The API list's keyset order.
            models.Index(fields=["received_on", "id"], name="complaint_received_id"),
        ]
        permissions = [("submit_hotline", _("通过接口推送 12345 工单"))]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """How pages and notices name it: the channel's work order, or our own number."""
        return self.work_order or f"TS-{self.received_on.year}-{self.pk or 0:06d}"
