"""Query parameters of the API's lists (django-filter). Filters narrow a queryset that
casework.queries already scoped to the user; ids are plain numbers so that filtering by a
subject the user may not see answers an empty page, not an error that confirms it exists.
An id no database row can have (0, negative, beyond 2**63 − 1) is refused with a 400 that
names the parameter, on SQLite as on PostgreSQL (ApiFilterSet)."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from ..models import Category, Domain, Record, RecordState, Tier
from ..search import text_contains, words
from .fields import MAX_ID


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    """An object's id: a number, not a choice among the rows (which would tell a user that a
    row exists that they may not see)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class ApiFilterSet(filters.FilterSet):
    """The base of every API filter set: a relation or an id named in `Meta.fields` is an
    IdFilter, never a ModelChoiceFilter over the whole table."""

    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
        models.AutoField: {"filter_class": IdFilter},
        models.BigAutoField: {"filter_class": IdFilter},
    }


#: The longest `q` taken: each word of it is one more index scan.
MAX_SEARCH = 200


class RecordFilter(ApiFilterSet):
    state = filters.MultipleChoiceFilter(label=_("状态"), choices=RecordState.choices)
    category = filters.ChoiceFilter(label=_("失信类别"), choices=Category.choices)
    tier = filters.ChoiceFilter(label=_("失信等级"), choices=Tier.choices)
    domain = filters.ChoiceFilter(label=_("重点领域"), choices=Domain.choices)
    subject_organisation = IdFilter(label=_("失信单位"), field_name="subject_organisation_id")
    subject_person = IdFilter(label=_("失信公务员"), field_name="subject_person_id")
    received_on = filters.DateFromToRangeFilter(label=_("收到日期"))
    q = filters.CharFilter(
        label=_("关键词（事实、线索内容、案件编号）"), method="search", max_length=MAX_SEARCH
    )

    class Meta:
        model = Record
        fields = [
            "state",
            "category",
            "tier",
            "domain",
            "subject_organisation",
            "subject_person",
            "received_on",
            "q",
        ]

    def search(self, queryset, name, value):
        for word in words(value):
            queryset = queryset.filter(text_contains(["facts", "lead_content", "reference"], word))
        return queryset
