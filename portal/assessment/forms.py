from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.assessment.sources import source_choices


class CreateForm(forms.Form):
    year = forms.IntegerField(label=_("考核年度"), min_value=2000, max_value=2100)
    copy_from_year = forms.IntegerField(
        label=_("复制指标自年度"),
        required=False,
        help_text=_("留空则复制默认指标体系。"),
    )


class IndicatorForm(forms.Form):
    code = forms.SlugField(label=_("指标代码"), max_length=40)
    name = forms.CharField(label=_("指标名称"), max_length=100)
    weight = forms.DecimalField(label=_("分值"), max_digits=6, decimal_places=1)
    source = forms.ChoiceField(label=_("自动扣分来源"), choices=source_choices, required=False)
    bonus = forms.BooleanField(label=_("加分项"), required=False)
    position = forms.IntegerField(label=_("顺序"), min_value=0, initial=0)
    description = forms.CharField(
        label=_("评分说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AdjustmentForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("单位"), coerce=int)
    indicator = forms.TypedChoiceField(label=_("指标"), coerce=int)
    points = forms.DecimalField(
        label=_("分值"), max_digits=6, decimal_places=1, help_text=_("扣分填负数，加分填正数。")
    )
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label=_("佐证材料（可选）"), required=False)

    def __init__(self, *args, units=(), indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(u.pk, u.name) for u in units]
        self.fields["indicator"].choices = [(i.pk, i.name) for i in indicators]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("答复结论"),
        choices=[("1", _("异议成立，调整分数")), ("0", _("异议不成立"))],
        coerce=lambda v: v == "1",
    )
    answer = forms.CharField(label=_("答复意见"), widget=forms.Textarea(attrs={"rows": 2}))
    indicator = forms.TypedChoiceField(label=_("调整的指标"), coerce=int, required=False, empty_value=None)
    points = forms.DecimalField(label=_("调整分值"), max_digits=6, decimal_places=1, required=False)

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", "—"), *((i.pk, i.name) for i in indicators)]
