"""Tests: the dev settings with fast hashing and in-process Celery unless a real broker is asked for."""

from .dev import *
from .dev import env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)

# Uploads written by tests go to a throw-away folder, never into the work tree's var/.
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

CHENGXIN_UPLOAD_ROOT = Path(tempfile.mkdtemp(prefix="chengxin-test-uploads-"))
