"""Tests: the dev settings with fast hashing and in-process Celery unless a real broker is asked for."""

from .dev import *
from .dev import env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)

# Uploads written by tests go to a throw-away folder, never into the work tree's var/.
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

CHENGXIN_UPLOAD_ROOT = Path(tempfile.mkdtemp(prefix="chengxin-test-uploads-"))
# The audit checkpoints written by `migrate` when the test database is created (each test gets
# a file of its own: tests/conftest.py).
CHENGXIN_AUDIT_CHECKPOINT_FILE = Path(tempfile.mkdtemp(prefix="chengxin-test-audit-")) / "checkpoints.jsonl"

# Django's flush (after every transactional test) TRUNCATEs every table; the audit trail's
# trigger lets only a superuser session that asks for it do that (casework migration 0009).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c chengxin.allow_audit_truncate=on".strip()

# A test-only object kind (tests/testapp), declared once, that the portal, the flows' lookups,
# the timeline and the attachment policy must pick up with no edit elsewhere.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]

# The outbox: the province's events go to a throw-away folder (tests that need another
# transport override CHENGXIN["EXCHANGE"]); the staging database (前置库) is a SQLite file
# unless STAGING_DATABASE_URL names one, in the PostgreSQL run too.
CHENGXIN["EXCHANGE"]["CHANNELS"] = {
    "province": {"transport": "file", "folder": tempfile.mkdtemp(prefix="chengxin-test-province-")}
}
if "staging" not in DATABASES:
    DATABASES["staging"] = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(Path(tempfile.mkdtemp(prefix="chengxin-test-staging-")) / "staging.sqlite3"),
    }

# The test client's login() passes no request, which axes refuses: tests/signin_backend.py.
AUTHENTICATION_BACKENDS = ["tests.signin_backend.LockoutUnlessRequestless", *AUTHENTICATION_BACKENDS[1:]]

# The suite asks the public pages for hundreds of pages from one address within a minute:
# the rate limit is tested by tests/test_sec_headers.py with a limit of its own.
CHENGXIN_RATE_LIMIT = {**CHENGXIN_RATE_LIMIT, "REQUESTS": 1_000_000}

# Django's test runner turns DEBUG off, and the suite signs in as the demo accounts and seeds
# the demo: allowed here (tests/test_sec_sessions.py checks the refusal with this unset).
CHENGXIN_DEMO_ACCOUNTS = True
