"""The honours eligibility query forms (评优评先查询, DOMAIN §9.7).

Finding the subject is a search (GET, `HonoursSearchForm`): a list of every civil servant
would run to thousands. The query itself (POST, `HonoursForm`) carries the subject from the
button pressed in the search results; the rules (one subject, a purpose, who may ask) are the
service's, and its errors come back to the field they name."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.errors import DomainError
from casework.models import Organisation, Person
from casework.permissions import may_see_id_numbers
from casework.queries import organisation_list, person_list

#: The service's field names that this form names otherwise: "which subject" is answered
#: where the subject is chosen, under the person's results.
SERVICE_FIELDS = {"subject": "person"}


class HonoursSearchForm(forms.Form):
    q = forms.CharField(
        label=_("查找查询对象"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        error_messages={"max_length": _("查找内容不能超过 50 字。")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].help_text = (
            _("输入公务员姓名、身份证号码后 4 位或单位名称。")
            if may_see_id_numbers(user)
            else _("输入公务员姓名或单位名称。")
        )

    @property
    def text(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


def _chosen(model, label, not_found) -> forms.ModelChoiceField:
    """A hidden choice the page's search fills in. Its choices are set to the user's scope
    (person_list, organisation_list): only checked against, never listed, so their size does
    not matter."""
    return forms.ModelChoiceField(
        label=label,
        queryset=model.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": not_found},
    )


class HonoursForm(forms.Form):
    person = _chosen(Person, _("公务员"), _("所选公务员不存在。"))
    organisation = _chosen(Organisation, _("单位"), _("所选单位不存在。"))
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
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("请输入有效日期，如 2026-09-30。")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = person_list(user=user)
        self.fields["organisation"].queryset = organisation_list(user=user)

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
