"""Risk warnings (风险预警, DOMAIN §9.2): a table of rules, and the alerts they raise.

A `RiskRule` is a row an administrator can switch off or re-grade (its code is what the
code that evaluates it knows). A `RiskAlert` is one cause found by one rule: identified by
(rule, key) — the key names the cause, e.g. ``deadline:42`` — so a sweep that finds the same
cause again finds its alert rather than raising a second one.

OPEN ──acknowledge──► ACKNOWLEDGED ──resolve──► RESOLVED   (or by itself: the cause went away)
  └───────────────────────┴──────────dismiss──► DISMISSED  (with a reason; not raised again)
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.models.fields import user_link


class AlertLevel(models.TextChoices):
    """The four colours of Chinese risk warnings, least to most urgent."""

    BLUE = "blue", _("蓝色（提示）")
    YELLOW = "yellow", _("黄色（关注）")
    ORANGE = "orange", _("橙色（警示）")
    RED = "red", _("红色（严重）")


#: Most urgent first, for ordering.
LEVEL_RANK = {AlertLevel.RED: 0, AlertLevel.ORANGE: 1, AlertLevel.YELLOW: 2, AlertLevel.BLUE: 3}


class AlertState(models.TextChoices):
    OPEN = "open", _("待处理")
    ACKNOWLEDGED = "acknowledged", _("已知悉")
    RESOLVED = "resolved", _("已解除")
    DISMISSED = "dismissed", _("已排除")


#: An alert that still asks for attention.
ACTIVE_STATES = (AlertState.OPEN, AlertState.ACKNOWLEDGED)
#: An alert that stops its cause from being raised again (a dismissed one was judged by a person).
BLOCKING_STATES = (*ACTIVE_STATES, AlertState.DISMISSED)


class RiskRule(models.Model):
    code = models.CharField(_("规则代码"), max_length=40, primary_key=True)
    name = models.CharField(_("规则名称"), max_length=100)
    description = models.TextField(_("规则说明"), blank=True)
    level = models.CharField(_("预警级别"), max_length=10, choices=AlertLevel.choices)
    #: The role expected to act on the alert (casework.roles.Role value).
    owner_role = models.CharField(_("处理角色"), max_length=20)
    #: The rule's thresholds (days, counts…), read by the code that evaluates it.
    params = models.JSONField(_("参数"), default=dict, blank=True)
    enabled = models.BooleanField(_("启用"), default=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class RiskAlert(models.Model):
    rule = models.ForeignKey(
        RiskRule, verbose_name=_("预警规则"), on_delete=models.PROTECT, related_name="alerts"
    )
    #: The cause within the rule ("deadline:42", "person:7"…): one active alert per cause.
    key = models.CharField(_("原因标识"), max_length=100)
    level = models.CharField(_("预警级别"), max_length=10, choices=AlertLevel.choices)
    state = models.CharField(_("状态"), max_length=15, choices=AlertState.choices, default=AlertState.OPEN)
    owner_role = models.CharField(_("处理角色"), max_length=20)
    #: The unit concerned: its liaison and head see the alert in the unit portal.
    organisation = models.ForeignKey(
        "casework.Organisation",
        verbose_name=_("涉及单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    record = models.ForeignKey(
        "casework.Record",
        verbose_name=_("失信记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.CharField(_("预警内容"), max_length=500)
    #: Where the cause can be seen (a path in the portal), if anywhere.
    link = models.CharField(_("链接"), max_length=200, blank=True)
    raised_on = models.DateField(_("预警日期"))
    due_on = models.DateField(_("处理期限"), null=True, blank=True)
    acknowledged_by = user_link(_("知悉人"))
    acknowledged_at = models.DateTimeField(_("知悉时间"), null=True, blank=True)
    closed_on = models.DateField(_("解除/排除日期"), null=True, blank=True)
    closed_by = user_link(_("解除/排除人"))
    reason = models.TextField(_("解除/排除理由"), blank=True)

    class Meta:
        verbose_name = _("风险预警")
        verbose_name_plural = _("风险预警")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "key"],
                condition=Q(state__in=["open", "acknowledged", "dismissed"]),
                name="risk_alert_once_per_cause",
            )
        ]
        indexes = [
            models.Index(fields=["state", "level"], name="risk_alert_state_level"),
            models.Index(fields=["organisation", "state"], name="risk_alert_org_state"),
        ]

    def __str__(self) -> str:
        return self.summary
