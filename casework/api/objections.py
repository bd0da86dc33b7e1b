"""API endpoints of the objection (异议) sub-process, DOMAIN §6.2.

- GET/POST /api/records/{id}/objections/: the record's objections; the subject files one;
- GET /api/objections/{id}/: one objection, visible exactly when its record is;
- POST /api/objections/{id}/<step>/: one endpoint per step of OBJECTION_STEPS.

An objection (or record) the user may not see answers 404 before any input is looked at.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import kinds, queries
from ..models import Objection
from ..services import objections as svc
from . import objection_serializers as s
from .steps import ERRORS, StepApi, take_step


def objection_detail(objection: Objection) -> dict:
    return s.ObjectionSerializer(objection).data


@extend_schema(tags=["objections"])
class RecordObjectionsApi(APIView):
    lifecycle_step = svc.FILE_STEP  # POST: filing an objection

    @extend_schema(
        operation_id="record_objections_list",
        responses={200: s.ObjectionSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        objections = queries.objection_list_for_record(user=request.user, record_id=pk)
        return Response(s.ObjectionSerializer(objections, many=True).data)

    @extend_schema(
        operation_id="objections_file",
        summary=_("提出异议"),
        description="DOMAIN §6.2",
        request=s.FileObjectionInput,
        responses={201: s.ObjectionSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        objection = take_step(request, kinds.RECORD, pk, s.FileObjectionInput, svc.objection_file)
        return Response(objection_detail(objection), status=status.HTTP_201_CREATED)


@extend_schema(tags=["objections"], responses={200: s.ObjectionSerializer, 404: ERRORS[404]})
class ObjectionDetailApi(APIView):
    def get(self, request: Request, pk: int) -> Response:
        return Response(objection_detail(queries.objection_get(user=request.user, objection_id=pk)))


class ObjectionActionApi(StepApi):
    """POST /api/objections/{id}/<step>/: parse the input, call the step's one service,
    answer the objection as the service left it."""

    kind = kinds.OBJECTION
    operation_prefix = "objections"
    tags = ["objections"]
    response = s.ObjectionSerializer


_action = ObjectionActionApi.for_step


def _decide(*, corrections=None, **kwargs) -> Objection:
    return svc.objection_decide(corrections=dict(corrections) if corrections else None, **kwargs)


STEPS = {
    "request-supplement": _action(
        "request_supplement", svc.objection_request_supplement, s.ObjectionRequestSupplementInput
    ),
    "supplement": _action("supplement", svc.objection_supplement, s.ObjectionSupplementInput),
    "accept": _action("accept", svc.objection_accept, s.ObjectionAcceptInput),
    "refuse": _action("refuse", svc.objection_refuse, s.ObjectionRefuseInput),
    "start-verification": _action("start_verification", svc.objection_start_verification),
    "extend": _action("extend", svc.objection_extend, s.ObjectionExtendInput),
    "decide": _action("decide", _decide, s.ObjectionDecideInput),
    "serve": _action("serve", svc.objection_serve, s.ObjectionServeInput),
    "close": _action("close", svc.objection_close),
}

urlpatterns = [
    path("records/<int:pk>/objections/", RecordObjectionsApi.as_view(), name="record-objections"),
    path("objections/<int:pk>/", ObjectionDetailApi.as_view(), name="objection-detail"),
    *[
        path(f"objections/<int:pk>/{slug}/", view.as_view(), name=f"objection-{slug}")
        for slug, view in STEPS.items()
    ],
]
