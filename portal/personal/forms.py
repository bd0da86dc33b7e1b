"""The honours eligibility query form (评优评先查询, DOMAIN §9.7): what it parses; the rules
(one subject, a purpose, who may ask) are the service's, and its errors come back to the
field they name."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.errors import DomainError
from casework.models import Organisation, Person
from casework.queries import organisation_list, person_list

#: The service's field names that this form names otherwise: "which subject" is asked at the
#: first of the two choices.
SERVICE_FIELDS = {"subject": "person"}


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.name}（{obj.unit.name}）" if obj.unit_id else obj.name


class HonoursForm(forms.Form):
    person = PersonChoice(
        label=_("公务员"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("（不查询个人）"),
        error_messages={"invalid_choice": _("所选公务员不存在。")},
    )
    organisation = forms.ModelChoiceField(
        label=_("单位"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("（不查询单位）"),
        error_messages={"invalid_choice": _("所选单位不存在。")},
    )
    purpose = forms.CharField(
        label=_("查询用途"),
        max_length=200,
        help_text=_("如：2026 年度优秀公务员评选。查询用途与查询人一并留存五年。"),
        error_messages={"required": _("请填写查询用途。"), "max_length": _("查询用途不能超过 200 字。")},
    )
    on = forms.DateField(
        label=_("查询基准日"),
        required=False,
        help_text=_("不填则为今天。"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("请输入有效日期，如 2026-09-30。")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = person_list(user=user).order_by("name", "pk")
        self.fields["organisation"].queryset = organisation_list(user=user).order_by("name", "pk")

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "person_id": data["person"].pk if data["person"] else None,
            "organisation_id": data["organisation"].pk if data["organisation"] else None,
            "purpose": data["purpose"],
            "on": data["on"],
        }

    def add_service_error(self, error: DomainError) -> None:
        field = SERVICE_FIELDS.get(error.field, error.field)
        self.add_error(field if field in self.fields else None, str(error.message))
