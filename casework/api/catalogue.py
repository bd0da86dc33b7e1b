"""Read-only lists a client needs to fill in a step or to follow the platform sync.

- GET /api/measures/: the 惩戒措施清单 in force, with whom each measure applies to
  (every signed-in user: it is public law);
- GET /api/users/assignable/?role=officer|investigator|approver: who may be named in a
  step (the officer a case is handed to, investigators, an approver), minimal fields;
  commission roles only;
- GET /api/sync-events/: the outbox towards the provincial platform (DOMAIN §6.6), with
  each event's due date and acknowledgement; commission roles only.

Rows come from casework.queries, already scoped; a role outside the commission gets 403.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from .. import clock, queries
from ..models import Measure, SyncEvent, SyncKind, User
from ..permissions import remember_roles, roles_of
from ..roles import Role
from .errors import InputError
from .fields import IdField
from .filters import ApiFilterSet
from .serializers import ErrorSerializer

# ── measures ──────────────────────────────────────────────────────────────────────────


class MeasureCatalogueSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measure
        fields = ["id", "code", "name", "legal_basis", "applies_to_organisations", "applies_to_persons"]


class MeasureFilter(filters.FilterSet):
    applies_to = filters.ChoiceFilter(
        label=_("适用对象"),
        choices=[("organisation", _("单位")), ("person", _("个人"))],
        method="filter_applies_to",
    )

    class Meta:
        model = Measure
        fields = ["applies_to"]

    def filter_applies_to(self, queryset, name, value):
        field = "applies_to_organisations" if value == "organisation" else "applies_to_persons"
        return queryset.filter(**{field: True})


@extend_schema(tags=["catalogues"], summary=_("惩戒措施清单：现行有效的措施及其适用对象"))
class MeasureListApi(generics.ListAPIView):
    serializer_class = MeasureCatalogueSerializer
    filterset_class = MeasureFilter
    cursor_ordering = ("code", "id")

    def get_queryset(self):
        return queries.measure_list(user=self.request.user)


# ── users who may be named ────────────────────────────────────────────────────────────


class NameableQuery(serializers.Serializer):
    role = serializers.ChoiceField(
        label=_("用途"), choices=sorted(queries.NAMEABLE_ROLES), required=False, default="officer"
    )
    record = IdField(label=_("失信记录"), required=False)


class NameableUserSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    unit = serializers.IntegerField(source="organisation_id", allow_null=True, read_only=True)
    unit_name = serializers.CharField(source="organisation.name", allow_null=True, read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "name", "unit", "unit_name", "roles"]

    def get_name(self, user: User) -> str:
        return user.get_full_name() or user.get_username()

    def get_roles(self, user: User) -> list[str]:
        """The roles the user holds, as codes (`officer`, `approver` …)."""
        held = roles_of(user)
        return [r.value for r in Role if r in held]


@extend_schema(
    tags=["catalogues"],
    summary=_("可指派、可点名的工作人员"),
    description=_(
        "role=officer：可承办案件的办案人员；investigator：可作为调查人员的办案人员（须两名以上）；"
        "approver：审批人员。给出 record 时，不列出对该案主体登记了回避的人员。仅限监委工作人员。"
    ),
    parameters=[
        OpenApiParameter("role", str, enum=sorted(queries.NAMEABLE_ROLES), description=_("用途")),
        OpenApiParameter("record", int, description=_("失信记录（排除已登记回避的人员）")),
    ],
    # A record the user may not see (or that does not exist) is a 404, as by its own address.
    responses={200: NameableUserSerializer(many=True), 404: ErrorSerializer},
)
class NameableUserListApi(generics.ListAPIView):
    serializer_class = NameableUserSerializer
    cursor_ordering = ("organisation_id", "id")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        remember_roles(page or [])  # each row's roles, read for the whole page at once
        return page

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return User.objects.none()
        query = NameableQuery(data=self.request.query_params)
        if not query.is_valid():
            raise InputError(query)
        return queries.nameable_users(
            user=self.request.user,
            role=query.validated_data["role"],
            record_id=query.validated_data.get("record"),
        )


# ── sync events ───────────────────────────────────────────────────────────────────────


class SyncEventSerializer(serializers.ModelSerializer):
    record_reference = serializers.CharField(source="record.reference", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    acknowledged = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = SyncEvent
        fields = [
            "id",
            "record",
            "record_reference",
            "kind",
            "kind_display",
            "due_on",
            "created_at",
            "attempts",
            "acknowledged",
            "acknowledged_at",
            "overdue",
            "payload",
        ]

    def get_acknowledged(self, event: SyncEvent) -> bool:
        return event.acknowledged_at is not None

    def get_overdue(self, event: SyncEvent) -> bool:
        """Not acknowledged, and its due date has passed."""
        return event.acknowledged_at is None and event.due_on < clock.today()


class SyncEventFilter(ApiFilterSet):
    kind = filters.ChoiceFilter(label=_("类型"), choices=SyncKind.choices)
    pending = filters.BooleanFilter(label=_("尚未确认"), field_name="acknowledged_at", lookup_expr="isnull")
    due_on = filters.DateFromToRangeFilter(label=_("应同步日期"))

    class Meta:
        model = SyncEvent
        fields = ["record", "kind", "pending", "due_on"]


@extend_schema(
    tags=["catalogues"],
    summary=_("省平台同步事件：应同步日期与省平台确认情况"),
    description=_("按应同步日期先后排列。仅限监委工作人员。"),
)
class SyncEventListApi(generics.ListAPIView):
    serializer_class = SyncEventSerializer
    filterset_class = SyncEventFilter
    cursor_ordering = ("due_on", "id")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return SyncEvent.objects.none()
        return queries.sync_event_list(user=self.request.user).order_by("due_on", "id")
