from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models import Organisation
from oversight.models import AlertLevel, AlertState, RiskRule
from oversight.models.payments import MAX_PAYMENT_DAYS, SmePayment
from portal.selects import PlainSelect, UnitField

from .queries import ACTIVE


class AlertFilterForm(forms.Form):
    level = forms.ChoiceField(
        label=_("级别"), required=False, choices=[("", _("全部级别")), *AlertLevel.choices]
    )
    rule = forms.ModelChoiceField(
        label=_("规则"),
        required=False,
        queryset=RiskRule.objects.all(),
        empty_label=_("全部规则"),
        widget=PlainSelect,
    )
    unit = UnitField(label=_("单位"), empty_label=_("全部单位"))
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        initial=ACTIVE,
        choices=[(ACTIVE, _("待处理和已知悉")), *AlertState.choices, ("", _("全部状态"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].offer(Organisation.objects.order_by("name"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PaymentForm(forms.ModelForm):
    class Meta:
        model = SmePayment
        fields = [
            "supplier_name",
            "supplier_credit_code",
            "contract_number",
            "amount",
            "accepted_on",
            "contract_days",
            "paid_on",
        ]
        widgets = {
            "accepted_on": forms.DateInput(attrs={"type": "date"}),
            "paid_on": forms.DateInput(attrs={"type": "date"}),
            "contract_days": forms.NumberInput(attrs={"min": 1, "max": MAX_PAYMENT_DAYS}),
        }


class PaidForm(forms.Form):
    paid_on = forms.DateField(label=_("实际付款日期"), widget=forms.DateInput(attrs={"type": "date"}))
