"""What the credit-repair API reads and writes (DOMAIN §6.5). Input serializers only
parse; the rules live in casework.services.repair."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Deadline, RefusalReason, RepairApplication
from . import filing
from .fields import IdField
from .serializers import CaseObjectSerializer, DeadlineSerializer, ErrorSerializer

# ── output ──────────────────────────────────────────────────────────────────────────


class ConditionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    passed = serializers.BooleanField()
    reason = serializers.CharField()


class EligibilitySerializer(serializers.Serializer):
    """The applicant's view before applying: every condition and the earliest date."""

    record = serializers.IntegerField()
    on = serializers.DateField(help_text=_("检查基准日"))
    eligible = serializers.BooleanField()
    earliest_date = serializers.DateField(allow_null=True, help_text=_("按日期条件最早可申请日"))
    conditions = ConditionSerializer(many=True)


class RepairApplicationSerializer(CaseObjectSerializer):
    applicant = serializers.StringRelatedField()
    commitment_signed_by = serializers.StringRelatedField()
    decided_by = serializers.StringRelatedField()
    refusal_reason_display = serializers.CharField(source="get_refusal_reason_display", read_only=True)
    deadlines = serializers.SerializerMethodField()

    class Meta:
        model = RepairApplication
        fields = [
            *CaseObjectSerializer.case_fields,
            "applicant",
            "submitted_on",
            "commitment",
            "commitment_signed_by",
            "accepted_on",
            "extension_reason",
            "decided_on",
            "decided_by",
            "refusal_reason",
            "refusal_reason_display",
            "refusal_detail",
            "rule_version",
            "revoked_reason",
            "revoked_on",
            "fraud",
            "deadlines",
        ]

    def get_deadlines(self, application: RepairApplication) -> list[dict]:
        owner_type = ContentType.objects.get_for_model(RepairApplication)
        rows = Deadline.objects.filter(owner_type=owner_type, owner_id=application.pk).order_by("id")
        return DeadlineSerializer(rows, many=True).data


class RepairRefusalSerializer(ErrorSerializer):
    """422: the application was refused on filing (an eligibility condition failed). The
    refusal is recorded: `application` is the refused application, with its reason."""

    application = RepairApplicationSerializer()


# ── input: field names are the service's keyword arguments ─────────────────────────


class RepairApplyInput(serializers.Serializer):
    commitment = serializers.CharField(label=_("信用承诺书"))
    commitment_signed_by = IdField(
        label=_("承诺签署人"),
        required=False,
        allow_null=True,
        help_text=_("单位申请：本单位主要负责人的用户ID"),
    )
    received_on = filing.received_on()
    paper_filing_reason = filing.paper_filing_reason()


class RepairExtendInput(serializers.Serializer):
    reason = serializers.CharField(label=_("延期理由"))


class RepairRefuseInput(serializers.Serializer):
    reason = serializers.ChoiceField(label=_("不予修复理由"), choices=RefusalReason.choices)
    detail = serializers.CharField(label=_("不予修复说明"))


class RepairRevokeInput(serializers.Serializer):
    reason = serializers.CharField(label=_("撤销修复理由"))
    fraud = serializers.BooleanField(label=_("以欺骗手段取得修复"), required=False, default=True)


class ObligationsFulfilledInput(serializers.Serializer):
    on = serializers.DateField(label=_("义务履行完毕日期"))
    evidence = serializers.CharField(label=_("证明材料"))
