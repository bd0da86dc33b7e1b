"""The source of the `rectification_max` rule, as 0007 wrote it, quoted the design notes in
English; the rule tables are read by administrators in Chinese. Only that text changes, and
only if nobody has edited it since."""

from django.db import migrations

CODE = "rectification_max"
ENGLISH = "设计取值 (c)；DOMAIN §6.3“complex items up to 60”"
CHINESE = "设计取值 (c)；复杂整改事项最长可给予60日"


def forwards(apps, schema_editor):
    apps.get_model("casework", "DeadlineRule").objects.filter(code=CODE, source=ENGLISH).update(
        source=CHINESE
    )


def backwards(apps, schema_editor):
    apps.get_model("casework", "DeadlineRule").objects.filter(code=CODE, source=CHINESE).update(
        source=ENGLISH
    )


class Migration(migrations.Migration):
    dependencies = [("casework", "0009_audit_append_only_trigger")]

    operations = [migrations.RunPython(forwards, backwards)]
