"""The unit's latest notices in the order the page asks on PostgreSQL (workflows.owed
unit_notices: `issued_on DESC NULLS LAST, id DESC`, undated drafts last for a staff liaison).

notice_issued_latest (0010) is plain `issued_on DESC`, which PostgreSQL reads as NULLS FIRST:
it cannot walk it for NULLS LAST, and sorts every notice of a big unit instead. SQLite's
indexes know no NULLS LAST, so this one is PostgreSQL's alone and lives here, not in Meta."""

from django.db import migrations

from casework import pg_only


class Migration(migrations.Migration):
    dependencies = [("notices", "0010_unitfast_latest_index")]

    operations = [
        pg_only.index(
            "notice_issued_latest_nl",
            'ON "notices_notice" ("issued_on" DESC NULLS LAST, "id" DESC) WHERE "state" IN (\'ISSUED\', \'SERVED\')',
        )
    ]
