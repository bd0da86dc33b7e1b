"""The case list's filters and sorting: the API's RecordFilter (casework.api.filters) as a
page form. It narrows a queryset the user may already see (oversight.statistics.caseload.cases),
so a filter naming another unit's id simply finds nothing."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from casework.api.filters import RecordFilter
from casework.lifecycle import RecordState
from casework.models import Organisation, Person, Record
from casework.permissions import visible_organisations
from casework.search import organisations_named, text_contains, words
from oversight.statistics.caseload import PROGRESS
from portal.paging import Key
from portal.selects import PlainSelect, RowSelect

MAX_QUERY = 50

PROGRESS_CHOICES = [
    ("open", _("在办")),
    ("overdue", _("已逾期")),
    ("due_soon", _("近期到期（5个工作日内）")),
]
SORT_CHOICES = [
    ("-received", _("收到日期（新→旧）")),
    ("received", _("收到日期（旧→新）")),
    ("due", _("下一期限（近→远）")),
    ("-due", _("下一期限（远→近）")),
    ("reference", _("案件编号（升序）")),
    ("-reference", _("案件编号（降序）")),
    ("state", _("状态（按办理进程）")),
    ("-state", _("状态（倒序）")),
]
_LIFECYCLE_ORDER = Case(
    *(When(state=value, then=Value(n)) for n, value in enumerate(RecordState.values)),
    output_field=IntegerField(),
)
_SORT_KEYS = {
    "received": F("received_on"),
    "due": F("next_due"),
    "reference": F("reference"),
    "state": F("lifecycle"),
}
#: Each sort's keyset (portal.paging): its key, then the id the same way round, so that the
#: order is total and an index on (key, id) serves both directions.
_KEYSETS = {
    "received": Key("received_on", kind=dt.date),
    "reference": Key("reference", nullable=True, kind=str),
    "state": Key("lifecycle"),
}
DEFAULT_SORT = "-received"


def keyset(sort: str) -> tuple[Key, Key]:
    """The keys of `sort` (not "due": portal.workbench.queries.NextDueSource)."""
    sort = sort or DEFAULT_SORT
    descending = sort.startswith("-")
    key = _KEYSETS[sort.lstrip("-")]
    return Key(key.name, descending, key.nullable, key.kind), Key("pk", descending)


def _organisations(request):
    if not request:
        return Organisation.objects.none()
    return visible_organisations(request.user).order_by("name", "pk")


def _unit_rows(queryset):
    # Only what the option shows: hundreds of units, no model instance for each.
    return queryset.values_list("pk", "name")


def _record_matches(word: str) -> Q:
    """A record the word is found in: its own columns, or its subject's names, each table
    through its own indexes (casework.search), not one OR across joined tables."""
    units_named = Organisation.objects.filter(text_contains(["name"], word)).values("pk")
    people = Person.objects.filter(
        text_contains(["name"], word, related=Q(unit_id__in_array=units_named))
    ).values("pk")
    subjects = Q(subject_organisation_id__in_array=organisations_named(word)) | Q(
        subject_person_id__in_array=people
    )
    return text_contains(["reference", "facts", "lead_content"], word, related=subjects)


class DateInput(forms.DateInput):
    input_type = "date"


class CaseListFilter(RecordFilter):
    q = filters.CharFilter(
        label=_("关键词"),
        method="search",
        max_length=MAX_QUERY,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("案件编号、单位或姓名、事实")}),
    )
    state = filters.ChoiceFilter(
        label=_("状态"), choices=RecordState.choices, empty_label=_("全部"), widget=PlainSelect
    )
    unit = filters.ModelChoiceFilter(
        label=_("单位"),
        queryset=_organisations,
        method="of_unit",
        empty_label=_("全部"),
        widget=RowSelect(rows=_unit_rows),
    )
    progress = filters.ChoiceFilter(
        label=_("办理进度"),
        choices=PROGRESS_CHOICES,
        method="in_progress",
        empty_label=_("全部"),
        widget=PlainSelect,
    )
    due_after = filters.DateFilter(
        label=_("下一期限自"), field_name="next_due", lookup_expr="gte", widget=DateInput()
    )
    due_before = filters.DateFilter(
        label=_("下一期限至"), field_name="next_due", lookup_expr="lte", widget=DateInput()
    )
    sort = filters.ChoiceFilter(
        label=_("排序"), choices=SORT_CHOICES, method="sort_by", empty_label=None, widget=PlainSelect
    )
    # The API's subject ids and received-date range are not part of the page's form.
    subject_organisation = subject_person = received_on = None

    class Meta:
        model = Record
        fields = [
            "q",
            "state",
            "category",
            "tier",
            "domain",
            "unit",
            "progress",
            "due_after",
            "due_before",
            "sort",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("category", "tier", "domain"):
            self.filters[name].extra.update(empty_label=_("全部"), widget=PlainSelect)

    def search(self, queryset, name, value):
        """Every word in the reference, the subject's name (a unit's current, short or
        earlier name; a civil servant's name or unit) or the facts and lead."""
        for word in words(value):
            queryset = queryset.filter(_record_matches(word))
        return queryset

    def of_unit(self, queryset, name, value):
        """A unit's cases: its own records and those of its civil servants.

        The civil servants' ids are read first and listed: `person = ANY(list)` beside the
        organisation lets PostgreSQL OR two index scans (record_org_state with the state
        filter, the person index), where a join to the person table filters every record
        of the state."""
        people = list(Person.objects.filter(unit=value).values_list("pk", flat=True))
        return queryset.filter(Q(subject_organisation=value) | Q(subject_person_id__in=people))

    def in_progress(self, queryset, name, value):
        return queryset.filter(PROGRESS[value])

    def sort_by(self, queryset, name, value):
        if value.lstrip("-") == "state":
            queryset = queryset.annotate(lifecycle=_LIFECYCLE_ORDER)
        key = _SORT_KEYS[value.lstrip("-")]
        if value.startswith("-"):
            return queryset.order_by(key.desc(nulls_last=True), "-pk")
        return queryset.order_by(key.asc(nulls_last=True), "pk")
