"""The bulk action form under the case list: which cases (the ticked rows), what to do, and
for an assignment, to whom."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.selects import PlainSelect, RowSelect
from workflows.inbox import assignees

from .access import bulk_actions


class IdsField(forms.Field):
    """The ticked rows' ids as given: the service, not the form, decides which exist."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        return [str(v).strip() for v in value or [] if str(v).strip()]


def assignee_rows(queryset):
    """Each assignee's id and what the select shows: the full name, else the username."""
    columns = queryset.values_list("pk", "first_name", "last_name", "username")
    return [(pk, f"{first} {last}".strip() or username) for pk, first, last, username in columns]


class BulkForm(forms.Form):
    ids = IdsField(label=_("选中的案件"), error_messages={"required": _("请先勾选要处理的案件。")})
    action = forms.ChoiceField(label=_("批量操作"), choices=[], widget=PlainSelect)
    assignee = forms.ModelChoiceField(
        label=_("分配给"),
        queryset=None,
        required=False,
        empty_label=_("请选择人员"),
        widget=RowSelect(rows=assignee_rows),
    )
    query = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = bulk_actions(user)
        self.fields["assignee"].queryset = assignees(user)

    def offers_assignees(self) -> bool:
        """Whether the user has anyone to assign to (the select is left out otherwise)."""
        return bool(self.fields["assignee"].widget.option_rows())

    def clean(self):
        data = super().clean()
        if data.get("action") == "assign" and not data.get("assignee"):
            self.add_error("assignee", _("分配任务须选择接收人员。"))
        return data
