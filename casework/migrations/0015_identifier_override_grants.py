"""The identifier administrators get the admin pages where a verified override is entered
(casework.admin.identifiers): the credit administrator those of the organisations (whose
统一社会信用代码 they vouch for), the HR administrator those of the civil servants (whose
公民身份号码 they vouch for). Both may add as well as change: a new unit or person whose
real identifier fails the check can only be entered with the override, which the bulk
import refuses to guess (exchange.directory). Nothing is deleted through these pages.

Granted once, to the role's group, as migration 0011 grants the system administrator's; an
administrator may take them away again and a later migrate does not give them back.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

#: role → model permissions of its group
GRANTS = {
    "credit_admin": ["view_organisation", "add_organisation", "change_organisation"],
    "hr_admin": ["view_person", "add_person", "change_person"],
}


def _each(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    create_permissions(global_apps.get_app_config("casework"), apps=apps, verbosity=0)
    for role, codenames in GRANTS.items():
        group = Group.objects.filter(
            permissions__content_type__app_label="casework", permissions__codename=f"role_{role}"
        ).first()
        if group is not None:
            found = Permission.objects.filter(content_type__app_label="casework", codename__in=codenames)
            yield group, list(found)


def grant(apps, schema_editor):
    for group, found in _each(apps):
        group.permissions.add(*found)


def revoke(apps, schema_editor):
    for group, found in _each(apps):
        group.permissions.remove(*found)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0014_identifier_overrides"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
