"""/api/notices/: read notices, download their PDFs, and one POST per step of their life.

- GET  /api/notices/                 the notices the user may see (filters: record, state, type_code)
- POST /api/notices/                 draft a notice
- GET  /api/notices/{id}/            one notice
- GET  /api/notices/{id}/download/   the stored PDF (a draft: its watermarked preview)
- POST /api/notices/{id}/revise/     complete or correct a draft's data (officers)
- POST /api/notices/{id}/approve/ | issue/ | void/
- POST /api/notices/{id}/render/     render again an issued notice whose rendering failed
- POST /api/notices/serve/           one service event for several notices

There is no PUT, PATCH or DELETE: only a draft's data can be changed, through revise/ (the
notices.drafts service, which checks the merged data as approval will); an issued notice is
never written through the API, and a
download returns the stored bytes, never a new rendering. A notice the user may not see
answers 404 before any input is looked at.
"""

from __future__ import annotations

from urllib.parse import quote

import django_filters
from django.http import HttpResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.api.fields import IdField, id_list
from casework.api.filters import ApiFilterSet
from casework.api.serializers import CaseObjectSerializer, ErrorSerializer, ReasonInput
from casework.api.steps import StepApi, parse, step_input
from casework.downloads import DownloadAction, audit_download
from casework.errors import ConflictError
from casework.http import client_ip

from . import queries, services
from .kinds import NOTICE
from .models import Notice, NoticeState, ServiceEvent, ServiceMethod

ERRORS = {code: ErrorSerializer for code in (400, 403, 404, 409)}

# ── serializers ───────────────────────────────────────────────────────────────────


class NoticeSerializer(CaseObjectSerializer):
    title = serializers.CharField(read_only=True)
    # Plain text, not a choice field: the state's choices need no enum of their own in the schema.
    state = serializers.CharField(read_only=True)
    issuer_name = serializers.CharField(source="issuer.name", read_only=True)
    pdf_ready = serializers.BooleanField(read_only=True)
    # Rendering given up after its attempts (render_error says why): POST render/ tries again.
    render_failed = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notice
        fields = [
            "id",
            "type_code",
            "title",
            "record",
            "record_reference",
            "issuer",
            "issuer_name",
            "state",
            "state_display",
            "number",
            "issued_on",
            "verify_code",
            "sha256",
            "pdf_ready",
            "render_failed",
            "render_error",
            "render_attempts",
            "template_version",
            "data",
            "drafted_at",
            "approved_at",
            "issued_at",
            "voided_at",
            "void_reason",
        ]
        read_only_fields = fields


class ServiceEventSerializer(serializers.ModelSerializer):
    method_display = serializers.CharField(source="get_method_display", read_only=True)

    class Meta:
        model = ServiceEvent
        fields = [
            "id",
            "record",
            "notices",
            "method",
            "method_display",
            "served_on",
            "proof",
            "recipient_consent",
        ]
        read_only_fields = fields


