from django import forms
from django.utils.translation import gettext_lazy as _

from exchange.models import DocumentKind, ImportKind

KINDS = [
    (ImportKind.DEFAULTER_LIST, ImportKind.DEFAULTER_LIST.label),
    (ImportKind.COURT_DOCUMENTS, ImportKind.COURT_DOCUMENTS.label),
]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("文件类型"), choices=KINDS)
    file = forms.FileField(label=_("文件（CSV、XLSX 或 JSON）"))
    full_list = forms.BooleanField(
        label=_("这是完整名单"),
        required=False,
        help_text=_("勾选后，以前在列而本次文件中没有的条目视为已移出名单。"),
    )
    dry_run = forms.BooleanField(label=_("试运行（只检查，不写入）"), required=False)

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith((".csv", ".xlsx", ".json")):
            raise forms.ValidationError(_("只接受 CSV、XLSX 或 JSON 文件。"))
        return file


class DocumentForm(forms.Form):
    number = forms.CharField(label=_("文书号"), max_length=100)
    court = forms.CharField(label=_("法院"), max_length=100)
    kind = forms.ChoiceField(label=_("文书类型"), choices=DocumentKind.choices)
    revokes = forms.CharField(label=_("被撤销文书号"), max_length=100, required=False)
    party = forms.CharField(label=_("当事人"), max_length=200, required=False)
    credit_code = forms.CharField(label=_("当事人统一社会信用代码"), max_length=30, required=False)
    decided_on = forms.DateField(label=_("裁判日期"), required=False)
    summary = forms.CharField(label=_("内容摘要"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
