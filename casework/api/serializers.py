"""What the API reads and writes. Output serializers only shape rows that casework.queries
already scoped to the user; input serializers only parse (types, dates, choices): the
rules themselves live in the services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.utils import html

from ..models import (
    AuditEntry,
    Category,
    Deadline,
    Domain,
    LeadSource,
    Measure,
    Organisation,
    OrganisationName,
    Person,
    Record,
    Tier,
)
from ..models.records import ServiceMethod
from . import filing
from .fields import TEXT_MAX, ChoiceLabelField, IdField

# ── output ──────────────────────────────────────────────────────────────────────────


# No docstrings on these bases: the schema would give their text to every subclass.


class LifecycleObjectSerializer(serializers.ModelSerializer):
    # An object with a lifecycle: its state is shown with its label.
    state_display = ChoiceLabelField(source="get_state_display")


class CaseObjectSerializer(LifecycleObjectSerializer):
    # An object of a record's case (an objection, an order, an application, a notice):
    # shown with the record's reference.
    record_reference = serializers.CharField(source="record.reference", read_only=True)

    #: What a case object's fields begin with (its own follow, in each Meta.fields).
    case_fields = ("id", "record", "record_reference", "state", "state_display")


class OrganisationNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrganisationName
        fields = ["name", "valid_from", "valid_to"]


class OrganisationSerializer(serializers.ModelSerializer):
    type_display = serializers.CharField(source="get_type_display", read_only=True)
    names = OrganisationNameSerializer(many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "short_name",
            "type",
            "type_display",
            "parent",
            "credit_code",
            "is_active",
            "names",
        ]


class IdNumberReadInput(serializers.Serializer):
    reason = serializers.CharField(label=_("查看理由"), max_length=500)


class IdNumberReadOutput(serializers.Serializer):
    id_number = serializers.CharField(label=_("身份证号码"))


class PersonSerializer(serializers.ModelSerializer):
    """`id_number` is always masked: the full number is `POST /api/people/<id>/id-number/` with a reason."""

    id_number = serializers.SerializerMethodField()
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "id_number",
            "unit",
            "unit_name",
            "post",
            "rank",
            "supervising_body",
            "is_active",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_id_number(self, person: Person) -> str:
        return person.masked_id_number  # in full only through the read with a reason (casework.services.pii)


class MeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measure
        fields = ["id", "code", "name", "legal_basis"]


class DeadlineSerializer(serializers.ModelSerializer):
    class Meta:
        model = Deadline
        fields = ["kind", "label", "start_on", "due_on", "provisional", "status", "rule_version"]


class RecordListSerializer(LifecycleObjectSerializer):
    subject_name = serializers.CharField(source="subject.name", read_only=True)

    class Meta:
        model = Record
        fields = [
            "id",
            "reference",
            "state",
            "state_display",
            "subject_organisation",
            "subject_person",
            "subject_name",
            "category",
            "domain",
            "tier",
            "received_on",
            "determination_date",
            "public",
            "objection_pending",
        ]


class RecordDetailSerializer(RecordListSerializer):
    """`lead_content` (the raw complaint, which may identify the complainant) only for the
    commission's own roles (context `internal`); the subject sees the determined facts."""

    measures = MeasureSerializer(many=True, read_only=True)
    deadlines = DeadlineSerializer(many=True, read_only=True)
    assigned_officer = serializers.StringRelatedField()
    proposed_by = serializers.StringRelatedField()
    determined_by = serializers.StringRelatedField()

    class Meta(RecordListSerializer.Meta):
        fields = [
            *RecordListSerializer.Meta.fields,
            "source",
            "lead_content",
            "tier_rationale",
            "facts",
            "legal_basis",
            "measures",
            "must_disclose",
            "pre_notice_served_on",
            "defence_statement",
            "defence_reply",
            "defence_waived",
            "determining_unit",
            "rule_version",
            "min_end",
            "max_end",
            "served_on",
            "service_method",
            "service_proof",
            "closing_reason",
            "closing_document",
            "assigned_officer",
            "proposed_by",
            "determined_by",
            "deadlines",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"lead_content": {"allow_null": True}}  # null outside the commission

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("internal"):
            data["lead_content"] = None
        return data


class AuditEntrySerializer(serializers.ModelSerializer):
    """`ip_address` and the field-level `diff` only for the commission's own roles (context
    `internal`): a diff can carry the raw lead and internal notes the subject may not read."""

    ip_address = serializers.SerializerMethodField()
    diff = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = [
            "seq",
            "created_at",
            "actor_name",
            "actor_role",
            "action",
            "from_state",
            "to_state",
            "reason",
            "diff",
            "ip_address",
            "hash",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_ip_address(self, entry: AuditEntry) -> str | None:
        return entry.ip_address if self.context.get("internal") else None

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_diff(self, entry: AuditEntry) -> dict:
        return entry.diff if self.context.get("internal") else {}


class ErrorSerializer(serializers.Serializer):
    """Every error response (casework.api.errors)."""

    detail = serializers.CharField()
    code = serializers.CharField()
    field = serializers.CharField(allow_null=True)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("输入校验错误：字段名 → 错误信息"),
    )


# ── input: one per service; field names are the service's keyword arguments ───────


class RegisterLeadInput(serializers.Serializer):
    subject_organisation = IdField(label=_("失信单位"), required=False, allow_null=True)
    subject_person = IdField(label=_("失信公务员"), required=False, allow_null=True)
    source = serializers.ChoiceField(label=_("线索来源"), choices=LeadSource.choices)
    lead_content = serializers.CharField(max_length=TEXT_MAX, label=_("线索内容"))
    received_on = serializers.DateField(label=_("收到日期"))


