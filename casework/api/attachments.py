"""API endpoints of attachments (附件).

- GET /api/records/{id}/attachments/: the record's attachments;
- POST /api/records/{id}/attachments/ (multipart `file`, `purpose`, `owner_type`, `owner_id`,
  and for the commission's staff `visibility`): add one to the record or to one of its
  sub-process objects;
- GET /api/attachments/{id}/download/: the bytes, only to users who may see the file
  (casework.queries.visible_attachments: its object, and its visibility class);
- POST /api/attachments/{id}/visibility/ (`visibility`, `reason`): the commission's staff
  share a file with the subject or take it back.

Rectification evidence has its own endpoint (POST /api/rectification-items/{id}/evidence/).
"""

from __future__ import annotations

from django.http import FileResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import kinds, queries, uploads
from ..downloads import DownloadAction, audit_download
from ..errors import NotFoundError
from ..http import client_ip
from ..models import Attachment, AttachmentVisibility
from ..services import attachments as svc
from .fields import IdField
from .steps import ERRORS, parse, step_input

OWNER_TYPES = {model._meta.model_name: model for model in svc.POLICIES}


class AttachmentSerializer(serializers.ModelSerializer):
    owner_type = serializers.SerializerMethodField()
    uploaded_by = serializers.StringRelatedField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "record",
            "owner_type",
            "owner_id",
            "purpose",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "visibility",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]

    @extend_schema_field(serializers.CharField())
    def get_owner_type(self, attachment: Attachment) -> str:
        return attachment.owner_type.model

    def get_download_url(self, attachment: Attachment) -> str:
        return reverse("attachment-download", args=[attachment.pk])


class AttachmentFileInput(serializers.Serializer):
    # Empty files are let through to the service, which refuses them with its own message.
    file = serializers.FileField(label=gettext_lazy("文件"), allow_empty_file=True, use_url=False)


class AttachmentUploadInput(AttachmentFileInput):
    purpose = serializers.CharField(
        label=gettext_lazy("用途"), max_length=30, required=False, default="other"
    )
    owner_type = serializers.ChoiceField(
        label=gettext_lazy("所属对象类型"), choices=sorted(OWNER_TYPES), required=False, default="record"
    )
    owner_id = IdField(label=gettext_lazy("所属对象"), required=False, allow_null=True)
    # Empty: the class the service gives by default (INTERNAL for the commission's staff).
    visibility = serializers.ChoiceField(
        label=gettext_lazy("可见范围"),
        choices=AttachmentVisibility.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("仅监委工作人员可选；不选时，监委上传的附件为内部附件。"),
    )


class AttachmentVisibilityInput(serializers.Serializer):
    visibility = serializers.ChoiceField(label=gettext_lazy("可见范围"), choices=AttachmentVisibility.choices)
    reason = serializers.CharField(label=gettext_lazy("理由"), max_length=500)


def _owner(record_id: int, owner_type: str, owner_id: int | None):
    if owner_id is None and owner_type == "record":
        owner_id = record_id
    owner = OWNER_TYPES[owner_type].objects.filter(pk=owner_id).first() if owner_id is not None else None
    if owner is None:
        raise NotFoundError(_("附件所属对象不存在。"), field="owner_id", code="not_found")
    return owner


@extend_schema(tags=["attachments"])
class RecordAttachmentsApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="record_attachments_list",
        responses={200: AttachmentSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        attachments = queries.attachment_list(user=request.user, record_id=pk)
        return Response(AttachmentSerializer(attachments, many=True).data)

    @extend_schema(
        operation_id="record_attachments_upload",
        summary=gettext_lazy("上传附件"),
        request={"multipart/form-data": AttachmentUploadInput},
        responses={201: AttachmentSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = step_input(request, kinds.RECORD, pk, AttachmentUploadInput)
        attachment = svc.attachment_upload(
            acting_user=request.user,
            record_id=pk,
            owner=_owner(pk, data["owner_type"], data.get("owner_id")),
            purpose=data["purpose"],
            uploaded_file=data["file"],
            visibility=data.get("visibility") or None,
            ip_address=client_ip(request),
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["attachments"])
class AttachmentDownloadApi(APIView):
    """The stored bytes as a download, with the type read from them at upload."""

    def perform_content_negotiation(self, request, force=False):
        # Any Accept header may ask for a file; errors are still answered as JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="attachments_download",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        attachment = queries.attachment_get(user=request.user, attachment_id=pk)
        try:
            handle = uploads.stored_path(attachment.stored_name).open("rb")
        except FileNotFoundError:
            raise NotFoundError(_("附件文件缺失，请联系系统管理员。"), code="file_missing") from None
        audit_download(
            request,
            attachment,
            DownloadAction.ATTACHMENT,
            record=attachment.record,
            diff={"sha256": attachment.sha256},
        )
        return FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )


@extend_schema(tags=["attachments"])
class AttachmentVisibilityApi(APIView):
    @extend_schema(
        operation_id="attachments_visibility",
        summary=gettext_lazy("更改附件可见范围"),
        request=AttachmentVisibilityInput,
        responses={200: AttachmentSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        queries.attachment_get(user=request.user, attachment_id=pk)  # 404 before any input error
        data = parse(AttachmentVisibilityInput, request)
        attachment = svc.attachment_set_visibility(
            acting_user=request.user, attachment_id=pk, ip_address=client_ip(request), **data
        )
        return Response(AttachmentSerializer(attachment).data)


urlpatterns = [
    path("records/<int:pk>/attachments/", RecordAttachmentsApi.as_view(), name="record-attachments"),
    path("attachments/<int:pk>/download/", AttachmentDownloadApi.as_view(), name="attachment-download"),
    path("attachments/<int:pk>/visibility/", AttachmentVisibilityApi.as_view(), name="attachment-visibility"),
]
