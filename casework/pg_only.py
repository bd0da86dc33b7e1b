"""Schema that only PostgreSQL can hold (an index column `DESC NULLS LAST`, which SQLite's
indexes refuse), for migrations: a RunPython that executes its SQL on PostgreSQL and does
nothing elsewhere, so the tests on SQLite keep the same migration graph."""

from django.db import migrations


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


def index(name: str, create: str) -> migrations.RunPython:
    """`CREATE INDEX IF NOT EXISTS name ON …` (`create`: the rest of the statement after
    the name) forwards, `DROP INDEX IF EXISTS name` backwards, on PostgreSQL alone."""
    return migrations.RunPython(
        _on_postgresql(f'CREATE INDEX IF NOT EXISTS "{name}" {create}'),
        _on_postgresql(f'DROP INDEX IF EXISTS "{name}"'),
        elidable=False,
    )
