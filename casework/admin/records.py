"""Admin for the case data: organisations, people, users, 回避, the measure catalogue,
records with their deadlines, and the audit trail.

Rules kept here:
- every list and page is scoped to the user through casework.queries (a superuser sees all);
  a row outside the scope answers a real 404, not the admin's redirect to the index;
- a record is never written by the admin: its fields are read-only, decided records cannot
  even be opened for change, nothing is deleted, and the only state changes are admin
  actions that call the one service of the step;
- personal ID numbers are masked unless casework.permissions.may_see_id_numbers;
- a credit code or an ID number that fails its check is saved only with the reason its
  administrator verified it (casework.admin.identifiers);
- the audit trail can be read, never added to, changed or deleted.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import audit, identifiers, passwords, queries
from ..errors import DomainError
from ..http import client_ip
from ..identifiers import IdentifierFormField
from ..lifecycle import DECIDED_STATES
from ..models import (
    AuditEntry,
    ConflictDeclaration,
    Deadline,
    DeadlineRule,
    Measure,
    Organisation,
    OrganisationName,
    Person,
    Record,
    User,
)
from ..permissions import may_see_id_numbers, roles_of
from ..services import duties
from ..services import records as record_services
from ..services.records import decided as decided_records
from .audit import ActionFilter, EntryLabels, RoleFilter
from .identifiers import IdentifierForm, IdentifierOverrideAdmin, OverrideForm
from .permissions import PermissionWords


class ScopedAdmin(admin.ModelAdmin):
    """Lists only what `scope(user)` returns; anything else is a 404 on every object page."""

    def scope(self, user):
        raise NotImplementedError

    def get_queryset(self, request):
        if request.user.is_superuser:
            return super().get_queryset(request)
        return self.scope(request.user)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(gettext("对象不存在或您无权查看。"))
        return obj


class ReadOnlyAdminMixin:
    """Nobody adds, changes or deletes through this page, superusers included."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# ── organisations and people ──────────────────────────────────────────────────────


class OrganisationNameInline(admin.TabularInline):
    model = OrganisationName
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(IdentifierOverrideAdmin, ScopedAdmin):
    identifier = identifiers.USCC
    list_display = ["name", "short_name", "type", "parent", "credit_code", "is_active"]
    list_filter = ["type", "is_active"]
    search_fields = ["name", "short_name", "credit_code", "names__name"]
    inlines = [OrganisationNameInline]

    def scope(self, user):
        return queries.organisation_list(user=user)


class PersonIdNumberForm(forms.ModelForm):
    """The ID number is not a column (casework.pii): typed in full for a new person; for an
    existing one the box starts empty (the page shows the masked number) and a number typed
    replaces it. Reading the full number is `/people/<pk>/id-number/`, with a reason."""

    id_number = IdentifierFormField(label=_("身份证号码"), validators=[identifiers.validate_id_number_shape])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "id_number" not in (self._meta.fields or ()):
            del self.fields["id_number"]  # shown masked, read-only
        elif self.instance.pk:
            field = self.fields["id_number"]
            field.required = False
            field.help_text = gettext("当前号码：%(masked)s。留空则不修改；填写则替换为新号码。") % {
                "masked": self.instance.masked_id_number
            }

    @property
    def changed_data(self):
        changed = [f for f in super().changed_data if f != "id_number"]
        typed = self.cleaned_data.get("id_number") if hasattr(self, "cleaned_data") else None
        if typed and typed != (self.instance.id_number if self.instance.id_number_ciphertext else ""):
            changed.append("id_number")
        return changed

    def _post_clean(self):
        typed = self.cleaned_data.get("id_number")
        if typed:
            self.instance.id_number = typed
        super()._post_clean()


