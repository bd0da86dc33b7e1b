"""The bulk action form under the case list: which cases (the ticked rows), what to do, and
for an assignment, to whom."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from workflows.inbox import assignees

from .access import bulk_actions


class IdsField(forms.Field):
    """The ticked rows' ids as given: the service, not the form, decides which exist."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        return [str(v).strip() for v in value or [] if str(v).strip()]


class LongSelect(forms.Select):
    """A select of many options (every unit the user sees: hundreds in a city) written in
    one pass: Django's own renders a template per option, which cost the case list more
    than all its queries together (docs/performance.md, keyset pagination)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], mark_safe(" selected") if option["selected"] else "", option["label"])
                for _group, choices, _index in widget["optgroups"]
                for option in choices
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(widget["attrs"]), options)


class BulkForm(forms.Form):
    ids = IdsField(label=_("选中的案件"), error_messages={"required": _("请先勾选要处理的案件。")})
    action = forms.ChoiceField(label=_("批量操作"), choices=[])
    assignee = forms.ModelChoiceField(
        label=_("分配给"), queryset=None, required=False, empty_label=_("请选择人员"), widget=LongSelect
    )
    query = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = bulk_actions(user)
        self.fields["assignee"].queryset = assignees(user).only("pk", "first_name", "last_name", "username")
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.get_username()

    def clean(self):
        data = super().clean()
        if data.get("action") == "assign" and not data.get("assignee"):
            self.add_error("assignee", _("分配任务须选择接收人员。"))
        return data
