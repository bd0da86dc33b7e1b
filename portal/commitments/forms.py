"""The commitment pages' forms: registration, a milestone, its performance or miss, a
breach, a change request and its decision. The services validate; these only shape input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from casework import clock
from casework.models import Organisation
from oversight.commitments.lifecycle import CHANGE_REASONS, CommitmentState, CommitmentType, Reason
from portal.selects import UnitField

DATE_ERRORS = {"required": _("请填写日期。"), "invalid": _("请输入有效日期，如 2026-09-30。")}


def _date(label, **kwargs) -> forms.DateField:
    # A date input takes only ISO dates: the Chinese locale's 2026/12/07 would show it empty.
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    return forms.DateField(label=label, widget=widget, error_messages=DATE_ERRORS, **kwargs)


class CommitmentForm(forms.Form):
    promisor = forms.ModelChoiceField(label=_("承诺单位"), queryset=Organisation.objects.order_by("name"))
    type = forms.ChoiceField(label=_("承诺类型"), choices=CommitmentType.choices)
    counterparty_name = forms.CharField(label=_("承诺对象"), max_length=200)
    counterparty_uscc = forms.CharField(label=_("承诺对象统一社会信用代码"), max_length=30, required=False)
    document_number = forms.CharField(label=_("文件编号"), max_length=100, required=False)
    document_title = forms.CharField(label=_("文件名称"), max_length=200)
    legal_basis = forms.CharField(
        label=_("法律政策依据"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    obligations = forms.CharField(label=_("承诺义务"), widget=forms.Textarea(attrs={"rows": 5}))
    attachment = forms.FileField(label=_("承诺文件（可选）"), required=False)

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        if unit is not None:  # a unit registers its own commitments only
            self.fields["promisor"].queryset = Organisation.objects.filter(pk=unit.pk)
            self.fields["promisor"].initial = unit.pk


class MilestoneForm(forms.Form):
    description = forms.CharField(label=_("履约节点"), widget=forms.Textarea(attrs={"rows": 2}))
    due_on = _date(_("应履行日期"))


class PerformForm(forms.Form):
    performed_on = _date(_("履行日期"), initial=clock.today)


class MissForm(forms.Form):
    reason = forms.ChoiceField(label=_("未履行原因类别"), choices=Reason.choices)
    explanation = forms.CharField(
        label=_("情况说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class BreachForm(forms.Form):
    reason = forms.CharField(label=_("违约情形"), widget=forms.Textarea(attrs={"rows": 3}))


class ChangeForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("变更事由"), choices=[(r.value, r.label) for r in Reason if r in CHANGE_REASONS]
    )
    procedure = forms.CharField(label=_("法定程序材料"), widget=forms.Textarea(attrs={"rows": 3}))
    compensation = forms.CharField(label=_("补偿决定"), widget=forms.Textarea(attrs={"rows": 2}))
    attachment = forms.FileField(label=_("程序材料文件（可选）"), required=False)


class DecideForm(forms.Form):
    note = forms.CharField(label=_("审批意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class FilterForm(forms.Form):
    unit = UnitField(label=_("承诺单位"), empty_label="---------")
    type = forms.ChoiceField(
        label=_("承诺类型"), choices=[("", _("全部")), *CommitmentType.choices], required=False
    )
    state = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部")), *CommitmentState.choices], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].offer(Organisation.objects.order_by("name"))
