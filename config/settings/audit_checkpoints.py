"""Signed checkpoints of the audit chain's head, kept outside the database (casework.checkpoints).

- ``CHENGXIN_AUDIT_CHECKPOINT_KEY``: the HMAC-SHA256 key. Required in production (production.py).
  Empty elsewhere: dev and test derive a key from SECRET_KEY, which is not in the database either.
- ``CHENGXIN_AUDIT_CHECKPOINT_FILE``: the append-only JSON-lines file (default var/audit-checkpoints.jsonl).
- ``CHENGXIN_AUDIT_CHECKPOINT_INTERVAL``: seconds between two checkpoints written by beat.
- ``CHENGXIN_AUDIT_RETENTION_DAYS``: the minimum time audit entries are kept (等保 level 3: six months).
"""

from pathlib import Path

from celery.schedules import schedule as _every
from django.core.exceptions import ImproperlyConfigured

from .base import VAR_DIR, env
from .celery import CELERY_BEAT_SCHEDULE as _BEAT_SCHEDULE

CHENGXIN_AUDIT_CHECKPOINT_KEY = env.str("CHENGXIN_AUDIT_CHECKPOINT_KEY", default="")
CHENGXIN_AUDIT_CHECKPOINT_FILE = Path(
    env.str("CHENGXIN_AUDIT_CHECKPOINT_FILE", default=str(VAR_DIR / "audit-checkpoints.jsonl"))
)
CHENGXIN_AUDIT_CHECKPOINT_INTERVAL = env.int("CHENGXIN_AUDIT_CHECKPOINT_INTERVAL", default=3600)

# Nothing deletes audit entries; this is the floor any future archiving must respect.
CHENGXIN_AUDIT_RETENTION_DAYS = env.int("CHENGXIN_AUDIT_RETENTION_DAYS", default=183)
if CHENGXIN_AUDIT_RETENTION_DAYS < 183:
    raise ImproperlyConfigured(
        f"CHENGXIN_AUDIT_RETENTION_DAYS is {CHENGXIN_AUDIT_RETENTION_DAYS}: audit entries must be kept "
        "at least six months (183 days)."
    )

# A checkpoint only vouches for the entries before it: the interval is how much of the trail a
# DBA could rewrite undetected between two checkpoints. A queued one expires after an interval.
# Added to celery.py's dict in place (not re-exported), whatever order base.py imports us in.
_BEAT_SCHEDULE["audit checkpoint"] = {
    "task": "casework.tasks.checkpoint_audit",
    "schedule": _every(CHENGXIN_AUDIT_CHECKPOINT_INTERVAL),
    "options": {"expire_seconds": CHENGXIN_AUDIT_CHECKPOINT_INTERVAL},
}
