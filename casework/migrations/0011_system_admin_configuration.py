"""The system administrator's configuration permissions (DOMAIN §2, R11: users, the
organisation tree, numbering, rule parameters). The holiday calendar and the rule tables
are opened by role (casework.admin.calendar); these admin pages check Django's model
permissions, which the role's group is granted here, in every installation, once:
an administrator may take them away again and a later migrate does not give them back.

Django creates model permissions after the last migration (post_migrate), so on a fresh
database they are created here first.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

#: (app label, codename). Users: accounts and their roles (groups), read the roles' grants;
#: the organisation tree with its former names; the measure catalogue (deactivated, never
#: deleted, once cited).
GRANTS = [
    ("casework", "view_user"),
    ("casework", "add_user"),
    ("casework", "change_user"),
    ("auth", "view_group"),
    ("casework", "view_organisation"),
    ("casework", "add_organisation"),
    ("casework", "change_organisation"),
    ("casework", "view_organisationname"),
    ("casework", "add_organisationname"),
    ("casework", "change_organisationname"),
    ("casework", "delete_organisationname"),
    ("casework", "view_measure"),
    ("casework", "add_measure"),
    ("casework", "change_measure"),
]


def system_admin_group(apps):
    Group = apps.get_model("auth", "Group")
    return Group.objects.filter(
        permissions__content_type__app_label="casework", permissions__codename="role_system_admin"
    ).first()


def permissions(apps, grants):
    Permission = apps.get_model("auth", "Permission")
    for label in sorted({label for label, _ in grants}):
        create_permissions(global_apps.get_app_config(label), apps=apps, verbosity=0)
    found = []
    for label, codename in grants:
        found += Permission.objects.filter(content_type__app_label=label, codename=codename)
    return found


def grant(apps, schema_editor):
    group = system_admin_group(apps)
    if group is not None:
        group.permissions.add(*permissions(apps, GRANTS))


def revoke(apps, schema_editor):
    group = system_admin_group(apps)
    if group is not None:
        group.permissions.remove(*permissions(apps, GRANTS))


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0010_rule_source_in_chinese"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
