"""The admin side of a verified identifier override (casework.identifiers.Identifier).

Everyone's form is refused a value that fails the check, by the model's `clean`. The
identifier's administrator gets one more field, the reason; with it the same value is
saved, the reason, who and when are stored on the row, and the save is audited
(casework.services.identifiers).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..http import client_ip
from ..identifiers import Identifier
from ..permissions import has_role
from ..services.identifiers import identifier_override_save

OVERRIDE_FIELD = "override_reason"


class IdentifierForm(forms.ModelForm):
    """`identifier` and `acting_user` are set on the class the admin builds per request."""

    identifier: Identifier
    acting_user = None

    def clean(self):
        cleaned = super().clean()
        if self.identifier.field in self.changed_data:  # an override covers the value it was given for
            self.identifier.clear(self.instance)
        return cleaned


class OverrideForm(IdentifierForm):
    """The identifier administrator's form: a reason saves a value that fails the check."""

    override_reason = forms.CharField(
        label=_("校验例外理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "仅在号码未通过校验、但已核实确为登记机关赋予的号码时填写（如历史遗留代码、发证差错），"
            "写明核实依据；保存时记入审计日志。"
        ),
    )

    def clean(self):
        cleaned = super().clean()
        reason = cleaned.get(OVERRIDE_FIELD, "").strip()
        self.override_granted = bool(reason) and self.identifier.needs_override(
            cleaned.get(self.identifier.field)
        )
        if self.override_granted:
            self.identifier.grant(self.instance, user=self.acting_user, reason=reason)
        return cleaned


class IdentifierOverrideAdmin(admin.ModelAdmin):
    identifier: Identifier

    def may_override(self, request) -> bool:
        return has_role(request.user, self.identifier.override_role)

    def get_exclude(self, request, obj=None):
        stored = [self.identifier.attr(part) for part in ("reason", "by", "at")]
        return [*(super().get_exclude(request, obj) or ()), *stored]

    def get_form(self, request, obj=None, **kwargs):
        base = OverrideForm if self.may_override(request) else IdentifierForm
        form = super().get_form(request, obj, **{"form": base, **kwargs})
        return type(form.__name__, (form,), {"identifier": self.identifier, "acting_user": request.user})

    def get_fields(self, request, obj=None):
        """The reason after the identifier, for its administrator; an override already
        given, for everyone who opens the page."""
        fields = [f for f in super().get_fields(request, obj) if f not in (OVERRIDE_FIELD, "override_note")]
        after = fields.index(self.identifier.field) + 1 if self.identifier.field in fields else len(fields)
        if obj is not None and getattr(obj, self.identifier.attr("reason")):
            fields.insert(after, "override_note")
        if self.identifier.field in fields and self.may_override(request):
            fields.insert(after, OVERRIDE_FIELD)
        return fields

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "override_note"]

    @admin.display(description=_("已核实的校验例外"))
    def override_note(self, obj) -> str:
        by, at = getattr(obj, self.identifier.attr("by")), getattr(obj, self.identifier.attr("at"))
        return gettext("%(who)s 于 %(when)s 核实：%(reason)s") % {
            "who": (by.get_full_name() or by.get_username()) if by else "—",
            "when": localize(timezone.localtime(at)) if at else "—",
            "reason": getattr(obj, self.identifier.attr("reason")),
        }

    def save_model(self, request, obj, form, change):
        if getattr(form, "override_granted", False):
            identifier_override_save(
                acting_user=request.user, obj=obj, identifier=self.identifier, ip_address=client_ip(request)
            )
        else:
            super().save_model(request, obj, form, change)
