"""The rule table moves to one file, casework/rule_table.py: this loads the rows a database
lacks from it. Rows already there (the ones 0002–0007 wrote, edited or not) keep their values
and their ids, so running it again changes nothing."""

from django.db import migrations


def load(apps, schema_editor):
    from casework import rule_table

    rule_table.load_missing(apps.get_model("casework", "DeadlineRule"))


class Migration(migrations.Migration):
    dependencies = [("casework", "0011_system_admin_configuration")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
