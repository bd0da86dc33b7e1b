"""Permissions as an administrator reads them when granting them: "失信案件 | 单位 | 可修改单位".

Django stores a permission's name in English when it creates it ("Can change 单位", "Can view
Process") and prints it as "app | model | name"; the choice lists of the user and group pages
show these words instead, with each model under the name its admin page uses.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

#: Apps whose permissions open no page: not offered on the user and group pages (the
#: second factor's devices: casework.admin.second_factor).
UNGRANTED_APPS = ("axes", "otp_totp", "otp_static")
#: The verbs of the permissions Django (and viewflow: manage) create for every model.
VERBS = {"add": _("新增"), "change": _("修改"), "delete": _("删除"), "view": _("查看"), "manage": _("管理")}


def permission_label(permission) -> str:
    content_type = ContentType.objects.get_for_id(permission.content_type_id)
    model = content_type.model_class()
    if model is None:
        return permission.name
    model_admin = admin.site._registry.get(model)
    model_name = (model_admin.opts if model_admin is not None else model._meta).verbose_name
    verb, _sep, rest = permission.codename.partition("_")
    what = permission.name
    if verb in VERBS and rest == content_type.model:
        what = gettext("可%(verb)s%(model)s") % {"verb": VERBS[verb], "model": model_name}
    return f"{apps.get_app_config(content_type.app_label).verbose_name} | {model_name} | {what}"


class PermissionWords:
    """For a ModelAdmin with a permissions many-to-many field."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_label
            # The sign-in counters (config/settings/lockout.py) have no admin page to grant.
            field.queryset = field.queryset.exclude(content_type__app_label__in=UNGRANTED_APPS)
        return field


class GroupAdmin(PermissionWords, DjangoGroupAdmin):
    pass


if admin.site.is_registered(Group):
    admin.site.unregister(Group)
admin.site.register(Group, GroupAdmin)
