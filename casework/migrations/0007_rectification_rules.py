"""Rule rows of the rectification sub-process (DOMAIN §6.3, §7.1): the longest period an
item may be given. The default period and the other time limits are in 0002."""

from django.db import migrations

# (code, label, amount, unit, roll forward, source)
RULES = [
    (
        "rectification_max",
        "复杂整改事项期限上限",
        60,
        "d",
        True,
        "设计取值 (c)；DOMAIN §6.3“complex items up to 60”",
    ),
]


def load(apps, schema_editor):
    DeadlineRule = apps.get_model("casework", "DeadlineRule")
    for code, label, amount, unit, roll, source in RULES:
        DeadlineRule.objects.update_or_create(
            code=code, defaults=dict(label=label, amount=amount, unit=unit, roll_forward=roll, source=source)
        )


def unload(apps, schema_editor):
    apps.get_model("casework", "DeadlineRule").objects.filter(code__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0006_deadline_overdue_since")]

    operations = [migrations.RunPython(load, unload)]
