"""The audit trail in the admin's words: each action, role and state by its label (the
lifecycle tables'), never the code stored in the entry."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from ..action_labels import action_label, choices
from ..roles import Role


def role_label(role: str) -> str:
    try:
        return str(Role(role).label)
    except ValueError:
        return role or "—"


def state_label(entry, state: str) -> str:
    """`state` by the label of the audited model's state field (any model with one)."""
    if not state:
        return "—"
    model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
    try:
        field = model._meta.get_field("state") if model is not None else None
    except FieldDoesNotExist:
        field = None
    if field is None or not field.choices:
        return state
    return str(dict(field.flatchoices).get(state, state))


class EntryLabels:
    """Columns for a ModelAdmin or inline of AuditEntry."""

    @admin.display(description=_("操作"), ordering="action")
    def action_name(self, entry):
        return action_label(entry.action)

    @admin.display(description=_("角色"), ordering="actor_role")
    def role_name(self, entry):
        return role_label(entry.actor_role)

    @admin.display(description=_("原状态"))
    def from_state_name(self, entry):
        return state_label(entry, entry.from_state)

    @admin.display(description=_("新状态"))
    def to_state_name(self, entry):
        return state_label(entry, entry.to_state)


class ActionFilter(admin.SimpleListFilter):
    title = _("操作")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return choices()

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


class RoleFilter(admin.SimpleListFilter):
    title = _("角色")
    parameter_name = "actor_role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        return queryset.filter(actor_role=self.value()) if self.value() else queryset
