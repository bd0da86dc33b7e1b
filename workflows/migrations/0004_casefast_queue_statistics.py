"""Extended statistics on viewflow's task table, so the planner knows which tasks wait in a
queue (docs/performance.md, "Round 2: case page, inbox, dashboard").

Without them PostgreSQL multiplies the selectivities of `status = 'NEW'`, `owner_id IS NULL`
and the queue's node or permission as if they were independent: it guessed 1,704 tasks in
an officer's queue where none were (and walked all 25,000 queued approver tasks through
`task_queue_created`, looking for them) and 888 in the approvers' (and counted them through
a bitmap of all 25,000 instead of stopping at the cap). The most common combinations of the
four columns make both estimates right. PostgreSQL only: other databases have no such thing.
"""

from django.db import migrations

NAME = "task_queue_stats"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS {NAME} (mcv) "
        "ON status, owner_id, owner_permission, flow_task FROM viewflow_task"
    )
    schema_editor.execute("ANALYZE viewflow_task")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("workflows", "0003_inbox_task_indexes")]

    operations = [migrations.RunPython(create, drop)]
