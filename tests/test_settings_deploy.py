"""config.settings.production, loaded in a fresh process as a deployment would load it."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Variables that would change what production means; each test sets what it needs.
OVERRIDES = {
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "CHENGXIN_PUBLIC_BASE_URL",
    "CHENGXIN_TRUSTED_PROXIES",
    "CHENGXIN_AUDIT_CHECKPOINT_KEY",
    "CHENGXIN_AUDIT_RETENTION_DAYS",
    "CHENGXIN_PII_KEY",
    "CHENGXIN_PII_HASH_KEY",
    "CACHE_URL",
    "REDIS_URL",
}
PUBLIC = "https://chengxin.example.gov.cn"


def manage(tmp_path, *args, **env):
    base = {key: value for key, value in os.environ.items() if key not in OVERRIDES}
    base.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        CHENGXIN_VAR_DIR=str(tmp_path),
        # Required in production (tests/test_sec_anchor.py); a test that means its absence passes "".
        CHENGXIN_AUDIT_CHECKPOINT_KEY=secrets.token_urlsafe(32),
        # The ID numbers' keys (tests/test_sec_pipl.py), required in production too.
        CHENGXIN_PII_KEY=secrets.token_urlsafe(32),
        CHENGXIN_PII_HASH_KEY=secrets.token_urlsafe(32),
        # Required in production (tests/test_sec_ops2_prod.py): the cache the web workers share.
        CACHE_URL="redis://127.0.0.1:6379/0",
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_is_clean(tmp_path):
    run = manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(48),
        CHENGXIN_PUBLIC_BASE_URL=PUBLIC,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "System check identified no issues" in run.stdout, run.stdout + run.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    missing = manage(tmp_path, "check")
    assert missing.returncode != 0
    assert "SECRET_KEY must be set" in missing.stderr

    too_short = manage(tmp_path, "check", SECRET_KEY="short-and-guessable", CHENGXIN_PUBLIC_BASE_URL=PUBLIC)
    assert too_short.returncode != 0
    assert "SECRET_KEY must be set" in too_short.stderr


def test_debug_is_off_in_production_even_when_asked_for(tmp_path):
    code = "from django.conf import settings; print(settings.DEBUG, settings.SESSION_COOKIE_SECURE)"
    run = manage(
        tmp_path,
        "shell",
        "--no-imports",
        "-c",
        code,
        SECRET_KEY=secrets.token_urlsafe(48),
        DEBUG="True",
        CHENGXIN_PUBLIC_BASE_URL=PUBLIC,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["False", "True"]


def test_production_refuses_to_start_without_a_public_https_address(tmp_path):
    """Every issued notice prints the verification address for good: production must know the
    real one, and it must be https."""
    key = secrets.token_urlsafe(48)
    for value in (None, "", "http://chengxin.example.gov.cn", "https://", "chengxin.example.gov.cn"):
        extra = {} if value is None else {"CHENGXIN_PUBLIC_BASE_URL": value}
        run = manage(tmp_path, "check", SECRET_KEY=key, **extra)
        assert run.returncode != 0, value
        assert "ImproperlyConfigured" in run.stderr and "CHENGXIN_PUBLIC_BASE_URL must be set" in run.stderr


def test_production_prints_the_public_address_it_was_given(tmp_path):
    code = "from notices.render import verify_url; print(verify_url('ABCDEFGHJK'))"
    run = manage(
        tmp_path,
        "shell",
        "--no-imports",
        "-c",
        code,
        SECRET_KEY=secrets.token_urlsafe(48),
        CHENGXIN_PUBLIC_BASE_URL=f"{PUBLIC}/",
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"{PUBLIC}/verify/ABCDEFGHJK"


def test_production_reads_its_trusted_proxies_and_refuses_a_wrong_one(tmp_path):
    """The audit trail believes X-Forwarded-For from these addresses only: a typo must not
    start a site that silently records the proxy for everyone."""
    code = "from django.conf import settings; print(settings.CHENGXIN['TRUSTED_PROXIES'])"
    key = secrets.token_urlsafe(48)
    run = manage(
        tmp_path, "shell", "--no-imports", "-c", code, SECRET_KEY=key, CHENGXIN_PUBLIC_BASE_URL=PUBLIC
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
    proxies = "10.0.0.2,10.0.1.0/24"
    run = manage(
        tmp_path,
        "shell",
        "--no-imports",
        "-c",
        code,
        SECRET_KEY=key,
        CHENGXIN_PUBLIC_BASE_URL=PUBLIC,
        CHENGXIN_TRUSTED_PROXIES=proxies,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "['10.0.0.2', '10.0.1.0/24']"
    run = manage(
        tmp_path,
        "check",
        SECRET_KEY=key,
        CHENGXIN_PUBLIC_BASE_URL=PUBLIC,
        CHENGXIN_TRUSTED_PROXIES="10.0.0.2,proxy.internal",
    )
    assert run.returncode != 0
    assert "ImproperlyConfigured" in run.stderr and "'proxy.internal' is not an IP address" in run.stderr
