"""GET /api/lookup/people/?q= and /api/lookup/organisations/?q=: what a search box that
chooses a person or an organisation asks as the user types (casework.lookups).

Read-only, scoped to the user, at most 20 a page; a person's ID number is never returned,
only its last four characters, and only to the roles that may read ID numbers.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination

from .. import lookups
from ..models import Organisation, Person
from ..permissions import may_see_id_numbers
from . import serializers as s
from .errors import InputError

#: The largest id a database integer column holds: a larger one is refused as input (400),
#: never sent to the database.
MAX_ID = 2**63 - 1


class LookupPagination(PageNumberPagination):
    page_size = lookups.LIMIT
    page_size_query_param = "page_size"
    max_page_size = lookups.LIMIT


class LookupQuery(serializers.Serializer):
    q = serializers.CharField(
        label=_("检索词"), max_length=50, required=False, allow_blank=True, trim_whitespace=True
    )
    unit = serializers.IntegerField(label=_("工作单位"), required=False, min_value=1, max_value=MAX_ID)


class PersonChoiceSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    id_number_tail = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "name", "label", "unit", "unit_name", "post", "is_active", "id_number_tail"]

    def get_label(self, person: Person) -> str:
        return lookups.person_label(person)

    @extend_schema_field(
        serializers.CharField(
            allow_null=True, help_text=_("身份证号码后四位；无权查看身份证号码的角色为 null。")
        )
    )
    def get_id_number_tail(self, person: Person) -> str | None:
        return person.masked_id_number[-4:] if self.context.get("show_id_numbers") else None


class OrganisationChoiceSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()
    type_display = serializers.CharField(source="get_type_display", read_only=True)
    parent_name = serializers.CharField(source="parent.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "short_name",
            "label",
            "type",
            "type_display",
            "parent",
            "parent_name",
            "is_active",
        ]

    def get_label(self, organisation: Organisation) -> str:
        return lookups.organisation_label(organisation)


class LookupApi(generics.ListAPIView):
    # A page of choices for a picker: its own pagination, no filter backends, the text to
    # match in `q` (LookupQuery).
    pagination_class = LookupPagination
    filter_backends = []

    def params(self) -> dict:
        params = LookupQuery(data=self.request.query_params)
        if not params.is_valid():
            raise InputError(params)
        return params.validated_data


Q_PARAMETER = OpenApiParameter(
    "q", OpenApiTypes.STR, description=str(_("名称中的任意连续字；为空时不返回结果。")), required=False
)
#: 400: a malformed parameter; 403: not signed in; 404: a page past the last (DRF's pagination).
ERRORS = {400: s.ErrorSerializer, 403: s.ErrorSerializer, 404: s.ErrorSerializer}


@extend_schema(
    tags=["lookup"],
    summary=_("按姓名检索公务员（供选择）"),
    description=_(
        "在当前用户可见范围内按姓名检索公务员，每页最多 20 条；单位联络员只能检索本单位人员。"
        "有权查看身份证号码的角色也可输入身份证号码后四位检索。"
    ),
    parameters=[
        Q_PARAMETER,
        OpenApiParameter(
            "unit", OpenApiTypes.INT, description=str(_("只检索该单位的人员。")), required=False
        ),
    ],
    responses={200: PersonChoiceSerializer(many=True), **ERRORS},
)
class PersonLookupApi(LookupApi):
    serializer_class = PersonChoiceSerializer

    def get_queryset(self):
        params = self.params()
        people = lookups.people_matching(
            user=self.request.user, text=params.get("q", ""), unit_id=params.get("unit")
        )
        return people.select_related("unit")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "show_id_numbers": may_see_id_numbers(self.request.user)}


@extend_schema(
    tags=["lookup"],
    summary=_("按名称检索单位（供选择）"),
    description=_("按名称、简称或曾用名检索单位，每页最多 20 条。"),
    parameters=[Q_PARAMETER],
    responses={200: OrganisationChoiceSerializer(many=True), **ERRORS},
)
class OrganisationLookupApi(LookupApi):
    serializer_class = OrganisationChoiceSerializer

    def get_queryset(self):
        return lookups.organisations_matching(user=self.request.user, text=self.params().get("q", ""))


urlpatterns = [
    path("lookup/people/", PersonLookupApi.as_view(), name="lookup-people"),
    path("lookup/organisations/", OrganisationLookupApi.as_view(), name="lookup-organisations"),
]
