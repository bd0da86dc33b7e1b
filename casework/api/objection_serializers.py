"""What the objection endpoints read and write (DOMAIN §6.2). Input serializers only parse
(types, dates, choices); the rules live in casework.services.objections."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    Attachment,
    Deadline,
    Objection,
    ObjectionGround,
    ObjectionOutcome,
)
from . import filing
from .fields import TEXT_MAX, IdField
from .serializers import CaseObjectSerializer, DeadlineSerializer, RecordCorrectionFields

# ── output ──────────────────────────────────────────────────────────────────────────


class ObjectionAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_at"]


class ObjectionSerializer(CaseObjectSerializer):
    ground_display = serializers.CharField(source="get_ground_display", read_only=True)
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    filed_by = serializers.StringRelatedField()
    decided_by = serializers.StringRelatedField()
    attachments = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()

    class Meta:
        model = Objection
        fields = [
            *CaseObjectSerializer.case_fields,
            "ground",
            "ground_display",
            "statement",
            "filed_by",
            "received_on",
            "complete_on",
            "missing_items",
            "not_accepted_reason",
            "accepted_on",
            "extension_reason",
            "outcome",
            "outcome_display",
            "decision_reason",
            "corrections",
            "decided_by",
            "decided_on",
            "served_on",
            "created_at",
            "attachments",
            "deadlines",
        ]

    def _owned(self, model, objection: Objection):
        return model.objects.filter(
            owner_type=ContentType.objects.get_for_model(Objection), owner_id=objection.pk
        )

    @extend_schema_field(ObjectionAttachmentSerializer(many=True))
    def get_attachments(self, objection: Objection) -> list:
        return ObjectionAttachmentSerializer(self._owned(Attachment, objection), many=True).data

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, objection: Objection) -> list:
        return DeadlineSerializer(self._owned(Deadline, objection), many=True).data


# ── input: one per service; field names are the service's keyword arguments ───────


def _attachment_ids():
    return serializers.ListField(label=_("附件"), child=IdField(), required=False, default=list)


class FileObjectionInput(serializers.Serializer):
    ground = serializers.ChoiceField(label=_("异议理由类别"), choices=ObjectionGround.choices)
    statement = serializers.CharField(max_length=TEXT_MAX, label=_("异议内容"))
    attachment_ids = _attachment_ids()
    received_on = filing.received_on(_("收到日期"))
    paper_filing_reason = filing.paper_filing_reason()


class ObjectionRequestSupplementInput(serializers.Serializer):
    missing_items = serializers.CharField(max_length=TEXT_MAX, label=_("需补正材料"))


class ObjectionSupplementInput(serializers.Serializer):
    complete_on = serializers.DateField(label=_("材料齐全日期"))
    statement_addition = serializers.CharField(
        max_length=TEXT_MAX, label=_("补充异议内容"), required=False, allow_blank=True, default=""
    )
    attachment_ids = _attachment_ids()


class ObjectionAcceptInput(serializers.Serializer):
    accepted_on = serializers.DateField(label=_("受理日期"), required=False, allow_null=True)


class ObjectionRefuseInput(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX, label=_("不予受理理由"))


class ObjectionExtendInput(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX, label=_("延期理由"))


class ObjectionCorrectionsInput(RecordCorrectionFields):
    """The fields present are the correction (DOMAIN §5.1 T14); the others stay as they are."""

    must_disclose = serializers.BooleanField(label=_("轻微失信须公示"), required=False)


class ObjectionDecideInput(serializers.Serializer):
    outcome = serializers.ChoiceField(label=_("处理结果"), choices=ObjectionOutcome.choices)
    reason = serializers.CharField(max_length=TEXT_MAX, label=_("处理理由"))
    corrections = ObjectionCorrectionsInput(label=_("更正/补充内容"), required=False, allow_null=True)
    document = serializers.CharField(
        max_length=TEXT_MAX, label=_("依据文书"), required=False, allow_blank=True, default=""
    )


class ObjectionServeInput(serializers.Serializer):
    served_on = serializers.DateField(label=_("送达日期"))
