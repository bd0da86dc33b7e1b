"""The flows' task nodes are named after the steps that complete them: the record's and the
objection's `verify` became `start_verification`. viewflow stores a task's node as the string
"<app label>/<module>.<Flow>.<node>" (Task.flow_task), so the stored tasks, open or done, are
renamed with it; backwards, they get their old name again.

The names are written out here, not read from workflows.flows: a migration keeps the names of
its own day."""

from django.db import migrations

#: (flow, old node name, new node name)
RENAMED = (
    ("RecordFlow", "verify", "start_verification"),
    ("ObjectionFlow", "verify", "start_verification"),
)


def _ref(flow: str, node: str) -> str:
    return f"workflows/flows.{flow}.{node}"


def forwards(apps, schema_editor):
    tasks = apps.get_model("viewflow", "Task").objects
    for flow, old, new in RENAMED:
        tasks.filter(flow_task=_ref(flow, old)).update(flow_task=_ref(flow, new))


def backwards(apps, schema_editor):
    tasks = apps.get_model("viewflow", "Task").objects
    for flow, old, new in RENAMED:
        tasks.filter(flow_task=_ref(flow, new)).update(flow_task=_ref(flow, old))


class Migration(migrations.Migration):
    dependencies = [("workflows", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
