"""What the rectification endpoints read and write (DOMAIN §6.3). Input serializers only
parse (types, dates, choices); the rules live in casework.services.rectification*."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import ExtensionRequest, ItemReview, Rectification, RectificationItem, ReviewDecision
from ..services.rectification import sign_off_is_current
from . import filing
from .attachments import AttachmentSerializer
from .fields import TEXT_MAX, IdField
from .serializers import CaseObjectSerializer, DeadlineSerializer, LifecycleObjectSerializer

# ── output ──────────────────────────────────────────────────────────────────────────


class ItemReviewSerializer(serializers.ModelSerializer):
    decision_display = serializers.CharField(source="get_decision_display", read_only=True)
    reviewer = serializers.StringRelatedField()

    class Meta:
        model = ItemReview
        fields = ["decision", "decision_display", "reason", "reviewer", "reviewed_at"]


class ExtensionRequestSerializer(LifecycleObjectSerializer):
    requested_by = serializers.StringRelatedField()
    decided_by = serializers.StringRelatedField()

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "item",
            "requested_by",
            "requested_on",
            "days",
            "reason",
            "state",
            "state_display",
            "decided_by",
            "decided_on",
            "decision_reason",
        ]


class RectificationItemSerializer(LifecycleObjectSerializer):
    deadlines = DeadlineSerializer(source="owned_deadlines", many=True, read_only=True)
    evidence = AttachmentSerializer(source="owned_attachments", many=True, read_only=True)
    reviews = ItemReviewSerializer(many=True, read_only=True)
    extensions = ExtensionRequestSerializer(many=True, read_only=True)

    class Meta:
        model = RectificationItem
        fields = [
            "id",
            "number",
            "state",
            "state_display",
            "requirement",
            "acceptance_criteria",
            "required_evidence",
            "period_days",
            "extension_used",
            "return_reason",
            "deadlines",
            "evidence",
            "reviews",
            "extensions",
        ]


class RectificationListSerializer(CaseObjectSerializer):
    class Meta:
        model = Rectification
        fields = [
            *CaseObjectSerializer.case_fields,
            "served_on",
            "submitted_at",
            "created_at",
        ]


class RectificationSerializer(RectificationListSerializer):
    drafted_by = serializers.StringRelatedField()
    issued_by = serializers.StringRelatedField()
    head_signed_by = serializers.StringRelatedField()
    sign_off_current = serializers.SerializerMethodField()
    deadlines = DeadlineSerializer(source="owned_deadlines", many=True, read_only=True)
    attachments = AttachmentSerializer(source="owned_attachments", many=True, read_only=True)
    items = RectificationItemSerializer(many=True, read_only=True)

    class Meta(RectificationListSerializer.Meta):
        fields = [
            *RectificationListSerializer.Meta.fields,
            "drafted_by",
            "issued_by",
            "explanation",
            "head_signed_by",
            "head_signed_at",
            "evidence_changed_at",
            "sign_off_current",
            "truth_declared",
            "deadlines",
            "attachments",
            "items",
        ]

    @extend_schema_field(serializers.BooleanField())
    def get_sign_off_current(self, rectification: Rectification) -> bool:
        return sign_off_is_current(rectification)


# ── input ───────────────────────────────────────────────────────────────────────────


class RectificationItemInput(serializers.Serializer):
    # Blank text passes here so that the service names the item and the field at fault.
    requirement = serializers.CharField(
        max_length=TEXT_MAX, label=_("整改要求"), allow_blank=True, required=False
    )
    acceptance_criteria = serializers.CharField(
        max_length=TEXT_MAX, label=_("验收标准"), allow_blank=True, required=False
    )
    required_evidence = serializers.CharField(
        max_length=TEXT_MAX, label=_("须提交的材料"), allow_blank=True, required=False
    )
    period_days = serializers.IntegerField(label=_("整改期限（自然日）"), required=False, allow_null=True)


class RectificationDraftInput(serializers.Serializer):
    items = RectificationItemInput(label=_("整改事项"), many=True, allow_empty=True)


class RectificationServeInput(serializers.Serializer):
    served_on = serializers.DateField(label=_("整改通知送达日期"))


class RectificationExplanationInput(serializers.Serializer):
    explanation = serializers.CharField(max_length=TEXT_MAX, label=_("情况说明"), allow_blank=True)


class RectificationSignOffInput(serializers.Serializer):
    declaration = serializers.BooleanField(label=_("确认已审阅整改报告及材料"), default=False)


class RectificationSubmitInput(serializers.Serializer):
    truth_declared = serializers.BooleanField(label=_("声明材料真实"), default=False)


class RectificationReviewDecisionInput(serializers.Serializer):
    item = IdField(label=_("整改事项"))
    decision = serializers.ChoiceField(label=_("审核结论"), choices=ReviewDecision.choices)
    reason = serializers.CharField(
        max_length=TEXT_MAX, label=_("审核意见"), allow_blank=True, required=False, default=""
    )


class RectificationReviewInput(serializers.Serializer):
    decisions = RectificationReviewDecisionInput(label=_("审核结论"), many=True, allow_empty=True)


class ExtensionRequestInput(serializers.Serializer):
    days = serializers.IntegerField(label=_("申请延长天数"))
    reason = serializers.CharField(max_length=TEXT_MAX, label=_("延期理由"), allow_blank=True)
    received_on = filing.received_on()
    paper_filing_reason = filing.paper_filing_reason()


class ExtensionDecisionInput(serializers.Serializer):
    approve = serializers.BooleanField(label=_("是否批准"))
    reason = serializers.CharField(
        max_length=TEXT_MAX, label=_("审批意见"), allow_blank=True, required=False, default=""
    )
