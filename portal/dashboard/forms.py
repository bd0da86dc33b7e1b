"""The statistics page's filters, as a `Scope` of oversight.statistics."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.models import Category, Organisation, Tier
from oversight.statistics.scope import Scope


class DateInput(forms.DateInput):
    input_type = "date"


class StatisticsForm(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("收到日期自"), required=False, widget=DateInput())
    date_to = forms.DateField(label=gettext_lazy("收到日期至"), required=False, widget=DateInput())
    unit = forms.ModelChoiceField(
        label=gettext_lazy("单位"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("全部"),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("失信类别"),
        choices=[("", gettext_lazy("全部")), *Category.choices],
        required=False,
    )
    tier = forms.ChoiceField(
        label=gettext_lazy("失信等级"), choices=[("", gettext_lazy("全部")), *Tier.choices], required=False
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("收到日期至不能早于收到日期自。"))
        return data

    def scope(self, today: dt.date) -> Scope:
        """The filters as a Scope (call after is_valid())."""
        data = self.cleaned_data
        unit = data.get("unit")
        return Scope(
            today=today,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            unit_id=unit.pk if unit else None,
            category=data.get("category") or "",
            tier=data.get("tier") or "",
        )

    @property
    def filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)
