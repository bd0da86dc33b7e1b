"""Admin for notices: issuers (with their seal image) are configured here; notices, their
counters, voided numbers and service events are only read.

A notice is never written by the admin, superusers included: its life goes through
notices.services (via the API), and an issued notice could not be changed anyway
(Notice.save refuses). Lists are scoped like the API (notices.queries.visible_notices).
"""

from __future__ import annotations

import io

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from casework import upload_safety
from casework.admin.records import ReadOnlyAdminMixin, ScopedAdmin
from casework.errors import DomainError

from . import queries, render, types
from .models import Issuer, Notice, NoticeSequence, ServiceEvent, VoidedNumber

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_SEAL_BYTES = 512 * 1024
MAX_SEAL_PIXELS = 2000


def checked_seal(upload) -> bytes:
    """The uploaded seal as clean PNG bytes, checked by content (not by file name)."""
    if upload.size > MAX_SEAL_BYTES:
        raise forms.ValidationError(_("印章图片不能超过 512 KB。"))
    content = upload.read()
    if not content.startswith(PNG_MAGIC):
        raise forms.ValidationError(_("印章图片须为 PNG 格式（建议透明背景）。"))
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
            width, height = image.size
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise forms.ValidationError(_("无法读取该 PNG 图片。")) from None
    if max(width, height) > MAX_SEAL_PIXELS:
        raise forms.ValidationError(_("印章图片尺寸过大（最长边不超过 2000 像素）。"))
    # The upload checks every file passes (casework.upload_safety): scanned, no polyglot, and
    # re-encoded, so what is kept and printed on every notice is the image and nothing else.
    try:
        return upload_safety.clean_image_data(content, "png", upload.name)
    except DomainError as refused:
        raise forms.ValidationError(refused.message) from None


class IssuerForm(forms.ModelForm):
    seal_upload = forms.FileField(label=_("上传印章图片（PNG）"), required=False)
    seal_clear = forms.BooleanField(label=_("删除印章图片"), required=False)

    class Meta:
        model = Issuer
        fields = ["name", "agency_code", "organisation", "contact", "is_default", "is_active"]

    def clean_seal_upload(self):
        upload = self.cleaned_data.get("seal_upload")
        return checked_seal(upload) if upload else None


@admin.register(Issuer)
class IssuerAdmin(admin.ModelAdmin):
    form = IssuerForm
    list_display = ["name", "agency_code", "organisation", "is_default", "is_active", "has_seal"]
    readonly_fields = ["seal_preview"]
    fields = [
        "name",
        "agency_code",
        "organisation",
        "contact",
        "is_default",
        "is_active",
        "seal_preview",
        "seal_upload",
        "seal_clear",
    ]

    @admin.display(boolean=True, description=_("已设置印章"))
    def has_seal(self, issuer: Issuer) -> bool:
        return issuer.has_seal

    @admin.display(description=_("当前印章"))
    def seal_preview(self, issuer: Issuer):
        uri = render.seal_data_uri(issuer.seal_image) if issuer.pk else None
        return format_html('<img src="{}" style="height:120px" alt="">', uri) if uri else "—"

    def has_delete_permission(self, request, obj=None):
        return False  # notices point at it; deactivate instead

    def save_model(self, request, obj, form, change):
        if form.cleaned_data.get("seal_upload"):
            obj.seal_image = form.cleaned_data["seal_upload"]
        elif form.cleaned_data.get("seal_clear"):
            obj.seal_image = b""
        super().save_model(request, obj, form, change)


class NoticeTypeFilter(admin.SimpleListFilter):
    """Notice types by their titles, not their codes (N1, N8 …)."""

    title = _("文书类型")
    parameter_name = "type_code"

    def lookups(self, request, model_admin):
        return [(t.code, t.title) for t in types.all_types()]

    def queryset(self, request, queryset):
        return queryset.filter(type_code=self.value()) if self.value() else queryset


class IssuerFilter(admin.RelatedFieldListFilter):
    """The counter's issuer has no Chinese field name of its own (a model change for a label)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("发文机关")


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ["number", "type_title", "record", "issuer", "state", "issued_on", "pdf_ready"]
    list_filter = ["state", NoticeTypeFilter, "issuer"]
    list_select_related = ["record", "issuer"]
    search_fields = ["number", "verify_code", "record__reference"]
    fields = [
        "type_title",
        "record",
        "issuer",
        "state",
        "number",
        "issued_on",
        "verify_code",
        "sha256",
        "download",
        "template_version",
        "data",
        "drafted_by",
        "drafted_at",
        "approved_by",
        "approved_at",
        "issued_by",
        "issued_at",
        "rendered_at",
        "voided_by",
        "voided_at",
        "void_reason",
    ]
    readonly_fields = fields

    def scope(self, user):
        return queries.visible_notices(user)

    @admin.display(description=_("文书类型"))
    def type_title(self, notice: Notice) -> str:
        return notice.title

    @admin.display(boolean=True, description=_("PDF 已生成"))
    def pdf_ready(self, notice: Notice) -> bool:
        return notice.pdf_ready

    @admin.display(description=_("下载"))
    def download(self, notice: Notice):
        url = reverse("notice-download", args=[notice.pk])
        label = _("下载 PDF") if notice.was_issued else _("下载样稿")
        return format_html('<a href="{}">{}</a>', url, label)


@admin.register(NoticeSequence)
class NoticeSequenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["issuer_name", "type_title", "year", "last"]
    list_filter = [("issuer", IssuerFilter), NoticeTypeFilter, "year"]

    @admin.display(description=_("发文机关"), ordering="issuer__name")
    def issuer_name(self, sequence: NoticeSequence) -> str:
        return str(sequence.issuer)

    @admin.display(description=_("文书类型"), ordering="type_code")
    def type_title(self, sequence: NoticeSequence) -> str:
        try:
            return types.get(sequence.type_code).title
        except KeyError:
            return sequence.type_code


@admin.register(VoidedNumber)
class VoidedNumberAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "reason", "voided_by", "voided_at"]
    search_fields = ["number"]


@admin.register(ServiceEvent)
class ServiceEventAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ["record", "method", "served_on", "proof", "recipient_consent", "recorded_by"]
    list_filter = ["method"]

    def scope(self, user):
        return ServiceEvent.objects.filter(notices__in=queries.visible_notices(user)).distinct()
