"""PIPL: ID numbers leave the database in clear (casework.pii).

The plaintext column is kept, nullable and not unique, while every row gets its ciphertext,
keyed hash and masked form; then it is dropped and the hash takes the unique constraint.
Reversible: going back decrypts every row into the plaintext column (the keys are needed
both ways). Row by row through the ORM, so SQLite and PostgreSQL alike.
"""

import casework.identifiers
from django.db import migrations, models


def encrypt_rows(apps, schema_editor):
    from casework import pii

    Person = apps.get_model("casework", "Person")
    for person in Person.objects.only("pk", "id_number").iterator(chunk_size=500):
        Person.objects.filter(pk=person.pk).update(**pii.columns(person.id_number or ""))


def decrypt_rows(apps, schema_editor):
    from casework import pii

    Person = apps.get_model("casework", "Person")
    for person in Person.objects.only("pk", "id_number_ciphertext").iterator(chunk_size=500):
        Person.objects.filter(pk=person.pk).update(id_number=pii.decrypt(person.id_number_ciphertext))


class Migration(migrations.Migration):
    dependencies = [("casework", "0017_duties_admin_roles")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="id_number_ciphertext",
            field=models.TextField(default="", editable=False, verbose_name="身份证号码（密文）"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="person",
            name="id_number_hash",
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name="身份证号码检索摘要"),
        ),
        migrations.AddField(
            model_name="person",
            name="id_number_masked",
            field=models.CharField(default="", editable=False, max_length=18, verbose_name="身份证号码（脱敏）"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="person",
            name="id_number",
            field=casework.identifiers.IdNumberField(max_length=18, null=True, verbose_name="身份证号码"),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
        migrations.RemoveField(model_name="person", name="id_number"),
        migrations.AlterField(
            model_name="person",
            name="id_number_hash",
            field=models.CharField(editable=False, max_length=64, unique=True, verbose_name="身份证号码检索摘要"),
        ),
    ]
