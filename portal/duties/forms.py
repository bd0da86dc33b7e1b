from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models import Organisation, Person
from casework.services.duties import grantable_roles


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("用户名或姓名"), required=False, max_length=150)


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=150)
    organisation = forms.ModelChoiceField(
        label=_("所属单位"), required=False, queryset=Organisation.objects.order_by("name"), empty_label="—"
    )
    person = forms.ModelChoiceField(
        label=_("对应公务员"),
        required=False,
        queryset=Person.objects.filter(user__isnull=True).order_by("name"),
        empty_label="—",
    )
    password1 = forms.CharField(label=_("初始密码"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("再次输入初始密码"), strip=False, widget=forms.PasswordInput)

    def clean(self):
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("再次输入初始密码：两次输入的密码不一致。"))
        return data


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=[(r.value, r.label) for r in grantable_roles()])


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"),
        min_length=4,
        max_length=200,
        error_messages={
            "required": _("理由：请填写理由。"),
            "min_length": _("理由：至少 4 个字，写明为何办理（如：手机丢失，已核实本人身份）。"),
        },
    )


class LockoutForm(forms.Form):
    username = forms.CharField(label=_("用户名"), required=False, max_length=255)
    address = forms.GenericIPAddressField(label=_("IP 地址"), required=False)


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("操作（前缀）"), required=False, max_length=60)
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    since = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("截止日期：不能早于起始日期。"))
        return data
