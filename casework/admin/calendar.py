"""Admin for the holiday calendar and the rule tables (DOMAIN §7, §7.1, §4.3).

The calendar is changed only by uploading a whole year's arrangement (the upload page calls
casework.services.calendar.calendar_load, which audits and recomputes deadlines); its rows
are read-only here. Rule rows are saved through casework.services.calendar.rule_save, so
every change is audited. Nothing here is deleted: rules are versioned by `valid_from`.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from ..errors import DomainError
from ..http import client_ip
from ..models import CalendarDay, CalendarYear, DeadlineRule, DisclosureRule
from ..permissions import has_role, roles_of
from ..roles import Role
from ..services import calendar as svc
from ..services.calendar.files import MAX_FILE_BYTES, HolidayFileError


class _ConfigAdmin(admin.ModelAdmin):
    """Staff holding any role may read a configuration table; `editor_roles` may change it."""

    editor_roles: frozenset[str] = frozenset()

    def has_module_permission(self, request):
        return request.user.is_staff and bool(roles_of(request.user))

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def _may_edit(self, request) -> bool:
        return request.user.is_staff and has_role(request.user, *self.editor_roles)

    def has_add_permission(self, request):
        return self._may_edit(request)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request)

    def has_delete_permission(self, request, obj=None):
        return False


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    fields = ["date", "is_workday", "name"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class HolidayUploadForm(forms.Form):
    file = forms.FileField(
        label=_("节假日文件"),
        help_text=_(
            "CSV：每行“日期,类型,名称”，类型为 holiday（休）或 workday（班）；"
            '或 JSON：{"year": 2027, "source": "…", "days": [...]}。'
            "文件整体替换所列年度的安排，须为完整的年度安排。"
        ),
    )
    source = forms.CharField(
        label=_("来源（通知文号）"),
        max_length=200,
        required=False,
        help_text=_("如“国办发明电〔2026〕X号”；留空则取文件中的 source 或文件名。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("文件超过 1 MB，不像是一份年度放假安排。"))
        return upload


@admin.register(CalendarYear)
class CalendarYearAdmin(_ConfigAdmin):
    editor_roles = frozenset({Role.SYSTEM_ADMIN})
    list_display = ["year", "official", "holiday_count", "workday_count", "source", "loaded_at"]
    list_filter = ["official"]
    fields = ["year", "official", "source", "loaded_at"]
    readonly_fields = fields
    inlines = [CalendarDayInline]
    change_list_template = "admin/casework/calendaryear/change_list.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _holidays=Count("days", filter=Q(days__is_workday=False)),
                _workdays=Count("days", filter=Q(days__is_workday=True)),
            )
        )

    @admin.display(description=_("放假天数"), ordering="_holidays")
    def holiday_count(self, obj):
        return obj._holidays

    @admin.display(description=_("调休上班天数"), ordering="_workdays")
    def workday_count(self, obj):
        return obj._workdays

    # The calendar changes only through the upload, which audits and recomputes.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        upload = self.admin_site.admin_view(self.upload_view)
        return [path("upload/", upload, name="casework_calendaryear_upload"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_upload": self._may_edit(request)}
        return super().changelist_view(request, extra_context)

    def upload_view(self, request):
        if not self._may_edit(request):
            raise PermissionDenied
        form = HolidayUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid() and self._load(request, form):
            return redirect("admin:casework_calendaryear_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("上传节假日安排"),
            "opts": self.model._meta,
            "form": form,
            "pending": svc.pending_deadlines()[:50],
        }
        return TemplateResponse(request, "admin/casework/calendaryear/upload.html", context)

    def _load(self, request, form) -> bool:
        upload = form.cleaned_data["file"]
        try:
            result = svc.calendar_load(
                acting_user=request.user,
                content=upload.read(),
                filename=upload.name,
                source=form.cleaned_data["source"],
                ip_address=client_ip(request),
            )
        except HolidayFileError as exc:
            for problem in exc.problems:
                form.add_error("file", problem)
            return False
        except DomainError as exc:
            form.add_error(None, str(exc.message))
            return False
        years = "、".join(
            f"{y} 年（放假 {result.holidays[y]} 天，调休上班 {result.workdays[y]} 天）" for y in result.years
        )
        self.message_user(
            request,
            _("已载入 %(years)s；重新计算办理期限 %(n)d 项。") % {"years": years, "n": len(result.changed)},
            messages.SUCCESS,
        )
        return True


@admin.register(CalendarDay)
class CalendarDayAdmin(_ConfigAdmin):
    list_display = ["date", "weekday", "kind", "name", "year"]
    list_filter = ["year", "is_workday"]
    date_hierarchy = "date"
    search_fields = ["name"]
    fields = ["date", "year", "is_workday", "name"]
    readonly_fields = fields

    @admin.display(description=_("星期"))
    def weekday(self, obj):
        return "一二三四五六日"[obj.date.weekday()]

    @admin.display(description=_("类型"), ordering="is_workday")
    def kind(self, obj):
        return _("调休上班") if obj.is_workday else _("放假")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class _RuleAdmin(_ConfigAdmin):
    def save_model(self, request, obj, form, change):
        svc.rule_save(acting_user=request.user, rule=obj, ip_address=client_ip(request))


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(_RuleAdmin):
    editor_roles = frozenset(svc.RULE_EDITORS[DeadlineRule])
    # The code is the services' key for the rule: its change page shows it, the list names the rule.
    list_display = ["label", "amount", "unit", "roll_forward", "source", "rule_version"]
    list_filter = ["unit", "roll_forward"]
    search_fields = ["code", "label", "source"]
    fields = ["code", "label", "amount", "unit", "roll_forward", "source", "rule_version"]
    actions = ["reload_rules"]

    def get_readonly_fields(self, request, obj=None):
        # The services look rules up by code: a code never changes once in use.
        return ["code"] if obj else []

    @admin.action(description=_("重新载入规则表"), permissions=["change"])
    def reload_rules(self, request, queryset):
        codes = queryset.values_list("code", flat=True)
        count = svc.rules_reload(acting_user=request.user, codes=codes, ip_address=client_ip(request))
        self.message_user(request, _("已按规则表重新载入 %(count)d 条规则。") % {"count": count})


@admin.register(DisclosureRule)
class DisclosureRuleAdmin(_RuleAdmin):
    editor_roles = frozenset(svc.RULE_EDITORS[DisclosureRule])
    list_display = [
        "tier",
        "valid_from",
        "min_months",
        "max_months",
        "public_by_default",
        "rule_version",
        "source",
    ]
    list_filter = ["tier", "rule_version"]
    fields = ["tier", "valid_from", "min_months", "max_months", "public_by_default", "source", "rule_version"]

    def has_change_permission(self, request, obj=None):
        # A rule copied onto a decided record is history: a change is a new row, not an edit.
        return super().has_change_permission(request, obj) and not (obj and svc.rule_in_use(obj))
