"""The intake operator's forms: a complaint typed in, a hotline export uploaded, and the
triage steps' few inputs."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from casework import clock
from casework.models import Organisation
from exchange.complaints.lifecycle import Channel


class ComplaintForm(forms.Form):
    channel = forms.ChoiceField(label=_("来源渠道"), choices=Channel.choices)
    work_order = forms.CharField(
        label=_("工单编号"), max_length=60, required=False, help_text=_("现场来访可不填。")
    )
    received_on = forms.DateField(
        label=_("收到日期"),
        initial=clock.today,
        # A date input takes only ISO dates: the Chinese locale's 2026/12/07 would show it empty.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("请填写收到日期。"), "invalid": _("请输入有效日期，如 2026-09-30。")},
    )
    title = forms.CharField(label=_("标题"), max_length=200)
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 6}))
    complainant_name = forms.CharField(label=_("投诉人"), max_length=100, required=False)
    complainant_contact = forms.CharField(label=_("联系方式"), max_length=100, required=False)
    classification_code = forms.CharField(label=_("分类编码"), max_length=40, required=False)
    request_type = forms.CharField(label=_("诉求类型"), max_length=40, required=False)
    organisation = forms.ModelChoiceField(
        label=_("被投诉单位"), queryset=Organisation.objects.order_by("name"), required=False
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("12345 工单导出文件（Excel 表格或逗号分隔的文本文件）"))
    dry_run = forms.BooleanField(label=_("试运行（只校验，不导入）"), required=False)


class AcceptForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("被投诉单位"), queryset=Organisation.objects.order_by("name"), required=False
    )


class MergeForm(forms.Form):
    into = forms.IntegerField(label=_("并入的投诉"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}))
