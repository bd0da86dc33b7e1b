"""The character-bigram indexes of the free-text search (casework.search), on PostgreSQL only:
SQLite searches with a plain LIKE, as before."""

from django.db import migrations

# Upper-cased as Django's icontains is (UPPER(col) LIKE UPPER(pattern)): a row the LIKE finds
# always holds every bigram of the word. Split into characters once: substr(t, i, 2) walks the
# string from its start each time, quadratic on a long text. Repeats are left in: GIN drops them.
BIGRAMS = """
CREATE OR REPLACE FUNCTION chengxin_bigrams(t text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    c text[] := regexp_split_to_array(upper(t), '');
    grams text[] := '{}';
BEGIN
    FOR i IN 1 .. cardinality(c) - 1 LOOP
        grams[i] := c[i] || c[i + 1];
    END LOOP;
    RETURN grams;
END
$$
"""

#: (table, column): every column casework.search looks words up in.
COLUMNS = [
    ("casework_record", "reference"),
    ("casework_record", "facts"),
    ("casework_record", "lead_content"),
    ("casework_organisation", "name"),
    ("casework_organisation", "short_name"),
    ("casework_organisationname", "name"),
    ("casework_person", "name"),
]


def index_name(table: str, column: str) -> str:
    return f"{table}_{column}_bigrams"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(BIGRAMS)
    for table, column in COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX "{index_name(table, column)}" ON "{table}" USING gin (chengxin_bigrams("{column}"))'
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{index_name(table, column)}"')
    schema_editor.execute("DROP FUNCTION IF EXISTS chengxin_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0019_passwords_tokens"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
