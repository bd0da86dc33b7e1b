"""API endpoints of the accountability sub-process (责任追究/问责/处分, DOMAIN §6.4) and of
the honours-eligibility check (评优评先查询, §9.7).

- POST /api/records/{id}/accountability/: open a case on a record;
- GET /api/accountability/, GET /api/accountability/{id}/: the cases this user may see;
- POST /api/accountability/{id}/<step>/: one endpoint per step of ACCOUNTABILITY_STEPS;
- POST /api/sanctions/{id}/appeal/: the person (or the unit) appeals one decision;
- POST /api/appeals/{id}/decide/: the decision on an appeal;
- POST /api/honours/check/: an eligibility query, always logged.

A case, decision or appeal the user may not see answers 404 before any input is looked at.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import kinds, queries
from ..http import client_ip
from ..lifecycle import ACCOUNTABILITY_STEPS
from ..services import accountability as svc
from ..services import honours
from ..services.accountability import appeals
from . import accountability_serializers as s
from .steps import ERRORS, StepApi, parse, step_input, take_step


def case_detail(request: Request, case_id: int) -> dict:
    case = queries.accountability_get(user=request.user, accountability_id=case_id)
    return s.AccountabilityDetailSerializer(case).data


@extend_schema(tags=["accountability"])
class RecordAccountabilityApi(APIView):
    @extend_schema(
        operation_id="accountability_initiate",
        summary=_("启动责任追究"),
        description="DOMAIN §6.4",
        request=s.AccountabilityInitiateInput,
        responses={201: s.AccountabilityDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = step_input(request, kinds.RECORD, pk, s.AccountabilityInitiateInput)
        case = svc.accountability_initiate(
            acting_user=request.user,
            record_id=pk,
            track=data["track"],
            reason=data["reason"],
            person_ids=data.get("persons") or (),
            unit_id=data.get("unit"),
            rectification_id=data.get("rectification"),
            initiated_on=data.get("initiated_on"),
            ip_address=client_ip(request),
        )
        return Response(case_detail(request, case.pk), status=status.HTTP_201_CREATED)


@extend_schema(tags=["accountability"])
class AccountabilityListApi(generics.ListAPIView):
    serializer_class = s.AccountabilityListSerializer
    cursor_ordering = ("-initiated_on", "-id")

    def get_queryset(self):
        return queries.accountability_list(user=self.request.user)


@extend_schema(tags=["accountability"], responses={200: s.AccountabilityDetailSerializer, 404: ERRORS[404]})
class AccountabilityDetailApi(APIView):
    def get(self, request: Request, pk: int) -> Response:
        return Response(case_detail(request, pk))


class AccountabilityActionApi(StepApi):
    """POST /api/accountability/{id}/<step>/: parse, call the step's one service, answer the case."""

    kind = kinds.ACCOUNTABILITY
    operation_prefix = "accountability"
    tags = ["accountability"]
    response = s.AccountabilityDetailSerializer
    reread = True  # the case as its page shows it


class DecideApi(AccountabilityActionApi):
    def service_kwargs(self, data: dict) -> dict:
        decisions = [
            {"person_id": d["person"], **{k: v for k, v in d.items() if k != "person"}}
            for d in data.pop("decisions", [])
        ]
        combined = {c["person"]: c["months"] for c in data.pop("combined_periods", [])}
        return {**data, "decisions": decisions, "combined_periods": combined}


_action = AccountabilityActionApi.for_step


STEPS = {
    "investigate": _action("investigate", svc.accountability_investigate, s.AccountabilityInvestigateInput),
    "hear": _action("hear", svc.accountability_hear, s.AccountabilityHearInput),
    "deliberate": _action("deliberate", svc.accountability_deliberate, s.AccountabilityDeliberateInput),
    "decide": DecideApi.for_step("decide", svc.accountability_decide, s.AccountabilityDecideInput),
    "serve": _action("serve", svc.accountability_serve, s.AccountabilityServeInput),
    "execute": _action("execute", svc.accountability_execute, s.AccountabilityNoteInput),
    "start-period": _action("start_period", svc.accountability_start_period),
    "release": _action("release", svc.accountability_release),
    "close": _action("close", svc.accountability_close, s.AccountabilityCloseInput),
}


@extend_schema(tags=["accountability"])
class SanctionAppealApi(APIView):
    lifecycle_step = ACCOUNTABILITY_STEPS["appeal"]

    @extend_schema(
        operation_id="sanctions_appeal",
        summary=ACCOUNTABILITY_STEPS["appeal"].label,
        description="DOMAIN §6.4; scenarios 20, 21",
        request=s.SanctionAppealInput,
        responses={201: s.AppealSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        appeal = take_step(request, kinds.SANCTION, pk, s.SanctionAppealInput, appeals.accountability_appeal)
        return Response(s.AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["accountability"])
class AppealDecideApi(APIView):
    lifecycle_step = ACCOUNTABILITY_STEPS["decide_appeal"]

    @extend_schema(
        operation_id="appeals_decide",
        summary=ACCOUNTABILITY_STEPS["decide_appeal"].label,
        description="DOMAIN §6.4; scenario 20",
        request=s.AppealDecideInput,
        responses={200: s.AppealSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        appeal = take_step(
            request, kinds.APPEAL, pk, s.AppealDecideInput, appeals.accountability_decide_appeal
        )
        return Response(s.AppealSerializer(appeal).data)


@extend_schema(tags=["honours"])
class HonoursCheckApi(APIView):
    @extend_schema(
        operation_id="honours_check",
        summary=_("评优评先资格查询"),
        description="DOMAIN §9.7; scenarios 19, 31",
        request=s.HonoursCheckInput,
        responses={200: s.HonourResultSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = parse(s.HonoursCheckInput, request)
        result = honours.honours_check(
            acting_user=request.user,
            person_id=data.get("person"),
            organisation_id=data.get("organisation"),
            purpose=data["purpose"],
            on=data.get("on"),
            ip_address=client_ip(request),
        )
        return Response(s.HonourResultSerializer(result).data)


urlpatterns = [
    path("records/<int:pk>/accountability/", RecordAccountabilityApi.as_view(), name="record-accountability"),
    path("accountability/", AccountabilityListApi.as_view(), name="accountability-list"),
    path("accountability/<int:pk>/", AccountabilityDetailApi.as_view(), name="accountability-detail"),
    *[
        path(f"accountability/<int:pk>/{slug}/", view.as_view(), name=f"accountability-{slug}")
        for slug, view in STEPS.items()
    ],
    path("sanctions/<int:pk>/appeal/", SanctionAppealApi.as_view(), name="sanction-appeal"),
    path("appeals/<int:pk>/decide/", AppealDecideApi.as_view(), name="appeal-decide"),
    path("honours/check/", HonoursCheckApi.as_view(), name="honours-check"),
]
