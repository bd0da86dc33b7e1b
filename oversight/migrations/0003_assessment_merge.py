# The assessment's 0002 was made beside the integrity files', self-reports' and commitments'
# (merged up to 0003_commitments_merge): this joins the two branches.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0002_assessment"),
        ("oversight", "0003_commitments_merge"),
    ]

    operations = []
