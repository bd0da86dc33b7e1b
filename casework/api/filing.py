"""The two inputs of every filing whose lateness matters (appeal, objection, extension
request, repair application, statement and defence): the day the commission received it,
and why an officer records a paper filing with an earlier day. The rule is
casework.services.validation.filing_date; these fields only parse."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .fields import TEXT_MAX


def received_on(label=None) -> serializers.DateField:
    return serializers.DateField(
        label=label or _("收件日期"),
        required=False,
        allow_null=True,
        help_text=_(
            "本机关收到之日，不填即为今天。是否逾期以此日判断：申请人在线提交的以系统收到之日（今天）为准，"
            "不能填写更早的日期；早于今天的日期只由办案人员补录纸质申请时填写，须在期限内，"
            "并同时填写纸质申请补录说明。不能晚于今天。"
        ),
    )


def paper_filing_reason() -> serializers.CharField:
    return serializers.CharField(
        max_length=TEXT_MAX,
        label=_("纸质申请补录说明"),
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "只由办案人员补录纸质申请时填写：收件方式、收件日期及未能当日录入的理由"
            "（如“2026年10月8日收到邮寄申请，当日未能录入”）。收件日期早于今天的必须填写，记入审计日志。"
            "申请人本人提交时不填。"
        ),
    )
