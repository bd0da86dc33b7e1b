"""The system administrator configures the issuers and their seals and reads the numbering
(DOMAIN §2, R11: templates, numbering); see casework migration 0011 for why the grant is
made here, once, and why the permissions are created first."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = ["view_issuer", "add_issuer", "change_issuer", "view_noticesequence", "view_voidednumber"]


def _group_and_permissions(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    create_permissions(global_apps.get_app_config("notices"), apps=apps, verbosity=0)
    group = Group.objects.filter(
        permissions__content_type__app_label="casework", permissions__codename="role_system_admin"
    ).first()
    return group, Permission.objects.filter(content_type__app_label="notices", codename__in=GRANTS)


def grant(apps, schema_editor):
    group, perms = _group_and_permissions(apps)
    if group is not None:
        group.permissions.add(*perms)


def revoke(apps, schema_editor):
    group, perms = _group_and_permissions(apps)
    if group is not None:
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0003_issued_notice_trigger"),
        ("casework", "0011_system_admin_configuration"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
