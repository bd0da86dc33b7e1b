"""`manage.py rotate_pii_key [--rehash]`: re-encrypt every stored ID number with the current key.

Rotation (docs/operations.md "Personal information"): give the new key a new id
(CHENGXIN_PII_KEY, CHENGXIN_PII_KEY_ID), move the old one into CHENGXIN_PII_OLD_KEYS
(`<old id>=<old key>`), restart, run this command; once it reports 0 rows left under an old
key, remove the old key from CHENGXIN_PII_OLD_KEYS. `--rehash` also recomputes the lookup
hashes (after changing CHENGXIN_PII_HASH_KEY: until it has run, exact lookups find nobody).
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from casework import pii
from casework.models import Person


class Command(BaseCommand):
    help = "用当前密钥重新加密全部身份证号码（密钥轮换）。"

    def add_arguments(self, parser):
        parser.add_argument("--rehash", action="store_true", help="同时按当前检索密钥重算检索摘要。")

    def handle(self, *args, rehash=False, **options):
        current = settings.CHENGXIN_PII_KEY_ID
        done = 0
        for person in Person.objects.only("pk", "id_number_ciphertext").iterator(chunk_size=500):
            if pii.key_id_of(person.id_number_ciphertext) == current and not rehash:
                continue
            columns = pii.columns(pii.decrypt(person.id_number_ciphertext))
            if not rehash:
                columns.pop("id_number_hash")
            with transaction.atomic():
                Person.objects.filter(pk=person.pk).update(**columns)
            done += 1
        left = sum(
            1
            for token in Person.objects.values_list("id_number_ciphertext", flat=True).iterator()
            if pii.key_id_of(token) != current
        )
        self.stdout.write(f"re-encrypted {done}; left under an old key: {left}")