class EmptyInput(serializers.Serializer):
    pass


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX, label=_("理由"))


class ProposeInput(serializers.Serializer):
    category = serializers.ChoiceField(label=_("失信类别"), choices=Category.choices)
    domain = serializers.ChoiceField(label=_("重点领域"), choices=Domain.choices)
    tier = serializers.ChoiceField(label=_("失信等级"), choices=Tier.choices)
    facts = serializers.CharField(max_length=TEXT_MAX, label=_("失信事实"))
    legal_basis = serializers.CharField(max_length=TEXT_MAX, label=_("认定依据"))
    measure_ids = serializers.ListField(label=_("惩戒措施"), child=IdField(), required=False, default=list)
    tier_rationale = serializers.CharField(
        max_length=TEXT_MAX, label=_("定级理由"), required=False, allow_blank=True, default=""
    )
    must_disclose = serializers.BooleanField(label=_("轻微失信须公示"), required=False, default=False)
    determining_unit = IdField(label=_("认定单位"), required=False, allow_null=True)


class ChoiceListField(serializers.ListField):
    """A list of ids chosen with checkboxes. An HTML form sends nothing when none is ticked;
    its form shows every choice, so there nothing means an empty list, not "unchanged"."""

    def get_value(self, dictionary):
        value = super().get_value(dictionary)
        if value is empty and html.is_html_input(dictionary):
            return []
        return value


class ReturnProposalInput(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX, label=_("退回理由"))


class AmendProposalInput(serializers.Serializer):
    """The fields present are the amendment; the others stay as they are. `measure_ids`,
    when present, is the whole new list."""

    category = serializers.ChoiceField(label=_("失信类别"), choices=Category.choices, required=False)
    domain = serializers.ChoiceField(label=_("重点领域"), choices=Domain.choices, required=False)
    tier = serializers.ChoiceField(label=_("失信等级"), choices=Tier.choices, required=False)
    facts = serializers.CharField(max_length=TEXT_MAX, label=_("失信事实"), required=False)
    legal_basis = serializers.CharField(max_length=TEXT_MAX, label=_("认定依据"), required=False)
    measure_ids = ChoiceListField(label=_("惩戒措施"), child=IdField(), required=False)
    tier_rationale = serializers.CharField(
        max_length=TEXT_MAX, label=_("定级理由"), required=False, allow_blank=True
    )
    must_disclose = serializers.BooleanField(label=_("轻微失信须公示"), required=False, allow_null=True)
    reason = serializers.CharField(max_length=TEXT_MAX, label=_("修改理由"))


class AnswerDefenceInput(serializers.Serializer):
    reply = serializers.CharField(max_length=TEXT_MAX, label=_("陈述申辩答复"))


class ApprovePreNoticeInput(serializers.Serializer):
    """Approving drafts the 事前告知书; its service is recorded by serving the issued notice
    (POST /api/notices/serve/). A service date sent here, as the step once took, is refused
    rather than ignored: the client would believe the service recorded."""

    def validate(self, attrs):
        if "served_on" in getattr(self, "initial_data", {}):
            message = _(
                "批准时不登记送达：事前告知书签发后，在文书送达中登记送达日期（POST /api/notices/serve/）。"
            )
            raise serializers.ValidationError({"served_on": [message]})
        return attrs


class SubmitDefenceInput(serializers.Serializer):
    statement = serializers.CharField(max_length=TEXT_MAX, label=_("陈述申辩意见"))
    received_on = filing.received_on()
    paper_filing_reason = filing.paper_filing_reason()


class DetermineInput(serializers.Serializer):
    determination_date = serializers.DateField(label=_("认定日期"), required=False, allow_null=True)
    defence_waived = serializers.BooleanField(label=_("书面放弃陈述申辩"), required=False, default=False)


class ServeInput(serializers.Serializer):
    served_on = serializers.DateField(label=_("送达日期"))
    method = serializers.ChoiceField(label=_("送达方式"), choices=ServiceMethod.choices)
    proof = serializers.CharField(max_length=200, label=_("送达回证"))
    recipient_consent = serializers.BooleanField(
        label=_("受送达人同意电子送达"), required=False, default=False
    )


class RecordCorrectionFields(serializers.Serializer):
    # The record's fields a correction may change, each optional (an amendment, an
    # objection's decision); no docstring, which the schema would give to the subclasses.
    category = serializers.ChoiceField(label=_("失信类别"), choices=Category.choices, required=False)
    domain = serializers.ChoiceField(label=_("重点领域"), choices=Domain.choices, required=False)
    tier = serializers.ChoiceField(label=_("失信等级"), choices=Tier.choices, required=False)
    tier_rationale = serializers.CharField(
        max_length=TEXT_MAX, label=_("定级理由"), required=False, allow_blank=True
    )
    facts = serializers.CharField(max_length=TEXT_MAX, label=_("失信事实"), required=False)
    legal_basis = serializers.CharField(max_length=TEXT_MAX, label=_("认定依据"), required=False)


class AmendInput(RecordCorrectionFields):
    """The fields present are the correction; the others stay as they are."""

    must_disclose = serializers.BooleanField(label=_("轻微失信须公示"), required=False, allow_null=True)
    reason = serializers.CharField(max_length=TEXT_MAX, label=_("更正理由"))


class RevokeInput(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX, label=_("撤销理由"))
    document = serializers.CharField(max_length=200, label=_("撤销依据文书"))
