"""The outbox in the admin site: read-only for the credit administrator, with the dead-letter
list (filter 状态 = 发送失败) and its re-send action (exchange.delivery.resend, audited)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from casework import audit, clock
from casework.errors import DomainError
from casework.http import client_ip
from casework.permissions import has_role
from casework.roles import Role

from . import delivery
from .models import Outbound, OutboundState


class OverdueFilter(admin.SimpleListFilter):
    title = _("逾期未送达")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("1", _("是"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return delivery.overdue(queryset, clock.today())
        return queryset


class _LabelledFilter(admin.SimpleListFilter):
    """The values present in the outbox, shown in words (the column holds codes)."""

    field: str

    def lookups(self, request, model_admin):
        values = Outbound.objects.order_by(self.field).values_list(self.field, flat=True).distinct()
        return [(value, _label_of(self.field, value)) for value in values]

    def queryset(self, request, queryset):
        return queryset.filter(**{self.field: self.value()}) if self.value() else queryset


def _label_of(field: str, value: str) -> str:
    return getattr(Outbound(**{field: value}), f"get_{field}_display")()


class ChannelFilter(_LabelledFilter):
    title, parameter_name, field = _("接收系统"), "channel", "channel"


class KindFilter(_LabelledFilter):
    title, parameter_name, field = _("类型"), "kind", "kind"


@admin.register(Outbound)
class OutboundAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "channel_label",
        "stream",
        "kind_label",
        "due_on",
        "is_overdue",
        "state",
        "attempts",
        "delivered_at",
    ]
    list_filter = ["state", OverdueFilter, ChannelFilter, KindFilter, "due_on"]
    search_fields = ["key", "stream"]
    ordering = ["due_on", "id"]
    actions = ["resend"]
    readonly_fields = [f.name for f in Outbound._meta.fields]

    @admin.display(description=_("接收系统"), ordering="channel")
    def channel_label(self, obj: Outbound) -> str:
        return obj.get_channel_display()

    @admin.display(description=_("类型"), ordering="kind")
    def kind_label(self, obj: Outbound) -> str:
        return obj.get_kind_display()

    # Words, not the admin's boolean icons: its green tick would read as "fine" for a late message.
    @admin.display(description=_("逾期"))
    def is_overdue(self, obj: Outbound) -> str:
        late = obj.due_on and obj.due_on < clock.today() and obj.state != OutboundState.DELIVERED
        return str(_("已逾期")) if late else ""

    def has_module_permission(self, request):
        return request.user.is_superuser or has_role(request.user, Role.CREDIT_ADMIN)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("重新发送所选的发送失败消息"))
    def resend(self, request, queryset):
        try:
            count = delivery.resend(
                by=audit.Acting(request.user, Role.CREDIT_ADMIN, client_ip(request)),
                message_ids=list(queryset.values_list("pk", flat=True)),
            )
        except DomainError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(
            request, _("已重新排队发送 %(count)d 条消息。") % {"count": count}, messages.SUCCESS
        )
