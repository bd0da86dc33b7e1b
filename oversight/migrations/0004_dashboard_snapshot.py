from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("oversight", "0002_risk")]

    operations = [
        migrations.CreateModel(
            name="FigureSnapshot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=40, unique=True, verbose_name="名称")),
                ("today", models.DateField(verbose_name="统计日")),
                ("taken_at", models.DateTimeField(verbose_name="统计时间")),
                ("data", models.JSONField(default=dict, verbose_name="数据")),
            ],
            options={"verbose_name": "统计快照", "verbose_name_plural": "统计快照"},
        ),
    ]
