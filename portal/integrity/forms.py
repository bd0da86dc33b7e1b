from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.models import AssessmentResult, EntryKind


class EntryForm(forms.Form):
    """One hand entry; the service checks what each kind needs (a year and grade, a result)."""

    kind = forms.ChoiceField(label=_("类别"), choices=EntryKind.choices)
    entry_date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.CharField(
        label=_("结果"),
        max_length=100,
        required=False,
        help_text=_("诚信培训填写培训结果；年度考核填写优秀、称职、基本称职或不称职。"),
        widget=forms.TextInput(attrs={"list": "assessment-results"}),
    )
    year = forms.IntegerField(label=_("考核年度"), required=False, min_value=1950, max_value=2100)
    evidence = forms.CharField(label=_("证明材料"), max_length=200, required=False)

    assessment_results = AssessmentResult.values

    def add_service_error(self, error) -> None:
        self.add_error(error.field if error.field in self.fields else None, str(error.message))


class CorrectionForm(EntryForm):
    reason = forms.CharField(label=_("更正理由"), widget=forms.Textarea(attrs={"rows": 2}))
