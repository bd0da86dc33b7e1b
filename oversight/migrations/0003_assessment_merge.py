# The assessment's 0002 was made beside the integrity files' and self-reports' (merged in
# 0003_integrity_merge_selfreports): this joins the two branches.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0002_assessment"),
        ("oversight", "0003_integrity_merge_selfreports"),
    ]

    operations = []
