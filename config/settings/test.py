"""Tests: the dev settings with fast hashing and in-process Celery unless a real broker is asked for."""

from .dev import *
from .dev import env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
