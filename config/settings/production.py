"""Production: SECRET_KEY and CHENGXIN_PUBLIC_BASE_URL are required; HTTPS and secure cookies are on."""

import ipaddress
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *
from .base import CHENGXIN, CHENGXIN_AUDIT_CHECKPOINT_KEY, SECRET_KEY, env

if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set (at least 50 characters) in production.")

# The audit checkpoints' key (casework.checkpoints): its own secret, not derived from SECRET_KEY,
# so that rotating SECRET_KEY keeps every checkpoint verifiable and the key can be held by fewer.
if len(CHENGXIN_AUDIT_CHECKPOINT_KEY) < 32 or CHENGXIN_AUDIT_CHECKPOINT_KEY == SECRET_KEY:
    raise ImproperlyConfigured(
        "CHENGXIN_AUDIT_CHECKPOINT_KEY must be set in production (at least 32 characters, not SECRET_KEY): "
        "it signs the audit checkpoints, and the database must never hold it."
    )

# Printed on every issued notice (QR code and address), and an issued notice never changes:
# the development default would send every reader of the paper to 127.0.0.1 for good.
CHENGXIN_PUBLIC_BASE_URL = env.str("CHENGXIN_PUBLIC_BASE_URL", default="").strip().rstrip("/")
_public = urlsplit(CHENGXIN_PUBLIC_BASE_URL)
if _public.scheme != "https" or not _public.hostname or _public.query or _public.fragment:
    raise ImproperlyConfigured(
        "CHENGXIN_PUBLIC_BASE_URL must be set in production to the site's public https:// address "
        "(e.g. https://chengxin.example.gov.cn): it is printed on every issued notice for verification."
    )

# The reverse proxy in front of the site, whose X-Forwarded-For the audit trail believes
# (comma-separated addresses or networks, e.g. "10.0.0.2,10.0.1.0/24"); empty: nobody's.
CHENGXIN["TRUSTED_PROXIES"] = env.list("CHENGXIN_TRUSTED_PROXIES", default=[])
for _proxy in CHENGXIN["TRUSTED_PROXIES"]:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"CHENGXIN_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network (e.g. 10.0.0.2 or 10.0.1.0/24)."
        ) from None

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# The load balancer asks the instance itself over plain HTTP (docs/operations.md).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Personal information (config/settings/pii.py, casework.pii): the ID numbers' encryption key and
# the lookup hash's key, each its own secret that the database never holds.
from .base import (  # noqa: E402
    CHENGXIN_PII_HASH_KEY,
    CHENGXIN_PII_KEY,
    CHENGXIN_PII_OLD_KEYS,
    DEV_PII_HASH_KEY,
    DEV_PII_KEY,
)

for _name, _key in (("CHENGXIN_PII_KEY", CHENGXIN_PII_KEY), ("CHENGXIN_PII_HASH_KEY", CHENGXIN_PII_HASH_KEY)):
    if len(_key) < 32 or _key in (SECRET_KEY, CHENGXIN_AUDIT_CHECKPOINT_KEY, DEV_PII_KEY, DEV_PII_HASH_KEY):
        raise ImproperlyConfigured(
            f"{_name} must be set in production (at least 32 characters, not SECRET_KEY, not the audit "
            "checkpoint key, not the development key): it protects the ID numbers, and the database must "
            "never hold it."
        )
if CHENGXIN_PII_KEY == CHENGXIN_PII_HASH_KEY or CHENGXIN_PII_KEY in CHENGXIN_PII_OLD_KEYS.values():
    raise ImproperlyConfigured(
        "CHENGXIN_PII_KEY must differ from CHENGXIN_PII_HASH_KEY and from every retired key in CHENGXIN_PII_OLD_KEYS."
    )
# The cache every process shares (Redis, Django's own backend): the public pages' rate limit
# (portal.middleware.PublicRateLimit) counts per client across all gunicorn workers, not once
# per worker. The sign-in lockout's counters are in the database (axes' database handler) and
# shared already. CACHE_URL (or REDIS_URL), e.g. redis://127.0.0.1:6379/2: a Redis database of
# its own, not the broker's (a cache may be flushed; a queue must not be).
_cache_url = env.str("CACHE_URL", default="") or env.str("REDIS_URL", default="")
if not _cache_url.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        "CACHE_URL must be set in production to a Redis URL (e.g. redis://127.0.0.1:6379/2): the rate limit "
        "of the public pages is counted in it by every web worker."
    )
if _cache_url == env.str("CELERY_BROKER_URL", default=""):
    raise ImproperlyConfigured("CACHE_URL must name another Redis database than CELERY_BROKER_URL.")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _cache_url,
        "KEY_PREFIX": "chengxin",
        "TIMEOUT": 300,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

# The second factor for the commission's staff and every administrator (config/settings/mfa.py),
# and no demo account or seed_* command, whatever the environment says.
CHENGXIN["SECOND_FACTOR"]["REQUIRED"] = True
CHENGXIN_DEMO_ACCOUNTS = False
