"""The outbox over the API:

- GET  /api/exchange/outbox/: messages with their due dates, state, attempts, last error and
  acknowledgement, `overdue` marked; filters channel, state, kind, stream, due_on range, overdue;
- GET  /api/exchange/outbox/export.xlsx: the same rows, the same filters, as a workbook;
- POST /api/exchange/outbox/resend/ {"ids": [...]}: dead messages sent again (credit admin, audited).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from casework import audit, clock
from casework.api.errors import InputError
from casework.api.fields import id_list
from casework.api.filters import ApiFilterSet
from casework.http import client_ip
from casework.roles import Role

from . import delivery, queries
from .models import Outbound, OutboundState
from .spreadsheets import XLSX_CONTENT_TYPE, write_xlsx


class OutboundSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Outbound
        fields = [
            "id",
            "channel",
            "stream",
            "kind",
            "key",
            "due_on",
            "state",
            "state_display",
            "overdue",
            "attempts",
            "next_attempt_at",
            "last_error",
            "acknowledgement",
            "delivered_at",
            "created_at",
            "payload",
        ]


class OutboundFilter(ApiFilterSet):
    channel = filters.CharFilter(label=_("接收系统"))
    state = filters.ChoiceFilter(label=_("状态"), choices=OutboundState.choices)
    kind = filters.CharFilter(label=_("类型"))
    stream = filters.CharFilter(label=_("顺序组"))
    due_on = filters.DateFromToRangeFilter(label=_("应送达日期"))
    overdue = filters.BooleanFilter(label=_("逾期未送达"))

    class Meta:
        model = Outbound
        fields = ["channel", "state", "kind", "stream", "due_on", "overdue"]


class _Scoped:
    serializer_class = OutboundSerializer
    filterset_class = OutboundFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Outbound.objects.none()
        return queries.outbound_list(user=self.request.user, today=clock.today()).order_by("due_on", "id")


@extend_schema(tags=["exchange"], summary=_("外发消息（省平台等）：应送达日期、发送状态与回执"))
class OutboundListApi(_Scoped, generics.ListAPIView):
    cursor_ordering = ("due_on", "id")


#: The export's columns: (header, attribute).
EXPORT_COLUMNS = [
    (_("编号"), "id"),
    (_("接收系统"), "get_channel_display"),
    (_("顺序组"), "stream"),
    (_("类型"), "get_kind_display"),
    (_("幂等键"), "key"),
    (_("应送达日期"), "due_on"),
    (_("状态"), "get_state_display"),
    (_("逾期未送达"), "overdue"),
    (_("尝试次数"), "attempts"),
    (_("最近一次错误"), "last_error"),
    (_("对方回执"), "acknowledgement"),
    (_("确认时间"), "delivered_at"),
    (_("创建时间"), "created_at"),
]


@extend_schema(tags=["exchange"], summary=_("导出外发消息（Excel），按所选条件筛选"), responses={200: bytes})
class OutboundExportApi(_Scoped, generics.GenericAPIView):
    pagination_class = None

    def get(self, request, *args, **kwargs):
        rows = self.filter_queryset(self.get_queryset())
        data = write_xlsx(
            [str(h) for h, _a in EXPORT_COLUMNS],
            (_export_row(m) for m in rows.iterator()),
            title=str(_("外发消息")),
        )
        response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
        stamp = timezone.localtime().strftime("%Y%m%d%H%M")
        response["Content-Disposition"] = f'attachment; filename="outbox-{stamp}.xlsx"'
        return response


def _export_row(message: Outbound) -> list:
    values = []
    for _header, attribute in EXPORT_COLUMNS:
        value = getattr(message, attribute)
        value = value() if callable(value) else value
        if isinstance(value, bool):
            value = str(_("是") if value else _("否"))
        elif isinstance(value, dt.datetime):
            value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
        values.append(value)
    return values


class ResendInput(serializers.Serializer):
    ids = id_list(label=_("外发消息"), allow_empty=False)


class ResendOutput(serializers.Serializer):
    resent = serializers.IntegerField(label=_("重新排队的消息数"))


@extend_schema(
    tags=["exchange"],
    summary=_("重新发送发送失败的外发消息"),
    description=_("仅限信用管理员；每次重新发送均记入审计日志。"),
    request=ResendInput,
    responses={200: ResendOutput},
)
class OutboundResendApi(generics.GenericAPIView):
    serializer_class = ResendInput

    def post(self, request):
        data = ResendInput(data=request.data)
        if not data.is_valid():
            raise InputError(data)
        count = delivery.resend(
            by=audit.Acting(request.user, Role.CREDIT_ADMIN, client_ip(request)),
            message_ids=data.validated_data["ids"],
        )
        return Response({"resent": count})
