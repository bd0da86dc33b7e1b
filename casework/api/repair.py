"""API endpoints of the credit-repair (信用修复) sub-process, DOMAIN §6.5.

- GET /api/records/{id}/repair-eligibility/: every condition with pass/fail and reason,
  and the earliest date the applicant may apply (before applying);
- GET/POST /api/records/{id}/repairs/: the record's applications; the subject applies;
- POST /api/records/{id}/obligations-fulfilled/: the officer registers performance;
- GET /api/repairs/{id}/: one application, visible exactly when its record is;
- POST /api/repairs/{id}/<step>/: extend, grant, refuse, revoke.

An application (or record) the user may not see answers 404 before any input is looked at.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import clock, kinds, queries
from ..http import client_ip
from ..lifecycle import RepairState
from ..models import RepairApplication
from ..services import repair as svc
from ..services.repair.eligibility import repair_eligibility
from . import repair_serializers as s
from .serializers import RecordDetailSerializer
from .steps import ERRORS, StepApi, step_input, take_step
from .views import record_detail


def repair_detail(application: RepairApplication) -> dict:
    return s.RepairApplicationSerializer(application).data


@extend_schema(tags=["repairs"], responses={200: s.EligibilitySerializer, 404: ERRORS[404]})
class RepairEligibilityApi(APIView):
    """The eligibility check on today's date (DOMAIN §6.5 design: shown to the applicant)."""

    def get(self, request: Request, pk: int) -> Response:
        record = queries.record_get(user=request.user, record_id=pk)
        today = clock.today()
        result = repair_eligibility(record, today)
        data = {
            "record": record.pk,
            "on": today,
            "eligible": result.eligible,
            "earliest_date": result.earliest_date,
            "conditions": result.conditions,
        }
        return Response(s.EligibilitySerializer(data).data)


@extend_schema(tags=["repairs"])
class RecordRepairsApi(APIView):
    lifecycle_step = svc.APPLY_STEP  # POST: the application

    @extend_schema(
        operation_id="record_repairs_list",
        responses={200: s.RepairApplicationSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        applications = queries.repair_list_for_record(user=request.user, record_id=pk)
        return Response(s.RepairApplicationSerializer(applications, many=True).data)

    @extend_schema(
        operation_id="repairs_apply",
        summary=_("申请信用修复"),
        description="DOMAIN §6.5: accepted at once when every condition passes (201). Otherwise "
        "refused at once with the first failing condition as the reason: the refused application "
        "is recorded and answered with 422, its reason in `detail` and the application in "
        "`application` (docs/decisions.md).",
        request=s.RepairApplyInput,
        responses={201: s.RepairApplicationSerializer, 422: s.RepairRefusalSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = step_input(request, kinds.RECORD, pk, s.RepairApplyInput)
        application = svc.repair_apply(
            acting_user=request.user,
            record_id=pk,
            commitment=data["commitment"],
            commitment_signed_by_id=data.get("commitment_signed_by"),
            received_on=data.get("received_on"),
            paper_filing_reason=data["paper_filing_reason"],
            ip_address=client_ip(request),
        )
        if application.state == RepairState.REFUSED:
            return refused_on_filing(application)
        return Response(repair_detail(application), status=status.HTTP_201_CREATED)


def refused_on_filing(application: RepairApplication) -> Response:
    """Not a success (so not 201), not an input error either (the refusal is recorded, and
    stays): 422 with the reason, as a form shows it, and the refused application."""
    detail = _("不予修复：%(reason)s。%(detail)s") % {
        "reason": application.get_refusal_reason_display(),
        "detail": application.refusal_detail,
    }
    body = {
        "detail": detail.strip(),
        "code": "repair_refused",
        "field": None,
        "application": repair_detail(application),
    }
    return Response(body, status=status.HTTP_422_UNPROCESSABLE_ENTITY)


@extend_schema(tags=["repairs"])
class ObligationsFulfilledApi(APIView):
    @extend_schema(
        operation_id="records_obligations_fulfilled",
        summary=_("登记义务履行完毕"),
        description="DOMAIN §6.5, scenarios 15 and 18",
        request=s.ObligationsFulfilledInput,
        responses={200: RecordDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        record = take_step(
            request, kinds.RECORD, pk, s.ObligationsFulfilledInput, svc.record_mark_obligations_fulfilled
        )
        return Response(record_detail(record, request))


@extend_schema(tags=["repairs"], responses={200: s.RepairApplicationSerializer, 404: ERRORS[404]})
class RepairDetailApi(APIView):
    def get(self, request: Request, pk: int) -> Response:
        return Response(repair_detail(queries.repair_get(user=request.user, application_id=pk)))


class RepairActionApi(StepApi):
    """POST /api/repairs/{id}/<step>/: parse the input, call the step's one service,
    answer the application as the service left it."""

    kind = kinds.REPAIR
    operation_prefix = "repairs"
    tags = ["repairs"]
    response = s.RepairApplicationSerializer


_action = RepairActionApi.for_step


STEPS = {
    "extend": _action("extend", svc.repair_extend, s.RepairExtendInput),
    "grant": _action("grant", svc.repair_grant),
    "refuse": _action("refuse", svc.repair_refuse, s.RepairRefuseInput),
    "revoke": _action("revoke", svc.repair_revoke, s.RepairRevokeInput),
}

urlpatterns = [
    path(
        "records/<int:pk>/repair-eligibility/",
        RepairEligibilityApi.as_view(),
        name="record-repair-eligibility",
    ),
    path("records/<int:pk>/repairs/", RecordRepairsApi.as_view(), name="record-repairs"),
    path(
        "records/<int:pk>/obligations-fulfilled/",
        ObligationsFulfilledApi.as_view(),
        name="record-obligations-fulfilled",
    ),
    path("repairs/<int:pk>/", RepairDetailApi.as_view(), name="repair-detail"),
    *[
        path(f"repairs/<int:pk>/{slug}/", view.as_view(), name=f"repair-{slug}")
        for slug, view in STEPS.items()
    ],
]
