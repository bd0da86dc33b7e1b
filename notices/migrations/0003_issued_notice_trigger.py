"""What an issued notice says cannot change in the database either, on PostgreSQL.

Once a notice has its number (issued, then perhaps served or voided: `Notice.was_issued`), a
trigger refuses any UPDATE of the columns of `notices.models.FROZEN_FIELDS`, refuses
writing `pdf`, `sha256` or `rendered_at` unless the column is still empty (the rendering
task stores them after issue, once: `NoticeQuerySet.store_pdf`), lets the state move only
along notices.lifecycle (ISSUED → SERVED or VOIDED; SERVED and VOIDED are final), and
refuses DELETE. Everything else (the void fields, written when an issued notice is voided)
stays writable. Issuing itself is the UPDATE that sets the number, so it passes. SQLite keeps
the application-level guard only (notices.models).
"""

from django.db import migrations

TABLE = "notices_notice"

# notices.models.FROZEN_FIELDS, as columns.
FROZEN = (
    "type_code",
    "record_id",
    "content_type_id",
    "object_id",
    "issuer_id",
    "data",
    "template_version",
    "number",
    "year",
    "sequence",
    "issued_on",
    "verify_code",
    "drafted_by_id",
    "approved_by_id",
    "issued_by_id",
    "issued_at",
)


def function_sql(frozen: tuple[str, ...], create: str = "CREATE") -> str:
    """The trigger's function over the `frozen` columns (a later migration that adds a frozen
    column replaces it: `create="CREATE OR REPLACE"`)."""
    changed = " OR ".join(f"NEW.{column} IS DISTINCT FROM OLD.{column}" for column in frozen)
    return f"""
{create} FUNCTION notices_issued_notice_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.number IS NULL THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'issued notice % cannot be deleted', OLD.number
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF {changed} THEN
        RAISE EXCEPTION 'issued notice % cannot be changed', OLD.number
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.pdf IS DISTINCT FROM OLD.pdf AND octet_length(OLD.pdf) > 0)
       OR (NEW.sha256 IS DISTINCT FROM OLD.sha256 AND OLD.sha256 <> '')
       OR (NEW.rendered_at IS DISTINCT FROM OLD.rendered_at AND OLD.rendered_at IS NOT NULL) THEN
        RAISE EXCEPTION 'issued notice % already has its PDF', OLD.number
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.state IS DISTINCT FROM OLD.state
       AND NOT (OLD.state = 'ISSUED' AND NEW.state IN ('SERVED', 'VOIDED')) THEN
        RAISE EXCEPTION 'issued notice % cannot go from % to %', OLD.number, OLD.state, NEW.state
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$"""


CREATE = [
    function_sql(FROZEN),
    f"""CREATE TRIGGER issued_notice_immutable BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION notices_issued_notice_immutable()""",
]

DROP = [
    f"DROP TRIGGER IF EXISTS issued_notice_immutable ON {TABLE}",
    "DROP FUNCTION IF EXISTS notices_issued_notice_immutable()",
]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("notices", "0002_notice_drafted_by_system")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