@admin.register(Person)
class PersonAdmin(IdentifierOverrideAdmin, ScopedAdmin):
    """Every list and page shows the masked ID number; the full number is read on its own page
    with a reason (portal.personal.id_numbers), by the roles of settings.CHENGXIN["ID_NUMBER_ROLES"]."""

    identifier = identifiers.ID_NUMBER
    list_filter = ["is_active"]
    list_select_related = ["unit"]
    fields = ["name", "id_number", "unit", "post", "rank", "supervising_body", "is_active"]
    list_display = ["name", "masked_id", "unit", "post", "rank", "is_active"]

    def scope(self, user):
        return queries.person_list(user=user)

    @admin.display(description=_("身份证号码"))
    def masked_id(self, person: Person) -> str:
        return person.masked_id_number

    @admin.display(description=_("完整身份证号码"))
    def id_number_read(self, person: Person) -> str:
        url = reverse("person-id-number-page", args=[person.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("查看完整身份证号码（须填写理由）"))

    def get_form(self, request, obj=None, **kwargs):
        base = OverrideForm if self.may_override(request) else IdentifierForm
        mixed = type("PersonForm", (PersonIdNumberForm, base), {})
        return super().get_form(request, obj, **{**kwargs, "form": mixed})

    def may_override(self, request) -> bool:
        return super().may_override(request) and may_see_id_numbers(request.user)

    def get_fields(self, request, obj=None):
        """A new person's number is typed in full; an existing one is shown masked, and those
        who may read it get the link to read it with a reason (and, to replace it, the box)."""
        fields = super().get_fields(request, obj)
        if obj is None:
            return fields
        shown = ["masked_id"]
        if may_see_id_numbers(request.user):
            shown.append("id_number_read")
            if self.has_change_permission(request, obj):
                shown.append("id_number")  # the box to replace it, empty (PersonIdNumberForm)
        at = fields.index("id_number") if "id_number" in fields else len(fields)
        return [*fields[:at], *shown, *fields[at + 1 :]]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if obj is None else [*readonly, "masked_id", "id_number_read"]

    def get_search_fields(self, request):
        """Searching by ID number would reveal it to those who may not see it."""
        return ["name"]

    def get_search_results(self, request, queryset, search_term):
        """The ID number is matched exactly, through its keyed hash (casework.pii)."""
        results, duplicates = super().get_search_results(request, queryset, search_term)
        term = identifiers.normalise_id_number(search_term)
        if may_see_id_numbers(request.user) and len(term) == 18:
            results = results | queryset.with_id_number(term)
        return results, duplicates


@admin.register(User)
class UserAdmin(PermissionWords, DjangoUserAdmin):
    """Django's user admin plus the unit and the civil servant; groups are the roles (DOMAIN §2)."""

    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("单位与身份"), {"fields": ("organisation", "person")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("单位与身份"), {"fields": ("organisation", "person")}),
    )
    list_display = [
        "username",
        "first_name",
        "last_name",
        "organisation",
        "role_names",
        "is_staff",
        "is_active",
    ]
    list_filter = ["groups", "is_staff", "is_active", "organisation"]
    list_select_related = ["organisation"]

    @admin.display(description=_("角色"))
    def role_names(self, user: User) -> str:
        return "、".join(g.name for g in user.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_fieldsets(self, request, obj=None):
        """Roles are granted through groups; only a superuser makes superusers or grants
        single permissions (the system administrator could otherwise grant themselves all).
        Roles themselves are the security administrator's (三员分立: portal /security/), so
        the system administrator sees no groups field either."""
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        hidden = {"is_superuser", "user_permissions", "groups"}
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in fieldsets
        ]

    def has_change_permission(self, request, obj=None):
        # A superuser's account (and its password) is changed by a superuser only.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        """A role (group) changed here is audited as a role change, in the editor's name."""
        by = audit.Acting(request.user, ",".join(sorted(roles_of(request.user)))[:40], client_ip(request))
        with duties.acting_as(by):
            super().save_related(request, form, formsets, change)

    def user_change_password(self, request, id, form_url=""):
        """Django's password form (the rules of casework.passwords apply), audited with the
        administrator's address when the password was changed."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            passwords.record_change(request, User.objects.get(pk=id))
        return response

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups":
            field.label = _("角色")
            field.help_text = _("每个组即一个角色，授予相应的 casework.role_* 权限。")
        return field


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "person", "reason", "declared_at"]
    list_select_related = ["user", "organisation", "person"]
    search_fields = ["user__username", "organisation__name", "person__name", "reason"]
    readonly_fields = ["declared_at"]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    """A measure cited by a record is deactivated, never deleted: the decision must keep its basis."""

    list_display = ["code", "name", "applies_to_organisations", "applies_to_persons", "is_active"]
    list_filter = ["is_active", "applies_to_organisations", "applies_to_persons"]
    search_fields = ["code", "name", "legal_basis"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.record_set.exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


# ── records ───────────────────────────────────────────────────────────────────────


class ScopedInline(ReadOnlyAdminMixin, admin.TabularInline):
    """A record's page lists only the rows `scope(user)` returns: a deadline or an audit entry
    about something on the record the user may not see (a case still under investigation,
    an order not yet served) stays hidden on the record's page too."""

    extra = 0

    def scope(self, user):
        raise NotImplementedError

    def get_queryset(self, request):
        if request.user.is_superuser:
            return super().get_queryset(request)
        return self.scope(request.user).order_by(*(self.ordering or ()))


class DeadlineInline(ScopedInline):
    model = Deadline
    fields = ["label", "start_on", "amount", "unit", "due_on", "provisional", "status", "rule_version"]
    readonly_fields = fields

    def scope(self, user):
        return queries.visible_deadlines(user)


