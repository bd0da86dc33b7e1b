"""/api/exchange/outbox/…: the outbox list, its export and the dead-letter re-send (exchange.api)."""

from django.urls import path

from . import api

urlpatterns = [
    path("", api.OutboundListApi.as_view(), name="outbound-list"),
    path("export.xlsx", api.OutboundExportApi.as_view(), name="outbound-export"),
    path("resend/", api.OutboundResendApi.as_view(), name="outbound-resend"),
]
