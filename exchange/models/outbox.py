"""The outbox towards other systems: one row per message another system must receive (an
event for the provincial credit platform, a status for the 12345 hotline), written in the
transaction of the change it reports and delivered afterwards by the channel's transport.

`key` is the idempotency key the receiver sees: a message re-sent after a lost answer carries
the same key, so the receiver can count it once. Messages of one `stream` (one record, one
work order) are delivered in `id` order: a later one waits while an earlier one is pending.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboundState(models.TextChoices):
    PENDING = "PENDING", _("待发送")
    DELIVERED = "DELIVERED", _("已确认")
    DEAD = "DEAD", _("发送失败")


class Outbound(models.Model):
    channel = models.CharField(_("接收系统"), max_length=20)
    stream = models.CharField(_("顺序组"), max_length=60)
    kind = models.CharField(_("类型"), max_length=30)
    key = models.CharField(_("幂等键"), max_length=80, unique=True)
    payload = models.JSONField(_("内容"), default=dict)
    due_on = models.DateField(_("应送达日期"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=OutboundState.choices, default=OutboundState.PENDING
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    last_error = models.TextField(_("最近一次错误"), blank=True, default="")
    acknowledgement = models.TextField(_("对方回执"), blank=True, default="")
    delivered_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    # Set when the delivery engine raised the overdue alert (an audit entry), so it is raised once.
    overdue_alerted_at = models.DateTimeField(_("逾期提醒时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("外发消息")
        verbose_name_plural = _("外发消息")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["channel", "stream", "id"],
                condition=models.Q(state="PENDING"),
                name="outbound_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.kind} {self.key}"

    def get_channel_display(self) -> str:
        return str(_channel_labels().get(self.channel, self.channel))

    def get_kind_display(self) -> str:
        return str(_kind_labels().get(self.kind, self.kind))


PROVINCE = "province"


def _channel_labels() -> dict:
    from ..complaints.lifecycle import Channel

    return {PROVINCE: _("省公共信用信息管理系统"), **dict(Channel.choices)}


def _kind_labels() -> dict:
    from casework.models import SyncKind

    from ..complaints.lifecycle import OUTBOUND_KIND_LABELS

    return {**dict(SyncKind.choices), **OUTBOUND_KIND_LABELS}
