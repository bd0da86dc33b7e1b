from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.models import SelfReportKind
from portal.selects import UnitField


def _named(label: str, message: str) -> dict:
    """The form's own refusals name their input, as the service's do."""
    return {
        "label": label,
        "error_messages": {"required": message, "invalid": message, "invalid_choice": message},
    }


class SelfReportForm(forms.Form):
    kind = forms.ChoiceField(choices=SelfReportKind.choices, **_named(_("报告类别"), _("请选择报告类别。")))
    document_number = forms.CharField(max_length=100, **_named(_("文书号"), _("请填写文书号。")))
    issuing_body = forms.CharField(max_length=200, **_named(_("作出机关"), _("请填写作出机关。")))
    received_on = forms.DateField(
        help_text=_("本单位收到该文书的日期（年-月-日）；应在收到后5个工作日内报告。"),
        widget=forms.DateInput(attrs={"type": "date"}),
        **_named(_("收到日期"), _("请填写有效的收到日期（年-月-日）。")),
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), **_named(_("内容摘要"), _("请填写内容摘要。"))
    )


NIL_CHOICES = [("nil", _("本季度无失信情况（报告“无”）")), ("list", _("本季度有失信情况，见所选事项"))]


class QuarterlyReportForm(forms.Form):
    answer = forms.ChoiceField(
        choices=NIL_CHOICES,
        widget=forms.RadioSelect,
        **_named(_("报告内容"), _("请选择报告“无”或选择报告事项。")),
    )
    items = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("报告事项"),
        error_messages={"invalid_choice": _("报告事项：只能选择本单位在本季度收到并已报告的事项。")},
    )
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, held, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = held


class FilterForm(forms.Form):
    unit = UnitField(label=_("单位"), empty_label=_("全部单位"))
    kind = forms.ChoiceField(
        choices=[("", _("全部类别")), *SelfReportKind.choices], required=False, label=_("报告类别")
    )
    late = forms.ChoiceField(
        choices=[("", _("全部")), ("yes", _("逾期报告")), ("no", _("按期报告"))],
        required=False,
        label=_("是否逾期"),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].offer(units)
