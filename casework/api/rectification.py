"""API endpoints of the rectification (整改) sub-process, DOMAIN §6.3.

- GET/POST /api/records/{id}/rectifications/: the record's orders; an officer drafts one;
- GET /api/rectifications/, GET /api/rectifications/{id}/: the orders the user may see
  (the subject sees an order once it is served);
- POST /api/rectifications/{id}/<step>/: issue, serve, explanation, sign-off, submit,
  start-review, review;
- POST /api/rectification-items/{id}/evidence/ (multipart `file`), …/extension/;
- POST /api/extension-requests/{id}/decide/.

An object the user may not see answers 404 before any input is looked at.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import kinds, queries
from ..errors import DomainError
from ..http import client_ip
from ..lifecycle import ITEM_STEPS, RECTIFICATION_STEPS
from ..services import rectification as svc
from ..services.rectification import extension as ext
from . import rectification_serializers as s
from .attachments import AttachmentFileInput, AttachmentSerializer
from .steps import ERRORS, StepApi, step_input, take_step

TAGS = ["rectification"]


def rectification_detail(user, rectification_id: int) -> dict:
    rectification = queries.rectification_get(user=user, rectification_id=rectification_id)
    return s.RectificationSerializer(rectification).data


@extend_schema(tags=TAGS)
class RecordRectificationsApi(APIView):
    lifecycle_step = svc.DRAFT  # POST: drafting an order

    @extend_schema(
        operation_id="record_rectifications_list",
        responses={200: s.RectificationListSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        rectifications = queries.rectification_list(user=request.user, record_id=pk)
        return Response(s.RectificationListSerializer(rectifications, many=True).data)

    @extend_schema(
        operation_id="rectifications_draft",
        summary=svc.DRAFT.label,
        description="DOMAIN §6.3",
        request=s.RectificationDraftInput,
        responses={201: s.RectificationSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = step_input(request, kinds.RECORD, pk, s.RectificationDraftInput)
        items = [{k: v for k, v in item.items() if v is not None} for item in data["items"]]
        rectification = svc.rectification_draft(
            acting_user=request.user, record_id=pk, items=items, ip_address=client_ip(request)
        )
        return Response(rectification_detail(request.user, rectification.pk), status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class RectificationListApi(generics.ListAPIView):
    serializer_class = s.RectificationListSerializer
    cursor_ordering = ("-created_at", "-id")

    def get_queryset(self):
        return queries.rectification_list(user=self.request.user)


@extend_schema(tags=TAGS, responses={200: s.RectificationSerializer, 404: ERRORS[404]})
class RectificationDetailApi(APIView):
    def get(self, request: Request, pk: int) -> Response:
        return Response(rectification_detail(request.user, pk))


class RectificationActionApi(StepApi):
    """POST /api/rectifications/{id}/<step>/: parse, call the step's one service, answer the order."""

    kind = kinds.RECTIFICATION
    operation_prefix = "rectifications"
    tags = TAGS
    response = s.RectificationSerializer
    reread = True  # the order with its items, as its page shows it

    @classmethod
    def declared_step(cls, step: str):
        return RECTIFICATION_STEPS.get(step) or SPECIAL_STEPS[step]

    @classmethod
    def summary(cls, step: str) -> str:
        return str(SPECIAL_SUMMARIES.get(step) or cls.declared_step(step).label)

    @classmethod
    def description(cls, step: str) -> str:
        return "DOMAIN §6.3"


def _review_kwargs(self, data: dict) -> dict:
    decisions = {}
    for entry in data["decisions"]:
        if entry["item"] in decisions:
            raise DomainError(_("同一事项只能有一个审核结论。"), field="decisions", code="duplicate")
        decisions[entry["item"]] = (entry["decision"], entry["reason"])
    return {"decisions": decisions}


#: The steps of endpoints that are not one row of RECTIFICATION_STEPS (for the schema's roles).
SPECIAL_STEPS = {
    "explain": svc.EXPLAIN,
    # A review accepts some items and returns others, then accepts or returns the order.
    "review": (
        ITEM_STEPS["accept"],
        ITEM_STEPS["return_"],
        RECTIFICATION_STEPS["accept"],
        RECTIFICATION_STEPS["return_items"],
    ),
}
#: What the schema calls an endpoint that takes several steps.
SPECIAL_SUMMARIES = {"review": gettext_lazy("审核整改事项")}


_action = RectificationActionApi.for_step


STEPS = {
    "issue": _action("issue", svc.rectification_issue),
    "serve": _action("serve", svc.rectification_serve, s.RectificationServeInput),
    "explanation": _action("explain", svc.rectification_explain, s.RectificationExplanationInput),
    "sign-off": _action("sign_off", svc.rectification_sign_off, s.RectificationSignOffInput),
    "submit": _action("submit", svc.rectification_submit, s.RectificationSubmitInput),
    "start-review": _action("start_review", svc.rectification_start_review),
    "review": _action(
        "review", svc.rectification_review, s.RectificationReviewInput, service_kwargs=_review_kwargs
    ),
}


@extend_schema(tags=TAGS)
class ItemEvidenceApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="rectification_items_add_evidence",
        summary=gettext_lazy("上传整改材料"),
        request={"multipart/form-data": AttachmentFileInput},
        responses={201: AttachmentSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = step_input(request, kinds.ITEM, pk, AttachmentFileInput)
        attachment = svc.rectification_item_add_evidence(
            acting_user=request.user, item_id=pk, uploaded_file=data["file"], ip_address=client_ip(request)
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class ItemExtensionApi(APIView):
    lifecycle_step = ext.REQUEST

    @extend_schema(
        operation_id="rectification_items_request_extension",
        summary=ext.REQUEST.label,
        description="DOMAIN §6.3, scenario 11",
        request=s.ExtensionRequestInput,
        responses={201: s.ExtensionRequestSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        extension = take_step(
            request, kinds.ITEM, pk, s.ExtensionRequestInput, ext.rectification_request_extension
        )
        return Response(s.ExtensionRequestSerializer(extension).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class DecideExtensionApi(APIView):
    lifecycle_step = ext.DECIDE

    @extend_schema(
        operation_id="extension_requests_decide",
        summary=ext.DECIDE.label,
        description="DOMAIN §6.3",
        request=s.ExtensionDecisionInput,
        responses={200: s.ExtensionRequestSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        extension = take_step(
            request, kinds.EXTENSION, pk, s.ExtensionDecisionInput, ext.rectification_decide_extension
        )
        return Response(s.ExtensionRequestSerializer(extension).data)


urlpatterns = [
    path("records/<int:pk>/rectifications/", RecordRectificationsApi.as_view(), name="record-rectifications"),
    path("rectifications/", RectificationListApi.as_view(), name="rectification-list"),
    path("rectifications/<int:pk>/", RectificationDetailApi.as_view(), name="rectification-detail"),
    *[
        path(f"rectifications/<int:pk>/{slug}/", view.as_view(), name=f"rectification-{slug}")
        for slug, view in STEPS.items()
    ],
    path(
        "rectification-items/<int:pk>/evidence/",
        ItemEvidenceApi.as_view(),
        name="rectification-item-evidence",
    ),
    path(
        "rectification-items/<int:pk>/extension/",
        ItemExtensionApi.as_view(),
        name="rectification-item-extension",
    ),
    path(
        "extension-requests/<int:pk>/decide/", DecideExtensionApi.as_view(), name="extension-request-decide"
    ),
]
