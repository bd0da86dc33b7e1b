"""What the accountability and honours endpoints read and write (DOMAIN §6.4, §9.7). Output
serializers shape rows casework.queries already scoped to the user; input serializers only
parse (types, dates, choices): the rules live in the services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import clock, queries
from ..models import Accountability, Appeal, AppealKind, AppealOutcome, DecisionType, Sanction, Track
from ..services.accountability import sanctions
from . import filing
from .fields import IdField
from .serializers import DeadlineSerializer, LifecycleObjectSerializer

# ── output ──────────────────────────────────────────────────────────────────────────


class AppealSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)

    class Meta:
        model = Appeal
        fields = [
            "id",
            "sanction",
            "kind",
            "kind_display",
            "filed_on",
            "grounds",
            "decision_due",
            "outcome",
            "outcome_display",
            "decided_on",
        ]


class SanctionSerializer(serializers.ModelSerializer):
    """`status_label` is the sanction's status today: an appeal leaves it "执行中"."""

    person_name = serializers.CharField(source="person.name", read_only=True)
    decision_type_display = serializers.CharField(source="get_decision_type_display", read_only=True)
    status_label = serializers.SerializerMethodField()
    appeals = AppealSerializer(many=True, read_only=True)

    class Meta:
        model = Sanction
        fields = [
            "id",
            "accountability",
            "person",
            "person_name",
            "decision_type",
            "decision_type_display",
            "basis",
            "effective_on",
            "period_months",
            "period_end",
            "released_on",
            "revoked",
            "status_label",
            "appeals",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_status_label(self, sanction: Sanction) -> str:
        return sanctions.status_label(sanction, clock.today())


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AccountabilityListSerializer(LifecycleObjectSerializer):
    record_reference = serializers.CharField(source="record.reference", read_only=True, default=None)
    track_display = serializers.CharField(source="get_track_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None)

    class Meta:
        model = Accountability
        fields = [
            "id",
            "record",
            "record_reference",
            "rectification",
            "track",
            "track_display",
            "state",
            "state_display",
            "reason",
            "unit",
            "unit_name",
            "initiated_on",
            "decided_on",
            "served_on",
            "needs_reexamination",
        ]


class AccountabilityDetailSerializer(AccountabilityListSerializer):
    """What `queries.accountability_get` let this user see: their persons and decisions."""

    persons = PersonRefSerializer(source="visible_persons", many=True, read_only=True)
    sanctions = SanctionSerializer(source="visible_sanctions", many=True, read_only=True)
    deadlines = serializers.SerializerMethodField()

    class Meta(AccountabilityListSerializer.Meta):
        fields = [*AccountabilityListSerializer.Meta.fields, "persons", "sanctions", "deadlines"]

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, case: Accountability) -> list:
        return DeadlineSerializer(queries.accountability_deadlines(case), many=True).data


class HonourResultSerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    query_id = serializers.IntegerField()


# ── input ───────────────────────────────────────────────────────────────────────────


class AccountabilityInitiateInput(serializers.Serializer):
    track = serializers.ChoiceField(label=_("程序"), choices=Track.choices)
    reason = serializers.CharField(label=_("立案事由"))
    persons = serializers.ListField(label=_("被追责人员"), child=IdField(), required=False)
    unit = IdField(label=_("被追责单位"), required=False, allow_null=True)
    rectification = IdField(label=_("源于整改"), required=False, allow_null=True)
    initiated_on = serializers.DateField(label=_("立案日期"), required=False, allow_null=True)


class AccountabilityInvestigateInput(serializers.Serializer):
    investigators = serializers.ListField(label=_("调查人员"), child=IdField())


class AccountabilityHearInput(serializers.Serializer):
    notified_on = serializers.DateField(label=_("告知日期"))
    statement = serializers.CharField(label=_("陈述申辩意见"), required=False, allow_blank=True)


class AccountabilityDeliberateInput(serializers.Serializer):
    opinion = serializers.CharField(label=_("审理意见"))


class SanctionDecisionInput(serializers.Serializer):
    person = IdField(label=_("被处理人"))
    decision_type = serializers.ChoiceField(label=_("处理类型"), choices=DecisionType.choices)
    basis = serializers.CharField(label=_("依据"))
    effective_on = serializers.DateField(label=_("生效日期"), required=False, allow_null=True)


class CombinedPeriodInput(serializers.Serializer):
    person = IdField(label=_("被处理人"))
    months = serializers.IntegerField(label=_("合并处分期（月）"), min_value=1)


class AccountabilityDecideInput(serializers.Serializer):
    decisions = SanctionDecisionInput(label=_("处理决定"), many=True, required=False)
    decided_on = serializers.DateField(label=_("决定日期"), required=False, allow_null=True)
    combined_periods = CombinedPeriodInput(label=_("合并处分期"), many=True, required=False)
    unit_measure = serializers.ChoiceField(
        label=_("对单位的问责方式"), choices=DecisionType.choices, required=False, allow_blank=True
    )
    reason = serializers.CharField(label=_("说明"), required=False, allow_blank=True)


class AccountabilityServeInput(serializers.Serializer):
    served_on = serializers.DateField(label=_("送达日期"))


class AccountabilityNoteInput(serializers.Serializer):
    note = serializers.CharField(label=_("说明"), required=False, allow_blank=True)


class AccountabilityCloseInput(serializers.Serializer):
    reason = serializers.CharField(label=_("说明"), required=False, allow_blank=True)


class SanctionAppealInput(serializers.Serializer):
    kind = serializers.ChoiceField(label=_("申请类型"), choices=AppealKind.choices)
    filed_on = filing.received_on(_("申请日期"))
    grounds = serializers.CharField(label=_("申请理由"))
    paper_filing_reason = filing.paper_filing_reason()


class AppealDecideInput(serializers.Serializer):
    outcome = serializers.ChoiceField(label=_("结果"), choices=AppealOutcome.choices)
    decided_on = serializers.DateField(label=_("决定日期"), required=False, allow_null=True)
    decision_type = serializers.ChoiceField(
        label=_("变更后的处理类型"), choices=DecisionType.choices, required=False, allow_blank=True
    )
    basis = serializers.CharField(label=_("依据"), required=False, allow_blank=True)
    reason = serializers.CharField(label=_("说明"), required=False, allow_blank=True)


class HonoursCheckInput(serializers.Serializer):
    person = IdField(label=_("查询人员"), required=False, allow_null=True)
    organisation = IdField(label=_("查询单位"), required=False, allow_null=True)
    purpose = serializers.CharField(label=_("查询用途"), max_length=200)
    on = serializers.DateField(label=_("查询基准日"), required=False, allow_null=True)
