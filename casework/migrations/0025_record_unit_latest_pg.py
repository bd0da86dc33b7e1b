"""A unit's records in the order /unit/ lists them (portal.unit.work.unit_records:
`determination_date DESC NULLS LAST, id DESC` among the unit's own): PostgreSQL walks the
unit's part of this index and stops after a page, where it sorted every record of the unit
(a unit of 10,000 records at 1,000,000: 34 ms → under 1 ms, docs/performance.md). The walk
never leaves the unit, so a unit with few records costs no more. PostgreSQL's alone:
SQLite's indexes know no NULLS LAST (casework.pg_only)."""

from django.db import migrations

from casework import pg_only


class Migration(migrations.Migration):
    dependencies = [("casework", "0024_scale_indexes")]

    operations = [
        pg_only.index(
            "record_unit_determined_latest",
            'ON "casework_record" ("subject_organisation_id", "determination_date" DESC NULLS LAST, "id" DESC)',
        )
    ]
