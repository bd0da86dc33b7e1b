"""Thin API endpoints: parse, call one query or one service, answer.

Reads go through casework.queries (already scoped to the user), writes through exactly
one casework.services function each. A record the user may not see answers 404 on every
path, before any input is looked at.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import queries
from ..http import client_ip
from ..lifecycle import RECORD_STEPS
from ..models import Record
from ..permissions import SEE_ALL_ROLES, has_role, may_see_id_numbers
from ..services import decided_records, records
from . import serializers as s
from .errors import InputError
from .filters import RecordFilter

ERRORS = {code: s.ErrorSerializer for code in (400, 403, 404, 409)}


def record_detail(record: Record, request: Request) -> dict:
    internal = has_role(request.user, *SEE_ALL_ROLES)
    return s.RecordDetailSerializer(record, context={"internal": internal}).data


def parse(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    if not serializer.is_valid():
        raise InputError(serializer)
    return dict(serializer.validated_data)


# ── organisations and people ──────────────────────────────────────────────────────


@extend_schema(tags=["organisations"])
class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.OrganisationSerializer

    def get_queryset(self):
        return queries.organisation_list(user=self.request.user)


@extend_schema(tags=["people"])
class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    """Civil servants; `id_number` is masked except for the roles that need it."""

    serializer_class = s.PersonSerializer

    def get_queryset(self):
        return queries.person_list(user=self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "show_id_numbers": may_see_id_numbers(self.request.user)}


# ── records: read ─────────────────────────────────────────────────────────────────


@extend_schema(tags=["records"])
class RecordListCreateApi(generics.ListAPIView):
    serializer_class = s.RecordListSerializer
    filterset_class = RecordFilter

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


class RecordActionApi(APIView):
    """POST /api/records/{id}/<step>/: parse the input, call the step's one service, answer the record.

    The answer is the record as the service left it, even when the step takes it out of
    the user's sight (a subject's defence sends it back to 拟认定).
    """

    input_serializer: type[serializers.Serializer] = s.EmptyInput
    service: Callable[..., Record]

    def post(self, request: Request, pk: int) -> Response:
        queries.record_get(user=request.user, record_id=pk)  # 404 before input errors
        kwargs = self.service_kwargs(parse(self.input_serializer, request))
        record = self.service(acting_user=request.user, record_id=pk, ip_address=client_ip(request), **kwargs)
        return Response(record_detail(record, request))

    def service_kwargs(self, data: dict) -> dict:
        return data


def lifecycle_step(step: str, input_serializer: type[serializers.Serializer] | None = None):
    """Document one step endpoint and attach its input serializer."""

    def decorate(cls):
        cls.input_serializer = input_serializer or s.EmptyInput
        cls.lifecycle_step = RECORD_STEPS[step]  # the schema's roles (casework.api.schema)
        schema = extend_schema(
            operation_id=f"records_{step}",
            summary=RECORD_STEPS[step].label,
            description=f"DOMAIN §5.1 {RECORD_STEPS[step].domain_ref}",
            tags=["records"],
            request=input_serializer,
            responses={200: s.RecordDetailSerializer, **ERRORS},
        )
        return extend_schema_view(post=schema)(cls)

    return decorate


@lifecycle_step("start_verification")
class StartVerificationApi(RecordActionApi):
    service = staticmethod(records.record_start_verification)


@lifecycle_step("dismiss", s.ReasonInput)
class DismissApi(RecordActionApi):
    service = staticmethod(records.record_dismiss)


@lifecycle_step("propose", s.ProposeInput)
class ProposeApi(RecordActionApi):
    service = staticmethod(records.record_propose)

    def service_kwargs(self, data: dict) -> dict:
        data["determining_unit_id"] = data.pop("determining_unit", None)
        return data


@lifecycle_step("return_proposal", s.ReturnProposalInput)
class ReturnProposalApi(RecordActionApi):
    service = staticmethod(records.record_return_proposal)


@lifecycle_step("amend_proposal", s.AmendProposalInput)
class AmendProposalApi(RecordActionApi):
    service = staticmethod(records.record_amend_proposal)


@lifecycle_step("answer_defence", s.AnswerDefenceInput)
class AnswerDefenceApi(RecordActionApi):
    service = staticmethod(records.record_answer_defence)


@lifecycle_step("approve_pre_notice", s.ApprovePreNoticeInput)
class ApprovePreNoticeApi(RecordActionApi):
    service = staticmethod(records.record_approve_pre_notice)


@lifecycle_step("submit_defence", s.SubmitDefenceInput)
class SubmitDefenceApi(RecordActionApi):
    service = staticmethod(records.record_submit_defence)


@lifecycle_step("determine", s.DetermineInput)
class DetermineApi(RecordActionApi):
    service = staticmethod(records.record_determine)


@lifecycle_step("serve", s.ServeInput)
class ServeApi(RecordActionApi):
    service = staticmethod(decided_records.record_serve)


@lifecycle_step("amend", s.AmendInput)
class AmendApi(RecordActionApi):
    service = staticmethod(decided_records.record_amend)

    def service_kwargs(self, data: dict) -> dict:
        reason = data.pop("reason")
        return {"changes": {k: v for k, v in data.items() if v is not None}, "reason": reason}


@lifecycle_step("revoke", s.RevokeInput)
class RevokeApi(RecordActionApi):
    service = staticmethod(decided_records.record_revoke)


@lifecycle_step("archive")
class ArchiveApi(RecordActionApi):
    service = staticmethod(decided_records.record_archive)
