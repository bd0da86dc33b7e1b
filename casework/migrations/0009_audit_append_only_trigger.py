"""The audit trail is append-only in the database too, on PostgreSQL: a trigger refuses every
UPDATE, DELETE and TRUNCATE of casework_auditentry, whatever the client (psql, a script, a
forgotten bulk update). The chain head (casework_audithead) is another table and stays
updatable. A DBA who must repair the table disables the trigger, which leaves a trace in the
server log and needs the table's owner; the hash chain still shows what was changed.

TRUNCATE has one way through, for whole-database resets (Django's `flush`, which the test
suite runs after each transactional test): a superuser session that set
`chengxin.allow_audit_truncate = on`. Nobody else can, and a superuser could drop the trigger
anyway. SQLite keeps the application-level guard only (casework.models.audit).
"""

from django.db import migrations

TABLE = "casework_auditentry"

CREATE = [
    """
CREATE FUNCTION casework_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE'
       AND current_setting('chengxin.allow_audit_truncate', true) = 'on'
       AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only'
        USING ERRCODE = 'insufficient_privilege', DETAIL = TG_OP || ' on ' || TG_TABLE_NAME;
END;
$$""",
    f"""CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION casework_audit_append_only()""",
    f"""CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION casework_audit_append_only()""",
]

DROP = [
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_append_only ON {TABLE}",
    "DROP FUNCTION IF EXISTS casework_audit_append_only()",
]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("casework", "0008_deadline_fewer_indexes")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
