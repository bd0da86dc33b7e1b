from django.db import migrations


class Migration(migrations.Migration):
    """Merges the commitments' 0002 with the integrity files' and self-reports' branch."""

    dependencies = [
        ("oversight", "0002_commitments"),
        ("oversight", "0003_integrity_merge_selfreports"),
    ]

    operations = []