def no_null_characters(value) -> None:
    """A notice's data is stored as JSON, and PostgreSQL cannot store U+0000 in it (SQLite
    can): refused as input on both, as DRF's CharField refuses it in a plain text."""
    if isinstance(value, str):
        if "\x00" in value:
            raise serializers.ValidationError(
                gettext_lazy("不能包含空字符（U+0000）。"), code="null_characters"
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            no_null_characters(key)
            no_null_characters(item)
    elif isinstance(value, list):
        for item in value:
            no_null_characters(item)


class DraftInput(serializers.Serializer):
    type_code = serializers.CharField(label=gettext_lazy("文书类型"), max_length=4)
    record = IdField(label=gettext_lazy("失信记录"))
    data = serializers.DictField(
        label=gettext_lazy("文书内容"), required=False, default=dict, validators=[no_null_characters]
    )
    issuer = IdField(label=gettext_lazy("发文机关"), required=False, allow_null=True)


class ReviseInput(serializers.Serializer):
    data = serializers.DictField(
        label=gettext_lazy("修改的文书内容"),
        allow_empty=False,
        validators=[no_null_characters],
        help_text=gettext_lazy(
            "字段名 → 新值；“subject.post”这样的点分字段名修改嵌套项，列表整体替换，null 删除可选项"
        ),
    )
    reason = serializers.CharField(
        label=gettext_lazy("修改说明"), required=False, allow_blank=True, default="", max_length=500
    )


class ServeNoticesInput(serializers.Serializer):
    notices = id_list(label=gettext_lazy("文书"), min_length=1)
    method = serializers.ChoiceField(label=gettext_lazy("送达方式"), choices=ServiceMethod.choices)
    served_on = serializers.DateField(label=gettext_lazy("送达日期"))
    proof = serializers.CharField(label=gettext_lazy("送达回证"), max_length=200)
    consent = serializers.BooleanField(
        label=gettext_lazy("受送达人同意电子送达"), required=False, default=False
    )


class NoticeFilter(ApiFilterSet):
    state = django_filters.MultipleChoiceFilter(label=gettext_lazy("状态"), choices=NoticeState.choices)

    class Meta:
        model = Notice
        fields = ["record", "state", "type_code"]


# ── read ──────────────────────────────────────────────────────────────────────────


@extend_schema(tags=["notices"])
class NoticeListApi(generics.ListAPIView):
    lifecycle_step = services.NOTICE_STEPS["draft"]  # POST: drafting
    serializer_class = NoticeSerializer
    filterset_class = NoticeFilter
    cursor_ordering = ("-id",)

    def get_queryset(self):
        return queries.visible_notices(self.request.user).order_by("-id")

    @extend_schema(
        operation_id="notices_draft",
        summary=gettext_lazy("拟稿"),
        request=DraftInput,
        responses={201: NoticeSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = parse(DraftInput, request)
        notice = services.notice_draft(
            acting_user=request.user,
            type_code=data["type_code"],
            record_id=data["record"],
            data=data["data"],
            issuer_id=data.get("issuer"),
            ip_address=client_ip(request),
        )
        return Response(NoticeSerializer(notice).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["notices"], responses={200: NoticeSerializer, 404: ErrorSerializer})
class NoticeDetailApi(APIView):
    def get(self, request: Request, pk: int) -> Response:
        return Response(NoticeSerializer(queries.notice_get(user=request.user, notice_id=pk)).data)


class NoticeDownloadApi(APIView):
    """The stored PDF of an issued notice, byte for byte; a draft's preview for staff."""

    @extend_schema(
        tags=["notices"],
        operation_id="notices_download",
        summary=gettext_lazy("下载文书 PDF"),
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        notice = queries.notice_get(user=request.user, notice_id=pk)
        if not notice.was_issued:
            return preview_response(request, notice)
        if not notice.pdf_ready:
            raise ConflictError(_("文书正在生成，请稍后再试。"), code="pdf_pending")
        return issued_pdf_response(request, notice)


def issued_pdf_response(request, notice) -> HttpResponse:
    """An issued notice's stored PDF, byte for byte, its download audited: what every route
    serving a notice's file answers (the API, the case and unit pages, the assessment's)."""
    audit_download(
        request, notice, DownloadAction.NOTICE, record=notice.record, diff={"sha256": notice.sha256}
    )
    response = pdf_response(bytes(notice.pdf), f"{notice.number}.pdf")
    response["ETag"] = f'"{notice.sha256}"'
    response["X-Content-SHA256"] = notice.sha256
    return response


def preview_response(request, notice) -> HttpResponse:
    """A draft's watermarked preview, rendered now; audited like an issued notice's file."""
    content = services.notice_preview(notice)
    audit_download(request, notice, DownloadAction.NOTICE, record=notice.record, diff={"draft": True})
    return pdf_response(content, f"{notice.title}（样稿）.pdf")


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ── write: one endpoint per step ──────────────────────────────────────────────────


class NoticeActionApi(StepApi):
    kind = NOTICE
    operation_prefix = "notices"
    tags = ["notices"]
    response = NoticeSerializer

    @classmethod
    def description(cls, step: str) -> None:
        return None

    @classmethod
    def request_body(cls, input_serializer: type[serializers.Serializer]):
        return input_serializer  # the schema has always shown a step without input as EmptyInput


class NoticeReviseApi(APIView):
    """Complete a draft (one the system drafted with blanks, typically) before approval."""

    @extend_schema(
        tags=["notices"],
        operation_id="notices_revise",
        summary=gettext_lazy("完善文书草稿"),
        request=ReviseInput,
        responses={200: NoticeSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = step_input(request, NOTICE, pk, ReviseInput)
        notice = services.notice_revise_draft(
            acting_user=request.user,
            notice_id=pk,
            fields=data["data"],
            reason=data["reason"],
            ip_address=client_ip(request),
        )
        return Response(NoticeSerializer(notice).data)


class NoticeRenderApi(APIView):
    """Ask for another rendering of an issued notice whose rendering was given up."""

    @extend_schema(
        tags=["notices"],
        operation_id="notices_render",
        summary=gettext_lazy("重新生成文书 PDF"),
        request=None,
        responses={200: NoticeSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        notice = services.notice_retry_render(
            acting_user=request.user, notice_id=pk, ip_address=client_ip(request)
        )
        return Response(NoticeSerializer(notice).data)


NoticeApproveApi = NoticeActionApi.for_step("approve", services.notice_approve)
NoticeIssueApi = NoticeActionApi.for_step("issue", services.notice_issue)
NoticeVoidApi = NoticeActionApi.for_step("void", services.notice_void, ReasonInput)


class NoticeServeApi(APIView):
    lifecycle_step = services.NOTICE_STEPS["serve"]

    @extend_schema(
        tags=["notices"],
        operation_id="notices_serve",
        summary=gettext_lazy("送达文书"),
        request=ServeNoticesInput,
        responses={201: ServiceEventSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = parse(ServeNoticesInput, request)
        event = services.notice_serve(
            acting_user=request.user,
            notice_ids=data.pop("notices"),
            ip_address=client_ip(request),
            **data,
        )
        return Response(ServiceEventSerializer(event).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("", NoticeListApi.as_view(), name="notice-list"),
    path("serve/", NoticeServeApi.as_view(), name="notice-serve"),
    path("<int:pk>/", NoticeDetailApi.as_view(), name="notice-detail"),
    path("<int:pk>/download/", NoticeDownloadApi.as_view(), name="notice-download"),
    path("<int:pk>/revise/", NoticeReviseApi.as_view(), name="notice-revise"),
    path("<int:pk>/approve/", NoticeApproveApi.as_view(), name="notice-approve"),
    path("<int:pk>/issue/", NoticeIssueApi.as_view(), name="notice-issue"),
    path("<int:pk>/void/", NoticeVoidApi.as_view(), name="notice-void"),
    path("<int:pk>/render/", NoticeRenderApi.as_view(), name="notice-render"),
]
