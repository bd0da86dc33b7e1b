"""Thin API endpoints: parse, call one query or one service, answer.

Reads go through casework.queries (already scoped to the user), writes through exactly
one casework.services function each. A record the user may not see answers 404 on every
path, before any input is looked at.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import kinds, queries
from ..http import client_ip
from ..lifecycle import RECORD_STEPS
from ..models import Record
from ..permissions import SEE_ALL_ROLES, has_role, may_see_id_numbers
from ..services import pii, records
from ..services.records import decided as decided_records
from . import serializers as s
from .filters import RecordFilter
from .steps import ERRORS, StepApi, parse


def record_detail(record: Record, request: Request) -> dict:
    internal = has_role(request.user, *SEE_ALL_ROLES)
    return s.RecordDetailSerializer(record, context={"internal": internal}).data


# ── organisations and people ──────────────────────────────────────────────────────


@extend_schema(tags=["organisations"])
class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.OrganisationSerializer
    cursor_ordering = ("type", "name", "id")

    def get_queryset(self):
        return queries.organisation_list(user=self.request.user)


@extend_schema(tags=["people"])
class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    """Civil servants; `id_number` is masked except for the roles that need it."""

    serializer_class = s.PersonSerializer
    cursor_ordering = ("unit_id", "name", "id")

    def get_queryset(self):
        return queries.person_list(user=self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "show_id_numbers": may_see_id_numbers(self.request.user)}

    @extend_schema(
        operation_id="people_read_id_number",
        summary=_("查看完整身份证号码"),
        description=_("须填写查看理由（至少 4 个字）；每次查看连同理由记入审计日志。"),
        request=s.IdNumberReadInput,
        responses={200: s.IdNumberReadOutput, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="id-number")
    def id_number(self, request: Request, pk=None) -> Response:
        queries.person_get(user=request.user, person_id=pk)  # 404 outside the scope, before any input error
        data = parse(s.IdNumberReadInput, request)
        number = pii.read_id_number(
            acting_user=request.user, person_id=pk, reason=data["reason"], ip_address=client_ip(request)
        )
        return Response({"id_number": number})


# ── records: read ─────────────────────────────────────────────────────────────────


@extend_schema(tags=["records"])
class RecordListCreateApi(generics.ListAPIView):
    serializer_class = s.RecordListSerializer
    filterset_class = RecordFilter
    cursor_ordering = ("-received_on", "-id")

    def get_queryset(self):
        return queries.record_list(user=self.request.user)

    @extend_schema(
        operation_id="records_register_lead",
        summary=_("登记线索"),
        request=s.RegisterLeadInput,
        responses={201: s.RecordDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = parse(s.RegisterLeadInput, request)
        record = records.record_register_lead(
            acting_user=request.user,
            subject_organisation_id=data.pop("subject_organisation", None),
            subject_person_id=data.pop("subject_person", None),
            ip_address=client_ip(request),
            **data,
        )
        return Response(record_detail(record, request), status=status.HTTP_201_CREATED)


@extend_schema(tags=["records"], responses={200: s.RecordDetailSerializer, 404: s.ErrorSerializer})
class RecordDetailApi(APIView):
    def get(self, request: Request, pk: int) -> Response:
        return Response(record_detail(queries.record_get(user=request.user, record_id=pk), request))


@extend_schema(tags=["records"], responses={200: s.AuditEntrySerializer(many=True), 404: s.ErrorSerializer})
class RecordAuditApi(APIView):
    """The record's audit trail, oldest first."""

    def get(self, request: Request, pk: int) -> Response:
        entries = queries.record_audit_entries(user=request.user, record_id=pk)
        context = {"internal": has_role(request.user, *SEE_ALL_ROLES)}
        return Response(s.AuditEntrySerializer(entries, many=True, context=context).data)


# ── records: one endpoint per lifecycle step ──────────────────────────────────────


class RecordActionApi(StepApi):
    """POST /api/records/{id}/<step>/: parse the input, call the step's one service, answer the record.

    The answer is the record as the service left it, even when the step takes it out of
    the user's sight (a subject's defence sends it back to 拟认定).
    """

    kind = kinds.RECORD
    operation_prefix = "records"
    tags = ["records"]
    response = s.RecordDetailSerializer

    def answer(self, request: Request, obj: Record) -> dict:
        return record_detail(obj, request)

    @classmethod
    def description(cls, step: str) -> str:
        return f"DOMAIN §5.1 {RECORD_STEPS[step].domain_ref}"


class ProposeApi(RecordActionApi):
    def service_kwargs(self, data: dict) -> dict:
        data["determining_unit_id"] = data.pop("determining_unit", None)
        return data


class AmendApi(RecordActionApi):
    def service_kwargs(self, data: dict) -> dict:
        reason = data.pop("reason")
        return {"changes": {k: v for k, v in data.items() if v is not None}, "reason": reason}


_step = RecordActionApi.for_step

STEPS = {
    "start-verification": _step("start_verification", records.record_start_verification),
    "dismiss": _step("dismiss", records.record_dismiss, s.ReasonInput),
    "propose": ProposeApi.for_step("propose", records.record_propose, s.ProposeInput),
    "answer-defence": _step("answer_defence", records.record_answer_defence, s.AnswerDefenceInput),
    "approve-pre-notice": _step(
        "approve_pre_notice", records.record_approve_pre_notice, s.ApprovePreNoticeInput
    ),
    "submit-defence": _step("submit_defence", records.record_submit_defence, s.SubmitDefenceInput),
    "determine": _step("determine", records.record_determine, s.DetermineInput),
    # The ways out of a proposal come after the steps that take it forward (the page's order).
    "return-proposal": _step("return_proposal", records.record_return_proposal, s.ReturnProposalInput),
    "amend-proposal": _step("amend_proposal", records.record_amend_proposal, s.AmendProposalInput),
    "serve": _step("serve", decided_records.record_serve, s.ServeInput),
    "amend": AmendApi.for_step("amend", decided_records.record_amend, s.AmendInput),
    "revoke": _step("revoke", decided_records.record_revoke, s.RevokeInput),
    "archive": _step("archive", decided_records.record_archive),
}