class AuditEntryInline(EntryLabels, ScopedInline):
    model = AuditEntry
    fields = [
        "seq",
        "created_at",
        "actor_name",
        "role_name",
        "action_name",
        "from_state_name",
        "to_state_name",
        "reason",
    ]
    readonly_fields = fields
    ordering = ["seq"]

    def scope(self, user):
        return queries.visible_audit_entries(user)


def _run_step(modeladmin, request, queryset, service) -> None:
    """Call `service` on each selected record; report what was done and what was refused."""
    done = 0
    for record in queryset:
        try:
            service(acting_user=request.user, record_id=record.pk, ip_address=client_ip(request))
            done += 1
        except DomainError as exc:
            modeladmin.message_user(request, f"{record.reference}：{exc.message}", messages.ERROR)
    if done:
        modeladmin.message_user(
            request, gettext("已处理 %(count)d 条记录。") % {"count": done}, messages.SUCCESS
        )


@admin.action(description=_("开始核查"))
def start_verification(modeladmin, request, queryset):
    _run_step(modeladmin, request, queryset, record_services.record_start_verification)


@admin.action(description=_("归档"))
def archive(modeladmin, request, queryset):
    _run_step(modeladmin, request, queryset, decided_records.record_archive)


@admin.register(Record)
class RecordAdmin(ScopedAdmin):
    """Read and act; never edit. Changes go through the API, whose endpoints call the services."""

    list_display = [
        "reference",
        "subject_name",
        "state",
        "category",
        "tier",
        "received_on",
        "determination_date",
        "public",
    ]
    list_filter = ["state", "category", "tier", "domain", "public", "objection_pending"]
    list_select_related = ["subject_organisation", "subject_person"]
    search_fields = [
        "reference",
        "facts",
        "lead_content",
        "subject_organisation__name",
        "subject_person__name",
    ]
    date_hierarchy = "received_on"
    actions = [start_verification, archive]
    inlines = [DeadlineInline, AuditEntryInline]
    fieldsets = [
        (None, {"fields": ["reference", "state", "subject_organisation", "subject_person"]}),
        (_("线索"), {"fields": ["source", "lead_content", "received_on", "created_by", "assigned_officer"]}),
        (
            _("认定"),
            {
                "fields": [
                    "category",
                    "domain",
                    "tier",
                    "tier_rationale",
                    "facts",
                    "legal_basis",
                    "measures",
                    "must_disclose",
                    "proposed_by",
                    "determining_unit",
                    "determination_date",
                    "determined_by",
                ]
            },
        ),
        (
            _("告知与申辩"),
            {"fields": ["pre_notice_served_on", "defence_statement", "defence_reply", "defence_waived"]},
        ),
        (
            _("送达与公示"),
            {
                "fields": [
                    "served_on",
                    "service_method",
                    "service_proof",
                    "disclosure_rule",
                    "rule_version",
                    "min_end",
                    "max_end",
                    "public",
                    "objection_pending",
                ]
            },
        ),
        (_("办结"), {"fields": ["closing_reason", "closing_document", "created_at", "updated_at"]}),
    ]

    def scope(self, user):
        return queries.record_list(user=user)

    @admin.display(description=_("当事方"))
    def subject_name(self, record: Record) -> str:
        return str(record.subject or "—")

    def get_readonly_fields(self, request, obj=None):
        return [f for _title, opts in self.fieldsets for f in opts["fields"]]

    def has_add_permission(self, request):
        return False  # leads are registered through the service (POST /api/records/)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.state in DECIDED_STATES:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Every field is read-only: there is nothing to write, and a record is only ever
        written by a service, which also writes the audit entry."""


class DeadlineKindFilter(admin.SimpleListFilter):
    """Deadlines by the name of their rule, not its code."""

    title = _("类型")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return list(DeadlineRule.objects.order_by("label").values_list("code", "label"))

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ["record", "label", "start_on", "due_on", "provisional", "status", "rule_version"]
    list_filter = ["status", "provisional", DeadlineKindFilter]
    list_select_related = ["record"]
    search_fields = ["record__reference", "label"]

    def scope(self, user):
        return queries.deadline_list(user=user)


@admin.register(AuditEntry)
class AuditEntryAdmin(EntryLabels, ReadOnlyAdminMixin, ScopedAdmin):
    list_display = [
        "seq",
        "created_at",
        "actor_name",
        "role_name",
        "action_name",
        "object_repr",
        "from_state_name",
        "to_state_name",
    ]
    list_filter = [ActionFilter, RoleFilter]
    fields = readonly_fields = [
        "seq",
        "created_at",
        "actor_name",
        "role_name",
        "action_name",
        "object_repr",
        "record",
        "from_state_name",
        "to_state_name",
        "reason",
        "ip_address",
        "diff",
        "prev_hash",
        "hash",
    ]
    search_fields = ["object_repr", "actor_name", "reason", "record__reference"]

    def scope(self, user):
        return queries.audit_entry_list(user=user)
