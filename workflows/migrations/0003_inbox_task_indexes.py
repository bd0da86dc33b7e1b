"""Indexes on viewflow's task table for the inbox page (docs/performance.md, "Inbox and
dashboard"). viewflow's Task is a third-party model: its Meta cannot carry them, so they are
created here, in SQL both PostgreSQL and SQLite accept.

- task_queue_created: the unassigned tasks (a role's queue) in the order the page lists
  them, oldest first; the page stops after one page of rows.
- task_queue_flow_task, task_queue_permission: the same tasks by node and by permission,
  for the queue's count (`flow_task IN (the role's nodes) OR owner_permission IN (…)`:
  a BitmapOr of the two), which otherwise reads every queued task of every role.
- task_owner_open: a user's assigned tasks; the plain owner index also holds every task the
  user ever finished, which grows with the years.
"""

from django.db import migrations

INDEXES = {
    "task_queue_created": "viewflow_task (created, id) WHERE status = 'NEW' AND owner_id IS NULL",
    "task_queue_flow_task": "viewflow_task (flow_task) WHERE status = 'NEW' AND owner_id IS NULL",
    "task_queue_permission": "viewflow_task (owner_permission) WHERE status = 'NEW' AND owner_id IS NULL",
    "task_owner_open": "viewflow_task (owner_id, created) WHERE status IN ('ASSIGNED', 'STARTED')",
}


class Migration(migrations.Migration):
    dependencies = [("workflows", "0002_nodes_named_after_their_steps"), ("viewflow", "0015_task_scheduled")]

    operations = [
        migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {target}", f"DROP INDEX IF EXISTS {name}")
        for name, target in INDEXES.items()
    ]
