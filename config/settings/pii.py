"""Personal information (个人信息保护法): the keys of the ID-number columns and the retention table.

- ``CHENGXIN_PII_KEY``: encrypts ID numbers at rest (AES-256-GCM, casework.pii). The database holds
  only ciphertext, each prefixed with ``CHENGXIN_PII_KEY_ID`` so a key can be rotated.
- ``CHENGXIN_PII_OLD_KEYS``: ``id=key,id=key``: retired keys still read during a rotation
  (``manage.py rotate_pii_key`` re-encrypts every row with the current key; docs/operations.md).
- ``CHENGXIN_PII_HASH_KEY``: the HMAC-SHA256 key of the lookup column (exact search, uniqueness).
Production requires both keys (production.py): at least 32 characters, distinct from SECRET_KEY,
from the audit checkpoints' key and from each other. Neither is ever written to the database.
"""

from celery.schedules import crontab as _crontab

from .base import env
from .celery import CELERY_BEAT_SCHEDULE as _BEAT_SCHEDULE
from .chengxin import CHENGXIN

# DEVELOPMENT AND TEST ONLY: fixed, public keys so that a dev database and the test suite
# decrypt what they wrote. They are in this file, hence in git: never use them for real data
# (production.py refuses to start with them).
DEV_PII_KEY = "dev-only-pii-encryption-key-not-for-real-data"
DEV_PII_HASH_KEY = "dev-only-pii-lookup-hash-key-not-for-real-data"

CHENGXIN_PII_KEY = env.str("CHENGXIN_PII_KEY", default=DEV_PII_KEY)
CHENGXIN_PII_KEY_ID = env.str("CHENGXIN_PII_KEY_ID", default="1")
CHENGXIN_PII_OLD_KEYS = env.dict("CHENGXIN_PII_OLD_KEYS", default={})
CHENGXIN_PII_HASH_KEY = env.str("CHENGXIN_PII_HASH_KEY", default=DEV_PII_HASH_KEY)

# How long each kind of personal data is kept, in days, before `retention_sweep` deletes or
# anonymises it (exchange.retention; docs/decisions.md "Personal
# information (PIPL)"). The audit trail is not in this table: the sweep never touches it
# (CHENGXIN_AUDIT_RETENTION_DAYS is its floor, and nothing deletes it).
CHENGXIN["RETENTION"] = {
    # A complaint closed without becoming a lead (退回/不予受理/并入), counted from its answer:
    # the complainant's name and contact are anonymised; the complaint itself stays.
    "COMPLAINTS_CLOSED_DAYS": env.int("CHENGXIN_RETAIN_COMPLAINTS_DAYS", default=3 * 365),
    # An import batch's uploaded file and its row report, counted from the upload.
    "IMPORT_BATCHES_DAYS": env.int("CHENGXIN_RETAIN_IMPORTS_DAYS", default=180),
    # Expired sessions, and axes' access and failure logs (login controls), counted from the attempt.
    "SESSIONS_DAYS": env.int("CHENGXIN_RETAIN_SESSIONS_DAYS", default=1),
    "ACCESS_LOGS_DAYS": env.int("CHENGXIN_RETAIN_ACCESS_LOGS_DAYS", default=183),
}

# Once a day at 03:30, after the night's imports and before the working day.
_BEAT_SCHEDULE["retention sweep"] = {
    "task": "exchange.tasks.retention_sweep",
    "schedule": _crontab(hour=3, minute=30),
}
