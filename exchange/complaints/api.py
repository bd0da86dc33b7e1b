"""/api/complaints/: the 12345 hotline's door, and complaints read by those who triage them.

- POST /api/complaints/hotline/   a work order from the hotline system (token of the
  integration account, group "12345 接口"): 201 with the new complaint's id, or 200 with the
  same id when the order was received before (idempotent on 工单编号).
- GET  /api/complaints/            the complaints the user may see (complainant masked
- GET  /api/complaints/{id}/       except to the intake operator and the officer).
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casework import clock
from casework.api.errors import InputError
from casework.http import client_ip

from ..models import Complaint
from . import queries, services
from .lifecycle import Channel
from .masking import complainant_for
from .services import Intake


class MayPostHotline(BasePermission):
    message = _("只有 12345 接口账号可以推送工单。")

    def has_permission(self, request, view) -> bool:
        return request.user.has_perm(services.SUBMIT_PERMISSION)


class HotlineOrderInput(serializers.Serializer):
    work_order = serializers.CharField(label=_("工单编号"), max_length=60)
    title = serializers.CharField(label=_("标题"), max_length=200)
    content = serializers.CharField(label=_("内容"))
    received_on = serializers.DateField(label=_("受理日期"), required=False)
    request_type = serializers.CharField(label=_("诉求类型"), max_length=40, required=False, default="")
    classification_code = serializers.CharField(
        label=_("分类编码"), max_length=40, required=False, default=""
    )
    handling_unit = serializers.CharField(label=_("承办单位"), max_length=200, required=False, default="")
    time_limit = serializers.CharField(label=_("时限"), max_length=60, required=False, default="")
    complainant_name = serializers.CharField(label=_("来电人"), max_length=100, required=False, default="")
    complainant_contact = serializers.CharField(
        label=_("联系电话"), max_length=100, required=False, default=""
    )


class ComplaintOutput(serializers.ModelSerializer):
    complainant_name = serializers.SerializerMethodField()
    complainant_contact = serializers.SerializerMethodField()
    lead = serializers.CharField(source="lead.reference", default=None)

    class Meta:
        model = Complaint
        fields = [
            "id", "channel", "work_order", "title", "content", "classification_code", "request_type",
            "handling_unit", "organisation", "received_on", "routing_due", "feedback_due", "state",
            "reason", "lead", "merged_into", "replied_on", "result_on", "complainant_name",
            "complainant_contact",
        ]  # fmt: skip

    def get_complainant_name(self, complaint) -> str:
        return complainant_for(self.context["request"].user, complaint)[0]

    def get_complainant_contact(self, complaint) -> str:
        return complainant_for(self.context["request"].user, complaint)[1]


class HotlineOrderApi(APIView):
    permission_classes = [IsAuthenticated, MayPostHotline]

    @extend_schema(request=HotlineOrderInput, responses={200: dict, 201: dict}, tags=["complaints"])
    def post(self, request: Request) -> Response:
        given = HotlineOrderInput(data=request.data)
        if not given.is_valid():
            raise InputError(given)
        data = dict(given.validated_data)
        time_limit = data.pop("time_limit")
        intake = Intake(
            channel=Channel.HOTLINE,
            received_on=data.pop("received_on", None) or clock.today(),
            extra={"时限": time_limit} if time_limit else {},
            **data,
        )
        complaint, created = services.complaint_receive(
            acting_user=request.user, intake=intake, ip_address=client_ip(request)
        )
        answer = {
            "id": complaint.pk,
            "work_order": complaint.work_order,
            "state": complaint.state,
            "created": created,
        }
        if not created:
            answer["detail"] = str(_("该工单已登记。"))
        return Response(answer, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ComplaintListApi(generics.ListAPIView):
    serializer_class = ComplaintOutput
    cursor_ordering = ("-received_on", "-id")

    def get_queryset(self):
        return queries.visible_complaints(self.request.user)


class ComplaintDetailApi(generics.RetrieveAPIView):
    serializer_class = ComplaintOutput

    def get_object(self):
        return queries.complaint_get(self.request.user, self.kwargs["pk"])


urlpatterns = [
    path("hotline/", HotlineOrderApi.as_view(), name="api-complaint-hotline"),
    path("", ComplaintListApi.as_view(), name="api-complaint-list"),
    path("<int:pk>/", ComplaintDetailApi.as_view(), name="api-complaint-detail"),
]
